"""The local schedule: partitions in, results out in input order, on all cores.

    reader thread               lists the input and finds the mbox boundaries a few
                                partitions ahead (Feed): the main thread never blocks on
                                input, so Ctrl-C is seen at once, and a pausing pipe's
                                messages are sent on as they are complete
    main thread                 sends each partition to a worker, naming some of the AHEAD
                                read after it (their DNS is asked while it waits for its own);
                                messages that had to be read here (stdin) are grouped,
                                BATCH_MESSAGES at a time
    worker processes (--jobs)   run work.scan_partition: read their own partition, parse,
                                ask the run's DNS plan (plan.py) once per partition,
                                analyse, render. A pool whose worker dies is started again
                                (Workers)
    writer (this process)       takes results in input order from a bounded window,
                                writes each line and flushes, and feeds the summary

The window holds at most WINDOW_MESSAGES messages (and WINDOW_BYTES of the bytes the
partitions cover), so memory stays flat whatever the mailbox size. Nothing done for one
message, in the main process or in a worker, may stop the scan: it costs that message
alone.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections import deque
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
from typing import Any

from analyzer.classify import _providers, _psl_lines
from analyzer.dns import CachingResolver, DnsPythonResolver, ResolverSpec
from analyzer.render import csv as csv_render
from analyzer.scan.plan import DnsService, LookupServer
from analyzer.scan.read import FilesPart, InlinePart, MboxPart, Partition, partitions
from analyzer.scan.summary import Summary
from analyzer.scan.work import (
    EXIT_INTERNAL,
    ScanFormat,
    ScanResult,
    Settings,
    failure_result,
    internal_error,
    scan_partition,
    start_worker,
)

WINDOW_MESSAGES = 512  # messages between the reader and the writer
WINDOW_BYTES = 128 * 1024 * 1024  # ... and their bytes at most (one larger partition passes)
BATCH_MESSAGES = 16  # messages read here (stdin) per worker job
FEED_PARTS = 8  # partitions the reader thread may be ahead of the main thread
AHEAD = 8  # partitions each job names as coming after it (read.MboxPart.ahead)
IDLE = 0.05  # seconds without new input before a partial batch is sent (a pausing pipe)


def start_workers(jobs: int, method: str | None = None) -> Executor:
    """The CPU stage. The first pool starts before any thread exists, so forking is safe
    (and cheap). A pool started again later (see Workers) spawns: the parent has threads."""
    # The public suffix list's lines, read once before forking: the workers inherit them,
    # and the main process's DNS threads (DMARC lookups) do not each read them as they
    # start together (the caches have no lock: 11 parses of the whole list were seen when
    # it was parsed whole, ~30 ms CPU each). Each top-level domain's rules are parsed when
    # first asked (classify._psl_for, a few ms). The sending platforms' table too
    # (data/providers.toml, ~3-5 ms of tomllib), which every worker's first message reads.
    _psl_lines()
    _providers()
    if jobs <= 1 and method is None:
        return ThreadPoolExecutor(1, thread_name_prefix="analyze")
    # fork: workers inherit the imported modules at no cost (spawn where there is no fork).
    if method is None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        # What the imports made (~40,000 objects) is out of the collector's reach from now
        # on, in the parent and in every worker: a worker's first full collection walked
        # all of it, and writing each object's GC header copied the parent's pages, one
        # fault each (25-40 ms per worker in its first partition). gc docs, gc.freeze().
        gc.freeze()
    pool = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(method), initializer=start_worker
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
    """One partition shipped to a worker as one job."""

    part: Partition
    done: Future[list[ScanResult]] = field(default_factory=Future)
    deaths: int = 0  # pools broken while this batch was in one


PartitionWork = Callable[[Partition, DnsService | None, Settings], list[ScanResult]]
_DIED_ALONE = (
    "internal error: the worker process analysing this message died, also when it ran alone "
    "(killed by a signal; likely out of memory)"
)


def _to_spool(
    folder: str, work: PartitionWork, part: Partition, dns: DnsService | None, settings: Settings
) -> str | list[ScanResult]:
    """In a worker process: run `work`, leave its results in a file of `folder`, and return
    only the file's name through the pool's result pipe (see Workers). If the file cannot be
    written (a full disk, a file-size limit), the results themselves, as before."""
    results = work(part, dns, settings)
    try:
        fd, path = tempfile.mkstemp(dir=folder, suffix=".results")
    except OSError:
        return results
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(results, f, pickle.HIGHEST_PROTOCOL)
    except OSError:
        os.unlink(path)
        return results
    except BaseException:
        os.unlink(path)
        raise
    return path


def _from_spool(sent: str | list[ScanResult]) -> list[ScanResult]:
    """A job's results: read from the spool file it named, or as it sent them."""
    if not isinstance(sent, str):
        return sent
    try:
        with open(sent, "rb") as f:
            results: list[ScanResult] = pickle.load(f)
            return results
    finally:
        os.unlink(sent)


class Workers:
    """The worker pool, started again when a worker dies (kill -9, the OOM killer).

    A dead worker breaks the whole ProcessPoolExecutor: every batch in it fails at once, and
    which one killed the worker is not known. So: a new pool is started and each of those
    batches runs again; a batch whose pool breaks a second time is run one message at a
    time, each alone in a pool of its own. Only a message that kills that worker too is
    reported, as an `error` entry (exit code 70); every other message gets its result.

    Two ways a dead worker could hang the scan instead (CPython 3.11), both closed here:
    - The workers share one result pipe. A worker killed while writing a batch's results
      (~160 KB) to it left half a message there; the pool's manager thread then waited for
      the rest forever, never looking at the dead worker again (1 run in 5 of
      tests/test_scan.py's kill -9 test). So a worker process leaves its results in a file
      of the run's own folder (_to_spool) and sends only the file's name: far under
      PIPE_BUF, one write(2), in the pipe whole or not at all. (Where no file can be
      written, the results go through the pipe as before.)
    - A job submitted while the manager thread was marking the broken pool's jobs failed
      could be missed by it and never end. Once a broken pool's manager thread has ended,
      any of its jobs not done is failed here (_reap) and runs again like the others."""

    def __init__(self, jobs: int, work: PartitionWork = scan_partition) -> None:
        self.jobs = jobs
        self.work = work
        self.restarts = 0
        self._lock = threading.Lock()
        self._closed = False
        self._pool = start_workers(jobs)
        self._spool = (
            tempfile.mkdtemp(prefix="dkim-analyzer-")
            if isinstance(self._pool, ProcessPoolExecutor)
            else None
        )
        self._jobs: dict[Future[Any], Executor] = {}  # submitted, not finished: its pool
        self._alone: queue.Queue[tuple[_Batch, DnsService | None, Settings]] = queue.Queue()
        self._alone_thread: threading.Thread | None = None

    def _submit(
        self, pool: Executor, part: Partition, dns: DnsService | None, settings: Settings
    ) -> Future[Any]:
        if self._spool is None:  # a thread: nothing to pickle
            return pool.submit(self.work, part, dns, settings)
        return pool.submit(_to_spool, self._spool, self.work, part, dns, settings)

    def submit(self, batch: _Batch, dns: DnsService | None, settings: Settings) -> None:
        """Run `batch` on a worker; its results arrive in batch.done."""
        while True:
            with self._lock:
                pool = self._pool
            try:
                job = self._submit(pool, batch.part, dns, settings)
                with self._lock:
                    self._jobs[job] = pool
                break
            except BrokenProcessPool:  # broken before this batch got in: not its doing
                if not self._restart(pool):
                    _fail(batch.done, RuntimeError("shut down"))
                    return
            except RuntimeError as e:  # shut down (Ctrl-C): nobody waits for this batch
                _fail(batch.done, e)
                return
        job.add_done_callback(lambda f: self._finished(pool, batch, dns, settings, f))

    def _restart(self, broken: Executor) -> bool:
        """A new pool in place of `broken` (once, whoever hears of it first). The broken
        one is left to its manager thread, which ends its other workers."""
        with self._lock:
            if self._closed:
                return False
            if self._pool is broken:
                self._pool = start_workers(self.jobs, method="spawn")
                self.restarts += 1
                threading.Thread(target=self._reap, args=(broken,), daemon=True).start()
            return True

    def _reap(self, broken: Executor) -> None:
        """Once `broken`'s manager thread has ended, fail any of its jobs it left running."""
        broken.shutdown(wait=True)
        with self._lock:
            lost = [job for job, pool in self._jobs.items() if pool is broken]
        for job in lost:
            _fail(job, BrokenProcessPool("the job was left running in a broken pool"))

    def _finished(
        self,
        pool: Executor,
        batch: _Batch,
        dns: DnsService | None,
        settings: Settings,
        job: Future[Any],
    ) -> None:
        with self._lock:
            self._jobs.pop(job, None)
        if job.cancelled():
            batch.done.cancel()
            return
        e = job.exception()
        if e is None:
            try:
                results = _from_spool(job.result())
            except Exception as unread:  # a spool file gone (a bug): each message an entry
                results = _failed(batch.part, unread, settings.fmt)
            _settle(batch.done, results)
        elif not isinstance(e, BrokenProcessPool):  # not a message's doing: a result that
            # does not pickle, say. Each message still gets an entry.
            _settle(batch.done, _failed(batch.part, e, settings.fmt))
        elif not self._restart(pool):
            _fail(batch.done, e)
        elif batch.deaths == 0:
            batch.deaths = 1
            self.submit(batch, dns, settings)  # again, in the new pool
        else:
            self._alone.put((batch, dns, settings))
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
            batch, dns, settings = self._alone.get()
            results: list[ScanResult] = []
            for one in batch.part.split():
                try:
                    pool = pool or start_workers(1, method="spawn")
                    results += _from_spool(self._submit(pool, one, dns, settings).result())
                except BrokenProcessPool:
                    pool = None
                    results += [
                        failure_result(s, _DIED_ALONE, EXIT_INTERNAL, settings.fmt)
                        for s in one.sources()
                    ]
                except Exception as e:
                    results += _failed(one, e, settings.fmt)
            _settle(batch.done, results)

    def shutdown(self, wait: bool) -> None:
        with self._lock:
            self._closed = True
            pool = self._pool
        pool.shutdown(wait=wait, cancel_futures=True)
        if self._spool is not None:  # a worker still writing (not waited for) finds it gone
            shutil.rmtree(self._spool, ignore_errors=True)


def _failed(part: Partition, e: BaseException, fmt: ScanFormat) -> list[ScanResult]:
    return [internal_error(source, e, fmt) for source in part.sources()]


def _settle(target: Future[list[ScanResult]], results: list[ScanResult]) -> None:
    with contextlib.suppress(InvalidStateError):  # already cancelled (Ctrl-C)
        target.set_result(results)


def _fail(target: Future[list[ScanResult]], e: BaseException) -> None:
    with contextlib.suppress(InvalidStateError):
        target.set_exception(e)


_END = object()


@dataclass(frozen=True, slots=True)
class _Raised:
    error: BaseException


class Feed:
    """The reader in a thread of its own, a few partitions ahead of the main thread.

    The main thread then never blocks on input: Ctrl-C is seen at once, and when the input
    is a pipe that pauses (`tail -f`-like, or a slow `zcat`), the messages read so far are
    sent to the workers and their results written while the reader waits (issue 11, item
    14). A reader's exception (a bug) is raised in the main thread."""

    def __init__(self, parts: Iterable[Partition], stop: threading.Event) -> None:
        self._queue: queue.Queue[object] = queue.Queue(FEED_PARTS)
        self._stop = stop
        self._thread = threading.Thread(
            target=self._read, args=(parts,), name="reader", daemon=True
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

    def _read(self, parts: Iterable[Partition]) -> None:
        try:
            for part in parts:
                if not self._put(part):
                    return
        except BaseException as e:  # handed to the main thread, which raises it
            self._put(_Raised(e))
            return
        self._put(_END)

    def get(self, timeout: float) -> Partition | None:
        """The next partition; None when none came within `timeout`. Raises StopIteration
        at the end of the input."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is _END:
            raise StopIteration
        if isinstance(item, _Raised):
            raise item.error
        return item  # type: ignore[return-value]


def _results(batch: _Batch, fmt: ScanFormat) -> list[ScanResult]:
    """A finished batch's results; if it failed as a whole, an `error` entry per message."""
    e = batch.done.exception()
    if e is None:
        return batch.done.result()
    return _failed(batch.part, e, fmt)


class Scanner:
    """Runs the stages above; `run` returns True when stopped early (see `stop`)."""

    def __init__(
        self,
        workers: Workers,
        dns: DnsService | None,
        settings: Settings,
        stop: threading.Event | None = None,
    ) -> None:
        self.workers = workers
        self.dns = dns
        self.settings = settings
        self.stop = stop or threading.Event()

    def run(self, parts: Iterable[Partition], emit: Callable[[ScanResult], None]) -> bool:
        window: deque[_Batch] = deque()
        held = [0, 0]  # messages, bytes in the window
        inline: list[InlinePart] = []  # messages read here, waiting to make a batch
        coming: deque[MboxPart | FilesPart] = deque()  # read, launched AHEAD parts later

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
                held[0] -= head.part.count
                held[1] -= head.part.size
                for result in _results(head, self.settings.fmt):
                    emit(result)

        def launch(part: Partition) -> None:
            batch = _Batch(part)
            self.workers.submit(batch, self.dns, self.settings)
            window.append(batch)
            held[0] += part.count
            held[1] += part.size

        def flush_inline() -> None:
            if inline:
                launch(InlinePart(tuple(m for p in inline for m in p.messages)))
                inline.clear()

        def launch_coming(keep: int) -> None:
            """Launch the partitions read beyond the AHEAD last, each naming some of those
            after it, so that its worker can ask their DNS while it waits for its own: every
            jobs-th, from the jobs-th on (the workers run consecutive partitions at once,
            and the next ones would be named to each)."""
            step = self.workers.jobs
            while len(coming) > keep:
                part = coming.popleft()
                ahead = tuple(coming)[step - 1 :: step]
                launch(replace(part, ahead=ahead) if ahead else part)

        feed = Feed(parts, self.stop)
        while not self.stop.is_set():
            try:
                part = feed.get(timeout=IDLE)
            except StopIteration:
                break
            if part is None:  # the input pauses: send what was read, write what is done
                launch_coming(0)
                flush_inline()
                drain(WINDOW_MESSAGES, WINDOW_BYTES)
                continue
            if isinstance(part, InlinePart):
                launch_coming(0)
                inline.append(part)
                if sum(p.count for p in inline) >= BATCH_MESSAGES:
                    flush_inline()
            else:
                flush_inline()
                coming.append(part)
                launch_coming(AHEAD)
            drain(WINDOW_MESSAGES, WINDOW_BYTES)
        if not self.stop.is_set():
            launch_coming(0)
            flush_inline()
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
        # html entries are spooled, the page assembled after the scan (render/html.py)
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
            server = LookupServer(resolver)
            scanner = Scanner(workers, server.service, settings, stop)

            def emit(result: ScanResult) -> None:
                if result.output:
                    write(result.output)
                summary.add(result)
                if on_result is not None:
                    on_result(result)

            try:
                summary.interrupted = scanner.run(partitions(paths), emit)
            finally:
                server.close()
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
    if page is not None:
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
