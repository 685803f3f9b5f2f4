#!/usr/bin/env python3
"""Where each millisecond of `scan -j 2` goes, per message: the main process and the workers.

    python bench/profile.py                    # the bench corpus, 2,000 messages
    python bench/profile.py --messages 20000 --before /work/main   # and a tree to compare

Each stage is timed in CPU seconds of its thread (time.thread_time, so that other load on
the machine does not count) by wrapping the functions the scan calls (no
cProfile: its overhead would distort the split); the workers write their counters after
each partition. The main process's and the workers' CPU time come from getrusage, so
"other" is what no wrapper saw (start-up, the pool's hand-off and unpickling, waiting
threads); the main process's CPU is shown by thread too (the DNS service's threads: its
lookup jobs, dns-serve and dns-reply), as each thread ends. `--before ROOT` runs the same
scan from another tree (say the main branch) for its main-process / worker CPU split in
the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SIGN_TIME = 1763900000

# The whole run, as the CLI makes it, from whichever tree is on sys.path: prints the CPU
# seconds of this process and of its workers (for --before).
TOTALS = """
import contextlib, resource, sys, time
from analyzer.dns import open_resolver
from analyzer.scan import ScanFormat, Settings, run_scan
mbox, ns, now = sys.argv[1], sys.argv[2], int(sys.argv[3])
started = time.perf_counter()
summary = run_scan([mbox], Settings(now, ScanFormat.JSONL), jobs=2,
                   open_dns=lambda: open_resolver([ns], 5.0, []), write=lambda s: None)
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(summary.messages, me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime,
      time.perf_counter() - started)
"""


def totals(tree: Path, mbox: Path, nameserver: str, now: int) -> tuple[int, float, float, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [sys.executable, "-c", TOTALS, str(mbox), nameserver, str(now)],
        cwd=tree, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return int(out[0]), float(out[1]), float(out[2]), float(out[3])


class Timers:
    """Seconds and calls per stage, in this process."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    def wrap(self, owner: Any, attr: str, stage: str) -> None:
        inner = getattr(owner, attr)

        @functools.wraps(inner)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[stage] += time.thread_time() - started
                self.calls[stage] += 1

        setattr(owner, attr, timed)


_WORKER: dict[str, Any] = {}  # the timed run's timers and folder (inherited by fork)


def timed_partition(part: Any, dns: Any, settings: Any) -> Any:
    """work.scan_partition with its reading timed apart; the counters written after each."""
    from analyzer.scan import InlinePart, work

    timers, out = _WORKER["timers"], _WORKER["out"]
    started = time.thread_time()
    messages = tuple(part.read())
    timers.seconds["read own partition"] += time.thread_time() - started
    results = work.scan_partition(InlinePart(messages), dns, settings)
    timers.seconds["partition (total)"] += time.thread_time() - started
    timers.calls["messages"] += len(messages)
    (out / f"worker-{os.getpid()}.json").write_text(json.dumps([timers.seconds, timers.calls]))
    return results


def thread_cpu() -> Counter[str]:
    """CPU seconds of each thread of this process as it ends, by name (without the
    pool's numbering): the main process's time apart from the stages wrapped."""
    seconds: Counter[str] = Counter()
    run = threading.Thread.run

    def timed_run(self: threading.Thread) -> None:
        try:
            run(self)
        finally:
            seconds[self.name.split("_")[0].split(" ")[0].rstrip("0123456789-")] += (
                time.thread_time()
            )

    threading.Thread.run = timed_run  # type: ignore[method-assign]
    return seconds


def detailed(mbox: Path, nameserver: str, now: int, out: Path) -> None:
    """The new tree's scan with every stage timed (runs in a child process of its own)."""
    from analyzer import pipeline, trace
    from analyzer.dns import open_resolver
    from analyzer.scan import ScanFormat, Settings, read, schedule, work

    timers = Timers()
    # Inside analyze_message (pipeline.py's names), and the worker's steps (work.py's).
    for owner, attr, stage in [
        (pipeline, "fetch_key", "DNS answers (from the plan)"),
        (pipeline, "fast_verify", "verify: fast path"),
        (pipeline, "verify", "verify: full path (failing signatures)"),
        (pipeline, "probe_key", "probes (failing keys)"),
        (pipeline, "check_arc", "ARC"),
        (trace, "receiver", "trace: receiver"),
        (trace, "receiver_record", "trace: receiver record"),
        (pipeline.dmarc_policy, "lookup", "DMARC lookup (from the plan)"),
        (pipeline.dmarc_policy, "evaluate", "DMARC evaluate"),
        (pipeline.spf_policy, "for_message", "SPF: check_host (answers from the plan)"),
        (pipeline.spf_policy, "identify", "SPF: client and identity"),
        (pipeline, "diagnose", "diagnose"),
        (pipeline, "forensic_findings", "forensics (failing signatures)"),
        (pipeline, "classify", "classify"),
        (work, "parse_message", "parse"),
        (work, "extract", "signatures: extract"),
        (work, "lookups", "pipeline.lookups"),
        (work.Planner, "ask", "plan: send the lookups (IPC)"),
        (work.Planner, "wait", "plan: wait for the answers (IPC)"),
        (work, "message_line", "JSON: the message's line"),
    ]:
        timers.wrap(owner, attr, stage)
    timers.wrap(work, "report_result", "render (total)")
    timers.wrap(work, "_analyzed", "analyze + render (total)")

    _WORKER.update(timers=timers, out=out)
    schedule.Workers.__init__.__defaults__ = (timed_partition,)
    main = Timers()
    real_partitions = read.partitions

    def partitions(paths: Any) -> Iterator[Any]:
        it = iter(real_partitions(paths))
        while True:
            started = time.thread_time()
            try:
                part = next(it)
            except StopIteration:
                main.seconds["find boundaries (reader thread)"] += time.thread_time() - started
                return
            main.seconds["find boundaries (reader thread)"] += time.thread_time() - started
            yield part

    schedule.partitions = partitions
    threads = thread_cpu()
    main.wrap(schedule.Summary, "add", "summary")
    written = [0]

    def write(text: str) -> None:
        written[0] += len(text)

    emitted = Timers()

    @contextlib.contextmanager
    def progress() -> Iterator[Callable[[Any], None]]:
        yield lambda r: None

    started = time.perf_counter()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.devnull, "w") as sink:

        def write_devnull(text: str) -> None:
            t = time.thread_time()
            sink.write(text)
            sink.flush()
            emitted.seconds["write"] += time.thread_time() - t

        summary = schedule.run_scan(
            [str(mbox)], Settings(now, ScanFormat.JSONL), jobs=2,
            open_dns=lambda: open_resolver([nameserver], 5.0, []), write=write_devnull,
            progress=progress,
        )  # fmt: skip
    wall = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    main.seconds.update(emitted.seconds)
    time.sleep(0.5)  # the DNS pool's threads end after the run (shut down without waiting)
    (out / "main.json").write_text(
        json.dumps({
            "messages": summary.messages,
            "wall": wall,
            "main_cpu": me.ru_utime + me.ru_stime - cpu0.ru_utime - cpu0.ru_stime,
            "workers_cpu": kids.ru_utime + kids.ru_stime,
            "stages": main.seconds,
            "threads": threads | {"main": time.thread_time()},
        })
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--before", type=Path, help="another tree, for its CPU split")
    parser.add_argument("--detailed", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.detailed:
        mbox, ns, now, out = args.detailed
        detailed(Path(mbox), ns, int(now), Path(out))
        return

    from corpus import generate

    from tests.nanoserver import ZoneServer

    mbox, zone = generate(args.messages, args.out)
    now = SIGN_TIME + args.messages * 7 + 86400
    print(f"corpus: {mbox.name}, {args.messages} messages; load {os.getloadavg()[0]:.1f}")
    with ZoneServer([zone]) as server, tempfile.TemporaryDirectory() as tmp:
        if args.before:
            n, main_cpu, workers_cpu, wall = totals(args.before, mbox, server.address, now)
            print(f"before ({args.before}): main process {main_cpu / n * 1000:.3f} ms/msg, "
                  f"workers {workers_cpu / n * 1000:.3f} ms/msg (CPU), {wall:.1f} s wall")  # fmt: skip
        n, main_cpu, workers_cpu, wall = totals(ROOT, mbox, server.address, now)
        print(f"after  ({ROOT}): main process {main_cpu / n * 1000:.3f} ms/msg, "
              f"workers {workers_cpu / n * 1000:.3f} ms/msg (CPU), {wall:.1f} s wall")  # fmt: skip
        subprocess.run(
            [sys.executable, __file__, "--detailed", str(mbox), server.address, str(now), tmp],
            cwd=ROOT, check=True,
        )  # fmt: skip
        report(Path(tmp))


def report(folder: Path) -> None:
    run = json.loads((folder / "main.json").read_text())
    n = run["messages"]
    seconds: Counter[str] = Counter()
    for f in folder.glob("worker-*.json"):
        s, _ = json.loads(f.read_text())
        seconds.update(s)
    print(f"\nper message, {n} messages (timed run: wrappers add a little)")
    print(f"{'main process':<44} {'ms/msg':>7}")
    stages = {k: v for k, v in run["stages"].items() if k != "_unused"}
    for stage, s in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<42} {s / n * 1000:>7.3f}")
    seen = sum(stages.values())
    print(f"  {'other (start-up, pool hand-off, unpickling)':<42} "
          f"{(run['main_cpu'] - seen) / n * 1000:>7.3f}")  # fmt: skip
    print(f"  {'CPU, main process in all':<42} {run['main_cpu'] / n * 1000:>7.3f}")
    print(f"{'main process by thread (threads ended)':<44} {'ms/msg':>7}")
    for name, s in sorted(run["threads"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:<42} {s / n * 1000:>7.3f}")
    print(f"{'workers (summed over both)':<44} {'ms/msg':>7}")
    totals_ = {k for k in seconds if "(total)" in k}
    for stage, s in sorted(seconds.items(), key=lambda kv: -kv[1]):
        if stage not in totals_:
            print(f"  {stage:<42} {s / n * 1000:>7.3f}")
    for stage in sorted(totals_):
        print(f"  {stage:<42} {seconds[stage] / n * 1000:>7.3f}")
    print(f"  {'CPU, workers in all (with start-up)':<42} {run['workers_cpu'] / n * 1000:>7.3f}")
    print(f"wall {run['wall']:.2f} s")


if __name__ == "__main__":
    main()
