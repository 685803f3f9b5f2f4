#!/usr/bin/env python3
"""CPU per message of the parsing stages, and of a whole scan partition, in one or two trees.

    python bench/parsing.py                             # this tree, the 2,000-message corpus
    python bench/parsing.py --before /work/main --rounds 5   # and another, alternating

Each stage runs over every message of the bench corpus (bench/corpus.py writes it to
bench/out/) and is timed in CPU seconds of its thread (time.thread_time: other load on the
machine does not count, though it still slows what is measured). The trees take turns,
round by round, and the median of the rounds is printed. "scan" is scan_partition over the
corpus with the corpus zone, as a worker runs it (parsing, DNS from memory, verification,
diagnosis and JSON): the share of the stages in it is what this work can win.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MBOX = ROOT / "bench" / "out" / "corpus-2000-5.mbox"
ZONE = ROOT / "bench" / "out" / "corpus.zone"
NOW = 1763900000 + 3600

# One round in one tree (the tree is first on sys.path): prints {stage: us per message}.
ROUND = """
import json, sys, time
from analyzer import classify, sources, trace
from analyzer.dns import ResolverSpec
from analyzer.message import parse_message
from analyzer.scan.read import partitions
from analyzer.scan.work import ScanFormat, Settings, scan_partition
from analyzer.signatures import extract

mbox, zone, now = sys.argv[1], sys.argv[2], int(sys.argv[3])
classify._psl()
parts = list(partitions([mbox]))
raws = [m for p in parts for m in p.read() if m.error is None]
entries = [b"From " + e for e in open(mbox, "rb").read().split(b"\\nFrom ")]
entries[0] = entries[0][5:]
msgs = [parse_message(m.raw) for m in raws]
records = [trace.receiver_record(m) for m in msgs]
crlf = "crlf" in parse_message.__kwdefaults__  # a tree with RawMessage.crlf parses so in scan


def entry():
    for i, e in enumerate(entries):
        sources.entry_message(mbox, i, e + b"\\n", False)


def parse():
    for m in raws:
        parse_message(m.raw, **({"crlf": m.crlf} if crlf else {}))


def signatures():
    for m in msgs:
        extract(m.headers)


def receiver():
    for m in msgs:
        trace.receiver_record(m)


def spf_inputs():
    for m, rx in zip(msgs, records):
        for _ in range(2):  # as spf.py asks them: once to plan, once to check
            trace.recorded_spf(m, rx)
            trace.boundary_client(m, rx)


settings = Settings(now, ScanFormat.JSONL, dns=ResolverSpec.from_options(zones=[zone]))
scan_partition(parts[0], None, settings)  # warm: the public suffix list, the zone


def scan():
    for p in parts:
        scan_partition(p, None, settings)


out = {}
for stage in (entry, parse, signatures, receiver, spf_inputs, scan):
    started = time.thread_time()
    stage()
    out[stage.__name__] = (time.thread_time() - started) / len(raws) * 1e6
print(json.dumps(out))
"""


def one_round(tree: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [sys.executable, "-c", ROUND, str(MBOX), str(ZONE), str(NOW)],
        cwd=tree, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result: dict[str, float] = json.loads(out)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="another tree to compare (say /work/main)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not MBOX.exists():
        sys.exit(f"{MBOX} is missing: python bench/corpus.py writes it")
    trees = {"this tree": ROOT} | ({"before": args.before} if args.before else {})
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            rounds[name].append(one_round(tree))
    print(f"CPU us per message, median of {args.rounds} rounds; load {os.getloadavg()[0]:.2f}")
    stages = list(rounds["this tree"][0])
    print(f"{'stage':<12}" + "".join(f"{name:>12}" for name in trees))
    for stage in stages:
        cells = [statistics.median(r[stage] for r in rounds[name]) for name in trees]
        print(f"{stage:<12}" + "".join(f"{c:12.1f}" for c in cells))


if __name__ == "__main__":
    main()
