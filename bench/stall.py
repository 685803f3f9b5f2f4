#!/usr/bin/env python3
"""Do passing messages wait behind failing ones? When each output line of `scan` arrives.

    python bench/stall.py                    # 64 passing, 12 failing (1 MB each), 512 passing
    python bench/stall.py --failing 24 --size 3000000 --before /work/main

The mailbox: PASS passing messages (the `plain` fixture), then FAILING failing messages whose
forensics are the costliest there are (`unexplained-change`, its body grown to SIZE bytes:
every candidate change is tried until the counted budget runs out, bench/forensics.py), then
AFTER passing messages. `scan -j 2 --format jsonl --zone` (both fixtures' zones) runs as its
own process, and the time each line arrives on its standard output is kept. The output is in
input order, so no passing message after the run can be written before the run's last line;
what the figures show is how long after it they come: ~0 if the workers analysed them while
the failing ones were in forensics, the whole of their own analysis time if they waited.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from forensics import grown  # noqa: E402

FIXTURES = ROOT / "fixtures"
NOW = 1763990000


def mbox(messages: list[bytes]) -> bytes:
    out = []
    for raw in messages:
        body = raw.replace(b"\r\n", b"\n")
        quoted = b"\n".join(
            b">" + ln if ln.startswith(b"From ") else ln for ln in body.split(b"\n")
        )
        out.append(
            b"From bench@example Mon Jan  1 00:00:00 2024\n" + quoted.rstrip(b"\n") + b"\n\n"
        )
    return b"".join(out)


def _crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def arrivals(tree: Path, path: Path) -> list[float]:
    """Seconds from the start of `scan` to each line of its output."""
    cmd = [sys.executable, "-m", "analyzer", "scan", "--format", "jsonl", "--jobs", "2",
           "--now", str(NOW), "--zone", str(FIXTURES / "plain" / "zone"),
           "--zone", str(FIXTURES / "unexplained-change" / "zone"), str(path)]  # fmt: skip
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(tree))
    proc = subprocess.Popen(cmd, cwd=tree, stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    times = [time.perf_counter() - started for _ in proc.stdout]
    proc.wait()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passing", type=int, default=64, help="passing messages first")
    parser.add_argument("--failing", type=int, default=12, help="then failing ones")
    parser.add_argument("--after", type=int, default=512, help="then passing ones")
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes of a failing one")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another tree, run in turn")
    args = parser.parse_args()
    plain = _crlf((FIXTURES / "plain" / "message.eml").read_bytes())
    failing = grown(
        _crlf((FIXTURES / "unexplained-change" / "message.eml").read_bytes()), args.size
    )
    messages = [plain] * args.passing + [failing] * args.failing + [plain] * args.after
    first, last = args.passing, args.passing + args.failing - 1
    trees = {"this tree": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"{args.passing} passing, {args.failing} failing of {args.size / 1e6:.1f} MB, "
          f"{args.after} passing; load {load}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stall.mbox"
        path.write_bytes(mbox(messages))
        for _ in range(args.rounds):
            for label, tree in trees.items():
                t = arrivals(tree, path)
                assert len(t) == len(messages), (len(t), len(messages))
                ready = sum(1 for x in t[last + 1 :] if x - t[last] < 0.05)
                print(f"{label:>10}: first line {t[0]:.2f} s, before the run {t[first - 1]:.2f} "
                      f"s, the failing run's lines {t[first]:.2f}-{t[last]:.2f} s, the "
                      f"{args.after} after it: {ready} written with its last line (done "
                      f"while it ran), the last +{t[-1] - t[last]:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
