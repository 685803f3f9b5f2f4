"""What a `dkim-analyzer` process does besides its command: how it ends (issue 15, start-up
and shutdown). Its timings are in bench/startup.py, never here."""

from __future__ import annotations

import os
import subprocess
import sys

from analyzer.cli.runner import invoke
from tests.conftest import FIXTURES, ROOT

CHECK = [
    "check",
    "--zone",
    str(FIXTURES / "plain" / "zone"),
    str(FIXTURES / "plain" / "message.eml"),
]


def _main(args: list[str]) -> subprocess.CompletedProcess[str]:
    """`dkim-analyzer ARGS` through the console entry point, analyzer.cli.main; at exit
    (atexit runs before the interpreter's last collection) it says on stderr how many
    objects the garbage collector has frozen."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count(), file=sys.__stderr__))\n"
        "from analyzer.cli import main\n"
        "sys.argv = ['dkim-analyzer', *sys.argv[1:]]\n"
        "main()\n"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, cwd=ROOT,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True)  # fmt: skip


def _frozen(proc: subprocess.CompletedProcess[str]) -> int:
    return int(proc.stderr.rsplit("frozen ", 1)[1].split()[0])


def test_main_leaves_the_heap_out_of_the_last_collection() -> None:
    """The interpreter's shutdown collects every object the imports made, to find next to
    nothing: main() freezes them first (gc.freeze), so they are not walked again."""
    proc = _main(CHECK)
    assert proc.returncode == 0 and proc.stdout.startswith("PASS: "), proc.stderr
    assert _frozen(proc) > 10_000


def test_main_keeps_the_exit_status_and_the_output() -> None:
    """The status is the command's, and the report is whole: as run in-process (no freeze)."""
    usage = _main(["check", "--format", "xml", CHECK[-1]])
    assert usage.returncode == 2 and "--format 'xml'" in usage.stderr and _frozen(usage) > 0
    missing = _main([*CHECK[:3], str(FIXTURES / "no-such-case.eml")])
    assert missing.returncode == 66 and "no-such-case.eml" in missing.stderr
    status, stdout, _ = invoke(CHECK)
    assert (status, stdout) == (0, _main(CHECK).stdout) and stdout.endswith("\n")
