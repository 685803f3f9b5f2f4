"""The command line: parse options, read input, build the resolver, call analyze(), render.

No verdicts are decided here. Bad input ends in one line on stderr and a documented exit
code (README, "Exit codes"), never a traceback.

One module per command (check, scan, dns, byodkim): each has SUMMARY, `define()` (its
parser: standard library only) and `run(args) -> exit code`, which imports what the
command needs when it runs, so a command pays only for its own imports. Adding a command
is a new module and its name in COMMANDS. Shared options and values: options.py.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, Protocol, cast

from analyzer import __version__
from analyzer.cli import options
from analyzer.cli.options import parse_now as parse_now
from analyzer.cli.output import EXIT_INTERNAL, EXIT_INTERRUPTED, Exit, say, say_error
from analyzer.errors import AnalyzerError, UsageError
from analyzer.render.escape import safe

COMMANDS = ("check", "scan", "dns", "byodkim")  # a command: analyzer/cli/<name>.py


class Command(Protocol):
    """What a command module holds (analyzer/cli/check.py is one)."""

    SUMMARY: str  # one line for `dkim-analyzer -h`, at most 68 characters

    def define(self) -> options.Parser:
        """Its parser (options.command_parser, then its groups, then options.finish)."""
        ...

    def run(self, args: argparse.Namespace) -> int:
        """Run it; the exit status. Raises AnalyzerError for a one-line error."""
        ...


def command(name: str) -> Command:
    return cast(Command, importlib.import_module(f"analyzer.cli.{name}"))


def root_help() -> str:
    summaries = [f"  {name:<9} {command(name).SUMMARY}" for name in COMMANDS]
    return "\n".join(
        [
            f"usage: {options.PROG} COMMAND [OPTIONS] ...",
            "",
            "Explain why an email's DKIM signatures pass or fail, and what to do about it.",
            "",
            "commands:",
            *summaries,
            "",
            "options:",
            "  -h, --help  Show this help and exit.",
            "  --version   Show the version and exit.",
            "",
            "examples:",
            "  dkim-analyzer check message.eml",
            "  dkim-analyzer scan --format jsonl -o results.jsonl ~/Mail/Takeout.mbox",
            "  dkim-analyzer dns example.com --selector s2025",
            "  dkim-analyzer byodkim --private-key key.pem --selector s1 --domain example.com",
            "",
            f"Run `{options.PROG} COMMAND -h` for a command's options and exit codes.",
            options.DOCS,
            "",
        ]
    )


def app(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the command; its exit status. Raises AnalyzerError."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(root_help())
        return 0 if args else 2
    if args[0] == "--version":
        sys.stdout.write(f"dkim-analyzer {__version__}\n")
        return 0
    name = args[0]
    if name not in COMMANDS:
        what = "option" if name.startswith("-") else "command"
        raise UsageError(
            f"unknown {what} {name!r}: expected a command, {', '.join(COMMANDS)} "
            f"(see `{options.PROG} -h`)"
        )
    module = command(name)
    try:
        parsed = module.define().parse_intermixed_args(args[1:])
    except SystemExit as e:  # -h: the help was printed
        return int(e.code or 0)
    return module.run(parsed)


def run(argv: Sequence[str] | None = None) -> int:
    """app(), with every way out an exit status: errors and bugs as one line on stderr."""
    try:
        return app(argv)
    except Exit as e:
        return e.code
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED
    except AnalyzerError as e:
        say_error(str(e))
        return e.exit_code
    except Exception as e:  # a bug: say so on one line unless asked for the traceback
        if os.environ.get("DKIM_ANALYZER_DEBUG"):
            raise
        # The exception's text can hold bytes of the input (escape sequences): escaped.
        line = f"internal error: {type(e).__name__}: {e}"
        say(f"{safe(line)[:1000]} (set DKIM_ANALYZER_DEBUG=1 for the traceback)")
        return EXIT_INTERNAL


def main() -> NoReturn:
    """Console entry point (pyproject [project.scripts])."""
    sys.exit(run())
