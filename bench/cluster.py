#!/usr/bin/env python3
"""`scan --cluster local:2` against `scan -j 2` on the same corpus: messages per second.

    python bench/cluster.py                    # 20,000 messages, one run of each
    python bench/cluster.py --messages 2000 --rounds 3

The corpus is bench/corpus.py's (generated once into bench/out/ and reused), its zone
served by the loopback server (0 ms latency). Each program runs as its own process,
writing JSONL to a file; the figure is its wall time, start-up included (the LocalCluster's
too), and the two outputs are compared byte for byte. Rounds alternate the two programs,
so a machine whose load changes during the run hurts both alike; the ratio of the medians
is what to read (target: the cluster within 15% of -j 2). Besides the wall time: the CPU
seconds (user + sys) of each program's own process and of the processes under it (its
workers), per message, which other work on a shared machine changes less.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil  # Dask distributed's own dependency

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

from tests.nanoserver import ZoneServer  # noqa: E402

SIGN_TIME = 1763900000
POLL = 0.05  # seconds between readings of the programs' CPU


@dataclass
class Run:
    seconds: float  # wall time, start-up included
    main: float  # CPU seconds (user + sys) of the program's own process
    workers: float  # ... of every process under it (workers, Dask's forkserver)


def timed(args: list[str]) -> Run:
    """Run one program; its CPU by process is read every POLL s while it runs (the last
    reading of a process that has gone: up to POLL s of its CPU may be missed)."""
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(child.pid)
    cpu: dict[int, float] = {}
    while child.poll() is None:
        with contextlib.suppress(psutil.Error):
            for process in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    cpu[process.pid] = times.user + times.system
        time.sleep(POLL)
    seconds = time.perf_counter() - started
    stderr = child.stderr.read().decode() if child.stderr else ""
    if child.returncode not in (0, 1, 75):
        raise SystemExit(f"{' '.join(args)}: exit {child.returncode}\n{stderr}")
    main = cpu.pop(child.pid, 0.0)
    return Run(seconds, main, sum(cpu.values()))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    mbox, zone = corpus.generate(args.messages, ROOT / "bench" / "out")
    with ZoneServer([zone]) as server, tempfile.TemporaryDirectory() as tmp:
        base = [sys.executable, "-m", "analyzer", "scan", "--nameserver", server.address,
                "--now", str(SIGN_TIME + 100), "--format", "jsonl"]  # fmt: skip
        programs = {
            f"scan -j {args.workers}": [*base, "-j", str(args.workers)],
            f"scan --cluster local:{args.workers}": [*base, "--cluster", f"local:{args.workers}"],
        }
        runs: dict[str, list[Run]] = {name: [] for name in programs}
        loads = [os.getloadavg()[0]]
        for _ in range(args.rounds):
            for name, command in programs.items():
                out = Path(tmp) / (name.replace(" ", "_") + ".jsonl")
                runs[name].append(timed([*command, "-o", str(out), str(mbox)]))
                loads.append(os.getloadavg()[0])
        outputs = sorted(Path(tmp).glob("*.jsonl"))
        same = filecmp.cmp(outputs[0], outputs[1], shallow=False)
    n = args.messages
    print(f"{n:,} messages, {args.rounds} round(s), 0 ms DNS, output identical: {same}, "
          f"load average {min(loads):.1f}-{max(loads):.1f}")  # fmt: skip
    print(f"  {'':28} {'wall':>9} {'msg/s':>8}   CPU ms/message: main, under it, total (medians)")
    medians = {}
    for name, done in runs.items():
        seconds, main_cpu, workers = (
            statistics.median(getattr(r, f) for r in done) for f in ("seconds", "main", "workers")
        )
        medians[name] = seconds
        print(f"  {name:28} {seconds:7.2f} s {n / seconds:8,.0f}   "
              f"{1000 * main_cpu / n:.3f} + {1000 * workers / n:.3f} = "
              f"{1000 * (main_cpu + workers) / n:.3f}")  # fmt: skip
    for name, done in runs.items():
        print(f"  {name} rounds: " + ", ".join(f"{r.seconds:.1f} s" for r in done))
    local, cluster = medians.values()
    ratios = [c.seconds / j.seconds for j, c in zip(*runs.values(), strict=True)]
    print(f"  cluster / local wall time: {cluster / local:.2f}x "
          f"(overhead {100 * (cluster / local - 1):+.0f}%); "
          "by round: " + ", ".join(f"{r:.2f}x" for r in ratios))  # fmt: skip


if __name__ == "__main__":
    main()
