"""The CLI in-process with its streams captured: for the tests and the benchmarks."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence


def invoke(args: Sequence[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run `dkim-analyzer ARGS` in this process, standard input `stdin` (empty if None);
    (exit status, stdout, stderr). The streams are files without descriptors, as a pipe's
    reader sees them: not terminals."""
    from analyzer.cli import run

    out, err = io.BytesIO(), io.BytesIO()
    streams = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    try:
        code = run(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
    return code, stdout.decode("utf-8"), stderr.decode("utf-8")
