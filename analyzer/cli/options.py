"""What the commands share: the typer app and command classes, the help layout, the common
options and their values.

Each command is a `typer.Typer` app of one command in its own module; this module holds
what they all use. `dkim-analyzer COMMAND -h` and a usage error cost no import of the
analysis. A bad option or value is a UsageError: one line on stderr, exit 2, never a usage
box. Option values are checked here, where the option is defined (typer's `parser=`).

What typer costs, and how it is kept down (bench/startup.py --typer measures it):
- `rich_markup_mode=None` on every app: help is laid out by `Command` below, and rich is
  never imported, not even for -h (typer imports it only for its rich help and errors).
- The commands are registered lazily (cli/__init__.py, `Commands`): `check` builds only
  check's parameters, and each click command is built once per process.
- typer 0.29 coerces every value that is not a bool flag through a pydantic TypeAdapter,
  built when the command line is parsed: pydantic is imported by any command that has a
  non-bool option (every one here). `parser=` keeps each adapter to the cheapest schema
  (Any and a function); the import itself cannot be avoided through typer's API.
  `-h` exits before any value is coerced: it does not import pydantic.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from analyzer.errors import UsageError

if TYPE_CHECKING:
    from typer._click import Context, HelpFormatter

    from analyzer.dns import CachingResolver
    from analyzer.model import Clock

PROG = "dkim-analyzer"
DOCS = "Documentation: docs/ and README.md (the option and code reference)."
HELP_WIDTH = 80
TIMEOUT_RANGE = (0.1, 60.0)  # seconds; README, "--timeout"
MAX_NOW = 253402300799  # 9999-12-31T23:59:59Z: later times are not dates a signer writes
# Every command's: -h as well as --help, help at most 80 columns wide.
CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": HELP_WIDTH}
GENERAL = "General"  # the help group of the options given none (-h)


def terminal_width() -> int:
    """The width text reports wrap to: the terminal's, or 80 when stdout is not one."""
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    return shutil.get_terminal_size((80, 24)).columns if tty else 80


def write_verbatim(formatter: HelpFormatter, text: str) -> None:
    """A paragraph of help as written: click would re-wrap it (examples, exit codes)."""
    formatter.write_paragraph()
    formatter.write(text.rstrip("\n") + "\n")


class Command(TyperCommand):
    """A command's help as this tool lays it out: the usage line given (no `[PATH]...`),
    the description and the epilog as written, the options in their groups (each
    option's `rich_help_panel`, which typer shows only in its rich help)."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return [self.options_metavar or ""]

    def format_help_text(self, ctx: Context, formatter: HelpFormatter) -> None:
        if self.help:
            write_verbatim(formatter, self.help)

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        groups: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                group = getattr(param, "rich_help_panel", None) or GENERAL
                groups.setdefault(group, []).append(record)
        for group, records in groups.items():
            with formatter.section(group):
                formatter.write_dl(records, col_max=28)

    def format_epilog(self, ctx: Context, formatter: HelpFormatter) -> None:
        if self.epilog:
            write_verbatim(formatter, self.epilog)


def app() -> typer.Typer:
    """The app of one command (its module registers the command with `register`)."""
    return typer.Typer(rich_markup_mode=None, add_completion=False, pretty_exceptions_enable=False)


def register(
    app: typer.Typer,
    name: str,
    *,
    usage: str,
    description: str,
    examples: Sequence[str],
    exit_codes: str,
) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """`@register(app, "check", ...)`: the command, its help ending in examples, exit codes
    and the docs."""
    epilog = "\n".join(
        ["examples:", *(f"  {e}" for e in examples), "", "exit codes:", exit_codes, "", DOCS]
    )
    return app.command(
        name,
        cls=Command,
        help=description,
        epilog=epilog,
        options_metavar=usage,
        context_settings=CONTEXT,
    )


def option(
    *decls: str,
    group: str,
    help: str,
    metavar: str | None = None,
    parser: Callable[[str], Any] | None = None,
) -> Any:
    """A typer option in help group `group`; its default is said in `help`, in words."""
    return typer.Option(
        *decls, help=help, metavar=metavar, parser=parser, show_default=False,
        rich_help_panel=group,
    )  # fmt: skip


# --- values ----------------------------------------------------------------------------------


def choice(option: str, choices: Sequence[str]) -> Callable[[str], str]:
    """A value among `choices`, else a UsageError naming them."""

    def parse(value: str) -> str:
        if value not in choices:
            raise UsageError(f"{option} {value!r}: expected {' or '.join(choices)}")
        return value

    return parse


def parse_timeout(value: str | float) -> float:
    """--timeout: finite, within TIMEOUT_RANGE (inf or 1e308 would overflow the socket)."""
    low, high = TIMEOUT_RANGE
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not low <= seconds <= high:
        raise UsageError(f"--timeout {value}: expected {low:g} to {high:g} seconds")
    return seconds


def integer(option: str, low: int, high: int | None = None) -> Callable[[str], int]:
    """A whole number in low..high."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if number < low or (high is not None and number > high):
            bound = f"{low} to {high}" if high is not None else f"a whole number from {low}"
            raise UsageError(f"{option} {value!r}: expected {bound}")
        return number

    return parse


def parse_now(value: str | None, *, system: Callable[[], float] = time.time) -> Clock:
    """--now: `delivery` (the default: each message as of the time its trusted receiver
    accepted it, else this machine's clock), `now` (this machine's clock), a Unix time, an
    ISO 8601 date/time (UTC when no zone is given; a date alone means the end of that day,
    23:59:59 UTC, so mail signed that day is not "made in the future"), or an RFC 5322 date.
    Times before 1970 or after 9999 are refused (UsageError: exit 2)."""
    from analyzer.model import Clock, ClockSource

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


def parse_lang(value: str) -> str:
    """--lang: a language of the catalogue (`zh_tw` is zh-TW), else a UsageError."""
    from analyzer import explain

    lang = explain.normalize_lang(value)
    if lang is None:
        choices = ", ".join(explain.LANGUAGES)
        raise UsageError(f"--lang {value!r}: expected one of {choices}")
    return lang


def domain_name(value: str, option: str) -> str:
    """A domain name or selector as DNS spells it (analyzer.message.dns_name), else exit 2."""
    from analyzer.message import dns_name

    name = dns_name(value)
    if name is None:
        raise UsageError(f"{option} {value!r}: not a domain name")
    return name


def output_lang(lang: str | None, fmt: str) -> str:
    """The language of the output: --lang, else the locale for text, else English. JSON
    (and JSONL, CSV) is the same whatever the locale: English unless --lang is given."""
    from analyzer import explain

    if lang is not None:
        return lang  # parse_lang checked it
    return explain.lang_from_environ() if fmt == "text" else "en"


# --- the options several commands share --------------------------------------------------------


def format_option(choices: Sequence[str], help: str) -> Any:
    return option("--format", group="Output", help=help, metavar="FORMAT",
                  parser=choice("--format", choices))  # fmt: skip


def lang_option(what: str = "the explanations", *, json: bool = True) -> Any:
    """--lang; `json`: the command has a JSON output, English unless --lang is given."""
    default = "from the locale (LC_ALL, LC_MESSAGES, LANG)"
    default += " for text; English for JSON" if json else ""
    return option(
        "--lang", group="Output", metavar="LANG", parser=parse_lang,
        help=f"Language of {what}: en (English) or zh-TW (Traditional Chinese). "
        f"Default: {default}.",
    )  # fmt: skip


def now_option(group: str = "Analysis") -> Any:
    return option(
        "--now", group=group, metavar="WHEN",
        help="The time t= and x= are judged by: delivery (the default: each message as of "
        "its trusted delivery time, else this machine's clock), now, a Unix time, an ISO "
        "8601 date (a day means its end) or an RFC 5322 date.",
    )  # fmt: skip


Lang = Annotated[str | None, lang_option()]
# dns and byodkim: a report of findings, as text or JSON.
TextOrJson = Annotated[str, format_option(("text", "json"), "text (the default) or json.")]
FindingsLang = Annotated[str | None, lang_option("the findings")]
Now = Annotated[str | None, now_option()]
HeadersOnly = Annotated[bool, option("--headers-only", group="Analysis",
                                     help="Treat the input as headers only, ignoring any body.")]  # fmt: skip
# --nameserver, --timeout, --zone: where DNS answers come from. Every command ends with them.
Nameservers = Annotated[list[str] | None, option(
    "--nameserver", group="DNS", metavar="HOST[:PORT]",
    help="DNS server to ask; repeat it to give several, tried in order. "
    "Default: the system resolver.",
)]  # fmt: skip
Timeout = Annotated[float, option(
    "--timeout", group="DNS", metavar="SECONDS", parser=parse_timeout,
    help="How long to wait for each DNS server: 0.1 to 60 seconds, 5 by default.",
)]  # fmt: skip
Zones = Annotated[list[Path] | None, option(
    "--zone", group="DNS", metavar="FILE", parser=Path,
    help="Answer DNS only from this zone file (master-file format); repeatable. "
    "Nothing is asked on the network.",
)]  # fmt: skip


def resolver(
    nameservers: Sequence[str] | None, timeout: float, zones: Sequence[Path] | None
) -> Callable[[], AbstractContextManager[CachingResolver]]:
    """The one resolver factory of the CLI, from --nameserver, --timeout and --zone: a
    function that opens it (scan opens one per worker process set-up)."""
    from analyzer.dns import open_resolver

    servers, files = list(nameservers or ()), list(zones or ())
    return lambda: open_resolver(servers, timeout, files)
