#!/usr/bin/env python3
"""Where `scan -j 2` waits: worker idle time, first job, tail, main-process CPU.

    python bench/waiting.py                          # 2,000 messages, 0 and 20 ms DNS
    python bench/waiting.py --latency 20 --repeat 3 --before /work/main

Wall time on a shared machine says little; these figures say how well the cores are
kept busy, whatever the load: per worker, the seconds spent blocked for DNS answers
(Planner.first_ready and Planner.wait), when its first partition started (after the
process started), and how long the last worker ran alone at the end (the tail). Also
the CPU seconds of the main process and of the workers (getrusage), and the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if "--child" not in sys.argv:  # the child imports the tree its PYTHONPATH names
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))

SIGN_TIME = 1763900000


_hooks: dict[str, Any] = {}


def partition(part: Any, dns: Any, settings: Any) -> Any:
    """work.scan_partition, timed (a worker runs it: it is pickled by name)."""
    t = time.monotonic()
    waited = _hooks["waited"]
    before = waited[0]
    try:
        return _hooks["original"](part, dns, settings)
    finally:
        line = {"pid": os.getpid(), "start": t, "end": time.monotonic(),
                "wait": waited[0] - before, "n": part.count}  # fmt: skip
        with open(_hooks["log"], "a") as f:
            f.write(json.dumps(line) + "\n")


def child(argv: list[str], log: str) -> int:
    """The scan, in this process, with the workers' waits timed (installed before fork)."""
    started = time.monotonic()
    from analyzer.cli import run as cli_main
    from analyzer.scan import plan, schedule, work

    waited = [0.0]

    def timed(f):  # type: ignore[no-untyped-def]
        def inner(*args, **kwargs):  # type: ignore[no-untyped-def]
            t = time.monotonic()
            try:
                return f(*args, **kwargs)
            finally:
                waited[0] += time.monotonic() - t

        return inner

    plan.Planner.first_ready = timed(plan.Planner.first_ready)  # type: ignore[method-assign]
    plan.Planner.wait = timed(plan.Planner.wait)  # type: ignore[method-assign]
    _hooks.update(original=work.scan_partition, waited=waited, log=log)
    schedule.Workers.__init__.__defaults__ = (partition,)  # module level: pickled by name
    code = cli_main(argv)
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log, "a") as f:
        f.write(json.dumps({"main": True, "start": started, "end": time.monotonic(),
                            "main_cpu": own.ru_utime + own.ru_stime,
                            "workers_cpu": kids.ru_utime + kids.ru_stime}) + "\n")  # fmt: skip
    return int(code or 0)


def summarise(log: Path) -> dict[str, float]:
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    main = next(line for line in lines if "main" in line)
    parts = [line for line in lines if "pid" in line]
    by_pid: dict[int, list[dict[str, float]]] = {}
    for p in parts:
        by_pid.setdefault(int(p["pid"]), []).append(p)
    ends = sorted(max(p["end"] for p in ps) for ps in by_pid.values())
    return {
        "wall": main["end"] - main["start"],
        "first_job": min(p["start"] for p in parts) - main["start"],
        "wait": sum(p["wait"] for p in parts),
        "tail": ends[-1] - ends[0] if len(ends) > 1 else 0.0,
        "after_last": main["end"] - ends[-1],
        "busy": sum(p["end"] - p["start"] for p in parts),
        "main_cpu": main["main_cpu"],
        "workers_cpu": main["workers_cpu"],
        "partitions": len(parts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--latency", type=float, action="append", metavar="MS")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--before", type=Path, metavar="TREE", help="another checkout too")
    if sys.argv[1:2] == ["--child"]:  # --child LOG SCAN-ARGS...
        sys.exit(child(sys.argv[3:], sys.argv[2]))
    args = parser.parse_args()

    from corpus import generate

    from tests.nanoserver import ZoneServer

    mbox, zone = generate(args.messages, ROOT / "bench" / "out")
    now = SIGN_TIME + args.messages * 7 + 86400
    trees = [ROOT, *([args.before.resolve()] if args.before else [])]
    latencies = args.latency or [0.0, 20.0]
    keys = ("wall", "first_job", "wait", "tail", "after_last", "main_cpu", "workers_cpu")
    print(f"{'tree':<20} {'ms':>3} " + " ".join(f"{k:>11}" for k in keys) + "  load")
    for _ in range(args.repeat):
        for ms in latencies:
            with ZoneServer([zone], latency=ms / 1000) as server:
                for tree in trees:
                    with tempfile.TemporaryDirectory() as tmp:
                        log = Path(tmp) / "log"
                        cmd = [sys.executable, str(ROOT / "bench" / "waiting.py"), "--child",
                               str(log), "scan", "--format", "jsonl", "--output",
                               os.devnull, "--nameserver", server.address, "--now", str(now),
                               "--jobs", str(args.jobs), str(mbox)]  # fmt: skip
                        env = dict(os.environ, PYTHONPATH=str(tree))
                        subprocess.run(cmd, cwd=tree, env=env, check=False)
                        s = summarise(log)
                    load = Path("/proc/loadavg").read_text().split()[0]
                    print(f"{tree.name:<20} {ms:>3g} "
                          + " ".join(f"{s[k]:>11.3f}" for k in keys) + f"  {load}")  # fmt: skip


if __name__ == "__main__":
    main()
