"""Property-based tests: every parser takes any bytes without an escaping exception, and
gives the same answer twice.

Parsers covered: tag lists and DKIM-Signature checks (signatures.py), key records and key
decoding (keys.py, verify.py), header splitting and unfolding (message.py), header
selection (verify.py, against dkimpy's), and the terminal escaping of the text renderer.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dkim import select_headers as dkimpy_select_headers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.errors import NotAMessageError
from analyzer.keys import parse_key_record
from analyzer.message import field_text, parse_message, split_header_fields, to_crlf
from analyzer.model import DkimSignature, HeaderField, KeyProblem, KeyRecord, MalformedSignature
from analyzer.render.escape import UNSAFE, csv_cell, json_text, shown, source_text
from analyzer.render.text import safe
from analyzer.signatures import TagListError, parse_signature, parse_tag_list
from analyzer.verify import load_public_key, select_headers
from tests.conftest import FIXTURES, ROOT, run_cli

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Bytes that matter to these grammars, mixed with anything at all.
TOKENS = [
    b"v=1", b"a=rsa-sha256", b"a=ed25519-sha256", b"c=relaxed/relaxed", b"d=example.com",
    b"s=sel", b"h=from:to", b"bh=AAAA", b"b=AAAA", b"l=12", b"t=1", b"x=0", b"i=@example.com",
    b"q=dns/txt", b"v=DKIM1", b"k=rsa", b"k=ed25519", b"p=", b"p=MIIB", b"t=y:s", b"s=email",
    b"h=sha256", b";", b"=", b" ", b"\t", b"\r\n", b"\r\n ", b"\n", b"\r", b":", b"=40", b"\x00",
    b"\xff", b"\x1b[2J", "é".encode(),
]  # fmt: skip
tagish = st.lists(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=8)), max_size=30).map(
    b"".join
)
HEADER_TOKENS = [
    b"From: a@example.com", b"DKIM-Signature: v=1; d=example.com", b"Subject: =?utf-8?q?x=0Ay?=",
    b"X: y", b"\r\n", b"\r\n\r\n", b"\n", b"\r", b" ", b"\t", b"From ", b":", b"Bad line",
    b"\x00", b"\xff", b"To: <a@[1.2.3.4]>, \"q\\\" \" <b@c>",
]  # fmt: skip
messages = st.lists(
    st.one_of(st.sampled_from(HEADER_TOKENS), st.binary(max_size=12)), max_size=40
).map(b"".join)


@SETTINGS
@given(value=tagish)
def test_tag_list(value: bytes) -> None:
    def parse() -> object:
        try:
            return parse_tag_list(value)
        except TagListError as e:
            return ("error", str(e), e.tag)

    first = parse()
    assert parse() == first
    if isinstance(first, tuple) and first and first[0] != "error":
        for tag in first:
            assert value[tag.start : tag.end] == tag.value  # spans point into the value


@SETTINGS
@given(value=tagish, index=st.integers(0, 40))
def test_signature(value: bytes, index: int) -> None:
    header = HeaderField(b"DKIM-Signature", value)
    first = parse_signature(index, header)
    assert isinstance(first, DkimSignature | MalformedSignature)
    assert parse_signature(index, header) == first


@SETTINGS
@given(value=tagish, key=st.binary(max_size=300))
def test_key_record(value: bytes, key: bytes) -> None:
    for raw in (value, value + b"; p=" + base64.b64encode(key)):
        first = parse_key_record(raw)
        assert isinstance(first, KeyRecord | KeyProblem)
        assert parse_key_record(raw) == first
        if isinstance(first, KeyRecord) and first.public_key:
            for key_type in ("rsa", "ed25519"):
                record = KeyRecord(raw, key_type, None, ("*",), (), first.public_key)
                loaded = load_public_key(record)
                assert type(loaded) is type(load_public_key(record))


@SETTINGS
@given(raw=messages, headers_only=st.booleans())
def test_parse_message(raw: bytes, headers_only: bool) -> None:
    try:
        first = parse_message(raw, headers_only=headers_only)
    except NotAMessageError as e:
        try:
            parse_message(raw, headers_only=headers_only)
        except NotAMessageError as again:
            assert str(again) == str(e)
            return
        raise AssertionError("not deterministic") from e
    assert parse_message(raw, headers_only=headers_only) == first
    for f in first.headers:
        field_text(f.value)
        assert f.name and b"\r\n" not in f.name


@SETTINGS
@given(raw=messages)
def test_header_split_keeps_every_byte(raw: bytes) -> None:
    """Splitting loses and re-serialises nothing: name ":" value, in order, is the input,
    after what is skipped before the first field (blank or all-space lines, an mbox
    "From " line)."""
    data, _ = to_crlf(raw)
    fields, body_start = split_header_fields(data)
    joined = b"".join(f.name + b":" + f.value for f in fields)
    start = data.find(joined) if fields else 0
    while start > 0 and data[start - 2 : start] != b"\r\n":  # the fields begin a line
        start = data.find(joined, start + 1)
    assert start >= 0 and data[start:].startswith(joined)
    skipped = data[:start].split(b"\r\n")[:-1] if start else []
    assert data[:start].endswith(b"\r\n") or not start
    assert all(not line.strip(b" \t") or line.startswith(b"From ") for line in skipped)
    assert sum(line.startswith(b"From ") for line in skipped) <= 1
    if body_start >= 0:
        assert data[body_start - 2 : body_start] == b"\r\n"


@SETTINGS
@given(raw=st.binary(max_size=200) | messages)
def test_to_crlf(raw: bytes) -> None:
    data, _ = to_crlf(raw)
    assert data.count(b"\n") == data.count(b"\r\n")  # no bare LF left
    assert to_crlf(data)[0] == data
    assert data.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


names = st.sampled_from([b"from", b"From", b"to", b"subject", b"x", b"X ", b"date"])


@SETTINGS
@given(
    fields=st.lists(st.tuples(names, st.binary(max_size=4)), max_size=15),
    wanted=st.lists(
        st.sampled_from([b"from", b"to", b"subject", b"x", b"date", b"y"]), max_size=15
    ),
)
def test_select_headers_is_dkimpys(fields: list[tuple[bytes, bytes]], wanted: list[bytes]) -> None:
    assert select_headers(fields, wanted) == dkimpy_select_headers(fields, wanted)


@SETTINGS
@given(text=st.text())
def test_safe_leaves_no_control_characters(text: str) -> None:
    shown = safe(text)
    assert not any(
        (ord(c) < 0x20 and c != "\t") or 0x7F <= ord(c) <= 0x9F or c in "\u061c\u200e\u200f\ufeff"
        or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 or c in "\u2028\u2029"
        for c in shown
    )  # fmt: skip
    assert safe(text) == shown


def test_from_with_thousands_of_groups_does_not_recurse_out() -> None:
    """email.utils.getaddresses recurses per ':' (found by bench/fuzz.py)."""
    raw = b'From: "x@y" <@>' * 2000 + b"\r\nFrom: a:" * 300 + b"\r\n\r\nbody\r\n"
    msg = parse_message(raw)
    assert msg.from_domain == "y"


def test_text_report_escapes_forged_lines_and_bidi(tmp_path: Path) -> None:
    """An RFC 2047 Subject that decodes to a newline, and bidi/invisible marks in From."""
    raw = (FIXTURES / "plain" / "message.eml").read_bytes()
    raw = raw.replace(b"Subject: ", b"Subject: =?utf-8?q?hi=0APASS:_all_good=E2=80=AE?= ", 1)
    raw = raw.replace(b"From: ", "From: \u2066\ufeffx\u061c ".encode(), 1)
    message = tmp_path / "m.eml"
    message.write_bytes(raw)
    run = run_cli("check", "--zone", str(FIXTURES / "plain" / "zone"), str(message))
    assert "\nPASS: all good" not in run.stdout
    assert "\\x0aPASS: all good" in run.stdout
    for mark in "\u202e\u2066\ufeff\u061c":
        assert mark not in run.stdout


# --- every output format against hostile bytes (issue 11 items 7, 9, 10) ---------------


def unescape_source(text: str) -> bytes:
    """The README's rule read backwards: \\\\ a backslash, \\xNN byte NN, \\uNNNN that character."""
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1] == "\\":
            out += b"\\"
            i += 2
        elif text[i] == "\\" and text[i + 1] == "x":
            out.append(int(text[i + 2 : i + 4], 16))
            i += 4
        elif text[i] == "\\" and text[i + 1] == "u":
            out += chr(int(text[i + 2 : i + 6], 16)).encode()
            i += 6
        else:
            out += text[i].encode()
            i += 1
    return bytes(out)


def strip_csv_quote(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


UNSAFE_SHOWN = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


@SETTINGS
@given(name=st.binary(max_size=40))
def test_source_text_is_valid_text_and_lossless(name: bytes) -> None:
    shown = source_text(os.fsdecode(name))
    assert not UNSAFE_SHOWN.search(shown)
    shown.encode("utf-8")  # strict: no surrogate left
    assert unescape_source(shown) == name


@SETTINGS
@given(text=st.text())
def test_json_text_escapes_and_keeps_the_value(text: str) -> None:
    doc = json_text(json.dumps({"v": text}, ensure_ascii=False, indent=2))
    doc.encode("utf-8")
    assert not UNSAFE_SHOWN.search(doc.replace("\n", ""))
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        assert json.loads(doc) == {"v": text}  # a JSON escape, not a change of the value


def _escaped_char_by_char(document: str) -> str:
    """json_text's rule, one character at a time (the module docstring of render/escape.py)."""

    def one(c: str) -> str:
        if c == "\n" or not UNSAFE.match(c):
            return c
        return "\\" + shown(c) if 0xD800 <= ord(c) <= 0xDFFF else f"\\u{ord(c):04x}"

    return "".join(map(one, document))


# JSON text (json.dumps left no C0 control raw but indentation's LF): mostly plain ASCII
# with a few of the characters json_text must look at, which its fast paths find in
# different ways (all ASCII, a few others, a surrogate).
_MIXED = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(max_codepoint=0x7E, min_codepoint=0x20), max_size=30),
        st.sampled_from(["…", "é", "\u2028", "\u202e", "\u200b", "\ufeff", "\x85", "\x7f", "\n",
                         "\t", "\udcff", "\ud800", "漢", "\U0001f600", "\u061c"]),
        st.text(max_size=4),
    ),
    max_size=40,
).map(lambda parts: "".join(c for c in "".join(parts) if c >= " " or c in "\t\n"))  # fmt: skip


@SETTINGS
@given(document=_MIXED)
def test_json_text_is_its_rule_applied_to_each_character(document: str) -> None:
    assert json_text(document) == _escaped_char_by_char(document)


@SETTINGS
@given(text=st.text())
def test_csv_cell_is_never_a_formula_nor_a_control(text: str) -> None:
    cell = csv_cell(text)
    assert isinstance(cell, str)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not UNSAFE_SHOWN.search(cell)
    assert strip_csv_quote(cell) == safe(text)


def _cli(*args: str | bytes, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """The installed CLI in a subprocess: real stdout bytes, under a UTF-8 locale."""
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONIOENCODING", None)
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        capture_output=True, timeout=120, env=env, cwd=cwd, check=False,
    )  # fmt: skip


def test_file_name_that_is_not_utf8_in_every_format(tmp_path: Path) -> None:
    """Byte 0xff and a backslash in a file name: valid UTF-8 out, the name recoverable."""
    folder = os.fsencode(tmp_path)
    name = folder + b"/caf\xff\\x1b \x1b[31m.eml"
    with open(name, "wb") as f:
        f.write((FIXTURES / "plain" / "message.eml").read_bytes())
    zone = ("--zone", str(FIXTURES / "plain" / "zone"))

    as_json = _cli("check", "--format", "json", *zone, name)
    assert as_json.returncode == 0, as_json.stderr
    [msg] = json.loads(as_json.stdout.decode("utf-8"))["messages"]
    assert unescape_source(msg["source"]) == name
    assert b"\x1b" not in as_json.stdout

    as_text = _cli("check", *zone, name)
    assert as_text.returncode == 0, as_text.stderr
    text = as_text.stdout.decode("utf-8")
    # The report wraps at 80 columns, here inside the long name: compare without the breaks.
    assert "\x1b" not in text and "caf\\xff\\\\x1b\\x1b[31m.eml" in "".join(text.split())

    missing = _cli("check", *zone, name + b".missing")  # the error line on stderr too
    assert missing.returncode == 66
    assert "caf\\xff\\\\x1b \\x1b[31m.eml.missing: cannot read" in missing.stderr.decode("utf-8")

    jsonl, csv_out = tmp_path / "out.jsonl", tmp_path / "out.csv"
    scan = _cli("scan", "--format", "jsonl", "-o", str(jsonl), *zone, name)
    assert scan.returncode == 0, scan.stderr
    [line] = jsonl.read_bytes().decode("utf-8").splitlines()
    assert unescape_source(json.loads(line)["source"]) == name

    scan = _cli("scan", "--format", "csv", "-o", str(csv_out), *zone, name)
    assert scan.returncode == 0, scan.stderr
    rows = list(csv.DictReader(io.StringIO(csv_out.read_bytes().decode("utf-8"), newline="")))
    assert unescape_source(strip_csv_quote(rows[0]["source"])) == name


def _hostile_message(tmp_path: Path) -> Path:
    """Formula starts, ESC, bidi, zero-width and C1 characters in every field a cell shows."""
    raw = (FIXTURES / "plain" / "message.eml").read_bytes()
    raw = raw.replace(b"From: ", "From: =cmd <a@-x\u202e.example>\r\nX-Old-From: ".encode(), 1)
    raw = raw.replace(b"Subject: ", "Subject: \u202e\u200b\x85\x1b]0;t\x07 ".encode(), 1)
    raw = raw.replace(b"d=example.com;", "d==HYPERLINK(\x1b[2J\u202e);".encode(), 1)
    raw = raw.replace(b"s=s2025;", b"s=@SUM(1);", 1)
    path = tmp_path / "=1+2.eml"
    path.write_bytes(raw)
    return path


def test_csv_cells_carry_no_formula_and_no_control(tmp_path: Path) -> None:
    path = _hostile_message(tmp_path)
    out = tmp_path / "out.csv"
    scan = _cli("scan", "--format", "csv", "-o", str(out), "--zone",
                str(FIXTURES / "plain" / "zone"), str(path))  # fmt: skip
    assert scan.returncode in (0, 1), scan.stderr
    text = out.read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [c for row in rows[1:] for c in row]
    assert rows[1][0].endswith("=1+2.eml")  # the path starts with "/": no quote needed
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], rows
    assert not UNSAFE_SHOWN.search(text.replace("\r\n", ""))
    columns = dict(zip(rows[0], rows[1], strict=True))
    assert columns["selector"] == "'@SUM(1)"
    assert columns["domain"].startswith("'=hyperlink(\\x1b[2j\\u202e")
    assert columns["from_domain"].startswith("'-x")


def test_json_escapes_bidi_zero_width_and_c1(tmp_path: Path) -> None:
    path = _hostile_message(tmp_path)
    zone = ("--zone", str(FIXTURES / "plain" / "zone"))
    run = _cli("check", "--format", "json", *zone, str(path))
    doc = run.stdout.decode("utf-8")
    assert not UNSAFE_SHOWN.search(doc.replace("\n", "")), doc
    assert "\\u202e\\u200b\\u0085\\u001b]0;t\\u0007" in doc
    [msg] = json.loads(doc)["messages"]
    assert msg["subject"].startswith("\u202e\u200b\x85\x1b]0;t\x07")  # the value is kept
    out = tmp_path / "out.jsonl"
    _cli("scan", "--format", "jsonl", "-o", str(out), *zone, str(path))
    lines = out.read_bytes().decode("utf-8")
    assert not UNSAFE_SHOWN.search(lines.rstrip("\n")) and lines.count("\n") == 1


@pytest.mark.parametrize("word", ["=?utf-8?b?abcde?=", "=?é?q?x?=", "=?x-none?q?x?="])
def test_malformed_encoded_word_in_a_signed_field_of_a_failing_signature(
    word: str, tmp_path: Path
) -> None:
    """11.1: the forensic search decodes signed fields too; HeaderParseError escaped it (70)."""
    raw = (FIXTURES / "plain" / "message.eml").read_bytes()
    path = tmp_path / "m.eml"
    path.write_bytes(raw.replace(b"Subject: ", f"Subject: {word} ".encode(), 1))
    run = run_cli(
        "check", "--format", "json", "--zone", str(FIXTURES / "plain" / "zone"), str(path)
    )
    assert run.exit_code == 1, run.stderr
    [sig] = run.json()["messages"][0]["signatures"]
    assert sig["reason"] == "signature_mismatch"


def test_dns_json_escapes_bidi_and_c1_from_dns(tmp_path: Path) -> None:
    """11.9: a TXT record is attacker text too; `dns --format json` showed it raw."""
    zone = tmp_path / "bidi.zone"
    zone.write_text(
        '$TTL 60\nsel._domainkey.example.com. IN TXT "v=DKIM1; p=\\226\\128\\174\\194\\133"\n'
    )
    run = run_cli(
        "dns", "example.com", "--selector", "sel", "--zone", str(zone), "--format", "json"
    )
    assert "\u202e" not in run.stdout and "\x85" not in run.stdout
    assert "p=\\u202e\\u0085" in run.stdout
    json.loads(run.stdout)
