"""Batch scanning: raw messages in, per-message results out, in input order, on all cores.

The stages overlap so that neither DNS latency nor one slow message stalls the stream:

    reader (this process)       reads the next message, finds its key names in the
                                header section only, takes cached answers or asks the
                                prefetch threads; groups messages in batches of 16
    prefetch threads            one CachingResolver for the whole run: each key is looked
                                up once (TTL honoured, negative answers cached), and many
                                lookups are in flight at once
    worker processes (--jobs)   get a batch once its keys are known, and run
                                analyze() with a resolver that answers from the prefetched
                                answers first; any other query (probes, DMARC) goes to the
                                same nameservers, cached per worker
    writer (this process)       takes results in input order from a bounded window,
                                writes each line and flushes, and feeds the summary

The window holds at most WINDOW_MESSAGES messages and WINDOW_BYTES of raw bytes, so
memory stays flat whatever the mailbox size.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from analyzer import dmarc
from analyzer.classify import classify
from analyzer.dns import CachingResolver, DnsPythonResolver, Nameserver, Resolver
from analyzer.errors import NotAMessageError
from analyzer.keys import fetch_key, key_name
from analyzer.message import from_domain, split_header_fields
from analyzer.model import Clock, DnsAnswer, Failure, KeyRecord, Report
from analyzer.pipeline import MAX_SIGNATURES, Outcome, analyze, outcome
from analyzer.probes import probe_key
from analyzer.render import csv as csv_render
from analyzer.render.json import failure_dict, message_dict
from analyzer.render.json import line as json_line
from analyzer.sources import RawMessage, read_paths

WINDOW_MESSAGES = 512  # messages between the reader and the writer
WINDOW_BYTES = 128 * 1024 * 1024  # ... and their raw bytes at most (one larger message passes)
BATCH_MESSAGES = 16  # messages per worker job
BATCH_BYTES = 4 * 1024 * 1024
DNS_THREADS = 32
ASK_AGAIN = 300.0  # seconds before a name's lookup job is run again (the cache keeps TTLs)
EXIT_INTERNAL = 70  # EX_SOFTWARE
EXIT_NOINPUT = 66  # EX_NOINPUT


class ScanFormat(StrEnum):
    TEXT = "text"
    JSONL = "jsonl"
    CSV = "csv"


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs besides the message: small, sent with each job."""

    now: int | Clock  # a Clock with delivery=True: each message as of its own delivery
    fmt: ScanFormat
    nameservers: tuple[Nameserver, ...] = ()
    timeout: float = 5.0
    headers_only: bool = False


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


# --- the worker side (runs in a worker process, or in a thread with --jobs 1) -----------


class PrefetchedResolver:
    """Answers from the parent's prefetched answers; asks `fallback` for anything else."""

    def __init__(self, answers: dict[tuple[str, str], DnsAnswer], fallback: Resolver) -> None:
        self.answers = answers  # see by_name()
        self.fallback = fallback

    @staticmethod
    def by_name(answers: Iterable[DnsAnswer]) -> dict[tuple[str, str], DnsAnswer]:
        return {(_norm(a.name), a.rdtype.upper()): a for a in answers}

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        found = self.answers.get((_norm(name), rdtype.upper()))
        return found if found is not None else self.fallback.query(name, rdtype)


def _norm(name: str) -> str:
    return name.lower().rstrip(".")


_fallbacks: dict[tuple[tuple[Nameserver, ...], float], CachingResolver] = {}
_fallback_lock = threading.Lock()


def _fallback(settings: Settings) -> CachingResolver:
    """One caching resolver per worker for the queries the parent did not prefetch."""
    key = (settings.nameservers, settings.timeout)
    with _fallback_lock:
        if key not in _fallbacks:
            _fallbacks[key] = CachingResolver(
                DnsPythonResolver(settings.nameservers, settings.timeout)
            )
        return _fallbacks[key]


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group: the parent decides how to stop, and
    # a worker killed mid-message would break the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def analyze_one(source: str, raw: bytes, resolver: Resolver, settings: Settings) -> ScanResult:
    """Analyze one message and render it in the requested format."""
    try:
        report = analyze(
            raw, resolver, now=settings.now, source=source, headers_only=settings.headers_only
        )
    except NotAMessageError as e:
        return failure_result(source, str(e), e.exit_code, settings.fmt, len(raw))
    except Exception as e:  # a bug on one message must not stop a scan of millions
        detail = f"internal error: {type(e).__name__}: {e}"[:300]
        return failure_result(source, detail, EXIT_INTERNAL, settings.fmt, len(raw))
    return report_result(report, settings.fmt, len(raw))


def _jsonl(obj: dict[str, Any]) -> str:
    """One JSON line, escaped as every JSON output is (render/json.py `line`)."""
    return json_line(obj)


def analyze_batch(
    messages: list[RawMessage], answers: tuple[DnsAnswer, ...], settings: Settings
) -> list[ScanResult]:
    """A worker's job: a batch of consecutive messages, results in the same order."""
    resolver = PrefetchedResolver(PrefetchedResolver.by_name(answers), _fallback(settings))
    results = []
    for m in messages:
        if m.error is not None:
            results.append(failure_result(m.source, m.error, m.exit_code, settings.fmt))
        else:
            results.append(analyze_one(m.source, m.raw, resolver, settings))
    return results


def report_result(report: Report, fmt: ScanFormat, size: int) -> ScanResult:
    result = outcome(report)
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
        output = _jsonl(message_dict(report))
    elif fmt is ScanFormat.CSV:
        output = csv_render.report_rows(report)
    else:
        output = ""
    return ScanResult(
        report.source, output, int(result), result, None, report.message.from_domain, rows, size
    )


def failure_result(
    source: str, error: str, exit_code: int, fmt: ScanFormat, size: int = 0
) -> ScanResult:
    failure = Failure(source, error, exit_code)
    if fmt is ScanFormat.JSONL:
        output = _jsonl(failure_dict(failure))
    elif fmt is ScanFormat.CSV:
        output = csv_render.failure_rows(failure)
    else:
        output = ""
    return ScanResult(source, output, exit_code, None, error, size=size)


# --- the parent side --------------------------------------------------------------------


_HEADER_END = re.compile(rb"\r?\n\r?\n")
# DKIM signatures, and the ARC seals and message signatures whose keys arc.py asks for.
_DKIM_FIELD = re.compile(
    rb"(?im)^(?:dkim-signature|arc-seal|arc-message-signature)[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)"
)
_DS_TAG = re.compile(rb"(?:^|;)[ \t\r\n]*([ds])[ \t\r\n]*=([^;]*)")
_FROM_FIELD = re.compile(rb"(?im)^from[ \t]*:[^\n]*\n(?:[ \t][^\n]*\n)*")


def key_names(raw: bytes) -> list[tuple[str, str]]:
    """(selector, domain) of each key analyze() will ask for, read from the header section
    with two regular expressions (the reader must stay ahead of every worker). A key this
    finds for a signature that turns out malformed costs one needless lookup; one it misses
    is asked for by the worker. Either way the verdicts are the same."""
    end = _HEADER_END.search(raw)
    header = raw[: end.start()] if end else raw
    keys: list[tuple[str, str]] = []
    for field_value in _DKIM_FIELD.findall(header)[: 2 * MAX_SIGNATURES]:
        tags = dict(_DS_TAG.findall(field_value))
        domain = tags.get(b"d", b"").strip(b" \t\r\n").decode("utf-8", "replace")
        selector = tags.get(b"s", b"").strip(b" \t\r\n").decode("utf-8", "replace")
        if domain and selector and (selector, domain.lower().rstrip(".")) not in keys:
            keys.append((selector, domain.lower().rstrip(".")))
    return keys


def sender_domain(raw: bytes) -> str | None:
    """The From domain, as analyze() will see it (its DMARC record is asked for)."""
    end = _HEADER_END.search(raw)
    fields = _FROM_FIELD.findall(raw[: end.start()] if end else raw)
    return from_domain(split_header_fields(b"".join(fields) + b"\r\n")[0]) if fields else None


def key_lookups(
    resolver: Resolver, selector: str, domain: str, sender: str | None
) -> list[DnsAnswer]:
    """The key, and the probes analyze() makes when it has no usable key (pipeline.py):
    asked here so that no worker waits for DNS itself."""
    evidence = fetch_key(resolver, selector, domain)
    if any(isinstance(k, KeyRecord) and k.public_key for k in evidence.keys):
        return [evidence.answer]
    probes = probe_key(resolver, selector, domain, evidence.answer, from_domain=sender)
    return [evidence.answer, *(p.answer for p in probes)]


def dmarc_lookups(resolver: Resolver, sender: str) -> list[DnsAnswer]:
    return list(dmarc.lookup(resolver, sender).answers)


def start_workers(jobs: int) -> Executor:
    """The CPU stage. Started before any thread exists, so forking is safe (and cheap)."""
    if jobs <= 1:
        return ThreadPoolExecutor(1, thread_name_prefix="analyze")
    classify("example.com", "example.com")  # loads the public suffix list once, before forking
    # fork: workers inherit the imported modules at no cost (spawn where there is no fork).
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(method), initializer=_ignore_sigint
    )
    pool.submit(int).result()  # the fork context starts every worker on the first job
    return pool


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class _Batch:
    """Consecutive messages shipped to a worker as one job (fewer hand-offs per message)."""

    messages: list[RawMessage] = field(default_factory=list)
    size: int = 0
    answers: dict[tuple[str, str], DnsAnswer] = field(default_factory=dict)
    lookups: dict[str, Future[list[DnsAnswer]]] = field(default_factory=dict)
    done: Future[list[ScanResult]] = field(default_factory=Future)


class Scanner:
    """Runs the stages above; `run` returns True when stopped early (see `stop`)."""

    def __init__(self, workers: Executor, resolver: CachingResolver, settings: Settings) -> None:
        self.workers = workers
        self.resolver = resolver
        self.settings = settings
        self.dns = ThreadPoolExecutor(DNS_THREADS, thread_name_prefix="dns")
        self.stop = threading.Event()
        self.asked: dict[str, tuple[float, Future[list[DnsAnswer]]]] = {}

    def close(self) -> None:
        self.dns.shutdown(wait=False, cancel_futures=True)  # lookups nobody waits for

    def run(self, messages: Iterable[RawMessage], emit: Callable[[ScanResult], None]) -> bool:
        window: deque[_Batch] = deque()
        held = [0, 0]  # messages, bytes in the window

        def drain(max_messages: int, max_bytes: int) -> None:
            while window and (
                window[0].done.done() or held[0] > max_messages or held[1] > max_bytes
            ):
                head = window[0]
                while not head.done.done():
                    wait([head.done], timeout=0.2)
                    if self.stop.is_set():
                        return
                window.popleft()
                held[0] -= len(head.messages)
                held[1] -= head.size
                for result in head.done.result():
                    emit(result)

        batch = _Batch()
        for message in messages:
            if self.stop.is_set():
                return True
            self._add(batch, message)
            if len(batch.messages) >= BATCH_MESSAGES or batch.size >= BATCH_BYTES:
                self._launch(batch)
                window.append(batch)
                held[0] += len(batch.messages)
                held[1] += batch.size
                batch = _Batch()
            drain(WINDOW_MESSAGES, WINDOW_BYTES)
            if self.stop.is_set():
                return True
        if batch.messages:
            self._launch(batch)
            window.append(batch)
        drain(-1, -1)
        return self.stop.is_set()

    def _add(self, batch: _Batch, message: RawMessage) -> None:
        batch.messages.append(message)
        batch.size += len(message.raw)
        if message.error is not None:
            return
        sender = sender_domain(message.raw)
        for selector, domain in key_names(message.raw):
            name = key_name(selector, domain)
            if name not in batch.lookups:
                batch.lookups[name] = self._ask(name, key_lookups, selector, domain, sender)
        if sender and dmarc.applicable(sender) and f"_dmarc.{sender}" not in batch.lookups:
            batch.lookups[f"_dmarc.{sender}"] = self._ask(f"_dmarc.{sender}", dmarc_lookups, sender)

    def _ask(
        self, job: str, lookups: Callable[..., list[DnsAnswer]], *args: str | None
    ) -> Future[list[DnsAnswer]]:
        """One lookup job per name, shared by every batch that needs it (re-asked after
        ASK_AGAIN seconds, when the CachingResolver below decides what its TTLs allow).
        Batches whose answers are known take the finished job: no thread hop, and the
        lookup threads stay idle (their allocator arenas otherwise grow the parent's RSS)."""
        now = self.resolver.clock()
        known = self.asked.get(job)
        if known is None or known[0] <= now:
            known = self.asked[job] = (
                now + ASK_AGAIN,
                self.dns.submit(lookups, self.resolver, *args),
            )
        return known[1]

    def _launch(self, batch: _Batch) -> None:
        """Send the batch to a worker once every key it needs has been looked up."""
        pending = [len(batch.lookups)]
        lock = threading.Lock()

        def looked_up(_: Future[list[DnsAnswer]] | None) -> None:
            with lock:
                pending[0] -= 1
                if pending[0] > 0:
                    return
            try:
                for lookup in batch.lookups.values():
                    for answer in lookup.result():
                        batch.answers[(_norm(answer.name), answer.rdtype)] = answer
                job = self.workers.submit(
                    analyze_batch, batch.messages, tuple(batch.answers.values()), self.settings
                )
            except Exception as e:  # cancelled or shut down on interrupt, or a broken pool
                if not batch.done.done():
                    batch.done.set_exception(e)
                return
            job.add_done_callback(lambda f: _settle(batch.done, f))

        if not batch.lookups:
            pending[0] = 1
            looked_up(None)
        for lookup in batch.lookups.values():
            lookup.add_done_callback(looked_up)


def _settle(target: Future[list[ScanResult]], source: Future[list[ScanResult]]) -> None:
    if target.done():
        return
    if source.cancelled():
        target.cancel()
    elif (e := source.exception()) is not None:
        target.set_exception(e)
    else:
        target.set_result(source.result())


# --- the summary ------------------------------------------------------------------------


@dataclass
class Summary:
    """Counts over the messages written so far; render/summary.py turns it into text."""

    messages: int = 0
    by_outcome: Counter[str] = field(default_factory=Counter)
    by_signature: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    reason_example: dict[str, str] = field(default_factory=dict)
    from_total: Counter[str] = field(default_factory=Counter)
    from_unaligned: Counter[str] = field(default_factory=Counter)
    dns_problems: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_example: dict[str, str] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    internal: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    def add(self, r: ScanResult) -> None:
        self.messages += 1
        if r.outcome is None:
            self.by_outcome["error"] += 1
            if r.exit_code == EXIT_NOINPUT:
                self.unreadable.append(f"{r.source}: {r.error}")
            elif r.exit_code == EXIT_INTERNAL:
                self.internal += 1
            kind = (r.error or "").split(":")[0]
            self.errors[kind] += 1
            self.error_example.setdefault(kind, r.source)
            return
        self.by_outcome[r.outcome.name.lower()] += 1
        if r.from_domain:
            self.from_total[r.from_domain] += 1
            if r.outcome is not Outcome.PASS:
                self.from_unaligned[r.from_domain] += 1
        if not r.signatures:
            self.by_signature[("(none)", "-", "none")] += 1
        for s in r.signatures:
            self.by_signature[(s.domain or "?", s.classification, s.result)] += 1
            if s.reason:
                self.reasons[s.reason] += 1
                self.reason_example.setdefault(s.reason, r.source)
            if s.dns_status and s.dns_status != "ok" and s.dns_name:
                self.dns_problems[(s.dns_name, s.dns_status)] += 1

    def exit_code(self) -> int:
        """Worst first: 70 (a bug), 66 (something unreadable), 1 (some message fails),
        65 (an entry is not a message), 75 (only temporary DNS failures), 0."""
        if self.internal:
            return EXIT_INTERNAL
        if self.unreadable:
            return EXIT_NOINPUT
        if self.by_outcome["fail"]:
            return 1
        if self.by_outcome["error"]:
            return 65
        if self.by_outcome["temporary"]:
            return 75
        return 0


# --- one whole run ----------------------------------------------------------------------


def run_scan(
    paths: Sequence[str],
    settings: Settings,
    *,
    jobs: int,
    open_dns: Callable[[], AbstractContextManager[CachingResolver]],
    write: Callable[[str], None],
    progress: Callable[[], AbstractContextManager[Callable[[ScanResult], None] | None]] = (
        lambda: contextlib.nullcontext(None)
    ),
) -> Summary:
    """Scan every PATH; write each message's output in input order; return the summary.

    Ctrl-C (SIGINT) stops reading, writes nothing more and returns the summary so far
    with `interrupted` set; a second Ctrl-C raises KeyboardInterrupt at once. `progress`
    opens a progress display once the workers exist, and is told of each result.
    """
    summary = Summary()
    if settings.fmt is ScanFormat.CSV:
        write(csv_render.header())
    started = time.monotonic()
    workers = start_workers(jobs)  # before any thread: fork only a single-threaded parent
    finished = False
    try:
        with open_dns() as resolver, progress() as on_result:
            inner = resolver.inner
            if isinstance(inner, DnsPythonResolver):
                settings = replace(
                    settings, nameservers=tuple(inner.nameservers), timeout=inner.timeout
                )
            scanner = Scanner(workers, resolver, settings)

            def emit(result: ScanResult) -> None:
                if result.output:
                    write(result.output)
                summary.add(result)
                if on_result is not None:
                    on_result(result)

            previous = _on_sigint(scanner.stop)
            try:
                summary.interrupted = scanner.run(read_paths(paths), emit)
                finished = not summary.interrupted
            finally:
                _restore_sigint(previous)
                scanner.close()
    finally:
        workers.shutdown(wait=finished, cancel_futures=True)
        summary.seconds = time.monotonic() - started
    return summary


def _on_sigint(stop: threading.Event) -> object:
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum: int, frame: object) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C: now

    return signal.signal(signal.SIGINT, handler)


def _restore_sigint(previous: object) -> None:
    if previous is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, previous)  # type: ignore[arg-type]
