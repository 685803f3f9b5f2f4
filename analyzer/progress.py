"""scan's progress bar on stderr: messages, messages/s, and the share of bytes read."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from analyzer.sources import STDIN, open_paths


class Done(Protocol):
    """What the bar needs of a finished message: the bytes it took (scan's ScanResult)."""

    @property
    def size(self) -> int: ...


@contextlib.contextmanager
def progress_bar(paths: Sequence[str]) -> Iterator[Callable[[Done], None] | None]:
    """A bar on stderr when it is a terminal (else None: nothing is drawn). The ETA is by
    bytes: the inputs' total size, unknown when standard input is among them."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # only for a terminal: rich costs ~40 ms to import
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    total = open_paths(paths)[1] if STDIN not in paths else None
    columns = (
        TextColumn("{task.fields[messages]:,} messages"),
        TextColumn("{task.fields[rate]:,.0f}/s"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("scan", total=total or None, messages=0, rate=0.0)
        started = time.monotonic()
        count = 0

        def advance(result: Done) -> None:
            nonlocal count
            count += 1
            rate = count / max(time.monotonic() - started, 1e-6)
            bar.update(task, advance=result.size, messages=count, rate=rate)

        yield advance
