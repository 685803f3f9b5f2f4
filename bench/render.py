#!/usr/bin/env python3
"""What writing scan's JSONL costs per message, apart from analysing it (issue 15).

    python bench/render.py                      # bench/out/corpus-2000-5.mbox, 7 rounds
    python bench/render.py --rounds 15

Analyses the corpus once as a scan worker does (scan_partition, the corpus zone), keeping
each Report, then writes every line again and again in alternating rounds: the straight
rendering, line(message_dict(r)), and scan's, message_line(r) (what recurs made once and
held). CPU time of this process (time.process_time), the caches emptied before each round,
the cyclic GC's objects frozen (the reports kept here are not a scan's); the two must give
the same bytes.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.dns import ResolverSpec  # noqa: E402
from analyzer.model import Report  # noqa: E402
from analyzer.render import json as render_json  # noqa: E402
from analyzer.scan import work  # noqa: E402
from analyzer.scan.read import partitions  # noqa: E402

NOW = 1763903600


def reports(mbox: Path, zone: Path) -> list[Report]:
    kept: list[Report] = []
    made = work.report_result

    def keep(report: Report, *args: object, **kwargs: object) -> work.ScanResult:
        kept.append(report)
        return made(report, *args, **kwargs)  # type: ignore[arg-type]

    work.report_result = keep  # type: ignore[assignment]
    settings = work.Settings(
        NOW, work.ScanFormat.JSONL, dns=ResolverSpec.from_options(zones=[zone])
    )
    try:
        for part in partitions([str(mbox)]):
            work.scan_partition(part, None, settings)
    finally:
        work.report_result = made  # type: ignore[assignment]
    return kept


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mbox", type=Path, default=ROOT / "bench/out/corpus-2000-5.mbox")
    ap.add_argument("--zone", type=Path, default=ROOT / "bench/out/corpus.zone")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    got = reports(args.mbox, args.zone)
    ways = {
        "line(message_dict(r))": lambda r: render_json.line(render_json.message_dict(r)),
        "message_line(r)": render_json.message_line,
    }
    assert [ways["message_line(r)"](r) for r in got] == [
        ways["line(message_dict(r))"](r) for r in got
    ]
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.rounds):
        for name, write in ways.items():
            render_json.clear()
            started = time.process_time()
            for r in got:
                write(r)
            times[name].append((time.process_time() - started) / len(got) * 1e6)
    print(f"{len(got)} messages, {args.rounds} rounds, load average {os.getloadavg()[0]:.1f}")
    for name, t in times.items():
        print(f"  {name:<24} median {statistics.median(t):6.1f} us/msg, min {min(t):6.1f}")


if __name__ == "__main__":
    main()
