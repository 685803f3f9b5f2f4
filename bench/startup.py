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
PYTHONPATH=DIR), to compare versions in the same run; repeatable (`--tree . --tree
/tmp/main` times this tree and main the same way, without the console script).

--importtime adds, from `python -X importtime`, the import time of the heaviest modules
`check --zone` loads (one run: indicative only).

--typer adds what the command line library costs inside `check --zone`, each phase timed
in a fresh process (median of the rounds): `import typer`; the CLI modules and check's
click command (analyzer.cli, analyzer.cli.check, typer's get_command); pydantic, which
typer 0.29 imports when it first coerces a value (typer._adapters); parsing check's
command line once pydantic is loaded (its TypeAdapters built); and the whole parse as a
run pays it (the two before, together).
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


_TYPER_PHASES = r"""
import sys, time
clock = time.process_time if sys.argv[1].endswith("cpu") else time.perf_counter
t0 = clock()
import typer
t1 = clock()
from analyzer.cli import click_command
command = click_command("check")
t2 = clock()
if sys.argv[1].startswith("split"):
    import typer._adapters  # what typer imports at its first coercion: pydantic
t3 = clock()
command.make_context("check", sys.argv[2:])
t4 = clock()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""
TYPER_PHASES = (
    "import typer",
    "CLI modules + check's click command",
    "pydantic (typer._adapters)",
    "parse check's options (adapters)",
    "parse, pydantic included",
)


def _typer_phases(args: list[str], cpu: bool) -> list[float]:
    """One fresh process per way: the phases of TYPER_PHASES, in seconds (CPU time of
    the process if `cpu`, else wall time)."""
    runs = []
    for way in ("split", "whole"):
        way += "-cpu" if cpu else ""
        proc = subprocess.run([sys.executable, "-c", _TYPER_PHASES, way, *args], cwd=ROOT,
                              capture_output=True, text=True, check=True)  # fmt: skip
        runs.append([float(x) for x in proc.stdout.split()])
    split, whole = runs
    return [*split, whole[3]]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--tree", type=Path, action="append", default=[],
                        help="another source tree to time beside; repeatable")  # fmt: skip
    parser.add_argument("--typer", action="store_true", help="what typer costs, by phase")
    args = parser.parse_args(argv)
    cli = _entry_point()
    message = str(CASE / "message.eml")
    programs = {
        'python -c "import dkim"': [sys.executable, "-c", "import dkim"],
        "check --zone": [*cli, "check", "--zone", str(CASE / "zone"), message],
        "check -h": [*cli, "check", "-h"],
    }
    trees: dict[str, Path | None] = dict.fromkeys(programs)
    for tree in args.tree:
        name = f"check --zone ({tree.resolve().name})"
        programs[name] = [sys.executable, "-m", "analyzer", "check", "--zone",
                          str(CASE / "zone"), message]  # fmt: skip
        trees[name] = tree.resolve()
    times: dict[str, list[float]] = {name: [] for name in programs}
    cpu: dict[str, list[float]] = {name: [] for name in programs}
    zone_server: list[float] = []
    phases: list[list[float]] = []
    phases_cpu: list[list[float]] = []
    check_args = ["--zone", str(CASE / "zone"), message]
    for _ in range(args.rounds):
        if args.typer:
            phases.append(_typer_phases(check_args, cpu=False))
            phases_cpu.append(_typer_phases(check_args, cpu=True))
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
    if args.typer:
        print(f"what typer costs in check --zone (median of {args.rounds}, a fresh process each):")
        print(f"  {'':<38} {'wall':>9}  {'/dkim':>5}  {'CPU':>9}  {'/dkim':>5}")
        for i, name in enumerate(TYPER_PHASES):
            wall = statistics.median(p[i] for p in phases)
            used = statistics.median(p[i] for p in phases_cpu)
            print(f"  {name:<38} {wall * 1000:6.1f} ms  {wall / base:5.2f}"
                  f"  {used * 1000:6.1f} ms  {used / base_cpu:5.2f}")  # fmt: skip
    if args.importtime:
        print("heaviest imports of check --zone (cumulative ms, one run):")
        for ms, module in _importtime(programs["check --zone"], 15):
            print(f"  {ms:7.1f}  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
