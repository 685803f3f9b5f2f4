#!/usr/bin/env python3
"""The scan parent's cost per message for asking ahead: the lookups planned from the
header section (pipeline.plan, as scan's reader and cluster's resolve_plan call it),
no DNS asked. Run from a checkout (it imports that checkout's analyzer):

    python bench/corpus.py --messages 2000 --out bench/out
    python bench/plan_cost.py bench/out/corpus.mbox

Prints microseconds per message (best of --repeat runs) and the lookups planned.
"""

from __future__ import annotations

import argparse
import time

from analyzer import scan
from analyzer.sources import read_paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mbox")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    raws = [m.raw for m in read_paths([args.mbox]) if m.error is None]
    best = float("inf")
    planned = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        planned = sum(len(scan.plan_lookups(raw)) for raw in raws)
        best = min(best, time.perf_counter() - start)
    print(
        f"{len(raws)} messages, {planned} lookups planned, {best / len(raws) * 1e6:.0f} µs/message"
    )


if __name__ == "__main__":
    main()
