#!/usr/bin/env python3
"""Wall time of `check --zone` on one message, against `python -c "import dkim"` (issue 15).

    .venv/bin/python bench/zonecheck.py                      # this tree, 10 rounds
    .venv/bin/python bench/zonecheck.py --before /tmp/main   # and another checkout of the tree

Each round runs, one after the other (alternating, so that a loaded machine slows all of
them alike): `python -c "import dkim"`, then `python -m analyzer check --zone
fixtures/plain/zone fixtures/plain/message.eml` with this tree first on sys.path, and with
--before's tree when given (an unpacked `git archive main`, say). The figures are the median
wall time of each, and its ratio to the `import dkim` baseline measured in the same run.

Then, in one process per tree, the part --zone costs inside `check`: the resolver opened on
the zone, the message analysed, the resolver closed (median of --rounds; the imports are not
counted). Before this change that started and stopped a loopback server (the stop waits for
its threads' 100 ms socket poll); now the zone is answered from memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAIN = ROOT / "fixtures" / "plain"
CHECK = ["-m", "analyzer", "check", "--zone", str(PLAIN / "zone"), "--now", "2025-11-25",
         str(PLAIN / "message.eml")]  # fmt: skip


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], tree: Path | None) -> tuple[float, float]:
    """(wall, CPU) seconds of one run."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    started, cpu = time.perf_counter(), _cpu()
    run = subprocess.run([sys.executable, *args], env=env, capture_output=True, cwd=tree or ROOT)
    took = time.perf_counter() - started, _cpu() - cpu
    if run.returncode not in (0, 1):
        raise SystemExit(f"{args} exited {run.returncode}: {run.stderr.decode()[-500:]}")
    return took


IN_PROCESS = f"""
import statistics, sys, time
from analyzer.dns import open_resolver
from analyzer.pipeline import analyze
raw = open({str(PLAIN / "message.eml")!r}, "rb").read()
took = []
for _ in range(int(sys.argv[1])):
    started = time.perf_counter()
    with open_resolver(zones=[{str(PLAIN / "zone")!r}]) as resolver:
        analyze(raw, resolver, now=1763990000)
    took.append(time.perf_counter() - started)
print(statistics.median(took))
"""


def in_process(tree: Path, rounds: int) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree))
    run = subprocess.run([sys.executable, "-c", IN_PROCESS, str(rounds)], env=env, cwd=tree,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return float(run.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--before", type=Path, help="another checkout to time alongside")
    args = parser.parse_args()
    plans: dict[str, tuple[list[str], Path | None]] = {
        "python -c 'import dkim'": (["-c", "import dkim"], None),
        "check --zone (this tree)": (CHECK, ROOT),
    }
    if args.before is not None:
        plans["check --zone (--before)"] = (CHECK, args.before.resolve())
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in plans}
    for _ in range(args.rounds):
        for label, (cmd, tree) in plans.items():
            times[label].append(timed(cmd, tree))
    base = statistics.median(w for w, _ in times["python -c 'import dkim'"])
    print(f"{args.rounds} rounds, alternating; median wall time (min-max), ratio to import dkim;"
          " median CPU time")  # fmt: skip
    for label, values in times.items():
        wall = [w for w, _ in values]
        median = statistics.median(wall)
        cpu = statistics.median(c for _, c in values)
        print(f"{label:28} {median * 1000:7.1f} ms ({min(wall) * 1000:.0f}-"
              f"{max(wall) * 1000:.0f})  {median / base:5.2f}x  CPU {cpu * 1000:6.1f} ms")  # fmt: skip
    print("in one process: open the --zone resolver, analyse the message, close it (median)")
    for label, (_, tree) in list(plans.items())[1:]:
        assert tree is not None
        print(f"{label:28} {in_process(tree, args.rounds) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
