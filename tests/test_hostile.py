"""Property-based tests: every parser takes any bytes without an escaping exception, and
gives the same answer twice.

Parsers covered: tag lists and DKIM-Signature checks (signatures.py), key records and key
decoding (keys.py, verify.py), header splitting and unfolding (message.py), header
selection (verify.py, against dkimpy's), and the terminal escaping of the text renderer.
"""

from __future__ import annotations

import base64
from pathlib import Path

from dkim import select_headers as dkimpy_select_headers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.errors import NotAMessageError
from analyzer.keys import parse_key_record
from analyzer.message import field_text, parse_message, split_header_fields, to_crlf
from analyzer.model import DkimSignature, HeaderField, KeyProblem, KeyRecord, MalformedSignature
from analyzer.render.text import safe
from analyzer.signatures import TagListError, parse_signature, parse_tag_list
from analyzer.verify import load_public_key, select_headers
from tests.conftest import FIXTURES, run_cli

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
    """Splitting loses and re-serialises nothing: name ":" value, in order, is the input."""
    data, _ = to_crlf(raw)
    fields, body_start = split_header_fields(data)
    joined = b"".join(f.name + b":" + f.value for f in fields)
    assert data.startswith(joined) or data.split(b"\r\n", 1)[-1].startswith(joined)
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
