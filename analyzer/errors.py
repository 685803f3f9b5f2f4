"""Errors that mean "cannot analyze at all". Everything else is a result, not an exception."""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base: the CLI prints str(error) on one line and exits with `exit_code`."""

    exit_code = 65


class NotAMessageError(AnalyzerError):
    """The input is not an RFC 5322 message (EX_DATAERR)."""

    exit_code = 65


class InputError(AnalyzerError):
    """The input cannot be read (missing file, permission, a directory) (EX_NOINPUT)."""

    exit_code = 66


class UsageError(AnalyzerError):
    """Options that do not make sense together, a zone file that does not parse."""

    exit_code = 2
