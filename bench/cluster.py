#!/usr/bin/env python3
"""`scan --cluster local:2` against `scan -j 2` on the same corpus: messages per second.

    python bench/cluster.py                    # 20,000 messages, one run of each
    python bench/cluster.py --messages 2000 --rounds 3

The corpus is bench/corpus.py's (generated once into bench/out/ and reused), its zone
served by the loopback server (0 ms latency). Each program runs as its own process,
writing JSONL to a file; the figure is its wall time, start-up included (the LocalCluster's
too), and the two outputs are compared byte for byte. Rounds alternate the two programs,
so a machine whose load changes during the run hurts both alike; the ratio of the medians
is what to read (target: the cluster within 15% of -j 2).
"""

from __future__ import annotations

import argparse
import filecmp
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

from tests.nanoserver import ZoneServer  # noqa: E402

SIGN_TIME = 1763900000


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1, 75):
        raise SystemExit(f"{' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return seconds


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
        times: dict[str, list[float]] = {name: [] for name in programs}
        for _ in range(args.rounds):
            for name, command in programs.items():
                out = Path(tmp) / (name.replace(" ", "_") + ".jsonl")
                times[name].append(timed([*command, "-o", str(out), str(mbox)]))
        outputs = sorted(Path(tmp).glob("*.jsonl"))
        same = filecmp.cmp(outputs[0], outputs[1], shallow=False)
    print(f"{args.messages:,} messages, {args.rounds} round(s), 0 ms DNS, output identical: {same}")
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, seconds in medians.items():
        print(f"  {name:28} {seconds:7.2f} s  {args.messages / seconds:8,.0f} messages/s")
    local, cluster = medians.values()
    print(f"  cluster / local wall time: {cluster / local:.2f}x "
          f"(overhead {100 * (cluster / local - 1):+.0f}%)")  # fmt: skip


if __name__ == "__main__":
    main()
