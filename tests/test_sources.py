"""Mailbox readers on real files: mbox edge cases, maildir, folders, stdin-like streams."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import sources
from analyzer.sources import RawMessage, read_paths, read_stream
from tests.conftest import FIXTURES

ENVELOPE = b"From MAILER-DAEMON Sun Nov 23 12:13:30 2025\n"
PLAIN = (FIXTURES / "plain" / "message.eml").read_bytes()  # CRLF, as received
BOB = (FIXTURES / "ed25519-dual" / "message.eml").read_bytes()


def to_mbox(*messages: bytes) -> bytes:
    """What an mboxrd writer stores: envelope line, LF lines, >From quoting, blank line."""
    out = b""
    for raw in messages:
        text = raw.replace(b"\r\n", b"\n")
        text = re.sub(rb"(?m)^(>*From )", rb">\1", text)
        out += ENVELOPE + text + (b"" if text.endswith(b"\n") else b"\n") + b"\n"
    return out


def read(path: Path | str) -> list[RawMessage]:
    return list(read_paths([str(path)]))


def test_mbox_messages_come_back_byte_for_byte_as_crlf(tmp_path: Path) -> None:
    mbox = tmp_path / "inbox.mbox"
    mbox.write_bytes(to_mbox(PLAIN, BOB, PLAIN))
    got = read(mbox)
    assert [m.source for m in got] == [f"{mbox}#0", f"{mbox}#1", f"{mbox}#2"]
    assert [m.raw for m in got] == [PLAIN, BOB, PLAIN]
    assert all(m.error is None for m in got)


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_boundaries_straddling_read_chunks(
    tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "CHUNK", chunk)
    mbox = tmp_path / "inbox.mbox"
    mbox.write_bytes(to_mbox(PLAIN, BOB, PLAIN) + ENVELOPE + b"Subject: cut")
    got = read(mbox)
    assert [m.raw for m in got[:3]] == [PLAIN, BOB, PLAIN]
    assert got[3].error is not None and "truncated" in got[3].error


def test_oversized_entry_is_reported_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_MESSAGE", 4096)
    monkeypatch.setattr(sources, "CHUNK", 1000)
    mbox = tmp_path / "big.mbox"
    huge = b"Subject: big\r\n\r\n" + b"x" * 70 + b"\r\n"
    mbox.write_bytes(to_mbox(PLAIN, huge * 200, BOB))
    first, big, last = read(mbox)
    assert big.source == f"{mbox}#1" and big.error is not None and "larger" in big.error
    assert first.error is None and last.error is None and last.raw == BOB


def test_from_quoting_is_undone_and_unquoted_from_inside_a_paragraph_is_no_boundary(
    tmp_path: Path,
) -> None:
    body = b"Hi,\r\n\r\nFrom the desk of Alice:\r\n>From an old quote\r\nsee you\r\nFrom here\r\n"
    message = b"From: a@example.com\r\nSubject: x\r\n\r\n" + body
    mbox = tmp_path / "quoted.mbox"
    stored = to_mbox(message)
    assert b"\n>From the desk" in stored and b"\n>>From an old" in stored
    mbox.write_bytes(stored.replace(b">From here", b"From here"))  # mboxo: left unquoted
    [got] = read(mbox)
    assert got.raw == message  # "From here" follows a non-empty line: not a new message


def test_last_message_without_trailing_newline(tmp_path: Path) -> None:
    mbox = tmp_path / "m.mbox"
    mbox.write_bytes(to_mbox(PLAIN) + ENVELOPE + b"From: b@example.com\n\nno newline at the end")
    first, last = read(mbox)
    assert first.raw == PLAIN
    assert last.raw == b"From: b@example.com\r\n\r\nno newline at the end"
    assert last.error is None


def test_empty_mbox_has_no_messages_but_an_empty_eml_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "empty.eml").write_bytes(b"")
    assert read(tmp_path / "empty") == []
    [eml] = read(tmp_path / "empty.eml")
    assert eml.error == "empty file" and eml.exit_code == 65


def test_truncated_last_message_is_an_error_not_headers_only(tmp_path: Path) -> None:
    mbox = tmp_path / "cut.mbox"
    whole = to_mbox(PLAIN)
    mbox.write_bytes(whole + ENVELOPE + b"Received: from x\n\tby y; Sun, 23 Nov 2025\nSubj")
    first, cut = read(mbox)
    assert first.error is None
    assert cut.source == f"{mbox}#1"
    assert cut.error is not None and "truncated" in cut.error


def test_binary_blob_between_messages_is_its_own_entry(tmp_path: Path) -> None:
    mbox = tmp_path / "blob.mbox"
    blob = bytes(range(256)) * 4
    mbox.write_bytes(to_mbox(PLAIN) + ENVELOPE + blob + b"\n\n" + to_mbox(BOB))
    first, junk, last = read(mbox)
    assert (first.raw, last.raw) == (PLAIN, BOB)
    assert junk.source == f"{mbox}#1" and b"\x00" in junk.raw  # analyze() rejects it


def test_client_headers_prepended_by_takeout_and_thunderbird_are_kept(tmp_path: Path) -> None:
    takeout = b"X-GM-THRID: 1818123456789012345\r\nX-Gmail-Labels: Inbox,Opened\r\n" + PLAIN
    thunderbird = b"X-Mozilla-Status: 0001\r\nX-Mozilla-Status2: 00000000\r\n" + BOB
    mbox = tmp_path / "All mail Including Spam and Trash.mbox"
    mbox.write_bytes(to_mbox(takeout, thunderbird))
    assert [m.raw for m in read(mbox)] == [takeout, thunderbird]


def test_maildir_reads_cur_then_new_sorted_and_skips_tmp_and_dotfiles(tmp_path: Path) -> None:
    md = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (md / sub).mkdir(parents=True)
    (md / "new" / "1763900002.M2.host").write_bytes(BOB)
    (md / "cur" / "1763900001.M1.host:2,S").write_bytes(PLAIN)
    (md / "cur" / "1763900000.M0.host:2,S").write_bytes(BOB)
    (md / "cur" / ".hidden").write_bytes(b"x")
    (md / "tmp" / "partial").write_bytes(b"From: half")
    got = read(md)
    assert [Path(m.source).name for m in got] == [
        "1763900000.M0.host:2,S",
        "1763900001.M1.host:2,S",
        "1763900002.M2.host",
    ]
    assert [m.raw for m in got] == [BOB, PLAIN, BOB]


def test_folder_is_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "Maildir" / "cur").mkdir(parents=True)
    (tmp_path / "a" / "Maildir" / "cur" / "1:2,S").write_bytes(PLAIN)
    (tmp_path / "b" / "two.EML").write_bytes(BOB)
    (tmp_path / "b" / "archive.mbox").write_bytes(to_mbox(PLAIN, BOB))
    (tmp_path / "b" / "notes.txt").write_bytes(b"not mail")
    (tmp_path / "one.eml").write_bytes(PLAIN)
    got = [str(Path(m.source).relative_to(tmp_path)) for m in read(tmp_path)]
    assert got == [
        "one.eml",
        "a/Maildir/cur/1:2,S",
        "b/archive.mbox#0",
        "b/archive.mbox#1",
        "b/two.EML",
    ]


def test_a_single_eml_starting_with_an_envelope_line_is_an_mbox_of_one(tmp_path: Path) -> None:
    eml = tmp_path / "saved.eml"
    eml.write_bytes(ENVELOPE + PLAIN)
    [got] = read(eml)
    assert got.source == f"{eml}#0" and got.raw == PLAIN


def test_stream_that_is_one_message_or_an_mbox() -> None:
    one = list(read_stream(io.BufferedReader(io.BytesIO(PLAIN)), "<stdin>", empty_is_error=True))
    assert [(m.source, m.raw) for m in one] == [("<stdin>", PLAIN)]
    mbox = io.BufferedReader(io.BytesIO(to_mbox(PLAIN, BOB)))
    got = list(read_stream(mbox, "<stdin>", empty_is_error=True))
    assert [m.source for m in got] == ["<stdin>#0", "<stdin>#1"]


def test_missing_path_and_unreadable_file(tmp_path: Path) -> None:
    [missing] = read(tmp_path / "nope.mbox")
    assert missing.exit_code == 66 and missing.error is not None


_LINES = st.lists(
    st.one_of(
        st.sampled_from([b"", b"From here", b">From there", b">>From x", b"From", b"  ", b"\x00"]),
        st.binary(max_size=20).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=5), st.integers(1, 64))
def test_any_mboxrd_written_mailbox_reads_back_as_written(
    bodies: list[list[bytes]], chunk: int
) -> None:
    messages = [
        b"Subject: x\r\n\r\n" + b"".join(line + b"\r\n" for line in body) for body in bodies
    ]
    stream = io.BufferedReader(io.BytesIO(to_mbox(*messages)), buffer_size=chunk)
    got = list(read_stream(stream, "m", empty_is_error=False))
    assert [m.raw for m in got] == messages


# --- issue 11: a hostile tester ---------------------------------------------------------


def _read_as_nobody(paths: list[str]) -> list[tuple[str, str | None, int]]:
    """read_paths in a forked child that cannot bypass permissions: as root (the tests run
    as root here, and root searches any folder) it becomes `nobody` first."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no pytest code runs here
        try:
            os.close(r)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            got = [(m.source, m.error, m.exit_code) for m in read_paths(paths)]
            os.write(w, json.dumps(got).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    result: list[tuple[str, str | None, int]] = [tuple(x) for x in json.loads(data)]  # type: ignore[misc]
    return result


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork and setuid")
def test_unsearchable_folders_are_entries_and_the_rest_is_read() -> None:
    """No search permission on a subfolder (is_dir of its cur/ raised) or on the PATH
    itself: an entry with exit code 66 each, and everything else is read (issue 11.6)."""
    base = Path(tempfile.mkdtemp(prefix="scan-perm-", dir="/tmp"))
    try:
        top = base / "mail"
        (top / "locked" / "cur").mkdir(parents=True)
        (top / "locked" / "cur" / "1").write_bytes(PLAIN)
        (top / "a.eml").write_bytes(PLAIN)
        (top / "z.eml").write_bytes(BOB)
        alone = base / "alone"
        (alone / "cur").mkdir(parents=True)
        (base / "ok.eml").write_bytes(PLAIN)
        for folder in (base, top, top / "locked" / "cur", alone / "cur"):
            folder.chmod(0o755)
        for eml in (top / "a.eml", top / "z.eml", base / "ok.eml"):
            eml.chmod(0o644)
        (top / "locked").chmod(0o000)
        alone.chmod(0o000)
        got = _read_as_nobody([str(top), str(alone), str(base / "ok.eml")])
        if got[1][0] == str(top / "locked" / "cur" / "1"):
            pytest.skip("permissions are not enforced here")
        assert got == [
            (str(top / "locked"), "cannot list: Permission denied", 66),
            (str(top / "a.eml"), None, 0),
            (str(top / "z.eml"), None, 0),
            (str(alone), "cannot list: Permission denied", 66),
            (str(base / "ok.eml"), None, 0),
        ]
    finally:
        for folder in (base / "mail" / "locked", base / "alone"):
            folder.chmod(0o755)
        shutil.rmtree(base)


def test_links_are_followed_inside_the_folder_only_and_never_loop(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "secret.eml").write_bytes(BOB)
    (outside / "deep" / "other.eml").write_bytes(BOB)
    top = tmp_path / "mail"
    (top / "sub").mkdir(parents=True)
    (top / "sub" / "real.eml").write_bytes(PLAIN)
    (top / "in.eml").symlink_to(top / "sub" / "real.eml")  # inside: followed
    (top / "out.eml").symlink_to(outside / "secret.eml")  # leaves the folder: not followed
    (top / "escape").symlink_to(outside / "deep")  # a folder link: not descended
    (top / "sub" / "loop").symlink_to(top)  # a loop: not descended
    (top / "self.eml").symlink_to(top / "self.eml")  # ELOOP: skipped, like a dangling link
    got = [str(Path(m.source).relative_to(tmp_path)) for m in read(top)]
    assert got == ["mail/in.eml", "mail/sub/real.eml"]


def test_a_message_from_a_pipe_is_passed_on_as_soon_as_its_end_is_known() -> None:
    """Before: read(1 MiB) waited for a whole MiB more (or the end) of a pipe (issue 11.14)."""
    r, w = os.pipe()
    os.write(w, to_mbox(PLAIN) + ENVELOPE + b"Subject: the next one, still arriving\n")
    closer = threading.Timer(10, os.close, [w])
    closer.start()
    try:
        with os.fdopen(r, "rb") as pipe:
            started = time.monotonic()
            first = next(read_stream(pipe, "<stdin>", empty_is_error=True))
            waited = time.monotonic() - started
    finally:
        closer.cancel()
        with contextlib.suppress(OSError):
            os.close(w)
    assert first.raw == PLAIN and waited < 5


@pytest.mark.parametrize("device", ["/dev/zero", "yes"])
def test_endless_inputs_are_capped_by_bytes_read(
    device: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No st_size to trust (a device, a FIFO like `<(yes)`): the cap counts what is read."""
    monkeypatch.setattr(sources, "MAX_MESSAGE", 1 << 20)
    if device == "yes":
        proc = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
        assert proc.stdout is not None
        path = f"/dev/fd/{proc.stdout.fileno()}"
    try:
        got = list(read_paths([path if device == "yes" else device]))
    finally:
        if device == "yes":
            proc.kill()
            proc.wait()
    assert len(got) == 1 and got[0].exit_code == 65
    assert got[0].error == "larger than 1 MiB: skipped"
