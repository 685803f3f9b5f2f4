#!/usr/bin/env python3
"""How fast `check` starts: one message with --zone, against `python -c "import dkim"`.

    python bench/startup.py              # 10 rounds, the medians and the ratio
    python bench/startup.py --rounds 20 --importtime
    python bench/startup.py --tree /tmp/old   # also another source tree (`git archive main`)

Each round runs every program once, in turn (alternating, so a load that comes and goes
weighs on all of them alike); the figure is the median wall time of each, whole
processes. The target (issue 15): `check --zone` at most 2.5x `import dkim`.

Rows besides the target:
- `check --nameserver`: the same message against a loopback DNS server started here,
  so the difference from `check --zone` is what the --zone loopback server costs the
  process (starting it and shutting it down);
- `check -h`: the command line alone, with none of the analysis imported.

--tree DIR adds `check --zone` run from the source tree DIR (`python -m analyzer` with
PYTHONPATH=DIR), to compare two versions in the same run.

--importtime adds, from `python -X importtime`, the import time of the heaviest modules
`check --zone` loads (one run: indicative only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.zoneserver import ZoneServer  # noqa: E402

CASE = ROOT / "fixtures" / "plain"
TARGET = 2.5


def _entry_point() -> list[str]:
    """The installed console script next to this interpreter, else `python -m analyzer`."""
    script = Path(sys.executable).parent / "dkim-analyzer"
    return [str(script)] if script.exists() else [sys.executable, "-m", "analyzer"]


def _wall(command: list[str], tree: Path | None = None) -> float:
    """One run's wall time; from the source tree `tree` (cwd and PYTHONPATH) when given."""
    env = None if tree is None else {**os.environ, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=tree or ROOT, capture_output=True, check=False, env=env)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: exit {proc.returncode}\n{proc.stderr.decode()}")
    return elapsed


def _importtime(command: list[str], top: int) -> list[tuple[float, str]]:
    """(cumulative ms, module) of the `top` costliest top-level imports of one run."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "analyzer", *command[1:]],
        cwd=ROOT, capture_output=True, check=False, text=True,
    )  # fmt: skip
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            if len(name) - len(name.lstrip()) <= 3:  # top level (one space) and its children
                rows.append((int(parts[1]) / 1000, name.strip()))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--tree", type=Path, help="another source tree to time beside")
    args = parser.parse_args(argv)
    cli = _entry_point()
    message = str(CASE / "message.eml")
    with ZoneServer([CASE / "zone"]) as server:
        programs = {
            'python -c "import dkim"': [sys.executable, "-c", "import dkim"],
            "check --zone": [*cli, "check", "--zone", str(CASE / "zone"), message],
            "check --nameserver (loopback)": [*cli, "check", "--nameserver", server.address,
                                              message],
            "check -h": [*cli, "check", "-h"],
        }  # fmt: skip
        trees: dict[str, Path | None] = dict.fromkeys(programs)
        if args.tree is not None:
            name = f"check --zone ({args.tree.name})"
            programs[name] = [sys.executable, "-m", "analyzer", "check", "--zone",
                              str(CASE / "zone"), message]  # fmt: skip
            trees[name] = args.tree.resolve()
        times: dict[str, list[float]] = {name: [] for name in programs}
        for _ in range(args.rounds):
            for name, command in programs.items():
                times[name].append(_wall(command, trees[name]))
    base = statistics.median(times['python -c "import dkim"'])
    print(f"median of {args.rounds}, alternating ({' '.join(cli)}):")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:<32} {median * 1000:7.1f} ms  {median / base:5.2f}x")
    zone = statistics.median(times["check --zone"])
    served = statistics.median(times["check --nameserver (loopback)"])
    print(f"the --zone loopback server costs {max(zone - served, 0) * 1000:.0f} ms of it")
    ratio = zone / base
    verdict = "met" if ratio <= TARGET else "not met"
    print(f"check --zone / import dkim = {ratio:.2f}x (target <= {TARGET}x: {verdict})")
    if args.importtime:
        print("heaviest imports of check --zone (cumulative ms, one run):")
        for ms, module in _importtime(programs["check --zone"], 15):
            print(f"  {ms:7.1f}  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
