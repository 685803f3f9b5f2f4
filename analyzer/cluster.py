"""`scan --cluster`: the scan's per-partition work on Dask distributed, same results.

    client (this process)        finds the partitions as a local scan does
                                 (analyzer.scan.partitions: mbox byte ranges cut at message
                                 boundaries, batches of maildir / .eml paths; an fsspec URL
                                 is read here), and groups consecutive ones into tasks,
                                 bounded in messages and bytes (never one task per message;
                                 smaller toward the end of an input of known size);
                                 at most WINDOW tasks per worker thread are in flight
    DNS service                  the scan's own (analyzer.scan.LookupServer), on TCP: one
                                 cache for the run in this process, each key, DMARC record
                                 and probe asked once per run; a worker asks it for what its
                                 partition needs (pipeline.lookups), once per name, and keeps
                                 the answers it was sent
    workers                      run the scan's per-partition function on each partition of
                                 a task (analyzer.scan.scan_partition: reads its own bytes,
                                 parses each message once, analyses, renders) and summarise
                                 the task (analyzer.scan.Summary): the same work as a local
                                 scan, not a copy
    client                       writes the partitions' output in input order (`-o`), or the
                                 workers write one file per partition (`--output-dir`), and
                                 merges the partitions' summaries in input order

Faults: a worker that dies mid-task has its partition rerun elsewhere by the scheduler; a
partition that kills workers again and again (KilledWorker) is run one message per task,
and only the message that kills a worker on its own is an `error` entry (70). Output goes
through the client in order, or into files written under a temporary name and renamed:
nothing is lost or written twice, and no file is ever left half-written under its name.
Ctrl-C cancels what is in flight, writes what is done in order, and returns.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analyzer.dns import CachingResolver, DnsPythonResolver, ResolverSpec
from analyzer.dnssnapshot import RecordingResolver, zone_text
from analyzer.errors import AnalyzerError, UsageError
from analyzer.model import DnsAnswer, ExitCode
from analyzer.render import csv as csv_render
from analyzer.scan import (
    EXIT_INTERNAL,
    DnsService,
    InlinePart,
    LookupServer,
    ScanFormat,
    ScanResult,
    Settings,
    Summary,
    failure_result,
    internal_error,
    partitions,
    scan_partition,
)
from analyzer.scan import Partition as ScanPart
from analyzer.scan.schedule import AHEAD, _on_sigint, _restore_sigint  # Ctrl-C: as scan
from analyzer.sources import STDIN, RawMessage, read_stream

EXIT_UNAVAILABLE = int(ExitCode.UNAVAILABLE)  # 69: the Dask scheduler cannot be reached
CONNECT_SECONDS = 10.0  # to reach an existing scheduler, or start a LocalCluster
LOCAL_WORKERS = 2  # `--cluster local`: worker processes
MAX_LOCAL_WORKERS = 64
# A task: consecutive partitions of the scan, up to TASK_MESSAGES messages and TASK_BYTES
# (one larger partition is a task alone). Small enough that the last tasks of a run do
# not leave workers idle, large enough that the scheduler (about 1 ms a task) and the
# number of --output-dir files stay small (bench/cluster.md).
TASK_MESSAGES = 512
TASK_BYTES = 64 * 1024 * 1024
TAIL_SHARE = 2  # the input's last tasks: at most its remaining bytes / (2 x worker threads)
WINDOW = 2  # partitions in flight per worker thread
POLL = 0.2  # seconds between looks at Ctrl-C while waiting for a partition
PART_NAME = "part-{index:08d}.{ext}"  # --output-dir: one file per partition, in input order
_PART_FILE = re.compile(r"^\.?part-\d{8,}\.(jsonl|csv)(\..*\.tmp)?$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_DIED = (
    "internal error: the Dask worker analysing this message died, also when it ran alone "
    "(killed by a signal; likely out of memory)"
)


class ClusterError(AnalyzerError):
    """The Dask scheduler cannot be reached, or a LocalCluster cannot start."""

    exit_code = EXIT_UNAVAILABLE


# --- where to run -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    """`--cluster ADDRESS` (an existing scheduler) or `--cluster local[:N]`."""

    address: str | None = None
    local_workers: int = LOCAL_WORKERS


def parse_cluster(value: str) -> ClusterSpec:
    """`local`, `local:N`, or a scheduler address (`tcp://host:8786`, `host:8786`)."""
    text = value.strip()
    if text == "local" or text.startswith("local:"):
        count = text.partition(":")[2] or str(LOCAL_WORKERS)
        if not count.isdigit() or not 1 <= int(count) <= MAX_LOCAL_WORKERS:
            raise UsageError(
                f"--cluster {value!r}: expected local or local:N, N from 1 to {MAX_LOCAL_WORKERS}"
            )
        return ClusterSpec(None, int(count))
    if not text or any(c.isspace() for c in text):
        raise UsageError(f"--cluster {value!r}: expected local[:N] or a scheduler address")
    return ClusterSpec(text)


@contextlib.contextmanager
def connect(spec: ClusterSpec, timeout: float | None = None) -> Iterator[Any]:
    """A distributed.Client for `spec`; ClusterError (exit 69) when it cannot be had."""
    import logging

    timeout = CONNECT_SECONDS if timeout is None else timeout
    try:
        from dask import config as dask_config
        from distributed import Client, LocalCluster
    except ImportError as e:
        raise UsageError("--cluster needs Dask: pip install 'dkim-analyzer[cluster]'") from e
    # The scheduler's and nannies' warnings (a worker restarted) are not this tool's output.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    with contextlib.ExitStack() as stack:
        try:
            if spec.address is None:
                with dask_config.set(local_config()):
                    _preload_forkserver()
                    cluster = stack.enter_context(
                        LocalCluster(
                            n_workers=spec.local_workers,
                            threads_per_worker=1,  # the work is CPU-bound Python: one per process
                            processes=True,
                            dashboard_address=":0",  # any free port: 8787 may be taken
                            silence_logs=logging.CRITICAL,
                        )
                    )
                # The results straight from the workers (this machine), not through the
                # scheduler: each partition's output crosses one connection, not two.
                client = stack.enter_context(
                    Client(cluster, timeout=timeout, direct_to_workers=True)
                )
            else:
                client = stack.enter_context(Client(spec.address, timeout=timeout))
        except (OSError, TimeoutError, ValueError) as e:
            where = spec.address or f"a LocalCluster of {spec.local_workers} workers"
            raise ClusterError(f"--cluster: cannot reach {where}: {e}") from e
        yield client


def local_config() -> dict[str, object]:
    """Dask settings for the LocalCluster `--cluster local` starts (an existing scheduler's
    workers keep their own): less of Dask's own sampling, which competes for the cores
    with the scan (bench/cluster.md has the figures)."""
    settings: dict[str, object] = {
        # The profiler walks the task thread's stack every 10 ms, in the worker's event
        # loop: nobody reads its profiles here (there is no dashboard to show them).
        "distributed.worker.profile.enabled": False,
        "distributed.admin.tick.interval": "1s",  # the event-loop watchdog, 20 ms
        "distributed.admin.system-monitor.interval": "2s",  # psutil's counters, 500 ms
    }
    if "forkserver" in multiprocessing.get_all_start_methods():
        # Workers forked from one process that imported Dask and the scan once, rather
        # than spawned, each importing them again.
        settings["distributed.worker.multiprocessing-method"] = "forkserver"
    return settings


def _preload_forkserver() -> None:
    """The forkserver (if the workers start from one) imports the scan's modules too,
    besides the packages Dask preloads there; nothing once it has started."""
    from distributed.utils import get_mp_context

    context = get_mp_context()  # sets Dask's own preload list, first
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["distributed", "analyzer.cluster"])


# --- the inputs, through the scan's reader ------------------------------------------------


def is_url(path: str) -> bool:
    return bool(_URL.match(path))


def scan_parts(paths: Sequence[str]) -> Iterator[ScanPart]:
    """The scan's partitions of every PATH, in input order (analyzer.scan.partitions); an
    fsspec URL (file://, s3://, gs://, with its fsspec package installed) is one mbox or
    message file read here, through the scan's reader (analyzer.sources.read_stream), its
    messages sent with the task, `source` URL#K."""
    for path in paths:
        if not is_url(path):
            yield from partitions([path])
            continue
        try:
            import fsspec

            with fsspec.open(path, "rb") as f:
                empty = path.lower().endswith(".eml")
                for message in read_stream(f, path, empty_is_error=empty):
                    yield InlinePart((message,))
        except (OSError, ValueError, ImportError) as e:
            detail = getattr(e, "strerror", None) or str(e) or type(e).__name__
            yield InlinePart((RawMessage(path, b"", f"cannot read: {detail}"[:300], 66),))


# --- one partition, on a worker --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Partition:
    """One task: consecutive partitions of the scan; index = its place in input order."""

    index: int
    parts: tuple[ScanPart, ...]

    def sources(self) -> list[str]:
        return [source for part in self.parts for source in part.sources()]

    def pieces(self) -> list[Partition]:
        """One task per message, with this one's index."""
        return [Partition(self.index, (one,)) for part in self.parts for one in part.split()]


@dataclass(frozen=True, slots=True)
class OutputDir:
    """`--output-dir`: where the workers write one file per partition (a path on a file
    system every worker shares, or an fsspec URL)."""

    where: str
    fmt: ScanFormat

    def name(self, index: int) -> str:
        ext = "csv" if self.fmt is ScanFormat.CSV else "jsonl"
        return PART_NAME.format(index=index, ext=ext)

    def write(self, index: int, lines: Iterable[str]) -> None:
        """The partition's file, whole or not at all: written under a temporary dot-name and
        renamed (a rerun of the partition replaces it with the same bytes). On an object
        store (s3://, gs://) an object appears only once its upload is complete."""
        head = csv_render.header() if self.fmt is ScanFormat.CSV else ""
        data = (head + "".join(lines)).encode("utf-8")
        name = self.name(index)
        if not is_url(self.where):
            final = os.path.join(self.where, name)
            temp = os.path.join(self.where, f".{name}.{uuid.uuid4().hex}.tmp")
            try:
                with open(temp, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(temp, final)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
            return
        import fsspec

        fs, root = fsspec.core.url_to_fs(self.where)
        fs.pipe_file(f"{root.rstrip('/')}/{name}", data)


@dataclass(frozen=True, slots=True)
class PartResult:
    index: int
    lines: tuple[str, ...]  # empty when the worker wrote them to the output dir
    summary: Summary
    messages: int


def run_partition(
    part: Partition, dns: DnsService, settings: Settings, sink: OutputDir | None
) -> PartResult:
    """A worker's task: the scan's per-partition function on each of the task's partitions,
    their summary, and their output returned or written to the output dir."""
    results = [r for p in _named_ahead(part.parts) for r in scan_partition(p, dns, settings)]
    return _finish(part.index, results, sink)


def _named_ahead(parts: tuple[ScanPart, ...]) -> list[ScanPart]:
    """Each of a task's partitions naming the AHEAD after it in the task, as the local
    schedule names them (the task's partitions run in turn, on one thread): its DNS is
    asked while the one before waits for its own."""
    named: list[ScanPart] = []
    for k, part in enumerate(parts):
        ahead = tuple(a for a in parts[k + 1 : k + 1 + AHEAD] if not isinstance(a, InlinePart))
        named.append(part if isinstance(part, InlinePart) else replace(part, ahead=ahead))
    return named


def _finish(index: int, results: list[ScanResult], sink: OutputDir | None) -> PartResult:
    summary = Summary()
    for result in results:
        summary.add(result)
    lines = tuple(r.output for r in results if r.output)
    if sink is not None:
        sink.write(index, lines)
        lines = ()
    return PartResult(index, lines, summary, len(results))


# --- the run, from the client ----------------------------------------------------------------


def group(
    parts: Iterable[ScanPart], total: int | None = None, threads: int = 1
) -> Iterator[Partition]:
    """Consecutive partitions of the scan, TASK_MESSAGES and TASK_BYTES at most a task.

    With the input's size known (`total` bytes: mbox and .eml files), tasks shrink toward
    the end, to at most what is left over TAIL_SHARE tasks per worker thread (guided
    self-scheduling; one partition of the scan at least): the last ones do not keep one
    worker busy for a whole large task while the others have nothing left to do."""
    batch: list[ScanPart] = []
    count = size = index = done = 0
    limit = TASK_BYTES
    for part in parts:
        if batch and (count + part.count > TASK_MESSAGES or size + part.size > limit):
            yield Partition(index, tuple(batch))
            index += 1
            done += size
            batch, count, size = [], 0, 0
        if not batch and total is not None:
            limit = min(TASK_BYTES, (total - done) // (TAIL_SHARE * threads))
        batch.append(part)
        count += part.count
        size += part.size
    if batch:
        yield Partition(index, tuple(batch))


def input_bytes(paths: Sequence[str]) -> int | None:
    """The size of the inputs when all are local regular files (else None: unknown)."""
    try:
        if all(not is_url(p) and os.path.isfile(p) for p in paths):
            return sum(os.path.getsize(p) for p in paths)
    except OSError:
        pass
    return None


Work = Callable[[Partition, DnsService, Settings, "OutputDir | None"], PartResult]


@dataclass
class _InFlight:
    part: Partition
    future: Any  # distributed.Future
    pieces: list[Any] = field(default_factory=list)  # one message per task, after KilledWorker
    outcomes: dict[int, PartResult] = field(default_factory=dict)  # by message position
    suspects: list[int] = field(default_factory=list)  # positions to run again, one at a time
    current: Any = None  # the suspect's task now running

    def futures(self) -> list[Any]:
        return [self.current] if self.current is not None else self.pieces or [self.future]


class Runner:
    """Submits partitions (a bounded window of them), and hands their results on in input
    order; `run` returns True when stopped early (`stop`)."""

    def __init__(
        self,
        client: Any,
        settings: Settings,
        dns: DnsService,
        sink: OutputDir | None,
        stop: threading.Event,
        work: Work = run_partition,
    ) -> None:
        self.client, self.settings, self.dns, self.sink = client, settings, dns, sink
        self.stop, self.work = stop, work
        self.window = max(2, WINDOW * threads(client))
        self.run_id = uuid.uuid4().hex[:12]

    def _submit(self, part: Partition, sink: OutputDir | None = None) -> Any:
        return self.client.submit(
            self.work, part, self.dns, self.settings, sink,
            key=f"dkim-partition-{self.run_id}-{part.index}-{uuid.uuid4().hex[:8]}",
            pure=False,
        )  # fmt: skip

    def run(self, parts: Iterable[Partition], emit: Callable[[PartResult], None]) -> bool:
        from distributed import wait

        window: dict[int, _InFlight] = {}
        done: dict[int, PartResult] = {}
        following = 0  # the index of the next partition to hand on

        def settle(block: bool, final: bool = False) -> None:
            nonlocal following
            futures = [f for w in window.values() for f in w.futures()]
            if block and futures and not any(f.done() for f in futures):
                with contextlib.suppress(TimeoutError):  # a look at Ctrl-C, then again
                    wait(futures, timeout=POLL, return_when="FIRST_COMPLETED")
            for index, item in list(window.items()):
                result = self._result(item, final)
                if result is not None:
                    del window[index]
                    done[index] = result
            while following in done:
                emit(done.pop(following))
                following += 1

        for part in parts:
            while len(window) + len(done) >= self.window and not self.stop.is_set():
                settle(block=True)
            if self.stop.is_set():
                break
            window[part.index] = _InFlight(part, self._submit(part, self.sink))
            settle(block=False)
        while (window or done) and not self.stop.is_set():
            settle(block=True)
        if not self.stop.is_set():
            return False
        # Interrupted: nothing more is waited for; what is done is still handed on, in order.
        self.client.cancel([f for w in window.values() for f in w.futures()])
        settle(block=False, final=True)
        return True

    def _result(self, item: _InFlight, final: bool) -> PartResult | None:
        """The partition's result once it is done (else None). A partition that killed
        workers (KilledWorker: the scheduler gave up rerunning it) is run one message per
        task; a message whose task was given up too is run again alone, one such message
        at a time (a worker may hold two tasks: the other may only have been there), and
        only one that dies then is an `error` entry. `final`: nothing new is started."""
        from distributed import KilledWorker

        fmt = self.settings.fmt
        sources = item.part.sources()
        if item.pieces:
            if item.current is None and not item.suspects:
                if not all(p.done() for p in item.pieces):
                    return None
                for position, piece in enumerate(item.pieces):
                    try:
                        item.outcomes[position] = piece.result()
                    except KilledWorker:
                        item.suspects.append(position)
                    except Exception as e:
                        error = internal_error(sources[position], e, fmt)
                        item.outcomes[position] = _finish(item.part.index, [error], None)
            if item.current is not None:
                if not item.current.done():
                    return None
                position = item.suspects.pop(0)
                try:
                    item.outcomes[position] = item.current.result()
                except KilledWorker:
                    error = failure_result(sources[position], _DIED, EXIT_INTERNAL, fmt)
                    item.outcomes[position] = _finish(item.part.index, [error], None)
                except Exception as e:
                    error = internal_error(sources[position], e, fmt)
                    item.outcomes[position] = _finish(item.part.index, [error], None)
                item.current = None
            if item.suspects:
                if final:
                    return None
                item.current = self._submit(item.part.pieces()[item.suspects[0]])
                return None
            pieces = [item.outcomes[p] for p in range(len(sources))]
            return _combine(item.part.index, pieces, self.sink)
        if not item.future.done():
            return None
        try:
            result: PartResult = item.future.result()
            return result
        except KilledWorker:
            if final:
                return None
            # Alone, each message's output comes back here: this process writes the file.
            item.pieces = [self._submit(piece) for piece in item.part.pieces()]
            return None
        except Exception as e:
            if final:
                return None
            # Not a message's doing (a result that does not pickle, a full output dir):
            # each message still gets its entry.
            errors = [internal_error(source, e, fmt) for source in sources]
            return _finish(item.part.index, errors, self.sink)


def _combine(index: int, pieces: list[PartResult], sink: OutputDir | None) -> PartResult:
    summary = Summary()
    for piece in pieces:
        summary.merge(piece.summary)
    lines = tuple(line for piece in pieces for line in piece.lines)
    if sink is not None:
        sink.write(index, lines)
        lines = ()
    return PartResult(index, lines, summary, sum(p.messages for p in pieces))


def threads(client: Any) -> int:
    """Worker threads of the cluster, now (at least 1)."""
    info = client.scheduler_info()
    return max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))


def prepare_output_dir(where: str, inputs: Sequence[str], fmt: ScanFormat) -> OutputDir:
    """--output-dir DIR: made if missing; refused (exit 2) when it is an input or inside one
    (inputs are never written), or when it already holds partition files of another run
    (they would mix with this run's)."""
    if fmt is ScanFormat.TEXT:
        raise UsageError("--output-dir needs --format jsonl or csv (the summary goes to -o)")
    if is_url(where):
        try:
            import fsspec

            fs, root = fsspec.core.url_to_fs(where)
            if isinstance(fs, fsspec.implementations.local.LocalFileSystem):
                return prepare_output_dir(root, inputs, fmt)  # renamed into place, as a path
            fs.makedirs(root, exist_ok=True)
            names = [str(p).rstrip("/").rpartition("/")[2] for p in fs.ls(root, detail=False)]
        except (OSError, ValueError, ImportError) as e:
            raise UsageError(f"--output-dir {where}: cannot write: {e}") from e
    else:
        target = Path(where).resolve()
        for given in inputs:
            source = Path(given).resolve() if not is_url(given) else None
            if source is not None and (target == source or source in target.parents):
                raise UsageError(f"--output-dir {where}: is one of the inputs, or inside one")
        try:
            target.mkdir(parents=True, exist_ok=True)
            names = os.listdir(target)
        except OSError as e:
            raise UsageError(f"--output-dir {where}: cannot write: {e.strerror or e}") from e
        where = str(target)  # the workers' working folder may be another
    if any(_PART_FILE.match(n) for n in names):
        raise UsageError(f"--output-dir {where}: holds partition files of another run")
    return OutputDir(where, fmt)


def _remove_temporaries(sink: OutputDir) -> None:
    """Temporary files of tasks that died while writing (their partition was rerun)."""
    if is_url(sink.where):
        return  # an object store has none: an object exists only once written whole
    with contextlib.suppress(OSError):
        for name in os.listdir(sink.where):
            if name.startswith(".part-") and name.endswith(".tmp") and _PART_FILE.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(sink.where, name))


def _save_dns(path: str, answers: Iterable[DnsAnswer]) -> None:
    """--save-dns FILE, whole or not at all (a temporary name, then renamed)."""
    temp = f"{path}.{uuid.uuid4().hex}.tmp"
    try:
        with open(temp, "w", encoding="utf-8") as f:
            f.write(zone_text(answers))
        os.replace(temp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise UsageError(f"--save-dns {path}: cannot write: {e.strerror or e}") from e


def check_save_dns(path: str, inputs: Sequence[str]) -> None:
    """--save-dns FILE is never an input, nor inside one (exit 2)."""
    target = Path(path).resolve()
    for given in inputs:
        if given == STDIN or is_url(given):
            continue
        source = Path(given).resolve()
        if target == source or source in target.parents:
            raise UsageError(f"--save-dns {path}: is one of the inputs, or inside one")


def prepare(
    cluster: str | None,
    output_dir: str | None,
    save_dns: str | None,
    paths: Sequence[str],
    fmt: ScanFormat,
) -> Callable[..., Summary] | None:
    """The CLI's options checked (UsageError, exit 2): run_cluster_scan with them bound, or
    None for a scan without --cluster."""
    if cluster is None:
        if output_dir is not None or save_dns is not None:
            raise UsageError(
                "--output-dir and --save-dns need --cluster (--cluster local runs on this machine)"
            )
        return None
    spec = parse_cluster(cluster)
    if STDIN in paths:
        raise UsageError("--cluster: standard input ('-') cannot be shared with the workers")
    if save_dns is not None:
        check_save_dns(save_dns, paths)
    sink = prepare_output_dir(output_dir, paths, fmt) if output_dir is not None else None
    return functools.partial(run_cluster_scan, cluster=spec, output_dir=sink, save_dns=save_dns)


def run_cluster_scan(
    paths: Sequence[str],
    settings: Settings,
    *,
    cluster: ClusterSpec,
    open_dns: Callable[[], AbstractContextManager[CachingResolver]],
    write: Callable[[str], None],
    output_dir: OutputDir | None = None,
    save_dns: str | None = None,
    work: Work = run_partition,
    stop: threading.Event | None = None,
) -> Summary:
    """Scan every PATH on a Dask cluster: the output in input order (through `write`, or
    one file per partition in `output_dir`), and the run's Summary, merged from the
    partitions'. Ctrl-C stops as run_scan does (`interrupted` set)."""
    if STDIN in paths:
        raise UsageError("--cluster: standard input ('-') cannot be shared with the workers")
    summary = Summary()
    started = time.monotonic()
    stop = stop or threading.Event()  # set by Ctrl-C (or by the caller)
    previous = _on_sigint(stop)
    try:
        # The cluster first: a scheduler out of reach is known before any input is read.
        with connect(cluster) as client, open_dns() as resolver:
            summary.interrupted = _run(
                client, resolver, paths, settings, write, output_dir, save_dns, work, stop,
                summary,
            )  # fmt: skip
    finally:
        _restore_sigint(previous)
        if output_dir is not None:
            _remove_temporaries(output_dir)
        summary.seconds = time.monotonic() - started
    return summary


def _run(
    client: Any,
    resolver: CachingResolver,
    paths: Sequence[str],
    settings: Settings,
    write: Callable[[str], None],
    output_dir: OutputDir | None,
    save_dns: str | None,
    work: Work,
    stop: threading.Event,
    summary: Summary,
) -> bool:
    settings = _worker_settings(settings, resolver)
    if settings.fmt is ScanFormat.CSV and output_dir is None:
        write(csv_render.header())
    # The run's DNS: the scan's service, on TCP where the workers can reach this process,
    # over one cache (each name asked once per run) that keeps every answer for --save-dns.
    recorder = RecordingResolver(resolver)
    server = LookupServer(CachingResolver(recorder), tcp=(_reachable_host(client), 0))

    def emit(part: PartResult) -> None:
        if part.lines:
            write("".join(part.lines))
        summary.merge(part.summary)

    try:
        runner = Runner(client, settings, server.service, output_dir, stop, work)
        tasks = group(scan_parts(paths), input_bytes(paths), threads(client))
        return runner.run(tasks, emit) or stop.is_set()
    finally:
        server.close()
        if save_dns is not None:
            _save_dns(save_dns, recorder.answers.values())


def _worker_settings(settings: Settings, resolver: CachingResolver) -> Settings:
    """The resolver a worker builds for what the service cannot answer: the same servers
    as this process's, or its zone files (as run_scan gives its workers)."""
    inner = resolver.inner
    if resolver.spec is not None:
        return replace(settings, dns=resolver.spec)
    if isinstance(inner, DnsPythonResolver):  # one built by hand (tests)
        return replace(settings, dns=ResolverSpec(tuple(inner.nameservers), inner.timeout))
    return settings


def _reachable_host(client: Any) -> str:
    """This machine's address as the scheduler's network sees it (loopback for a
    LocalCluster): where the workers reach the DNS service."""
    from urllib.parse import urlsplit

    from distributed.utils import get_ip

    host = urlsplit(str(client.scheduler.address)).hostname or "127.0.0.1"
    return "127.0.0.1" if host in ("127.0.0.1", "localhost") else str(get_ip(host))
