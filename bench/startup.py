#!/usr/bin/env python3
"""How fast `check` starts: one message with --zone, against `python -c "import dkim"`.

    python bench/startup.py              # 10 rounds, the medians and the ratio
    python bench/startup.py --rounds 20 --importtime --phases
    python bench/startup.py --tree /tmp/old   # also another source tree (`git archive main`)

Each round runs every program once, in turn (alternating, so a load that comes and goes
weighs on all of them alike); the figure is the median wall time of each, whole
processes. The target (issue 15): `check --zone` at most 2.5x `import dkim`.

Besides the target:
- `python -c pass`: the interpreter alone (with this venv's site), the floor of both;
- `check -h`: the command line alone, with none of the analysis imported.

Bytecode: `pip install .` compiles every module it installs, so a user's run reads .pyc
files; an editable install (this venv) does not, and with PYTHONDONTWRITEBYTECODE set
(as on the shared machine) the interpreter would compile the analyzer from source in
every run: ~0.5x import dkim more (main's tree, load 4.3: 3.32x from source, 2.79x from
.pyc). So the analyzer of each tree timed is compiled first (compileall, into its
__pycache__/, which git ignores), as the installer would.

--tree DIR adds `check --zone` run from the source tree DIR (`python -m analyzer` with
PYTHONPATH=DIR), to compare versions in the same run; repeatable (`--tree . --tree
/tmp/main` times this tree and main the same way, without the console script).

--importtime adds, from `python -X importtime`, the import time of the heaviest modules
`check --zone` loads (one run: indicative only).

--phases adds where `check --zone`'s CPU time goes, each round in a fresh process
(median of the rounds): the interpreter's start (before any of the tool's code), the
command line modules (import analyzer.cli: typer), the command (run(): pydantic, the
parse, the analysis's imports, the work, the report), and the shutdown after it, as the
console entry point ends (analyzer.cli.main: gc.freeze(), then the interpreter's exit)
and as it would end without the freeze.

--typer adds what the command line library costs inside `check --zone`, each phase timed
in a fresh process (median of the rounds): `import typer`; the CLI modules and check's
click command (analyzer.cli, analyzer.cli.check, typer's get_command); pydantic, which
typer 0.29 imports when it first coerces a value (typer._adapters); parsing check's
command line once pydantic is loaded (its TypeAdapters built); and the whole parse as a
run pays it (the two before, together).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


_PHASES = r"""
import gc, os, sys, time
started = time.process_time()  # the interpreter's start, before any of the tool's code
from analyzer.cli import run
imported = time.process_time()
sys.stdout = open(os.devnull, "w")
status = run(sys.argv[2:])
done = time.process_time()
sys.__stderr__.write(f"{started} {imported - started} {done - imported} {done}\n")
sys.__stderr__.flush()
if sys.argv[1] == "freeze":
    gc.freeze()  # as analyzer.cli.main ends
sys.exit(status)
"""
PHASES = (
    "interpreter start",
    "import analyzer.cli (typer)",
    "the command: run()",
    "shutdown (as main(): gc.freeze)",
    "shutdown without the freeze",
)


def _shutdown_run(way: str, args: list[str]) -> tuple[list[float], float]:
    """One `check` process ended `way` (freeze or plain): its start, CLI import and run()
    CPU times (seconds), and the CPU time it spent after run() returned (getrusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-c", _PHASES, way, *args], cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    start, imported, command, done = (float(x) for x in proc.stderr.split()[-4:])
    return [start, imported, command], cpu - done


def _phases(args: list[str]) -> list[float]:
    """Where one `check` process's CPU time goes, in seconds, as PHASES (the shutdown
    without the freeze from a second process)."""
    first, frozen = _shutdown_run("freeze", args)
    _, plain = _shutdown_run("plain", args)
    return [*first, frozen, plain]


def _compile(tree: Path) -> None:
    """The .pyc files of `tree`'s analyzer, as `pip install .` writes them (see above)."""
    if not compileall.compile_dir(tree / "analyzer", quiet=1):
        raise SystemExit(f"{tree / 'analyzer'}: does not compile")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--tree", type=Path, action="append", default=[],
                        help="another source tree to time beside; repeatable")  # fmt: skip
    parser.add_argument("--phases", action="store_true", help="where check's CPU time goes")
    parser.add_argument("--typer", action="store_true", help="what typer costs, by phase")
    args = parser.parse_args(argv)
    cli = _entry_point()
    message = str(CASE / "message.eml")
    check_args = ["--zone", str(CASE / "zone"), message]
    programs = {
        'python -c "import dkim"': [sys.executable, "-c", "import dkim"],
        'python -c "pass"': [sys.executable, "-c", "pass"],
        "check --zone": [*cli, "check", *check_args],
        "check -h": [*cli, "check", "-h"],
    }
    trees: dict[str, Path | None] = dict.fromkeys(programs)
    for tree in args.tree:
        name = f"check --zone ({tree.resolve().name})"
        programs[name] = [sys.executable, "-m", "analyzer", "check", *check_args]
        trees[name] = tree.resolve()
    for tree in {ROOT, *(t.resolve() for t in args.tree)}:
        _compile(tree)
    times: dict[str, list[float]] = {name: [] for name in programs}
    cpu: dict[str, list[float]] = {name: [] for name in programs}
    phases: list[list[float]] = []
    typer_wall: list[list[float]] = []
    typer_cpu: list[list[float]] = []
    for _ in range(args.rounds):
        if args.typer:
            typer_wall.append(_typer_phases(check_args, cpu=False))
            typer_cpu.append(_typer_phases(check_args, cpu=True))
        if args.phases:
            phases.append(_phases(["check", *check_args]))
        for name, command in programs.items():
            wall, used = _run(command, trees[name])
            times[name].append(wall)
            cpu[name].append(used)
    base = statistics.median(times['python -c "import dkim"'])
    base_cpu = statistics.median(cpu['python -c "import dkim"'])
    print(f"median of {args.rounds}, alternating ({' '.join(cli)}; load {os.getloadavg()[0]:.1f}):")
    print(f"  {'':<32} {'wall':>9}  {'ratio':>6}  {'CPU':>9}  {'ratio':>6}")
    for name, samples in times.items():
        median, used = statistics.median(samples), statistics.median(cpu[name])
        print(f"  {name:<32} {median * 1000:6.1f} ms  {median / base:5.2f}x"
              f"  {used * 1000:6.1f} ms  {used / base_cpu:5.2f}x")  # fmt: skip
    ratio = statistics.median(times["check --zone"]) / base
    verdict = "met" if ratio <= TARGET else "not met"
    print(f"check --zone / import dkim = {ratio:.2f}x (target <= {TARGET}x: {verdict})")
    if args.phases:
        print(
            f"where check --zone's CPU time goes (median of {args.rounds}, a fresh process each):"
        )
        for i, name in enumerate(PHASES):
            used = statistics.median(p[i] for p in phases)
            print(f"  {name:<38} {used * 1000:6.1f} ms  {used / base_cpu:5.2f}x import dkim")
    if args.typer:
        print(f"what typer costs in check --zone (median of {args.rounds}, a fresh process each):")
        print(f"  {'':<38} {'wall':>9}  {'/dkim':>5}  {'CPU':>9}  {'/dkim':>5}")
        for i, name in enumerate(TYPER_PHASES):
            wall = statistics.median(p[i] for p in typer_wall)
            used = statistics.median(p[i] for p in typer_cpu)
            print(f"  {name:<38} {wall * 1000:6.1f} ms  {wall / base:5.2f}"
                  f"  {used * 1000:6.1f} ms  {used / base_cpu:5.2f}")  # fmt: skip
    if args.importtime:
        print("heaviest imports of check --zone (cumulative ms, one run):")
        for ms, module in _importtime(programs["check --zone"], 15):
            print(f"  {ms:7.1f}  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
