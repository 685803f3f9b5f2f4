"""PATH -> a stream of raw messages with their origin: mbox, maildir, folders of .eml, stdin.

Everything here streams: an mbox is read line by line from a binary file and only
the current message is held, so memory stays flat whatever the mailbox size. Inputs
are only read: never written, locked or indexed in place (no mailbox module, which
locks and builds a table of contents).

mbox (RFC 4155, "default" format): a message starts at a line beginning "From "
that is the first line of the file or follows an empty line. Lines quoted as
">From " / ">>From " are unquoted by one ">" (mboxrd). In mboxo files, where only
"From " was quoted, an original ">From " line cannot be told from a quoted "From "
one; it is unquoted too, so such a body fails its body hash. The empty line that
separates messages belongs to the mbox, not to the message, and is dropped. Lines
end in LF in an mbox; they are read as CRLF, as on the wire (RFC 5322 §2.1). No
Content-Length (mboxcl) is trusted. Headers prepended by the exporting client
(Google Takeout's X-Gmail-Labels / X-GM-THRID, Thunderbird's X-Mozilla-Status) are
left as they are: they are not signed, and DKIM ignores unsigned fields.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from analyzer.errors import InputError, NotAMessageError
from analyzer.message import MAX_MESSAGE_BYTES, too_large

# One limit for every command (check and scan): a larger "message" is reported, not held
# in memory. Defined once, in analyzer/message.py (README, "Limits").
MAX_MESSAGE = MAX_MESSAGE_BYTES
CHUNK = 1024 * 1024
_QUOTED_FROM = re.compile(rb"(?m)^>(>*From )")
_MBOX_EXTENSIONS = (".mbox", ".mbx")
_EML_EXTENSIONS = (".eml",)
STDIN = "-"


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as read: its bytes, or why it could not be read.

    `source` is PATH#K for the K-th (zero-based) message of an mbox, else the file path.
    """

    source: str
    raw: bytes
    error: str | None = None
    exit_code: int = 0  # for an error: 65 (not a message) or 66 (cannot be read)
    # Every line of `raw` ends in CRLF (entry_message makes an mbox entry so): parse_message
    # need not count line endings again (message.parse_message's `crlf`).
    crlf: bool = False


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A PATH given on the command line that cannot be read at all."""

    path: str
    error: str


def open_paths(paths: Iterable[str]) -> tuple[list[Unreadable], int]:
    """Check each PATH before the scan starts; return the unreadable ones and the bytes to read."""
    bad: list[Unreadable] = []
    total = 0
    for path in paths:
        if path == STDIN:
            continue
        try:
            st = os.stat(path)
        except OSError as e:
            bad.append(Unreadable(path, f"cannot read: {e.strerror or e}"))
            continue
        if not os.access(path, os.R_OK):
            bad.append(Unreadable(path, "cannot read: permission denied"))
        elif Path(path).is_file():
            total += st.st_size
    return bad, total


def read_paths(paths: Iterable[str]) -> Iterator[RawMessage]:
    """Every message under every PATH, in a deterministic order."""
    for path in paths:
        if path == STDIN:
            if sys.stdin is None:  # started with stdin closed
                yield RawMessage("<stdin>", b"", "cannot read: standard input is closed", 66)
                continue
            # The raw file, unbuffered: each read returns what has arrived, and a reader
            # thread blocked in it holds no lock that the interpreter's exit needs (a
            # BufferedReader's does: "could not acquire lock ... at interpreter shutdown").
            stdin = sys.stdin.buffer
            yield from read_stream(getattr(stdin, "raw", stdin), "<stdin>", empty_is_error=True)
            continue
        if is_folder(path):
            yield from read_directory(Path(path))
        else:
            yield from read_file(Path(path))


def is_folder(path: str) -> bool:
    """Whether PATH is a folder (read_directory); if not, or if it cannot be known, it is
    read as a file (read_file, which says why it cannot be read)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def read_file(path: Path) -> Iterator[RawMessage]:
    """An mbox, or a single message (.eml): see read_stream."""
    try:
        with path.open("rb") as f:
            empty = path.suffix.lower() in _EML_EXTENSIONS
            yield from read_stream(f, str(path), empty_is_error=empty)
    except OSError as e:
        yield RawMessage(str(path), b"", f"cannot read: {e.strerror or e}", 66)


def read_stream(f: BinaryIO, source: str, *, empty_is_error: bool) -> Iterator[RawMessage]:
    """An mbox when the data starts with "From ", else one message.

    Empty data is an empty mbox (no messages) unless `empty_is_error` (an .eml).
    """
    head = b""
    while len(head) < 5 and (more := f.read(5 - len(head))):
        head += more  # a pipe may deliver fewer bytes than asked: read until 5 or EOF
    if head.startswith(b"From "):
        yield from read_mbox(f, source, head)
        return
    if not head and not empty_is_error:
        return
    # Capped by the bytes read, not by st_size: a FIFO, /dev/zero or `<(yes)` has none.
    rest = _read_upto(f, MAX_MESSAGE + 1 - len(head))
    if len(head) + len(rest) > MAX_MESSAGE:
        yield _too_large(source)
        return
    yield _whole(source, head + rest)


def _read_upto(f: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes, fewer only at the end of the data. A buffered file loops by
    itself; a raw one returns what one read gives, so it is asked again."""
    if isinstance(f, io.BufferedIOBase):
        return f.read(limit)
    parts: list[bytes] = []
    total = 0
    while total < limit and (chunk := f.read(min(CHUNK, limit - total))):
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _too_large(source: str) -> RawMessage:
    return RawMessage(source, b"", f"larger than {MAX_MESSAGE // 2**20} MiB: skipped", 65)


def _whole(source: str, data: bytes) -> RawMessage:
    if len(data) > MAX_MESSAGE:
        return _too_large(source)
    if not data.strip():
        return RawMessage(source, b"", "empty file", 65)
    return RawMessage(source, data)


def boundary(buf: bytes | bytearray, start: int) -> tuple[int, int] | None:
    """The first mbox boundary at or after `start`: an empty line, then a line beginning
    "From " (LF or CRLF, as the module docstring says). Returns (where the empty line
    starts, where the "From " line starts); the entry before it ends one byte after the
    first. Found with bytes.find, no regular expression: the one rule of every mbox reader
    here (read_mbox, and scan's partitions)."""
    p = buf.find(b"\nFrom ", start + 1)
    while p != -1:
        if buf[p - 1] == 0x0A:  # "\n\nFrom "
            return p - 1, p + 1
        if p - 2 >= start and buf[p - 1] == 0x0D and buf[p - 2] == 0x0A:  # "\n\r\nFrom "
            return p - 2, p + 1
        p = buf.find(b"\nFrom ", p + 1)
    return None


def read_mbox(f: BinaryIO, source: str, head: bytes = b"") -> Iterator[RawMessage]:
    """Stream the messages of an mbox (see the module docstring for the rules).

    Reads in chunks and finds boundaries with bytes.find (`boundary`), so no Python code
    runs per line: the reader keeps up with all the workers of a scan. A chunk is what one
    read returns (read1): from a pipe, what has arrived, so that a message is passed on as
    soon as the next "From " line (or the end of the input) shows where it ends, rather
    than when another 1 MiB has come.
    """
    read = getattr(f, "read1", f.read)
    buf = bytearray(head)  # what the caller already read to recognise an mbox
    pos = 0  # where the current entry starts in buf
    index = 0
    oversized = False
    scan_from = 0
    first = True
    while True:
        chunk = read(CHUNK)
        del buf[:pos]  # once per chunk, not per message: no quadratic copying
        scan_from -= pos
        pos = 0
        buf += chunk
        while (m := boundary(buf, max(scan_from, pos))) is not None:
            entry = bytes(buf[pos : m[0] + 1])  # the empty line before "From " is the mbox's
            pos = scan_from = m[1]
            if first and not entry.startswith(b"From "):
                yield _garbage(source, len(entry))
            else:
                yield entry_message(source, index, entry, oversized)
                index += 1
            first, oversized = False, False
        if not chunk:
            break
        scan_from = max(pos, len(buf) - 8)  # a boundary may straddle two chunks
        if len(buf) - pos > MAX_MESSAGE:
            oversized = True  # keep reading to the next boundary, holding only the tail
            pos = scan_from = len(buf) - 8
    entry = last_entry(bytes(buf[pos:]))
    if first and entry and not entry.startswith(b"From "):
        yield _garbage(source, len(entry))
    elif entry or oversized:
        yield entry_message(source, index, entry, oversized, last=True)


def last_entry(entry: bytes) -> bytes:
    """The mbox's last entry without the empty line that ends an mbox."""
    if entry.endswith(b"\n\r\n"):
        return entry[:-2]
    if entry.endswith(b"\n\n"):
        return entry[:-1]
    return entry


def entry_message(
    source: str, index: int, entry: bytes, oversized: bool, last: bool = False
) -> RawMessage:
    """One mbox entry (its "From " line first) -> the message as received."""
    where = f"{source}#{index}"
    if oversized:
        return _too_large(where)
    _, newline, raw = entry.partition(b"\n")  # drop the "From " envelope line
    # isspace() stops at the first other byte; `not raw.strip()` copied the whole message.
    if not newline or not raw or raw.isspace():
        return RawMessage(where, b"", "empty mbox entry (a From line with no message)", 65)
    if b">From " in raw:
        raw = _QUOTED_FROM.sub(rb"\1", raw)  # mboxrd: ">From " -> "From ", ">>From " -> ">From "
    if b"\r" not in raw:
        # An mbox stores lines with LF; the wire had CRLF. (One memchr pass decides.)
        raw = raw.replace(b"\n", b"\r\n")
    elif raw.count(b"\n") != raw.count(b"\r\n"):  # mixed: LF lines among CRLF ones
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if last and b"\r\n\r\n" not in raw:
        # Truncated: a message whose header section never ended is not headers-only input.
        return RawMessage(where, b"", "truncated: the mbox ends inside the message's header", 65)
    return RawMessage(where, raw, crlf=True)


def _garbage(source: str, size: int) -> RawMessage:
    return RawMessage(
        f"{source}#-", b"", f"{size} bytes before the first 'From ' line: not an mbox message", 65
    )


def _is_dir(path: Path) -> bool:
    """Like Path.is_dir, but an error other than "not there" (no search permission on a
    folder, a name too long) is raised for the caller to report, not mistaken for False."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as e:
        if e.errno == errno.ELOOP:  # a symbolic link loop: nothing there
            return False
        raise


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False  # a dangling link
    except OSError as e:
        if e.errno == errno.ELOOP:
            return False
        raise


def _inside(path: Path, root: str) -> bool:
    """Whether `path` is, once its symbolic links are resolved, inside the folder `root`
    (resolved). A link out of a scanned folder is not followed."""
    if not path.is_symlink():
        return True
    target = os.path.realpath(path)
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def is_maildir(path: Path) -> bool:
    return _is_dir(path / "cur") or _is_dir(path / "new")


@dataclass(frozen=True, slots=True)
class Listed:
    """A regular file of a scanned folder, to be read: as one message (a maildir file or an
    .eml) or as read_file reads a PATH (an .mbox)."""

    path: Path
    one_message: bool

    def read(self) -> Iterator[RawMessage]:
        return _one_message(self.path) if self.one_message else read_file(self.path)


def read_directory(root: Path, top: str | None = None) -> Iterator[RawMessage]:
    """Every message of a folder (see list_directory), read."""
    for item in list_directory(root, top):
        if isinstance(item, RawMessage):
            yield item
        else:
            yield from item.read()


def list_directory(root: Path, top: str | None = None) -> Iterator[RawMessage | Listed]:
    """A maildir (cur/ and new/), or a folder searched recursively for .eml, .mbox and maildirs:
    the files to read, in order, and an entry for each folder or file that cannot be searched.

    Names are sorted, so two runs list the same messages in the same order. Symbolic links
    inside the folder are followed only to files inside it (`top`, the PATH given); links
    to folders are not followed at all, so a scan never loops and never leaves the PATH.
    A folder or file that cannot be searched or read is an entry with its error (66), and
    the rest is scanned.
    """
    if top is None:
        top = os.path.realpath(root)
    try:
        maildir = is_maildir(root)
    except OSError as e:
        yield _cannot_list(root, e)
        return
    if maildir:
        for sub in ("cur", "new"):
            folder = root / sub
            try:
                if not (_inside(folder, top) and _is_dir(folder)):
                    continue
                entries = sorted(folder.iterdir())
            except OSError as e:
                yield _cannot_list(folder, e)
                continue
            for entry in entries:
                if not entry.name.startswith("."):
                    yield from _scan_file(entry, top, one_message=True)
        return
    unlisted: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted.append):
        yield from _unlisted(unlisted)
        here = Path(dirpath)
        dirnames.sort()
        for d in list(dirnames):
            try:
                inner_maildir = is_maildir(here / d)
            except OSError as e:
                dirnames.remove(d)  # os.walk would fail on it too: one entry is enough
                yield _cannot_list(here / d, e)
                continue
            if inner_maildir:
                dirnames.remove(d)
                yield from list_directory(here / d, top)
        for name in sorted(filenames):
            lower = name.lower()
            if lower.endswith(_EML_EXTENSIONS):
                yield from _scan_file(here / name, top, one_message=True)
            elif lower.endswith(_MBOX_EXTENSIONS):
                yield from _scan_file(here / name, top, one_message=False)
    yield from _unlisted(unlisted)


def _scan_file(path: Path, top: str, *, one_message: bool) -> Iterator[RawMessage | Listed]:
    """A regular file of a scanned folder. A FIFO or socket would block the scan, a
    dangling link fail it: only regular files are read (links followed inside `top`)."""
    try:
        if not (_inside(path, top) and _is_file(path)):
            return
    except OSError as e:
        yield RawMessage(str(path), b"", f"cannot read: {e.strerror or e}", 66)
        return
    yield Listed(path, one_message)


def _cannot_list(folder: Path, e: OSError) -> RawMessage:
    return RawMessage(str(folder), b"", f"cannot list: {e.strerror or e}", 66)


def _unlisted(errors: list[OSError]) -> Iterator[RawMessage]:
    """Folders os.walk could not list: each is an unreadable input, reported in place."""
    while errors:
        e = errors.pop(0)
        yield RawMessage(str(e.filename), b"", f"cannot list: {e.strerror or e}", 66)


def _one_message(path: Path) -> Iterator[RawMessage]:
    """A maildir file or an .eml: one message, even if it starts with a "From " line."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_MESSAGE + 1)
    except OSError as e:
        yield RawMessage(str(path), b"", f"cannot read: {e.strerror or e}", 66)
        return
    yield _whole(str(path), data)


# --- check's reader: one PATH (or stdin) given on the command line ---------------------------


def read_input(path: str) -> Iterator[RawMessage]:
    """The message(s) of PATH, or of stdin for "-". Raises InputError / NotAMessageError.

    Every read is capped by the bytes read (MAX_MESSAGE), not by st_size: /dev/zero,
    a pipe or <(yes) is refused at the limit, never held whole. An mbox with several
    messages yields each (source PATH#K, through the reader scan uses); an mbox of one
    message (a Thunderbird export) is that message, source PATH, as a plain file is.
    A folder is refused: scan reads folders.
    """
    source = "<stdin>" if path == STDIN else path
    data = sys.stdin.buffer.read(MAX_MESSAGE + 1) if path == STDIN else _read_whole(path)
    if len(data) > MAX_MESSAGE:
        raise NotAMessageError(too_large())
    if not data.strip():
        raise NotAMessageError("empty input")
    if data.startswith(b"From "):
        entries = read_mbox(io.BytesIO(data), source)
        first = next(entries, None)
        second = next(entries, None)
        if first is not None and second is not None:
            yield first
            yield second
            yield from entries
            return
    yield RawMessage(source, data)


def _read_whole(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if stat.S_ISREG(st.st_mode) and st.st_size > MAX_MESSAGE:
                raise NotAMessageError(too_large(st.st_size))  # refused unread
            return f.read(MAX_MESSAGE + 1)
    except IsADirectoryError as e:
        raise InputError("is a directory (use `dkim-analyzer scan` for folders)") from e
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}") from e
