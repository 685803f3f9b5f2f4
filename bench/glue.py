#!/usr/bin/env python3
"""What a scan worker spends around verification, per message (issue 15): the trace reading,
SPF, DMARC, the DNS answer layers, diagnosis, forensics and analyze_message's own work.

    python bench/glue.py                  # the 2,000-message bench corpus, 5 rounds
    python bench/glue.py --rounds 9 --before /work/main    # and another tree, alternating

Each round is a process of its own (one per tree, in alternating order): it parses the
corpus (bench/corpus.py, generated once into bench/out/), answers every lookup the scan's
plan would (pipeline.lookups, pipeline.ask over the zone file), and then runs the worker's
steps after parsing on every message as work.scan_partition does: plan_message
(trace.receiver_record, spf.identify, pipeline.lookups), then analyze_message over a
PrefetchedResolver holding the plan's answers. It measures the CPU time of this thread
(time.thread_time) of each step over the corpus, the least of three runs, nothing wrapped
(bench/profile.py splits a real scan by stage). The figures are medians of the rounds in
microseconds per message.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def child(mbox: Path, zone: Path, now: int) -> dict[str, float]:
    """One round in this process (the tree on sys.path): µs per message by step."""
    from analyzer import pipeline
    from analyzer.dns import ResolverSpec
    from analyzer.message import parse_message
    from analyzer.scan import work
    from analyzer.scan.plan import PrefetchedResolver
    from analyzer.sources import read_paths

    spec = ResolverSpec.from_options(zones=[str(zone)])
    parsed = []
    with spec.open() as resolver:
        answers = []
        for m in read_paths([str(mbox)]):
            msg = parse_message(m.raw)
            p = work._Parsed(m.source, len(m.raw), msg, work.extract(msg.headers))
            for lookup in work.plan_message(p):
                answers += pipeline.ask(lookup, resolver)
            parsed.append(p)
        held = PrefetchedResolver(PrefetchedResolver.by_name(answers), resolver)

        def plan() -> None:
            for p in parsed:
                p.receiver = p.spf = None
                work.plan_message(p)

        def analyze() -> None:
            for p in parsed:
                pipeline.analyze_message(
                    p.msg, held, now=now, source=p.source, signatures=p.signatures,
                    receiver=p.receiver, spf_identity=p.spf,
                )  # fmt: skip

        plan()  # warm-up: the caches a worker fills on its first partitions
        analyze()
        seconds = {
            "plan_message (receiver record, SPF identity, lookups)": min(
                _timed(plan) for _ in range(3)
            ),
            "analyze_message (verification included)": min(_timed(analyze) for _ in range(3)),
        }
    n = len(parsed)
    out = {step: s / n * 1e6 for step, s in seconds.items()}
    out["worker steps after parsing"] = sum(out.values())
    return out


def _timed(run: Any) -> float:
    started = time.thread_time()
    run()
    return time.thread_time() - started


def run_child(tree: Path, mbox: Path, zone: Path, now: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, __file__, "--child", str(mbox), str(zone), str(now)]
    out = subprocess.run(cmd, cwd=tree, env=env, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another tree, measured alternately")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mbox, zone, now = args.child
        print(json.dumps(child(Path(mbox), Path(zone), int(now))))
        return

    import corpus

    mbox, zone = corpus.generate(args.messages, ROOT / "bench" / "out")
    now = corpus.T + 7 * args.messages + 3600
    trees = {"after": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    load = os.getloadavg()[0]
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for i in range(args.rounds):
        for name in list(trees)[:: 1 if i % 2 == 0 else -1]:
            runs[name].append(run_child(trees[name], mbox, zone, now))
    load = max(load, os.getloadavg()[0])
    print(f"{args.messages} messages, {args.rounds} rounds, load average up to {load:.1f}; "
          "CPU µs per message, medians")  # fmt: skip
    names = list(trees)[::-1]
    print(f"| stage | {' | '.join(names)} |")
    print(f"|---|{'---|' * len(names)}")
    stages = sorted(runs["after"][0], key=lambda s: -runs["after"][0][s])
    for stage in stages:
        cells = [statistics.median(r.get(stage, 0.0) for r in runs[n]) for n in names]
        print(f"| {stage} | {' | '.join(f'{c:.1f}' for c in cells)} |")


if __name__ == "__main__":
    main()
