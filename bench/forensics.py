"""How much forensics cost, worst case: a failing signature that nothing explains.

    .venv/bin/python bench/forensics.py

Times analyze() on the `plain` fixture (passes: forensics do not run), on `unexplained-change`
(small, fails, nothing explains it) and on that message with its body grown to about 1, 3
and 5 MB (every candidate is tried until the counted budget runs out; past 50,000 lines the
block search is skipped); then the hostile forensics cases of bench/limits.py (a wide h=, many
MIME delimiters, deep MIME nesting: the set-up is counted, so they stop early and say so).
Peak memory of those: `python bench/limits.py forensics_h_100k_names ...` (one process each).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from analyzer.dns import open_resolver
from analyzer.pipeline import analyze

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = 1763990000


def grown(raw: bytes, size: int) -> bytes:
    line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n"
    head, body = raw.split(b"\r\n\r\n", 1)
    return head + b"\r\n\r\n" + line * (size // len(line)) + body


def timed(label: str, raw: bytes, zone: Path, runs: int = 3) -> None:
    with open_resolver(zones=[zone]) as resolver:
        analyze(raw, resolver, now=NOW)  # warm the DNS cache: time the analysis only
        start = time.perf_counter()
        for _ in range(runs):
            report = analyze(raw, resolver, now=NOW)
        took = (time.perf_counter() - start) / runs
    codes = ", ".join(f.code for f in report.findings)
    print(f"{label:32} {len(raw) / 1e6:6.2f} MB {took * 1000:9.1f} ms  {codes}")


def hostile() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import limits
    from dictdns import DictResolver

    for name in ("forensics_h_100k_names", "forensics_mime_49k_delimiters",
                 "forensics_mime_nested_10000"):  # fmt: skip
        raw, data = limits.CASES[name]()
        start = time.perf_counter()
        report = analyze(raw, DictResolver(data), now=limits.NOW)
        took = time.perf_counter() - start
        unsearched = [e for f in report.findings for e in f.evidence if "not searched" in e]
        print(f"{name:32} {len(raw) / 1e6:6.2f} MB {took * 1000:9.1f} ms  {unsearched[:1]}")


def main() -> None:
    plain = FIXTURES / "plain"
    timed("plain (passes)", (plain / "message.eml").read_bytes(), plain / "zone")
    case = FIXTURES / "unexplained-change"
    raw = (case / "message.eml").read_bytes()
    timed("unexplained-change", raw, case / "zone")
    for size in (1_000_000, 3_000_000, 5_000_000):
        timed(f"unexplained-change +{size // 1_000_000} MB", grown(raw, size), case / "zone", 1)
    hostile()


if __name__ == "__main__":
    main()
