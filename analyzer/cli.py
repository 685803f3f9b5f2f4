"""The command line: parse options, read input, build the resolver, call analyze(), render.

No verdicts are decided here. Bad input ends in one line on stderr and a
documented exit code (README, "Exit codes"), never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from analyzer import __version__, doctor, explain
from analyzer import byodkim as byodkim_check
from analyzer.dns import Resolver, open_resolver, parse_nameserver
from analyzer.doctor import Authority
from analyzer.errors import AnalyzerError, InputError, NotAMessageError, UsageError
from analyzer.message import MAX_MESSAGE_BYTES, too_large
from analyzer.model import Clock, ClockSource, Failure, Hop, Report
from analyzer.pipeline import Outcome, analyze, outcome
from analyzer.render import Format
from analyzer.render import byodkim as byodkim_render
from analyzer.render import doctor as doctor_render
from analyzer.render import json as json_render
from analyzer.render import summary as summary_render
from analyzer.render import text as text_render
from analyzer.render.escape import safe, source_text
from analyzer.scan import (
    EXIT_IOERR,
    ScanFormat,
    ScanResult,
    Settings,
    default_jobs,
    run_scan,
)
from analyzer.sources import RawMessage, open_paths, read_mbox
from analyzer.trace import route

EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in this tool
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a pipeline cut short

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
    typer.Option("--timeout", metavar="SECONDS", help="Wait this long for each DNS server."),
]
TIMEOUT_RANGE = (0.1, 60.0)  # seconds; README, "--timeout"
NowOpt = Annotated[
    str | None,
    typer.Option(
        "--now",
        metavar="WHEN",
        help="Judge t= and x= as of: delivery (default: each message's trusted delivery "
        "time, else now), now, a Unix time, an ISO 8601 date (a day = its end) or an "
        "RFC 5322 date.",
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


MAX_NOW = 253402300799  # 9999-12-31T23:59:59Z: later times are not dates a signer writes


def parse_now(value: str | None, *, system: Callable[[], float] = time.time) -> Clock:
    """--now: `delivery` (the default: each message as of the time its trusted receiver
    accepted it, else this machine's clock), `now` (this machine's clock), a Unix time, an
    ISO 8601 date/time (UTC when no zone is given; a date alone means the end of that day,
    23:59:59 UTC, so mail signed that day is not "made in the future"), or an RFC 5322 date.
    Times before 1970 or after 9999 are refused (UsageError: exit 2)."""
    at = int(system())
    if value is None or value.strip().lower() == "delivery":
        return Clock(at, delivery=True, source=ClockSource.SYSTEM)
    text = value.strip()
    if text.lower() == "now":
        return Clock(at, source=ClockSource.SYSTEM)
    when: int | None = None
    if re.fullmatch(r"[+-]?\d+", text):
        when = int(text) if len(text) <= 20 else -1
    else:
        when = _parse_date(text)
        if when is None:
            raise UsageError(
                f"--now {value!r}: expected delivery, now, a Unix time, an ISO 8601 date "
                "or an RFC 5322 date"
            )
    if not 0 <= when <= MAX_NOW:
        raise UsageError(f"--now {value!r}: outside 1970-01-01 .. 9999-12-31 (UTC)")
    return Clock(when)


def _parse_date(text: str) -> int | None:
    """An ISO 8601 date or date/time, or an RFC 5322 date, as Unix time (None: neither)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # a day: its last second (UTC)
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return int(day.timestamp()) + 86399
        when = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return int(when.timestamp())
    except (OverflowError, OSError, ValueError):
        return -1


def parse_timeout(value: float) -> float:
    """--timeout: finite, within TIMEOUT_RANGE (inf or 1e308 would overflow the socket)."""
    low, high = TIMEOUT_RANGE
    if not math.isfinite(value) or not low <= value <= high:
        raise UsageError(f"--timeout {value:g}: expected {low:g} to {high:g} seconds")
    return value


def parse_lang(value: str | None) -> str:
    """--lang, else the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    if value is None:
        return explain.lang_from_environ()
    lang = explain.normalize_lang(value)
    if lang is None:
        choices = ", ".join(explain.LANGUAGES)
        raise UsageError(f"--lang {value!r}: expected one of {choices}")
    return lang


def read_input(path: str) -> Iterator[RawMessage]:
    """The message(s) of PATH, or of stdin for "-". Raises InputError / NotAMessageError.

    Every read is capped by the bytes read (MAX_MESSAGE_BYTES), not by st_size: /dev/zero,
    a pipe or <(yes) is refused at the limit, never held whole. An mbox with several
    messages yields each (source PATH#K, through the reader scan uses); an mbox of one
    message (a Thunderbird export) is that message, source PATH, as a plain file is.
    """
    source = "<stdin>" if path == "-" else path
    data = sys.stdin.buffer.read(MAX_MESSAGE_BYTES + 1) if path == "-" else _read_file(path)
    if len(data) > MAX_MESSAGE_BYTES:
        raise NotAMessageError(f"{source}: {too_large()}")
    if not data.strip():
        raise NotAMessageError(f"{source}: empty input")
    if data.startswith(b"From "):
        entries = read_mbox(io.BytesIO(data), source)
        first = next(entries, None)
        second = next(entries, None)
        if first is not None and second is not None:
            yield first
            yield second
            yield from entries
            return
    yield RawMessage(source, data)


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if stat.S_ISREG(st.st_mode) and st.st_size > MAX_MESSAGE_BYTES:
                raise NotAMessageError(f"{path}: {too_large(st.st_size)}")  # refused unread
            return f.read(MAX_MESSAGE_BYTES + 1)
    except IsADirectoryError as e:
        raise InputError(f"{path}: is a directory (use `dkim-analyzer scan` for folders)") from e
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e


def _say_error(message: str) -> None:
    """One line on stderr; every character that could act on a terminal shown escaped."""
    typer.echo(f"dkim-analyzer: error: {safe(message)}", err=True)


def _fail(error: AnalyzerError) -> NoReturn:
    _say_error(str(error))
    raise typer.Exit(error.exit_code)


def _check_one(
    message: RawMessage, resolver: Resolver, *, now: int | Clock, headers_only: bool, lang: str
) -> Report | Failure:
    """One message: its report, or a Failure with its one error line (collect, don't abort)."""
    if message.error is not None:
        _say_error(f"{source_text(message.source)}: {message.error}")
        return Failure(message.source, message.error, message.exit_code)
    try:
        return analyze(
            message.raw,
            resolver,
            now=now,
            source=message.source,
            headers_only=headers_only,
            lang=lang,
        )
    except NotAMessageError as e:
        _say_error(f"{source_text(message.source)}: {e}")
        return Failure(message.source, str(e), e.exit_code)
    except Exception as e:  # a bug on one message: the other inputs are still reported
        if os.environ.get("DKIM_ANALYZER_DEBUG"):
            raise
        error = f"internal error: {type(e).__name__}: {e}"[:300]
        _say_error(
            f"{source_text(message.source)}: {error} (set DKIM_ANALYZER_DEBUG=1 for the traceback)"
        )
        return Failure(message.source, error, EXIT_INTERNAL)


def _write_stdout(text: str, *, color: bool | None = None) -> None:
    """Write and flush stdout. A closed pipe is 141; any other write failure (ENOSPC, EIO)
    is one line and 74, never a half-written document that looks complete."""
    try:
        typer.echo(text, nl=False, color=color)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as a shell pipeline expects.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except OSError as e:
        # Nothing more can reach that file; the interpreter's own final flush must not fail.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _say_error(f"cannot write the output: {e.strerror or e}")
        raise typer.Exit(EXIT_IOERR) from None


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
    now: NowOpt = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show all DNS evidence.")
    ] = False,
    color: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Colour (default: when stdout is a terminal)."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            help="Language of the explanations: en or zh-TW (default: from the locale).",
        ),
    ] = None,
) -> None:
    """Analyze each message: every DKIM signature verified against DNS and explained."""
    try:
        timeout = parse_timeout(timeout)
        when = parse_now(now)
        language = parse_lang(lang)
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
                    for message in read_input(path):
                        items.append(
                            _check_one(
                                message,
                                resolver,
                                now=when,
                                headers_only=headers_only,
                                lang=language,
                            )
                        )
                except (InputError, NotAMessageError) as e:
                    source = "<stdin>" if path == "-" else path
                    error = str(e).removeprefix(f"{source}: ")  # the source is said apart
                    _say_error(f"{source_text(source)}: {error}")
                    items.append(Failure(source, error, e.exit_code))
    except UsageError as e:
        _fail(e)
    use_color = sys.stdout.isatty() if color is None else color
    if fmt is Format.JSON:
        _write_stdout(json_render.render(items) + "\n")
    else:
        # The route is for people only: parsed here, for the text report (it costs a few ms).
        routes: list[tuple[Hop, ...]] = [
            route(i.message) if isinstance(i, Report) else () for i in items
        ]
        output = text_render.render(
            items, color=use_color, verbose=verbose, lang=language, routes=routes
        )
        _write_stdout(output, color=use_color)  # click strips ANSI off a tty otherwise
    raise typer.Exit(exit_status(items))


@app.command()
def scan(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="mbox files, maildirs, folders of .eml (recursive), .eml files; '-' = an mbox on stdin.",
        ),
    ],
    fmt: Annotated[
        ScanFormat, typer.Option("--format", help="text: a summary; jsonl; csv.")
    ] = ScanFormat.TEXT,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write there instead of stdout."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Worker processes (default: cores; at most 4 per core).",
        ),
    ] = None,
    headers_only: Annotated[
        bool, typer.Option("--headers-only", help="Treat every message as headers only.")
    ] = False,
    nameserver: NameserverOpt = None,
    timeout: TimeoutOpt = 5.0,
    zone: ZoneOpt = None,
    now: NowOpt = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="ADDRESS",
            help="Run on a Dask scheduler (tcp://HOST:PORT), or local[:N] worker processes.",
        ),
    ] = None,
    output_dir: Annotated[
        str | None,
        typer.Option(
            "--output-dir",
            metavar="DIR",
            help="With --cluster: one file per partition there, named in input order.",
        ),
    ] = None,
    save_dns: Annotated[
        str | None,
        typer.Option(
            "--save-dns",
            metavar="FILE",
            help="With --cluster: write the run's DNS answers as a zone file (for --zone).",
        ),
    ] = None,
) -> None:
    """Scan mailboxes: every message analyzed, in input order, with a summary (README)."""
    try:
        timeout = parse_timeout(timeout)
        if paths.count("-") > 1:
            raise UsageError("stdin ('-') can be read only once")
        settings = Settings(parse_now(now), fmt, headers_only=headers_only)
        from analyzer.cluster import is_url, prepare  # --cluster, --output-dir, --save-dns

        on_cluster = prepare(cluster, output_dir, save_dns, paths, fmt)
        out = _open_output(output, paths)
    except UsageError as e:
        _fail(e)
    local = [p for p in paths if on_cluster is None or not is_url(p)]  # URLs: fsspec's to read
    for path, error in ((u.path, u.error) for u in open_paths(local)[0]):
        _say_error(f"{source_text(path)}: {error}")  # escaped, as every error line
    try:
        with out:
            if on_cluster is not None:
                summary = on_cluster(
                    paths,
                    settings,
                    open_dns=lambda: open_resolver(nameserver or [], timeout, zone or []),
                    write=out.write,
                )
            else:
                summary = run_scan(
                    paths,
                    settings,
                    jobs=jobs or default_jobs(),
                    open_dns=lambda: open_resolver(nameserver or [], timeout, zone or []),
                    write=out.write,
                    progress=lambda: _progress(paths),
                )
            if fmt is ScanFormat.TEXT or output_dir is not None:
                out.write(summary_render.render(summary))
    except AnalyzerError as e:  # a usage error; --cluster: a scheduler out of reach (69)
        _fail(e)
    except OutputError as e:
        # A full disk, a file-size limit, an I/O error: the lines written are whole.
        _say_error(str(e))
        raise typer.Exit(EXIT_IOERR) from None
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as a shell pipeline expects.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    if summary.interrupted:
        if fmt is not ScanFormat.TEXT:  # stdout holds data: the summary goes to stderr
            typer.echo(summary_render.render(summary), err=True, nl=False)
        typer.echo("dkim-analyzer: interrupted", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    raise typer.Exit(summary.exit_code())


class OutputError(Exception):
    """scan's output cannot be written (ENOSPC, EFBIG, EIO...): exit 74 (EX_IOERR)."""


class _Output:
    """scan's output: each line (or row) is one write of complete bytes, made at once.

    When a write fails, a regular file is cut back to the end of the last complete line,
    so that what is left is valid JSONL / CSV; the failure is an OutputError."""

    def __init__(self, fd: int | None, label: str, *, close: bool) -> None:
        self.fd = fd  # None: the in-process test runner's stdout, which has no descriptor
        self.label = label
        self.close_fd = close
        self.written: int | None = None  # offset after the last complete line (files only)
        if fd is not None and stat.S_ISREG(os.fstat(fd).st_mode):
            self.written = os.lseek(fd, 0, os.SEEK_CUR)

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        if self.fd is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view) :]
        except BrokenPipeError:
            raise
        except OSError as e:
            if self.written is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(self.fd, self.written)  # no half line left behind
            raise OutputError(f"{self.label}: cannot write: {e.strerror or e}") from e
        if self.written is not None:
            self.written += len(data)

    def __enter__(self) -> _Output:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.close_fd and self.fd is not None:
            os.close(self.fd)


def _same_file(st: os.stat_result, inputs: list[str]) -> str | None:
    """The input that is the same file as `st` (device and inode: a hard link, a symbolic
    link, standard input), if any."""
    for given in inputs:
        try:
            if given == "-":
                other = os.fstat(sys.stdin.fileno())
                given = "standard input"
            else:
                other = os.stat(given)
        except (OSError, ValueError, io.UnsupportedOperation):
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            return given
    return None


def _open_output(path: Path | None, inputs: list[str]) -> _Output:
    """--output FILE, refusing any file that is, or may be, one of the inputs: inputs are
    never written. The check is made on the open descriptor, before anything is truncated:
    a path among or under the inputs, the same device and inode as an input or as
    standard input, or a file with other hard links when a folder is scanned."""
    if path is None:
        try:
            fd = sys.stdout.fileno()
        except (ValueError, io.UnsupportedOperation):
            return _Output(None, "standard output", close=False)
        sys.stdout.flush()
        if (clash := _same_file(os.fstat(fd), inputs)) is not None:
            raise UsageError(f"standard output is the input {clash}: inputs are never written")
        return _Output(fd, "standard output", close=False)
    target = path.resolve()
    for given in inputs:
        source = Path(given).resolve()
        if given != "-" and (target == source or source in target.parents):
            raise UsageError(f"--output {path}: is one of the inputs, or inside one")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)  # no O_TRUNC yet
    except OSError as e:
        raise UsageError(f"--output {path}: cannot write: {e.strerror or e}") from e
    st = os.fstat(fd)
    problem = None
    if (clash := _same_file(st, inputs)) is not None:
        problem = f"is the same file as the input {clash}"
    elif stat.S_ISREG(st.st_mode) and st.st_nlink > 1 and any(_is_folder(i) for i in inputs):
        problem = "has other hard links, and may be a file of a folder to scan"
    if problem is not None:
        os.close(fd)
        raise UsageError(f"--output {path}: {problem}: inputs are never written")
    if stat.S_ISREG(st.st_mode):
        os.ftruncate(fd, 0)
    return _Output(fd, f"--output {path}", close=True)


def _is_folder(path: str) -> bool:
    with contextlib.suppress(OSError):
        return path != "-" and stat.S_ISDIR(os.stat(path).st_mode)
    return False


@contextlib.contextmanager
def _progress(paths: list[str]) -> Iterator[Callable[[ScanResult], None] | None]:
    """A progress bar on stderr (messages, messages/s, ETA by bytes) when it is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    total = open_paths(paths)[1] if "-" not in paths else None
    columns = (
        TextColumn("{task.fields[messages]:,} messages"),
        TextColumn("{task.fields[rate]:,.0f}/s"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("scan", total=total or None, messages=0, rate=0.0)
        started = time.monotonic()
        count = 0

        def advance(result: ScanResult) -> None:
            nonlocal count
            count += 1
            rate = count / max(time.monotonic() - started, 1e-6)
            bar.update(task, advance=result.size, messages=count, rate=rate)

        yield advance


def exit_status(items: list[Report | Failure]) -> int:
    """Entries that failed first, the highest code winning (70 a bug > 66 unreadable > 65
    not a message), then the worst message: fail (1) > temporary (75) > pass (0)."""
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
        _say_error(str(e))
        sys.exit(e.exit_code)
    except Exception as e:  # a bug: say so on one line unless asked for the traceback
        if os.environ.get("DKIM_ANALYZER_DEBUG"):
            raise
        # The exception's text can hold bytes of the input (escape sequences): escaped.
        line = safe(f"internal error: {type(e).__name__}: {e}")[:1000]
        typer.echo(f"dkim-analyzer: {line} (set DKIM_ANALYZER_DEBUG=1 for the traceback)",
                   err=True)  # fmt: skip
        sys.exit(EXIT_INTERNAL)


# --- set-up checks without a message: `dns` and `byodkim` (issue 6) ---------------------------

FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
_HOSTNAME = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?:\.(?!-)[a-z0-9_-]{1,63})*")


def _domain(value: str, option: str = "DOMAIN") -> str:
    """A domain name (or selector) as DNS spells it: IDN labels become A-labels (RFC 5890)."""
    name = value.strip().lower().rstrip(".")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        name = ""
    if len(name) > 253 or not _HOSTNAME.fullmatch(name):
        raise UsageError(f"{option} {value!r}: not a domain name")
    return name


@app.command("dns")
def dns_command(
    domain: Annotated[str, typer.Argument(metavar="DOMAIN", help="The domain to check.")],
    selector: Annotated[
        list[str] | None,
        typer.Option("--selector", metavar="S", help="Check S._domainkey.DOMAIN (repeatable)."),
    ] = None,
    ses_token: Annotated[
        list[str] | None,
        typer.Option(
            "--ses-token",
            metavar="T",
            help="An Amazon SES Easy DKIM token: check the CNAME to "
            "T.dkim.amazonses.com and its key (repeatable).",
        ),
    ] = None,
    authoritative: Annotated[
        list[str] | None,
        typer.Option(
            "--authoritative",
            metavar="HOST[:PORT]",
            help="Ask these servers as the zone's authoritative servers (repeatable); "
            "default: the domain's NS records.",
        ),
    ] = None,
    ns_port: Annotated[
        int,
        typer.Option(
            "--ns-port",
            metavar="PORT",
            min=1,
            max=65535,
            help="Port for the authoritative servers found from NS records.",
        ),
    ] = 53,
    no_propagation: Annotated[
        bool,
        typer.Option("--no-propagation", help="Do not ask the authoritative servers."),
    ] = False,
    fmt: FormatOpt = Format.TEXT,
    nameserver: NameserverOpt = None,
    timeout: TimeoutOpt = 5.0,
    zone: ZoneOpt = None,
) -> None:
    """Check a domain's DKIM DNS set-up: selectors, Easy DKIM CNAMEs, propagation, DMARC."""
    try:
        timeout = parse_timeout(timeout)
        name = _domain(domain)
        selectors = [_domain(s, "--selector") for s in selector or []]
        tokens = list(ses_token or [])
        for token in tokens:
            if not token.isalnum():
                raise UsageError(
                    f"--ses-token {token!r}: expected the token alone (letters "
                    "and digits), as the SES console lists it"
                )
        authority = None
        if authority_specs := list(authoritative or []):
            servers = tuple(parse_nameserver(s, "--authoritative") for s in authority_specs)
            authority = Authority(None, servers, given=True)
        with open_resolver(nameserver or [], timeout, zone or []) as resolver:
            report = doctor.run(
                resolver,
                name,
                selectors=selectors,
                ses_tokens=tokens,
                authority=authority,
                # --zone answers only from its files: no NS servers asked beyond them.
                propagation=not no_propagation and (not zone or authority is not None),
                ns_port=ns_port,
                timeout=timeout,
            )
    except UsageError as e:
        _fail(e)
    _show(fmt, doctor_render.render_json(report), doctor_render.render_text(report))
    raise typer.Exit(int(report.outcome))


@app.command()
def byodkim(
    private_key: Annotated[
        Path | None,
        typer.Option(
            "--private-key",
            metavar="FILE",
            help="The private key for Amazon SES BYODKIM (PEM or base64).",
        ),
    ] = None,
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key",
            metavar="FILE|STRING",
            help="A public key about to be pasted (a file, or the text itself).",
        ),
    ] = None,
    selector: Annotated[
        str | None, typer.Option("--selector", metavar="S", help="The BYODKIM selector.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", metavar="D", help="The domain to sign for.")
    ] = None,
    check_dns: Annotated[
        bool,
        typer.Option("--check-dns", help="Compare with the key DNS serves at S._domainkey.D."),
    ] = False,
    console_key: Annotated[
        bool,
        typer.Option(
            "--console-key",
            help="Also print the private key as the one-line base64 (PKCS #1) the "
            "SES console asks for. Prints secret material.",
        ),
    ] = False,
    fmt: FormatOpt = Format.TEXT,
    nameserver: NameserverOpt = None,
    timeout: TimeoutOpt = 5.0,
    zone: ZoneOpt = None,
) -> None:
    """Check a BYODKIM key and selector, and print the DNS record to publish."""
    try:
        timeout = parse_timeout(timeout)
        if (private_key is None) == (public_key is None):
            raise UsageError("give exactly one of --private-key FILE and --public-key FILE|STRING")
        if check_dns and (selector is None or domain is None):
            raise UsageError("--check-dns needs --selector and --domain")
        if console_key and private_key is None:
            raise UsageError("--console-key needs --private-key")
        dom = _domain(domain, "--domain") if domain is not None else None
        if private_key is not None:
            data = _read_key(private_key)
            report = byodkim_check.check_private_key(
                data, selector=selector, domain=dom, console=console_key
            )
        else:
            assert public_key is not None
            path = Path(public_key)
            data = _read_key(path) if path.is_file() else public_key.encode("utf-8")
            report = byodkim_check.check_public_key(data, selector=selector, domain=dom)
        if check_dns:
            with open_resolver(nameserver or [], timeout, zone or []) as resolver:
                report = byodkim_check.compare_with_dns(report, resolver)
    except (UsageError, InputError) as e:
        _fail(e)
    _show(fmt, byodkim_render.render_json(report), byodkim_render.render_text(report))
    raise typer.Exit(int(report.outcome))


def _show(fmt: Format, as_json: str, as_text: str) -> None:
    typer.echo(as_json if fmt is Format.JSON else as_text, nl=fmt is Format.JSON)


# An 8192-bit RSA private key is under 7 KB in PEM; a key file larger than this is not a
# key (and /dev/zero would otherwise be read until memory runs out).
MAX_KEY_BYTES = 64 * 1024


def _read_key(path: Path) -> bytes:
    """A key file, read up to MAX_KEY_BYTES: a larger one is refused (exit 65, README)."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_KEY_BYTES + 1)
        if len(data) > MAX_KEY_BYTES:
            raise AnalyzerError(  # exit 65 (EX_DATAERR): this is not a key
                f"{path}: larger than the {MAX_KEY_BYTES // 1024} KiB limit for a key file; "
                "not read further"
            )
        return data
    except IsADirectoryError as e:
        raise InputError(f"{path}: is a directory") from e
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e
