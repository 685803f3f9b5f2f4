"""The command line: parse options, read input, build the resolver, call analyze(), render.

No verdicts are decided here. Bad input ends in one line on stderr and a
documented exit code (README, "Exit codes"), never a traceback.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from analyzer import __version__
from analyzer.dns import open_resolver
from analyzer.errors import AnalyzerError, InputError, NotAMessageError, UsageError
from analyzer.message import MAX_MESSAGE_BYTES, too_large
from analyzer.model import Failure, Report
from analyzer.pipeline import Outcome, analyze, outcome
from analyzer.render import Format
from analyzer.render import json as json_render
from analyzer.render import text as text_render

EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in this tool
EXIT_INTERRUPTED = 130

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Explain why an email's DKIM signatures pass or fail, and what to do about it.",
)

NameserverOpt = Annotated[
    list[str] | None,
    typer.Option("--nameserver", metavar="HOST[:PORT]",
                 help="DNS server to ask (repeatable). Default: the system resolver."),
]  # fmt: skip
TimeoutOpt = Annotated[
    float,
    typer.Option(
        "--timeout", metavar="SECONDS", min=0.1, help="Wait this long for each DNS server."
    ),
]
ZoneOpt = Annotated[
    list[Path] | None,
    typer.Option("--zone", metavar="FILE",
                 help="Answer DNS only from this zone file (repeatable; master-file format)."),
]  # fmt: skip


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dkim-analyzer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Explain why an email's DKIM signatures pass or fail, and what to do about it."""


def parse_now(value: str | None) -> int:
    """--now: a Unix time or an ISO 8601 date/time (UTC when no zone is given)."""
    if value is None:
        return int(time.time())
    if value.strip().lstrip("-").isdigit():
        return int(value)
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError as e:
        raise UsageError(f"--now {value!r}: expected a Unix time or an ISO 8601 date") from e
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


def read_input(path: str) -> tuple[str, bytes]:
    """Raw bytes of PATH, or of stdin for "-". Raises InputError / NotAMessageError."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_MESSAGE_BYTES + 1)
        source = "<stdin>"
        if len(data) > MAX_MESSAGE_BYTES:
            raise NotAMessageError(f"{source}: {too_large()}")
    else:
        try:
            size = Path(path).stat().st_size
            if size > MAX_MESSAGE_BYTES and Path(path).is_file():
                raise NotAMessageError(f"{path}: {too_large(size)}")
            data = Path(path).read_bytes()
        except IsADirectoryError as e:
            raise InputError(
                f"{path}: is a directory (use `dkim-analyzer scan` for folders)"
            ) from e
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror or e}") from e
        source = path
    if not data.strip():
        raise NotAMessageError(f"{source}: empty input")
    return source, data


def _fail(error: AnalyzerError) -> NoReturn:
    typer.echo(f"dkim-analyzer: error: {error}", err=True)
    raise typer.Exit(error.exit_code)


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...", help=".eml files; '-' (or none, with piped input) reads stdin."
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.TEXT,
    headers_only: Annotated[
        bool,
        typer.Option("--headers-only", help="Treat the input as headers only (ignore any body)."),
    ] = False,
    nameserver: NameserverOpt = None,
    timeout: TimeoutOpt = 5.0,
    zone: ZoneOpt = None,
    now: Annotated[
        str | None,
        typer.Option("--now", metavar="WHEN", help="Verify as of this Unix time or ISO 8601 date."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show all DNS evidence.")
    ] = False,
    color: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Colour (default: when stdout is a terminal)."),
    ] = None,
) -> None:
    """Analyze each message: every DKIM signature verified against DNS and explained."""
    try:
        when = parse_now(now)
        inputs = list(paths or [])
        if not inputs:
            if sys.stdin.isatty():
                raise UsageError("give a PATH, or pipe a message into `dkim-analyzer check -`")
            inputs = ["-"]
        if inputs.count("-") > 1:
            raise UsageError("stdin ('-') can be read only once")
        items: list[Report | Failure] = []
        with open_resolver(nameserver or [], timeout, zone or []) as resolver:
            for path in inputs:
                try:
                    source, raw = read_input(path)
                    items.append(
                        analyze(raw, resolver, now=when, source=source, headers_only=headers_only)
                    )
                except (InputError, NotAMessageError) as e:
                    typer.echo(f"dkim-analyzer: error: {e}", err=True)
                    items.append(Failure(path, str(e), e.exit_code))
    except UsageError as e:
        _fail(e)
    use_color = sys.stdout.isatty() if color is None else color
    if fmt is Format.JSON:
        typer.echo(json_render.render(items))
    else:
        typer.echo(text_render.render(items, color=use_color, verbose=verbose), nl=False)
    raise typer.Exit(exit_status(items))


def exit_status(items: list[Report | Failure]) -> int:
    """Input errors first, then the worst message: fail (1) > temporary (75) > pass (0)."""
    failures = [i.exit_code for i in items if isinstance(i, Failure)]
    if failures:
        return max(failures)
    results = {outcome(i) for i in items if isinstance(i, Report)}
    for worst in (Outcome.FAIL, Outcome.TEMPORARY):
        if worst in results:
            return int(worst)
    return int(Outcome.PASS)


def main() -> None:
    """Console entry point: typer, with tracebacks turned into one line."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("dkim-analyzer: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except AnalyzerError as e:
        typer.echo(f"dkim-analyzer: error: {e}", err=True)
        sys.exit(e.exit_code)
    except Exception as e:  # a bug: say so on one line unless asked for the traceback
        if os.environ.get("DKIM_ANALYZER_DEBUG"):
            raise
        typer.echo(f"dkim-analyzer: internal error: {type(e).__name__}: {e} "
                   "(set DKIM_ANALYZER_DEBUG=1 for the traceback)", err=True)  # fmt: skip
        sys.exit(EXIT_INTERNAL)
