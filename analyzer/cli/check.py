"""`dkim-analyzer check`: each message, every DKIM signature verified against DNS and explained."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from analyzer.cli import options
from analyzer.cli.output import EXIT_INTERNAL, say_error, write_stdout
from analyzer.errors import InputError, NotAMessageError, UsageError
from analyzer.render.escape import source_text

if TYPE_CHECKING:
    from analyzer.dns import Resolver
    from analyzer.model import Clock, Failure, Report
    from analyzer.sources import RawMessage

FORMATS = ("text", "json")
SUMMARY = "Verify and explain each DKIM signature of messages (.eml, mbox)."
EXIT_CODES = """\
  0    every message has a passing signature aligned with its From domain
  1    some message has none
  75   none failed outright, but a temporary DNS error stands in the way
  65   an input is not an email message, or is over the size limit
  66   an input cannot be read (missing, a directory, no permission)
  2    usage error;  70 a bug in this tool;  74 the report cannot be written
  130  interrupted;  141 the reader of the output went away"""


app = options.app()


@options.register(
    app,
    "check",
    usage="[OPTIONS] [PATH ...]",
    description=SUMMARY + "\n\nPATH is an .eml file, an mbox (each message reported) or '-' "
    "for standard\ninput, which is read when no PATH is given and input is piped.",
    examples=[
        "dkim-analyzer check message.eml",
        "dkim-analyzer check --format json a.eml b.eml",
        "pbpaste | dkim-analyzer check --headers-only",
        "dkim-analyzer check --zone fixtures/plain/zone fixtures/plain/message.eml",
    ],
    exit_codes=EXIT_CODES,
)
def check(
    paths: Annotated[list[str] | None, typer.Argument(metavar="PATH", hidden=True)] = None,
    fmt: Annotated[str, options.format_option(FORMATS, "text (the default): a report to "
                   "read; json: one document for all inputs (schema in the docs).")] = "text",
    verbose: Annotated[bool, options.option("-v", "--verbose", group="Output",
                       help="Also show the evidence: every DNS answer and the header fields "
                       "each signature signed, as hashed.")] = False,
    color: Annotated[bool | None, options.option("--color/--no-color", group="Output",
                     help="Colour the text report. Default: only when stdout is a terminal.")] = None,
    lang: options.Lang = None,
    headers_only: options.HeadersOnly = False,
    now: options.Now = None,
    nameserver: options.Nameservers = None,
    timeout: options.Timeout = 5.0,
    zone: options.Zones = None,
) -> int:  # fmt: skip
    from analyzer.model import Failure
    from analyzer.sources import STDIN, read_input

    when = options.parse_now(now)
    language = options.output_lang(lang, fmt)
    inputs: list[str] = list(paths or ())
    if not inputs:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("give a PATH, or pipe a message into `dkim-analyzer check -`")
        inputs = [STDIN]
    if inputs.count(STDIN) > 1:
        raise UsageError("stdin ('-') can be read only once")
    items: list[Report | Failure] = []
    with options.resolver(nameserver, timeout, zone)() as resolver:
        for path in inputs:
            try:
                for message in read_input(path):
                    items.append(_check_one(message, resolver, now=when, headers_only=headers_only))
            except (InputError, NotAMessageError) as e:
                source = "<stdin>" if path == STDIN else path
                say_error(f"{source_text(source)}: {e}")
                items.append(Failure(source, str(e), e.exit_code))
    _render(items, fmt, lang=language, color=color, verbose=verbose)
    return exit_status(items)


def _render(
    items: list[Report | Failure], fmt: str, *, lang: str, color: bool | None, verbose: bool
) -> None:
    """JSON: every entry, failures included (they are data). Text: the reports only; each
    failure was said once, on stderr, as it happened."""
    from analyzer.model import Report

    if fmt == "json":
        from analyzer.render import json as json_render

        write_stdout(json_render.render(items, lang=lang) + "\n")
        return
    from analyzer import trace
    from analyzer.render import text as text_render

    reports = [i for i in items if isinstance(i, Report)]
    if not reports:
        return
    output = text_render.render(
        reports,
        color=sys.stdout.isatty() if color is None else color,
        verbose=verbose,
        lang=lang,
        width=options.terminal_width(),
        routes=trace.routes(reports),
    )
    write_stdout(output)


def _check_one(
    message: RawMessage, resolver: Resolver, *, now: int | Clock, headers_only: bool
) -> Report | Failure:
    """One message: its report, or a Failure with its one error line (collect, don't abort)."""
    from analyzer.model import Failure
    from analyzer.pipeline import analyze

    if message.error is not None:
        say_error(f"{source_text(message.source)}: {message.error}")
        return Failure(message.source, message.error, message.exit_code)
    try:
        return analyze(
            message.raw,
            resolver,
            now=now,
            source=message.source,
            headers_only=headers_only,
        )
    except NotAMessageError as e:
        say_error(f"{source_text(message.source)}: {e}")
        return Failure(message.source, str(e), e.exit_code)
    except Exception as e:  # a bug on one message: the other inputs are still reported
        if os.environ.get("DKIM_ANALYZER_DEBUG"):
            raise
        error = f"internal error: {type(e).__name__}: {e}"[:300]
        say_error(
            f"{source_text(message.source)}: {error} (set DKIM_ANALYZER_DEBUG=1 for the traceback)"
        )
        return Failure(message.source, error, EXIT_INTERNAL)


def exit_status(items: list[Report | Failure]) -> int:
    """The worst of the entries' codes and the messages' outcomes (model.ExitCode.worst)."""
    from analyzer.model import ExitCode, Failure

    return int(ExitCode.worst(i.exit_code if isinstance(i, Failure) else i.outcome for i in items))
