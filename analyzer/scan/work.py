"""The per-partition function: what a worker process runs (and a Dask worker could run
unchanged). Reads its own partition, parses each message once, asks the run's DNS plan
for every lookup the partition needs in one request, analyses, and returns compact
results: the output line(s) already rendered and what the summary needs."""

from __future__ import annotations

import contextlib
import gc
import signal
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from analyzer import spf as spf_policy
from analyzer import trace
from analyzer.dns import ResolverSpec
from analyzer.errors import NotAMessageError
from analyzer.message import parse_message
from analyzer.model import (
    Clock,
    DkimSignature,
    Failure,
    MalformedSignature,
    Outcome,
    ParsedMessage,
    Receiver,
    Report,
)  # fmt: skip
from analyzer.pipeline import Lookup, analyze, analyze_message, lookups
from analyzer.render import csv as csv_render
from analyzer.render.json import failure_dict, message_line
from analyzer.render.json import line as json_line
from analyzer.scan import wire
from analyzer.scan.plan import DnsService, Planner, PrefetchedResolver, ServiceClosed, Ticket
from analyzer.scan.read import FilesPart, InlinePart, MboxPart, Partition
from analyzer.signatures import extract
from analyzer.sources import RawMessage

EXIT_INTERNAL = 70  # EX_SOFTWARE
EXIT_NOINPUT = 66  # EX_NOINPUT
EXIT_IOERR = 74  # EX_IOERR: the output cannot be written (a full disk)


class ScanFormat(StrEnum):
    TEXT = "text"
    JSONL = "jsonl"
    CSV = "csv"
    HTML = "html"  # render/html.py: one self-contained file, assembled after the scan


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs besides the partition: small, sent with each job."""

    now: int | Clock  # a Clock with delivery=True: each message as of its own delivery
    fmt: ScanFormat
    dns: ResolverSpec = field(default_factory=ResolverSpec)  # the worker's own resolver
    headers_only: bool = False
    lang: str = "en"  # --format html: the report's language (JSONL and CSV stay English)


@dataclass(frozen=True, slots=True)
class SignatureRow:
    """One signature's result, as much as the summary needs."""

    domain: str | None
    selector: str | None
    classification: str
    result: str
    reason: str | None
    dns_name: str | None
    dns_status: str | None
    dns_temporary: bool


@dataclass(frozen=True, slots=True)
class ScanResult:
    """One message's result: its rendered output line(s) and a digest for the summary."""

    source: str
    output: str
    exit_code: int
    outcome: Outcome | None = None  # None: the message could not be analyzed
    error: str | None = None
    from_domain: str | None = None
    signatures: tuple[SignatureRow, ...] = ()
    size: int = 0
    arc: str | None = None  # the ARC chain's cv= (none, pass, fail), for the summary
    rotated: int = 0  # key_rotated findings: passed at delivery, key likely rotated since


wire.register(SignatureRow)  # the results, worker to main process
wire.register(ScanResult)


GC_YOUNG = 5000  # a worker's first-generation threshold (CPython's default: 700)


def start_worker() -> None:
    """A worker process's set-up (the pool's initializer).

    Ctrl-C reaches the whole process group: the parent decides how to stop, and a worker
    killed mid-message would break the pool. A message makes thousands of short-lived
    objects: with the default threshold the cyclic collector ran ~370 times per 10,000
    messages; at GC_YOUNG, ~90, and the collector's share of a worker's CPU went from
    about 4% to 1% (the parent froze what it imported before forking: start_workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


@dataclass(slots=True)
class _Parsed:
    source: str
    size: int
    msg: ParsedMessage
    signatures: list[DkimSignature | MalformedSignature]
    ticket: Ticket = ()  # the plan requests its answers come in
    receiver: Receiver | None = None  # trace.receiver_record(msg): made once, used twice
    spf: spf_policy.Identity | None = None  # spf.identify(msg, receiver): the same


def scan_partition(part: Partition, dns: DnsService | None, settings: Settings) -> list[ScanResult]:
    """A worker's job: the results of one partition's messages, in order.

    `dns`: where the run's DNS answers are asked (plan.DnsService, None: the worker's own
    resolver). Nothing done for one message may stop a scan of millions: an exception while
    parsing, analysing or rendering one becomes that message's `error` entry (exit code 70).
    """
    # Step 1: read and parse each message once; ask for its lookups as soon as it is parsed
    # (each name once per run: the service holds the run's answers).
    planner = Planner(dns, settings)
    results: list[ScanResult | _Parsed] = []
    for m in part.read():
        if m.error is not None:
            results.append(_reader_error(m.source, m.error, m.exit_code, settings.fmt))
            continue
        try:
            parsed = _parsed(m, settings)
        except NotAMessageError as e:
            results.append(failure_result(m.source, str(e), e.exit_code, settings.fmt, len(m.raw)))
            continue
        except Exception as e:  # a bug on one message must not stop a scan of millions
            results.append(internal_error(m.source, e, settings.fmt, len(m.raw)))
            continue
        parsed.ticket = planner.ask(plan_message(parsed))
        results.append(parsed)
    # Step 2: analyse and render each once its answers are in, first those whose answers
    # are in now: a message waiting for a slow lookup holds up no other (the results keep
    # the partition's order).
    # While none has its answers, the lookups of the partitions to come are asked ahead.
    waiting = [(i, r) for i, r in enumerate(results) if isinstance(r, _Parsed)]
    with _Warmer(part, planner, settings) as warmer:
        while waiting:
            tickets = [p.ticket for _, p in waiting]
            i, p = waiting.pop(planner.first_ready(tickets, warmer.step))
            planner.wait(p.ticket)
            results[i] = _analyzed(p, planner.resolver, settings)
    return [r for r in results if isinstance(r, ScanResult)]


WARM_MESSAGES = 8  # messages whose lookups are asked ahead in one request
SEEN_PARTS = 64
# The partitions whose messages this worker has parsed (its own) or warmed: not again.
_seen: OrderedDict[MboxPart | FilesPart | InlinePart, None] = OrderedDict()
_seen_lock = threading.Lock()  # a Dask worker runs partitions in several threads


def _first_time(part: MboxPart | FilesPart | InlinePart) -> bool:
    with _seen_lock:
        if part in _seen:
            return False
        _seen[part] = None
        while len(_seen) > SEEN_PARTS:
            _seen.popitem(last=False)
        return True


class _Warmer:
    """The partitions named as coming after `part` (read.MboxPart.ahead), read and
    planned one message per step(), their lookups asked ahead (Planner.warm): at 20 ms
    DNS latency, the first partitions of a run no longer wait a round trip for each new
    name. Costs nothing while answers are in: step() runs only while a worker would wait.
    Any failure only ends the warming."""

    def __init__(self, part: Partition, planner: Planner, settings: Settings) -> None:
        self.planner = planner
        self.settings = settings
        if not isinstance(part, InlinePart):
            _first_time(part)
        ahead = () if isinstance(part, InlinePart) or planner.dns is None else part.ahead
        self._messages = (m for p in ahead if _first_time(p) for m in p.read())
        self._count = 0

    def step(self) -> bool:
        """One message's lookups gathered, sent every WARM_MESSAGES (one request wakes the
        service, where the CPU is short at the start of a run); False when none is left."""
        try:
            m = next(self._messages)
        except Exception:  # StopIteration too
            self._messages.close()
            self.planner.send_warm()
            return False
        self._count += 1
        if m.error is None:
            with contextlib.suppress(Exception):  # one that does not parse asks nothing ahead
                self.planner.warm(plan_message(_parsed(m, self.settings)))
        if self._count % WARM_MESSAGES == 0:
            self.planner.send_warm()
        return True

    def __enter__(self) -> _Warmer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._messages.close()  # a partition read half-way: its file closed now
        self.planner.send_warm()


def _parsed(m: RawMessage, settings: Settings) -> _Parsed:
    """A message read, parsed once: its fields and its signatures."""
    msg = parse_message(m.raw, headers_only=settings.headers_only, crlf=m.crlf)
    return _Parsed(m.source, len(m.raw), msg, extract(msg.headers))


def plan_message(p: _Parsed) -> list[Lookup]:
    """pipeline.lookups, as a head start only: if it fails (a bug on a strange header),
    analyze asks DNS for what it needs itself, and the message is analysed all the same.
    The receiver record and the SPF identity it reads are kept for analyze_message (the
    same values it would make)."""
    try:
        p.receiver = trace.receiver_record(p.msg)
        p.spf = spf_policy.identify(p.msg, p.receiver)
        return lookups(p.msg, p.signatures, p.receiver, p.spf)
    except Exception:
        p.receiver = p.spf = None
        return []


def _analyzed(p: _Parsed, resolver: PrefetchedResolver, settings: Settings) -> ScanResult:
    try:
        report = analyze_message(
            p.msg, resolver, now=settings.now, source=p.source, signatures=p.signatures,
            receiver=p.receiver, spf_identity=p.spf,
        )  # fmt: skip
        return report_result(report, settings.fmt, p.size, settings.lang)
    except ServiceClosed:  # the run is over (Ctrl-C): nobody reads this partition
        raise
    except NotAMessageError as e:
        return failure_result(p.source, str(e), e.exit_code, settings.fmt, p.size)
    except Exception as e:  # a bug on one message must not stop a scan of millions
        return internal_error(p.source, e, settings.fmt, p.size)


def _reader_error(source: str, error: str, exit_code: int, fmt: ScanFormat) -> ScanResult:
    try:
        return failure_result(source, error, exit_code, fmt)
    except Exception as e:  # a reader's error text that does not render: still a result
        return internal_error(source, e, fmt)


def analyze_one(source: str, raw: bytes, resolver: Any, settings: Settings) -> ScanResult:
    """One message through analyze() and the same rendering (for callers with bytes)."""
    try:
        report = analyze(
            raw, resolver, now=settings.now, source=source, headers_only=settings.headers_only
        )
        return report_result(report, settings.fmt, len(raw), settings.lang)
    except NotAMessageError as e:
        return failure_result(source, str(e), e.exit_code, settings.fmt, len(raw))
    except Exception as e:
        return internal_error(source, e, settings.fmt, len(raw))


def internal_error(source: str, e: BaseException, fmt: ScanFormat, size: int = 0) -> ScanResult:
    detail = f"internal error: {type(e).__name__}: {e}"[:300]
    return failure_result(source, detail, EXIT_INTERNAL, fmt, size)


def report_result(report: Report, fmt: ScanFormat, size: int, lang: str = "en") -> ScanResult:
    result = report.outcome
    rows = tuple(
        SignatureRow(
            v.domain,
            v.selector,
            v.alignment.classification.value,
            v.result.value,
            v.reason.value if v.reason else None,
            v.key_evidence.answer.name if v.key_evidence else None,
            v.key_evidence.answer.status.value if v.key_evidence else None,
            bool(v.key_evidence and v.key_evidence.answer.status.temporary),
        )
        for v in report.verdicts
    )
    if fmt is ScanFormat.JSONL:
        output = message_line(report)
    elif fmt is ScanFormat.CSV:
        output = csv_render.report_rows(report)
    elif fmt is ScanFormat.HTML:
        from analyzer.render import html as html_render

        output = html_render.entry(report, lang)
    else:
        output = ""
    rotated = sum(f.code == "key_rotated" for f in report.findings)
    return ScanResult(
        report.source, output, int(result), result, None, report.message.from_domain, rows, size,
        report.arc.cv.value, rotated,
    )  # fmt: skip


def failure_result(
    source: str, error: str, exit_code: int, fmt: ScanFormat, size: int = 0
) -> ScanResult:
    failure = Failure(source, error, exit_code)
    if fmt is ScanFormat.JSONL:
        output = json_line(failure_dict(failure))
    elif fmt is ScanFormat.CSV:
        output = csv_render.failure_rows(failure)
    elif fmt is ScanFormat.HTML:
        from analyzer.render import html as html_render

        output = html_render.failure_entry(source, error)
    else:
        output = ""
    return ScanResult(source, output, exit_code, None, error, size=size)
