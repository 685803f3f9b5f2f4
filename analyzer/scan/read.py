"""scan's input as partitions: the main process finds where the messages are; a worker
reads them (see work.scan_partition).

A partition is a small picklable description of consecutive messages, never their bytes
when they are in a file: an mbox byte range cut at message boundaries (the reader's one
boundary rule, sources.boundary), or a batch of maildir / .eml paths. Only what cannot be
read twice travels as bytes: standard input (and a FIFO or device given as PATH), and the
entries that are errors already (a folder that cannot be listed). Partitions are bounded
(PART_MESSAGES, PART_BYTES): never one task per message, never a whole mailbox.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analyzer import sources
from analyzer.sources import (
    STDIN,
    Listed,
    RawMessage,
    _too_large,
    boundary,
    entry_message,
    is_folder,
    last_entry,
    list_directory,
    read_file,
    read_paths,
)

PART_MESSAGES = 32  # messages per partition (one worker job)
PART_BYTES = 4 * 1024 * 1024  # ... and bytes of mbox at most (one larger message passes)


Ahead = tuple["MboxPart | FilesPart", ...]


@dataclass(frozen=True, slots=True)
class MboxPart:
    """Consecutive entries of an mbox file: the K-th span is message `index` + K.

    Each span is (start, end) in the file: the entry's "From " line first, the empty line
    that separates it from the next entry left out (as read_mbox does)."""

    path: str
    index: int
    spans: tuple[tuple[int, int], ...]
    last: bool  # holds the mbox's last entry (which may be cut short: see read_mbox)
    ahead: Ahead = field(default=(), compare=False)  # see FilesPart.ahead

    @property
    def count(self) -> int:
        return len(self.spans)

    @property
    def size(self) -> int:
        return sum(end - start for start, end in self.spans)

    def sources(self) -> list[str]:
        return [f"{self.path}#{self.index + k}" for k in range(len(self.spans))]

    def read(self) -> Iterator[RawMessage]:
        """The messages, as read_mbox gives them (the same functions make them)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError as e:
            for source in self.sources():
                yield RawMessage(source, b"", f"cannot read: {e.strerror or e}", 66)
            return
        try:
            final = len(self.spans) - 1
            for k, (start, end) in enumerate(self.spans):
                if end - start > sources.MAX_MESSAGE:
                    yield _too_large(f"{self.path}#{self.index + k}")
                    continue
                try:
                    entry = os.pread(fd, end - start, start)
                except OSError as e:
                    source = f"{self.path}#{self.index + k}"
                    yield RawMessage(source, b"", f"cannot read: {e.strerror or e}", 66)
                    continue
                last = self.last and k == final
                if last:
                    entry = last_entry(entry)
                yield entry_message(self.path, self.index + k, entry, False, last=last)
        finally:
            os.close(fd)

    def split(self) -> list[MboxPart]:
        final = len(self.spans) - 1
        return [
            MboxPart(self.path, self.index + k, (span,), self.last and k == final)
            for k, span in enumerate(self.spans)
        ]


@dataclass(frozen=True, slots=True)
class FilesPart:
    """Files each read as sources reads them: (path, one_message) as in sources.Listed."""

    files: tuple[tuple[str, bool], ...]
    # The partitions read after this one, as a hint: while its worker waits for this one's
    # DNS answers, it asks theirs ahead (work.scan_partition). Never read for results.
    ahead: Ahead = field(default=(), compare=False)

    @property
    def count(self) -> int:
        return len(self.files)

    size = 0  # not known without a stat per file; the window counts messages

    def sources(self) -> list[str]:
        return [path for path, _ in self.files]

    def read(self) -> Iterator[RawMessage]:
        for path, one in self.files:
            yield from Listed(Path(path), one).read()

    def split(self) -> list[FilesPart]:
        return [FilesPart((f,)) for f in self.files]


@dataclass(frozen=True, slots=True)
class InlinePart:
    """Messages already read: standard input, or entries that are errors."""

    messages: tuple[RawMessage, ...]

    @property
    def count(self) -> int:
        return len(self.messages)

    @property
    def size(self) -> int:
        return sum(len(m.raw) for m in self.messages)

    def sources(self) -> list[str]:
        return [m.source for m in self.messages]

    def read(self) -> Iterator[RawMessage]:
        return iter(self.messages)

    def split(self) -> list[InlinePart]:
        return [InlinePart((m,)) for m in self.messages]


Partition = MboxPart | FilesPart | InlinePart


def partitions(paths: Iterable[str]) -> Iterator[Partition]:
    """Every message under every PATH, in read_paths' order, as partitions.

    Standard input and non-regular files are read here (they cannot be read again), one
    InlinePart per message, as they arrive: the scheduler groups them."""
    for path in paths:
        if path == STDIN:
            for message in read_paths([STDIN]):
                yield InlinePart((message,))
            continue
        if is_folder(path):
            yield from _folder(Path(path))
        else:
            yield from _file(Path(path))


def _folder(root: Path) -> Iterator[Partition]:
    batch: list[tuple[str, bool]] = []
    for item in list_directory(root):
        if isinstance(item, Listed) and item.one_message:
            batch.append((str(item.path), True))
            if len(batch) >= PART_MESSAGES:
                yield FilesPart(tuple(batch))
                batch = []
            continue
        if batch:
            yield FilesPart(tuple(batch))
            batch = []
        if isinstance(item, RawMessage):
            yield InlinePart((item,))
        else:
            yield from _file(item.path)
    if batch:
        yield FilesPart(tuple(batch))


def _file(path: Path) -> Iterator[Partition]:
    """A regular file that starts with "From " is an mbox, cut into ranges here; any other
    file is read by a worker (read_file), or here when it is not a regular file."""
    try:
        f = path.open("rb")
    except OSError:
        yield InlinePart(tuple(read_file(path)))  # the entry that says why
        return
    with f:
        try:
            regular = stat.S_ISREG(os.fstat(f.fileno()).st_mode)
            head = f.read(5) if regular else b""
        except OSError:
            regular = False
        if not regular:
            for message in read_file(path):
                yield InlinePart((message,))
            return
        if head != b"From ":
            yield FilesPart(((str(path), False),))
            return
        yield from _mbox(f, str(path), head)


def _mbox(f: object, path: str, head: bytes) -> Iterator[MboxPart]:
    """The entries' spans, found with sources.boundary over 1 MiB reads: only the bytes
    near a boundary are kept, never a message."""
    read = f.read  # type: ignore[attr-defined]
    buf = bytearray(head)
    base = 0  # the file offset of buf[0]
    start = 0  # the file offset where the current entry starts
    index = 0
    spans: list[tuple[int, int]] = []
    size = 0
    while True:
        chunk = read(sources.CHUNK)
        buf += chunk
        while (m := boundary(buf, max(start - base, 0))) is not None:
            end = base + m[0] + 1
            spans.append((start, end))
            size += end - start
            start = base + m[1]
            if len(spans) >= PART_MESSAGES or size >= PART_BYTES:
                yield MboxPart(path, index, tuple(spans), last=False)
                index += len(spans)
                spans, size = [], 0
        if not chunk:
            break
        keep = max(start, base + len(buf) - 8)  # a boundary may straddle two reads
        del buf[: keep - base]
        base = keep
    spans.append((start, base + len(buf)))
    yield MboxPart(path, index, tuple(spans), last=True)
