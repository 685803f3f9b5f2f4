#!/usr/bin/env python3
"""Benchmark the fast path for signatures that verify (issue 15): analyze() on passing mail.

    python bench/fastpath.py                     # 2,000 messages of bench/corpus.py, 3 rounds
    python bench/fastpath.py --messages 500 --rounds 5

The corpus (bench/corpus.py, generated once into bench/out/ and reused) is read in full,
and the messages whose every signature passes are kept (about 89%). Each round runs two
processes, one per mode, in alternating order: `full` forces every signature down the full
path (pipeline.fast_verify replaced by a function that always declines), `fast` is the
product as shipped. Each process warms up (imports, the key cache) on a first pass over
the messages, then measures the CPU time (user + system, time.process_time) of analyze()
on each passing message, with an in-process dict resolver (bench/dictdns.py: no DNS
latency, no network), and separately the verification alone (the pipeline's verify step,
per signature, on messages parsed beforehand). Peak RSS is the process's own (ru_maxrss),
the whole corpus held in memory included. The figures are the median of the rounds; CPU
time is barely moved by other load on the machine, wall time would be.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MODES = ("full", "fast")


def child(mode: str, mbox: Path, zone: Path, now: int) -> dict[str, Any]:
    """One mode in this process: returns the measured figures."""
    from dictdns import DictResolver, records_from_zone

    from analyzer import pipeline
    from analyzer.classify import classify, mailing_list
    from analyzer.keys import fetch_key
    from analyzer.message import parse_message
    from analyzer.model import DkimSignature, Result
    from analyzer.signatures import extract
    from analyzer.sources import read_paths
    from analyzer.verify import fast_verify, verify

    if mode == "full":
        pipeline.fast_verify = lambda *a: None  # type: ignore[assignment]
    resolver = DictResolver(records_from_zone(zone.read_text()))
    messages = [m.raw for m in read_paths([str(mbox)])]
    # Warm-up, and the passing messages: every signature passes (the same set either way).
    passing = []
    for raw in messages:
        report = pipeline.analyze(raw, resolver, now=now)
        if report.verdicts and all(v.result is Result.PASS for v in report.verdicts):
            passing.append(raw)
    start = time.process_time()
    for raw in passing:
        pipeline.analyze(raw, resolver, now=now)
    analyze_cpu = time.process_time() - start

    # The verification step alone: what _verdict calls, per signature, inputs made beforehand.
    steps = []
    for raw in passing:
        msg = parse_message(raw)
        for sig in extract(msg.headers):
            if isinstance(sig, DkimSignature):
                evidence = fetch_key(resolver, sig.selector, sig.domain)
                steps.append((sig, msg, evidence, classify(sig.domain, msg.from_domain,
                                                           mailing_list(msg))))  # fmt: skip
    fast = mode == "fast"
    start = time.process_time()
    for sig, msg, evidence, alignment in steps:
        (fast and fast_verify(sig, msg, evidence, alignment, now)) or verify(
            sig, msg, evidence, alignment, now
        )
    verify_cpu = time.process_time() - start
    return {
        "mode": mode,
        "messages": len(messages),
        "passing": len(passing),
        "signatures": len(steps),
        "analyze_ms": analyze_cpu / len(passing) * 1000,
        "verify_us": verify_cpu / len(steps) * 1e6,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_child(mode: str, mbox: Path, zone: Path, now: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", mode, str(mbox), str(zone), str(now)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=4, metavar=("MODE", "MBOX", "ZONE", "NOW"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.child:
        mode, mbox, zone, now = args.child
        print(json.dumps(child(mode, Path(mbox), Path(zone), int(now))))
        return

    import corpus

    mbox, zone = corpus.generate(args.messages, ROOT / "bench" / "out")
    now = corpus.T + 7 * args.messages + 300  # after every t= of the corpus
    load = os.getloadavg()[0]
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in MODES}
    for i in range(args.rounds):
        for mode in MODES if i % 2 == 0 else MODES[::-1]:  # alternate: drift hits both
            runs[mode].append(run_child(mode, mbox, zone, now))
    load = max(load, os.getloadavg()[0])

    def med(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[mode])

    first = runs["fast"][0]
    print(f"{first['passing']} passing messages of {first['messages']} "
          f"({first['signatures']} signatures), {args.rounds} rounds, "
          f"{os.cpu_count()} cores, load average up to {load:.1f}")  # fmt: skip
    print()
    print(
        "| path | analyze() CPU ms/msg | messages/s (one core) | verify µs/signature | peak RSS |"
    )
    print("|---|---|---|---|---|")
    for mode in MODES:
        ms = med(mode, "analyze_ms")
        print(f"| {mode} | {ms:.3f} | {1000 / ms:,.0f} | {med(mode, 'verify_us'):.0f} "
              f"| {med(mode, 'peak_rss_mib'):.0f} MiB |")  # fmt: skip
    ratio = med("full", "analyze_ms") / med("fast", "analyze_ms")
    vratio = med("full", "verify_us") / med("fast", "verify_us")
    print(f"\nfast path: analyze() {ratio:.2f}x, verification {vratio:.2f}x")


if __name__ == "__main__":
    main()
