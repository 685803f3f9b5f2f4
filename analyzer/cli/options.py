"""What the commands share: the parser, the help layout, the common options and their values.

Standard library only (argparse): `dkim-analyzer COMMAND -h` and a usage error cost no
import of the analysis. A bad option or value is a UsageError: one line on stderr, exit 2,
never a usage box. Option values are checked here, where the option is defined.
"""

from __future__ import annotations

import argparse
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
from typing import TYPE_CHECKING, Any, NoReturn

from analyzer.errors import UsageError

if TYPE_CHECKING:
    from analyzer.dns import CachingResolver
    from analyzer.model import Clock

PROG = "dkim-analyzer"
DOCS = "Documentation: docs/ and README.md (the option and code reference)."
HELP_WIDTH = 80
TIMEOUT_RANGE = (0.1, 60.0)  # seconds; README, "--timeout"
MAX_NOW = 253402300799  # 9999-12-31T23:59:59Z: later times are not dates a signer writes

# argparse's own messages, reworded to this tool's one-line style.
_ARGPARSE = (
    (re.compile(r"^unrecognized arguments: (\S+).*"), r"unknown option or extra argument \1"),
    (re.compile(r"^the following arguments are required: (.*)"), r"missing \1"),
    (re.compile(r"^argument ([^:]+): expected one argument"), r"\1 needs a value"),
    (re.compile(r"^argument ([^:]+): (.*)"), r"\1: \2"),
)


def terminal_width() -> int:
    """The width text reports wrap to: the terminal's, or 80 when stdout is not one."""
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    return shutil.get_terminal_size((80, 24)).columns if tty else 80


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """At most 80 columns; `-o, --output FILE` rather than `-o FILE, --output FILE`."""

    def __init__(self, prog: str) -> None:
        width = max(40, min(HELP_WIDTH, shutil.get_terminal_size((80, 24)).columns))
        super().__init__(prog, max_help_position=28, width=width)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        default = self._get_default_metavar_for_optional(action)
        return ", ".join(action.option_strings) + " " + self._format_args(action, default)


class Parser(argparse.ArgumentParser):
    """argparse, with every usage error a UsageError (exit 2, one line, README)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(allow_abbrev=False, add_help=False, **kwargs)

    def error(self, message: str) -> NoReturn:
        for pattern, words in _ARGPARSE:
            if pattern.match(message):
                message = pattern.sub(words, message)
                break
        raise UsageError(f"{message} (see `{self.prog} -h`)")


def command_parser(
    name: str, *, usage: str, description: str, examples: Sequence[str], exit_codes: str
) -> Parser:
    """The parser of one command, its help ending in examples, exit codes and the docs."""
    epilog = "\n".join(
        ["examples:", *(f"  {e}" for e in examples), "", "exit codes:", exit_codes, "", DOCS]
    )
    parser = Parser(
        prog=f"{PROG} {name}",
        usage=f"{PROG} {name} {usage}",
        description=description,
        epilog=epilog,
    )
    return parser


def finish(parser: Parser) -> Parser:
    """The groups every command ends with: DNS (--nameserver, --timeout, --zone), then -h."""
    add_dns(parser)
    general = parser.add_argument_group("General")
    general.add_argument("-h", "--help", action="help", help="Show this help and exit.")
    return parser


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


def parse_lang(value: str | None) -> str:
    """--lang, else the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    from analyzer import explain

    if value is None:
        return explain.lang_from_environ()
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


def output_lang(args: argparse.Namespace, fmt: str) -> str:
    """The language of the output: --lang, else the locale for text, else English. JSON
    (and JSONL, CSV) is the same whatever the locale: English unless --lang is given."""
    if args.lang is None and fmt != "text":
        return "en"
    return parse_lang(args.lang)


# --- the options several commands share --------------------------------------------------------


def add_format(group: argparse._ArgumentGroup, choices: Sequence[str], help: str) -> None:
    group.add_argument(
        "--format", metavar="FORMAT", type=choice("--format", choices), default=choices[0],
        help=help,
    )  # fmt: skip


def add_lang(
    group: argparse._ArgumentGroup, what: str = "the explanations", *, json: bool = True
) -> None:
    """--lang; `json`: the command has a JSON output, English unless --lang is given."""
    default = "from the locale (LC_ALL, LC_MESSAGES, LANG)"
    default += " for text; English for JSON" if json else ""
    group.add_argument(
        "--lang", metavar="LANG",
        help=f"Language of {what}: en (English) or zh-TW (Traditional Chinese). "
        f"Default: {default}.",
    )  # fmt: skip


def add_now(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--now", metavar="WHEN",
        help="The time t= and x= are judged by: delivery (the default: each message as of "
        "its trusted delivery time, else this machine's clock), now, a Unix time, an ISO "
        "8601 date (a day means its end) or an RFC 5322 date.",
    )  # fmt: skip


def add_dns(parser: Parser) -> None:
    """--nameserver, --timeout, --zone: where DNS answers come from."""
    group = parser.add_argument_group("DNS")
    group.add_argument(
        "--nameserver", metavar="HOST[:PORT]", action="append", default=[],
        help="DNS server to ask; repeat it to give several, tried in order. "
        "Default: the system resolver.",
    )  # fmt: skip
    group.add_argument(
        "--timeout", metavar="SECONDS", type=parse_timeout, default=5.0,
        help="How long to wait for each DNS server: 0.1 to 60 seconds, 5 by default.",
    )  # fmt: skip
    group.add_argument(
        "--zone", metavar="FILE", action="append", default=[], type=Path,
        help="Answer DNS only from this zone file (master-file format); repeatable. "
        "Nothing is asked on the network.",
    )  # fmt: skip


def resolver(args: argparse.Namespace) -> Callable[[], AbstractContextManager[CachingResolver]]:
    """The one resolver factory of the CLI, from --nameserver, --timeout and --zone: a
    function that opens it (scan opens one per worker process set-up)."""
    from analyzer.dns import open_resolver

    nameservers: list[str] = list(args.nameserver)
    zones: list[Path] = list(args.zone)
    timeout: float = args.timeout
    return lambda: open_resolver(nameservers, timeout, zones)
