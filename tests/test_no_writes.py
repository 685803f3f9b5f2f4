"""The tool writes nothing but stdout and stderr: not beside its inputs, not in the working
directory, not in HOME or the temporary directory (README "Limits")."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, ROOT


def snapshot(*dirs: Path) -> dict[str, tuple[int, float]]:
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime) for d in dirs for p in sorted(d.rglob("*"))
    }


def test_check_writes_nothing(tmp_path: Path) -> None:
    inputs, home, cwd, tmp = (tmp_path / n for n in ("inputs", "home", "cwd", "tmp"))
    for d in (inputs, home, cwd, tmp):
        d.mkdir()
    for case in ("plain", "dns-servfail", "lf-only"):
        shutil.copytree(FIXTURES / case, inputs / case)
    for d in (inputs, home, cwd):
        d.chmod(stat.S_IRUSR | stat.S_IXUSR)  # read-only (root ignores it: the snapshot decides)
    before = snapshot(inputs, home, cwd, tmp)
    env = {
        **os.environ, "HOME": str(home), "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(home / ".cache"),
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    try:
        cases = ("plain", "dns-servfail", "lf-only")
        zones = [arg for case in cases for arg in ("--zone", str(inputs / case / "zone"))]
        messages = [str(inputs / case / "message.eml") for case in cases]
        for fmt in ("text", "json"):
            proc = subprocess.run(
                [sys.executable, "-m", "analyzer", "check", "--format", fmt, "--timeout", "0.5",
                 "--now", "1763990000", *zones, *messages],
                capture_output=True, cwd=cwd, env=env, timeout=60, check=False,
            )  # fmt: skip
            assert proc.returncode == 75, proc.stderr  # one SERVFAIL, the rest pass
            assert proc.stdout
    finally:
        for d in (inputs, home, cwd):
            d.chmod(stat.S_IRWXU)
    assert snapshot(inputs, home, cwd, tmp) == before
