"""Batch scanning: raw messages in, per-message results out, in input order, on all cores.

The stages overlap so that neither DNS latency nor one slow message stalls the stream:

    reader thread               reads the messages, a few ahead (Feed): the main thread
                                never blocks on input, so Ctrl-C is seen at once and a
                                pausing pipe's messages are sent on as they are complete
    main thread                 finds each message's key names in the header section
                                only, takes known answers or asks the prefetch threads;
                                groups messages in batches of 16
    prefetch threads            one CachingResolver for the whole run: each key is looked
                                up once (TTL honoured, negative answers cached), and many
                                lookups are in flight at once
    worker processes (--jobs)   get a batch once its keys are known, and run
                                analyze() with a resolver that answers from the prefetched
                                answers first; any other query (probes, DMARC) goes to the
                                same nameservers, cached per worker. A pool whose worker
                                dies is started again (Workers)
    writer (this process)       takes results in input order from a bounded window,
                                writes each line and flushes, and feeds the summary

The window holds at most WINDOW_MESSAGES messages and WINDOW_BYTES of raw bytes, and the
parent keeps answers (not lookups) for at most LOOKUP_TABLE names, so memory stays flat
whatever the mailbox size and however many DNS names it holds. Nothing done for one
message, in the parent or in a worker, may stop the scan: it costs that message alone.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import (
    Executor,
    Future,
    InvalidStateError,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from analyzer.classify import classify
from analyzer.dns import CachingResolver, DnsPythonResolver, Resolver, ResolverSpec
from analyzer.errors import NotAMessageError
from analyzer.model import Clock, DnsAnswer, ExitCode, Failure, Outcome, Report
from analyzer.pipeline import Lookup, analyze, ask, plan
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
LOOKUP_TABLE = 4096  # names whose answers the parent keeps at hand (the cache has them too)
FEED_MESSAGES = 8  # messages the reader thread may be ahead of the main thread
IDLE = 0.05  # seconds without a new message before a partial batch is sent (a pausing pipe)
EXIT_INTERNAL = 70  # EX_SOFTWARE
EXIT_NOINPUT = 66  # EX_NOINPUT
EXIT_IOERR = 74  # EX_IOERR: the output cannot be written (a full disk)


class ScanFormat(StrEnum):
    TEXT = "text"
    JSONL = "jsonl"
    CSV = "csv"
    HTML = "html"  # --- web (issue 16): render/html.py, one self-contained file ---


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs besides the message: small, sent with each job."""

    now: int | Clock  # a Clock with delivery=True: each message as of its own delivery
    fmt: ScanFormat
    dns: ResolverSpec = field(default_factory=ResolverSpec)  # the parent's, built in each worker
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


_fallbacks: dict[ResolverSpec, CachingResolver] = {}
_fallback_lock = threading.Lock()
_opened = contextlib.ExitStack()  # the workers' resolvers, open for the process's life


def _fallback(settings: Settings) -> CachingResolver:
    """One caching resolver per worker for the queries the parent did not prefetch."""
    with _fallback_lock:
        if settings.dns not in _fallbacks:
            _fallbacks[settings.dns] = _opened.enter_context(settings.dns.open())
        return _fallbacks[settings.dns]


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group: the parent decides how to stop, and
    # a worker killed mid-message would break the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def analyze_one(source: str, raw: bytes, resolver: Resolver, settings: Settings) -> ScanResult:
    """Analyze one message and render it in the requested format.

    Nothing done for one message may stop a scan of millions: an exception while analysing
    or rendering it becomes that message's `error` entry (exit code 70, a bug of ours)."""
    try:
        report = analyze(
            raw, resolver, now=settings.now, source=source, headers_only=settings.headers_only
        )
        return report_result(report, settings.fmt, len(raw), settings.lang)
    except NotAMessageError as e:
        return failure_result(source, str(e), e.exit_code, settings.fmt, len(raw))
    except Exception as e:  # a bug on one message must not stop a scan of millions
        return internal_error(source, e, settings.fmt, len(raw))


def internal_error(source: str, e: BaseException, fmt: ScanFormat, size: int = 0) -> ScanResult:
    detail = f"internal error: {type(e).__name__}: {e}"[:300]
    return failure_result(source, detail, EXIT_INTERNAL, fmt, size)


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
        if m.error is None:
            results.append(analyze_one(m.source, m.raw, resolver, settings))
            continue
        try:
            results.append(failure_result(m.source, m.error, m.exit_code, settings.fmt))
        except Exception as e:  # a reader's error text that does not render: still a result
            results.append(internal_error(m.source, e, settings.fmt))
    return results


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
        output = _jsonl(message_dict(report))
    elif fmt is ScanFormat.CSV:
        output = csv_render.report_rows(report)
    elif fmt is ScanFormat.HTML:  # --- web (issue 16): the message's entry, made here ---
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
        output = _jsonl(failure_dict(failure))
    elif fmt is ScanFormat.CSV:
        output = csv_render.failure_rows(failure)
    elif fmt is ScanFormat.HTML:  # --- web (issue 16) ---
        from analyzer.render import html as html_render

        output = html_render.failure_entry(source, error)
    else:
        output = ""
    return ScanResult(source, output, exit_code, None, error, size=size)


# --- the parent side --------------------------------------------------------------------


def plan_lookups(raw: bytes, headers_only: bool = False) -> list[Lookup]:
    """The lookups the parent makes ahead for one message (pipeline.plan: the same rule
    as analyze(), from the header section alone)."""
    return plan(raw, headers_only=headers_only)


def guarded_ask(lookup: Lookup, resolver: Resolver) -> tuple[DnsAnswer, ...]:
    """pipeline.ask. Asking ahead is only a head start: if it fails (a bug on a strange
    name), the worker asks what it needs itself, and the message is analysed all the same."""
    try:
        return ask(lookup, resolver)
    except Exception:
        return ()


class Lookups:
    """The parent's lookup jobs: one per name, shared by every batch that needs it, re-run
    after ASK_AGAIN seconds (when the CachingResolver decides what the TTLs allow).

    Once a job is done only its answers are kept (small values, at most LOOKUP_TABLE names,
    least recently used first out), never its Future: a finished Future keeps its
    done-callbacks, and those hold the batches that waited for it, raw messages and results
    (issue 11, item 3: memory grew with every new name). Batches whose answers are known
    take them at once: no thread hop, and the lookup threads stay idle (their allocator
    arenas otherwise grow the parent's RSS)."""

    def __init__(self, resolver: CachingResolver, threads: int = DNS_THREADS) -> None:
        self.resolver = resolver
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="dns")
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, tuple[float, tuple[DnsAnswer, ...]]] = OrderedDict()
        self._running: dict[str, Future[tuple[DnsAnswer, ...]]] = {}

    def get(self, lookup: Lookup) -> tuple[DnsAnswer, ...] | Future[tuple[DnsAnswer, ...]]:
        """The answers of `lookup` if known, else the Future of its lookup."""
        name = lookup.name
        with self._lock:
            known = self._answers.get(name)
            if known is not None and known[0] > self.resolver.clock():
                self._answers.move_to_end(name)
                return known[1]
            running = self._running.get(name)
            if running is None:
                running = self._running[name] = self.pool.submit(guarded_ask, lookup, self.resolver)
            else:
                return running
        running.add_done_callback(functools.partial(self._store, name))
        return running

    def _store(self, name: str, future: Future[tuple[DnsAnswer, ...]]) -> None:
        with self._lock:
            self._running.pop(name, None)
            if future.cancelled():
                return
            self._answers[name] = (self.resolver.clock() + ASK_AGAIN, future.result())
            self._answers.move_to_end(name)
            while len(self._answers) > LOOKUP_TABLE:
                self._answers.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers) + len(self._running)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)  # lookups nobody waits for


def start_workers(jobs: int, method: str | None = None) -> Executor:
    """The CPU stage. The first pool starts before any thread exists, so forking is safe
    (and cheap). A pool started again later (see Workers) spawns: the parent has threads."""
    if jobs <= 1 and method is None:
        return ThreadPoolExecutor(1, thread_name_prefix="analyze")
    classify("example.com", "example.com")  # loads the public suffix list once, before forking
    # fork: workers inherit the imported modules at no cost (spawn where there is no fork).
    if method is None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(method), initializer=_ignore_sigint
    )
    pool.submit(int).result()  # the fork context starts every worker on the first job
    return pool


def max_jobs() -> int:
    """--jobs is capped at 4 per usable core: more processes only add memory and switching."""
    return 4 * default_jobs()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(eq=False)
class _Batch:
    """Consecutive messages shipped to a worker as one job (fewer hand-offs per message)."""

    messages: list[RawMessage] = field(default_factory=list)
    size: int = 0
    answers: dict[tuple[str, str], DnsAnswer] = field(default_factory=dict)
    waiting: dict[str, Future[tuple[DnsAnswer, ...]]] = field(default_factory=dict)
    done: Future[list[ScanResult]] = field(default_factory=Future)
    deaths: int = 0  # pools broken while this batch was in one

    def take(self, answers: Iterable[DnsAnswer]) -> None:
        for answer in answers:
            self.answers[(_norm(answer.name), answer.rdtype.upper())] = answer


AnalyzeBatch = Callable[[list[RawMessage], tuple[DnsAnswer, ...], Settings], list[ScanResult]]
_DIED_ALONE = (
    "internal error: the worker process analysing this message died, also when it ran alone "
    "(killed by a signal; likely out of memory)"
)


class Workers:
    """The worker pool, started again when a worker dies (kill -9, the OOM killer).

    A dead worker breaks the whole ProcessPoolExecutor: every batch in it fails at once, and
    which one killed the worker is not known. So: a new pool is started and each of those
    batches runs again; a batch whose pool breaks a second time is run one message at a
    time, each alone in a pool of its own. Only a message that kills that worker too is
    reported, as an `error` entry (exit code 70); every other message gets its result."""

    def __init__(self, jobs: int, work: AnalyzeBatch = analyze_batch) -> None:
        self.jobs = jobs
        self.work = work
        self.restarts = 0
        self._lock = threading.Lock()
        self._closed = False
        self._pool = start_workers(jobs)
        self._alone: queue.Queue[tuple[_Batch, tuple[DnsAnswer, ...], Settings]] = queue.Queue()
        self._alone_thread: threading.Thread | None = None

    def submit(self, batch: _Batch, answers: tuple[DnsAnswer, ...], settings: Settings) -> None:
        """Run `batch` on a worker; its results arrive in batch.done."""
        while True:
            with self._lock:
                pool = self._pool
            try:
                job = pool.submit(self.work, batch.messages, answers, settings)
                break
            except BrokenProcessPool:  # broken before this batch got in: not its doing
                if not self._restart(pool):
                    _fail(batch.done, RuntimeError("shut down"))
                    return
            except RuntimeError as e:  # shut down (Ctrl-C): nobody waits for this batch
                _fail(batch.done, e)
                return
        job.add_done_callback(lambda f: self._finished(pool, batch, answers, settings, f))

    def _restart(self, broken: Executor) -> bool:
        """A new pool in place of `broken` (once, whoever hears of it first). The broken
        one is left to its manager thread, which ends its other workers."""
        with self._lock:
            if self._closed:
                return False
            if self._pool is broken:
                self._pool = start_workers(self.jobs, method="spawn")
                self.restarts += 1
            return True

    def _finished(
        self,
        pool: Executor,
        batch: _Batch,
        answers: tuple[DnsAnswer, ...],
        settings: Settings,
        job: Future[list[ScanResult]],
    ) -> None:
        if job.cancelled():
            batch.done.cancel()
            return
        e = job.exception()
        if e is None:
            _settle(batch.done, job.result())
        elif not isinstance(e, BrokenProcessPool):  # not a message's doing: a result that
            # does not pickle, say. Each message still gets an entry.
            _settle(batch.done, [internal_error(m.source, e, settings.fmt) for m in batch.messages])
        elif not self._restart(pool):
            _fail(batch.done, e)
        elif batch.deaths == 0:
            batch.deaths = 1
            self.submit(batch, answers, settings)  # again, in the new pool
        else:
            self._alone.put((batch, answers, settings))
            with self._lock:
                if self._alone_thread is None:
                    self._alone_thread = threading.Thread(
                        target=self._run_alone, name="alone", daemon=True
                    )
                    self._alone_thread.start()

    def _run_alone(self) -> None:
        """Batches that broke two pools: each message alone in a one-worker pool, in turn,
        so that a pool that breaks now was broken by that message."""
        pool: Executor | None = None
        while not self._closed:
            batch, answers, settings = self._alone.get()
            results: list[ScanResult] = []
            for message in batch.messages:
                try:
                    pool = pool or start_workers(1, method="spawn")
                    results += pool.submit(self.work, [message], answers, settings).result()
                except BrokenProcessPool:
                    pool = None
                    results.append(
                        failure_result(message.source, _DIED_ALONE, EXIT_INTERNAL, settings.fmt)
                    )
                except Exception as e:
                    results.append(internal_error(message.source, e, settings.fmt))
            _settle(batch.done, results)

    def shutdown(self, wait: bool) -> None:
        with self._lock:
            self._closed = True
            pool = self._pool
        pool.shutdown(wait=wait, cancel_futures=True)


def _settle(target: Future[list[ScanResult]], results: list[ScanResult]) -> None:
    with contextlib.suppress(InvalidStateError):  # already cancelled (Ctrl-C)
        target.set_result(results)


def _fail(target: Future[list[ScanResult]], e: BaseException) -> None:
    with contextlib.suppress(InvalidStateError):
        target.set_exception(e)


_END = object()


class Feed:
    """The reader in a thread of its own, a few messages ahead of the main thread.

    The main thread then never blocks on input: Ctrl-C is seen at once, and when the input
    is a pipe that pauses (`tail -f`-like, or a slow `zcat`), the messages read so far are
    sent to the workers and their results written while the reader waits (issue 11, item
    14). A reader's exception (a bug) is raised in the main thread."""

    def __init__(self, messages: Iterable[RawMessage], stop: threading.Event) -> None:
        self._queue: queue.Queue[object] = queue.Queue(FEED_MESSAGES)
        self._stop = stop
        self._thread = threading.Thread(
            target=self._read, args=(messages,), name="reader", daemon=True
        )
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _read(self, messages: Iterable[RawMessage]) -> None:
        try:
            for message in messages:
                if not self._put(message):
                    return
        except BaseException as e:  # handed to the main thread, which raises it
            self._put(_Raised(e))
            return
        self._put(_END)

    def get(self, timeout: float) -> RawMessage | None:
        """The next message; None when none came within `timeout`. Raises StopIteration
        at the end of the input."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is _END:
            raise StopIteration
        if isinstance(item, _Raised):
            raise item.error
        assert isinstance(item, RawMessage)
        return item


def _results(batch: _Batch, fmt: ScanFormat) -> list[ScanResult]:
    """A finished batch's results; if it failed as a whole, an `error` entry per message."""
    e = batch.done.exception()
    if e is None:
        return batch.done.result()
    return [internal_error(m.source, e, fmt) for m in batch.messages]


@dataclass(frozen=True, slots=True)
class _Raised:
    error: BaseException


class Scanner:
    """Runs the stages above; `run` returns True when stopped early (see `stop`)."""

    def __init__(
        self,
        workers: Workers,
        resolver: CachingResolver,
        settings: Settings,
        stop: threading.Event | None = None,
    ) -> None:
        self.workers = workers
        self.settings = settings
        self.lookups = Lookups(resolver)
        self.stop = stop or threading.Event()

    def close(self) -> None:
        self.lookups.close()

    def run(self, messages: Iterable[RawMessage], emit: Callable[[ScanResult], None]) -> bool:
        window: deque[_Batch] = deque()
        held = [0, 0]  # messages, bytes in the window

        def drain(max_messages: int, max_bytes: int) -> None:
            """Write the results at the head of the window that are done, and wait for
            the head while the window holds more than allowed."""
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
                for result in _results(head, self.settings.fmt):
                    emit(result)

        def launch(batch: _Batch) -> None:
            self._launch(batch)
            window.append(batch)
            held[0] += len(batch.messages)
            held[1] += batch.size

        feed = Feed(messages, self.stop)
        batch = _Batch()
        while not self.stop.is_set():
            try:
                message = feed.get(timeout=IDLE)
            except StopIteration:
                break
            if message is None:  # the input pauses: send what was read, write what is done
                if batch.messages:
                    launch(batch)
                    batch = _Batch()
                drain(WINDOW_MESSAGES, WINDOW_BYTES)
                continue
            self._add(batch, message)
            if len(batch.messages) >= BATCH_MESSAGES or batch.size >= BATCH_BYTES:
                launch(batch)
                batch = _Batch()
            drain(WINDOW_MESSAGES, WINDOW_BYTES)
        if not self.stop.is_set():
            if batch.messages:
                launch(batch)
            drain(-1, -1)
        if self.stop.is_set():
            # Interrupted: what is already done at the head of the window is still
            # written, in order (nothing is waited for).
            while window and window[0].done.done() and not window[0].done.cancelled():
                head = window.popleft()
                if head.done.exception() is None:
                    for result in head.done.result():
                        emit(result)
            return True
        return False

    def _add(self, batch: _Batch, message: RawMessage) -> None:
        batch.messages.append(message)
        batch.size += len(message.raw)
        if message.error is not None:
            return
        try:
            planned = plan_lookups(message.raw, self.settings.headers_only)
        except Exception:
            # Asking ahead is only a head start: whatever failed here (a header the
            # sniffing cannot read), the worker analyses the message all the same, asks
            # DNS itself, and an exception there becomes the message's `error` entry.
            return
        for lookup in planned:
            name = lookup.name
            if name in batch.waiting:
                continue
            got = self.lookups.get(lookup)
            if isinstance(got, Future):
                batch.waiting[name] = got
            else:
                batch.take(got)

    def _launch(self, batch: _Batch) -> None:
        """Send the batch to a worker once every lookup it waits for is done."""
        pending = [len(batch.waiting)]
        lock = threading.Lock()

        def looked_up(_: Future[tuple[DnsAnswer, ...]] | None) -> None:
            with lock:
                pending[0] -= 1
                if pending[0] > 0:
                    return
            try:
                for lookup in batch.waiting.values():
                    if not lookup.cancelled():
                        batch.take(lookup.result())
                batch.waiting.clear()  # drop the Futures: their callbacks hold this batch
                self.workers.submit(batch, tuple(batch.answers.values()), self.settings)
            except Exception as e:  # cancelled or shut down on interrupt
                _fail(batch.done, e)

        if not batch.waiting:
            pending[0] = 1
            looked_up(None)
            return
        for lookup in list(batch.waiting.values()):
            lookup.add_done_callback(looked_up)


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
    arc: Counter[str] = field(default_factory=Counter)  # messages by ARC cv= (none not counted)
    rotated: int = 0  # signatures that passed at delivery whose key is likely rotated since

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
        if r.arc and r.arc != "none":
            self.arc[r.arc] += 1
        self.rotated += r.rotated
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
        65 (an entry is not a message), 75 (only temporary DNS failures), 0: ExitCode.worst."""
        seen = {
            ExitCode.SOFTWARE: self.internal, ExitCode.NOINPUT: self.unreadable,
            ExitCode.FAIL: self.by_outcome["fail"], ExitCode.DATAERR: self.by_outcome["error"],
            ExitCode.TEMPFAIL: self.by_outcome["temporary"],
        }  # fmt: skip
        return int(ExitCode.worst(code for code, count in seen.items() if count))


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

    Ctrl-C (SIGINT) stops reading, writes the results already done (in order, without
    waiting for more) and returns the summary so far with `interrupted` set; a second
    Ctrl-C raises KeyboardInterrupt at once. `jobs` is capped at max_jobs(). `progress`
    opens a progress display once the workers exist, and is told of each result.
    """
    summary = Summary()
    started = time.monotonic()
    stop = threading.Event()
    # Ctrl-C is ours from the start: a SIGINT while the workers start must not leave a
    # half-made pool behind a KeyboardInterrupt (and a traceback from its threads).
    previous = _on_sigint(stop)
    workers: Workers | None = None
    hurry = False
    try:
        if settings.fmt is ScanFormat.CSV:
            write(csv_render.header())
        # --- web (issue 16): html entries are spooled, the page assembled after the scan ---
        page = None
        if settings.fmt is ScanFormat.HTML:
            from analyzer.render import html as html_render

            page = html_render.ScanPage(write, settings.lang)
            write = page.add
        # Before any thread: fork only a single-threaded parent.
        workers = Workers(min(jobs, max_jobs()))
        with open_dns() as resolver, progress() as on_result:
            inner = resolver.inner
            if resolver.spec is not None:
                settings = replace(settings, dns=resolver.spec)
            elif isinstance(inner, DnsPythonResolver):  # one built by hand (tests)
                settings = replace(
                    settings, dns=ResolverSpec(tuple(inner.nameservers), inner.timeout)
                )
            scanner = Scanner(workers, resolver, settings, stop)

            def emit(result: ScanResult) -> None:
                if result.output:
                    write(result.output)
                summary.add(result)
                if on_result is not None:
                    on_result(result)

            try:
                summary.interrupted = scanner.run(read_paths(paths), emit)
            finally:
                scanner.close()
    except KeyboardInterrupt:  # the second Ctrl-C: now
        hurry = True
        raise
    finally:
        _restore_sigint(previous)
        if workers is not None:
            # Waited for, after one Ctrl-C too: only the batches the workers hold remain
            # (the others are cancelled). A pool left running at exit raced with
            # concurrent.futures' own exit hook ("Exception ignored ... OSError: [Errno 9]
            # Bad file descriptor", about 1 run in 16 with SIGINT to the parent only).
            workers.shutdown(wait=not hurry)
        summary.seconds = time.monotonic() - started
    if page is not None:  # --- web (issue 16) ---
        page.finish(summary)
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
