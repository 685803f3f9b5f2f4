#!/usr/bin/env python3
"""How fast `check` starts: one message with --zone, against `python -c "import dkim"`.

    python bench/startup.py              # 10 rounds, the medians and the ratio
    python bench/startup.py --rounds 20 --importtime
    python bench/startup.py --tree /tmp/old   # also another source tree (`git archive main`)

Each round runs every program once, in turn (alternating, so a load that comes and goes
weighs on all of them alike); the figure is the median wall time of each, whole
processes. The target (issue 15): `check --zone` at most 2.5x `import dkim`.

Besides the target:
- `check -h`: the command line alone, with none of the analysis imported;
- what the --zone loopback server costs inside `check` (starting it, shutting it down),
  timed in this process through the resolver factory the CLI uses. (A `--nameserver`
  run against a server in this process is no measure of it: under load each query then
  waits for this process to be scheduled.)

--tree DIR adds `check --zone` run from the source tree DIR (`python -m analyzer` with
PYTHONPATH=DIR), to compare two versions in the same run.

--importtime adds, from `python -X importtime`, the import time of the heaviest modules
`check --zone` loads (one run: indicative only).
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
sys.path.insert(0, str(ROOT))

from analyzer.dns import open_resolver  # noqa: E402

CASE = ROOT / "fixtures" / "plain"
TARGET = 2.5


def _entry_point() -> list[str]:
    """The installed console script next to this interpreter, else `python -m analyzer`."""
    script = Path(sys.executable).parent / "dkim-analyzer"
    return [str(script)] if script.exists() else [sys.executable, "-m", "analyzer"]


def _run(command: list[str], tree: Path | None = None) -> tuple[float, float]:
    """One run's wall time and CPU time (user + system: less swayed by a loaded machine);
    from the source tree `tree` (cwd and PYTHONPATH) when given."""
    env = None if tree is None else {**os.environ, "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=tree or ROOT, capture_output=True, check=False, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: exit {proc.returncode}\n{proc.stderr.decode()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu


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
    programs = {
        'python -c "import dkim"': [sys.executable, "-c", "import dkim"],
        "check --zone": [*cli, "check", "--zone", str(CASE / "zone"), message],
        "check -h": [*cli, "check", "-h"],
    }
    trees: dict[str, Path | None] = dict.fromkeys(programs)
    if args.tree is not None:
        name = f"check --zone ({args.tree.name})"
        programs[name] = [sys.executable, "-m", "analyzer", "check", "--zone",
                          str(CASE / "zone"), message]  # fmt: skip
        trees[name] = args.tree.resolve()
    times: dict[str, list[float]] = {name: [] for name in programs}
    cpu: dict[str, list[float]] = {name: [] for name in programs}
    zone_server: list[float] = []
    for _ in range(args.rounds):
        for name, command in programs.items():
            wall, used = _run(command, trees[name])
            times[name].append(wall)
            cpu[name].append(used)
        started = time.perf_counter()
        with open_resolver([], 5.0, [CASE / "zone"]):
            pass
        zone_server.append(time.perf_counter() - started)
    base = statistics.median(times['python -c "import dkim"'])
    base_cpu = statistics.median(cpu['python -c "import dkim"'])
    print(f"median of {args.rounds}, alternating ({' '.join(cli)}; load {os.getloadavg()[0]:.1f}):")
    print(f"  {'':<32} {'wall':>9}  {'ratio':>6}  {'CPU':>9}  {'ratio':>6}")
    for name, samples in times.items():
        median, used = statistics.median(samples), statistics.median(cpu[name])
        print(f"  {name:<32} {median * 1000:6.1f} ms  {median / base:5.2f}x"
              f"  {used * 1000:6.1f} ms  {used / base_cpu:5.2f}x")  # fmt: skip
    zone = statistics.median(times["check --zone"])
    server = statistics.median(zone_server)
    print(f"  of which the --zone loopback server (start + stop): {server * 1000:.1f} ms")
    print(f"  without it: {(zone - server) * 1000:.1f} ms, {(zone - server) / base:.2f}x")
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
