"""The parsers' fast paths give what their careful parsers give (issue 15, parse speed).

Each fast path reads the plainly well-formed case with a few whole-buffer operations and
hands everything else to the careful parser it sits in front of: these tests hold the two
to the same result (every value, every error and its wording) on generated input and on
every message of ../shared/realmail and ../shared/corpus (skipped when absent).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
from collections.abc import Callable, Iterator
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import message, signatures, trace
from analyzer.errors import NotAMessageError
from analyzer.model import DkimSignature, HeaderField, MalformedSignature
from tests.conftest import CORPUS, ROOT

REALMAIL = ROOT.parent / "shared" / "realmail"


def _real_messages() -> list[Path]:
    found = sorted(REALMAIL.glob("messages/*.eml")) if REALMAIL.is_dir() else []
    return found + (sorted(CORPUS.rglob("*.eml")) if CORPUS.is_dir() else [])


REAL = _real_messages()


def _outcome(parse: Callable[..., Any], *args: Any) -> Any:
    """What a parser returns, or the error it raises (type, words, tag), to compare."""
    try:
        return parse(*args)
    except signatures.TagListError as e:
        return ("TagListError", str(e), e.tag)


# The comment pattern as it was (one character per step), against the possessive one.
_OLD_COMMENT = re.compile(r"\((?:[^()\\]|\\.)*\)")
_OLD_FROM = re.compile(r"^\s*from\s+([^\s();]+)\s*(\((?:[^()\\]|\\.)*\))?", re.I)


def _old_unfolded(value: bytes) -> str:
    return re.sub(r"\r\n(?=[ \t])", "", value.decode("utf-8", "replace")).strip()


def _same_everywhere(raw: bytes) -> None:
    """Every fast path on one message agrees with its careful parser."""
    assert message.to_crlf(raw) == message._counted_crlf(raw)
    data, _ = message.to_crlf(raw)
    fields, body_start = message.split_header_fields(data)
    assert (fields, body_start) == message._split_header_fields(data)
    try:
        assert message.parse_message(data, crlf=True) == message.parse_message(data)
    except NotAMessageError:
        with pytest.raises(NotAMessageError):
            message.parse_message(data, crlf=True)
    values = [message.field_text(f.value) for f in fields if f.lname == "from"]
    assert message._addresses(fields, "from") == message._parsed_addresses(values)
    for f in fields:
        assert message._unfolded(f.value) == _old_unfolded(f.value)
        if f.lname in ("dkim-signature", "arc-message-signature", "arc-seal"):
            assert _outcome(signatures.parse_tag_list, f.value) == _outcome(
                signatures._parse_tag_list, f.value
            )
        if f.lname == "dkim-signature":
            for tag in ("d", "s"):
                value = re.search(rb"(?:^|;)\s*" + tag.encode() + rb"\s*=([^;]*)", f.value)
                if value:
                    name = value[1].translate(None, b" \t\r\n")
                    assert signatures.dns_name(name) == signatures._dns_name(name)
        if f.lname == "received":
            text = trace._unfold(f.value)
            assert _OLD_COMMENT.sub(" ", text) == trace._COMMENT.sub(" ", text)
            old, new = _OLD_FROM.match(text), trace._FROM.match(text)
            assert (old and old.groups()) == (new and new.groups())
            when = text.rpartition(";")[2].strip()
            if when:
                assert trace._date(when) == trace._parsed_date(when)


@pytest.mark.skipif(not REAL, reason="../shared/realmail and ../shared/corpus are absent")
@pytest.mark.parametrize("path", REAL, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_real_messages(path: Path) -> None:
    _same_everywhere(path.read_bytes())


# --- generated input ----------------------------------------------------------------------------

FWS = st.sampled_from(["", " ", "\t", "\r\n ", "\r\n\t", "  ", "\r\n", "\n", "\r"])
TAG_NAMES = st.sampled_from(["v", "a", "b", "bh", "c", "d", "h", "s", "t", "x", "l", "i", "q",
                             "z", "A_1", "1a", "", "a b", "é", "b"])  # fmt: skip
TAG_VALUES = st.sampled_from(["1", "rsa-sha256", "relaxed/simple", "example.com", "s1", "",
                              "from:to", "AAAA", "AA AA", "=", "a=b", "x;y", "é"])  # fmt: skip


@st.composite
def tag_lists(draw: st.DrawFn) -> bytes:
    specs = []
    for _ in range(draw(st.integers(0, 8))):
        spec = draw(FWS) + draw(TAG_NAMES) + draw(FWS)
        if draw(st.integers(0, 9)):
            spec += "=" + draw(FWS) + draw(TAG_VALUES) + draw(FWS)
        specs.append(spec)
    text = ";".join(specs) + draw(st.sampled_from(["", ";", "; ", ";\r\n", ";;", "\r\n"]))
    return text.encode("utf-8")


@settings(max_examples=3000, deadline=None)
@given(value=st.one_of(tag_lists(), st.binary(max_size=40)))
def test_tag_lists(value: bytes) -> None:
    assert _outcome(signatures.parse_tag_list, value) == _outcome(signatures._parse_tag_list, value)


LINES = st.sampled_from([
    "From: a@example.com", "Subject : hi", "X-A:", "To:b@example.com,", " folded", "\tfolded",
    " ", "", "no colon here", "From mbox line", ":empty name", "Received: from x (y [192.0.2.1])",
    "Na\rme: v", "Name: v\rv", "Name: v\nw", "DKIM-Signature: v=1; a=rsa-sha256",
])  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(lines=st.lists(LINES, max_size=10), end=st.sampled_from(["", "\r\n", "\r\n\r\nbody"]))
def test_header_sections(lines: list[str], end: str) -> None:
    block = ("\r\n".join(lines) + end).encode()
    assert message.split_header_fields(block) == message._split_header_fields(block)
    assert message.to_crlf(block) == message._counted_crlf(block)


@settings(max_examples=1000, deadline=None)
@given(raw=st.binary(max_size=60))
def test_line_endings_of_any_bytes(raw: bytes) -> None:
    assert message.to_crlf(raw) == message._counted_crlf(raw)
    assert message.split_header_fields(raw) == message._split_header_fields(raw)


ADDRESS_PARTS = st.sampled_from([
    "a@example.com", "first.last@mail.example.org", "<a@example.com>", "News ", "\"Quoted\" ",
    "\"A, B\" ", "J. Smith ", " ", "\t", "<", ">", "@", ",", ":", ";", "(c)", "\"", "\\", ".",
    "a..b@x.example", "x@[192.0.2.1]", "é", "=?utf-8?q?x?=", "group:", "o'brien@example.com",
])  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(values=st.lists(st.lists(ADDRESS_PARTS, max_size=6).map("".join), max_size=3))
def test_addresses(values: list[str]) -> None:
    fields = [HeaderField(b"From", b" " + v.encode() + b"\r\n") for v in values]
    texts = [message.field_text(f.value) for f in fields]
    assert message._addresses(fields, "from") == message._parsed_addresses(texts)
    # and the careful path is getaddresses' own reading, for values of a sane size
    expected = [a for _, a in getaddresses(texts) if "@" in a]
    assert message._parsed_addresses(texts) == expected


@settings(max_examples=2000, deadline=None)
@given(value=st.lists(st.sampled_from(["\r\n", " ", "\t", "a", "\r", "\n", "=?", "é"]),
                      max_size=12).map("".join))  # fmt: skip
def test_unfolding(value: str) -> None:
    data = value.encode()
    assert message._unfolded(data) == _old_unfolded(data)


NAME_PARTS = st.sampled_from(["example", "com", ".", "-", "_", "a" * 63, "a" * 64, "xn--bcher-kva",
                              "bücher", "EXAMPLE", "..", "1", " ", "\xff"])  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(parts=st.lists(NAME_PARTS, max_size=8))
def test_dns_names(parts: list[str]) -> None:
    value = "".join(parts).encode("utf-8", "surrogateescape")
    assert signatures.dns_name(value) == signatures._dns_name(value)


def _dates() -> Iterator[st.SearchStrategy[str]]:
    number = st.integers(0, 99).map(lambda n: f"{n:02d}")
    yield st.builds(
        lambda day, d, mon, y, h, m, s, sign, zone, tail: (
            f"{day}{d} {mon} {y} {h}:{m}:{s} {sign}{zone:04d}{tail}"
        ),
        st.sampled_from(["", "Sun, ", "Mon, ", "Xyz, ", "Sun,"]),
        st.integers(0, 40), st.sampled_from([*trace._MONTHS, "nov", "Foo"]),
        st.integers(0, 10000), number, number, number, st.sampled_from("+-"),
        st.integers(0, 9999), st.sampled_from(["", " (UTC)", "(UTC)", " x y", "\t(PST)"]),
    )  # fmt: skip
    yield st.text(max_size=30)


@settings(max_examples=4000, deadline=None)
@given(when=st.one_of(*_dates()))
def test_received_dates(when: str) -> None:
    when = when.strip()
    if when:
        assert trace._date(when) == trace._parsed_date(when)


COMMENT_PARTS = st.sampled_from(["(", ")", "\\", "\\(", "\\)", "a", " ", "from ", "x.example",
                                 "[192.0.2.1]", "\r", "\n"])  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(parts=st.lists(COMMENT_PARTS, max_size=14))
def test_comments(parts: list[str]) -> None:
    text = "".join(parts)
    assert _OLD_COMMENT.sub(" ", text) == trace._COMMENT.sub(" ", text)
    old, new = _OLD_FROM.match(text), trace._FROM.match(text)
    assert (old and old.groups()) == (new and new.groups())


# --- signature values: the shortcuts of parse_signature against the expressions they replace ---

_OLD_B64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}\Z")


def _old_b64_value(value: bytes) -> bytes | None:
    compact = value.translate(None, b" \t\r\n")
    if not _OLD_B64.match(compact) or len(compact) % 4:
        return None
    try:
        return base64.b64decode(compact, validate=True)
    except binascii.Error:
        return None


@settings(max_examples=3000, deadline=None)
@given(value=st.lists(st.sampled_from(["A", "Q", "/", "+", "=", " ", "\r\n", "!", "é", "_"]),
                      max_size=12).map("".join).map(str.encode))  # fmt: skip
def test_base64_values(value: bytes) -> None:
    assert signatures.b64_value(value) == _old_b64_value(value)


@settings(max_examples=3000, deadline=None)
@given(value=st.lists(st.sampled_from(["from", "To", ":", " ", "\r\n\t", "\x0b", "\x1c", "é",
                                       "\xa0", "X-É"]), max_size=10).map("".join))  # fmt: skip
def test_signed_names(value: str) -> None:
    raw = value.encode("utf-8")
    text = raw.translate(None, b" \t\r\n").decode("utf-8", "replace")
    old = tuple(h.strip().lower() for h in text.split(":") if h.strip())
    assert signatures.signed_names(raw) == old


@pytest.mark.parametrize("c", ["simple", "relaxed", "Relaxed/SIMPLE", "relaxed/", "/", "", "x",
                               "relaxed/relaxed/simple", "simple/relaxed", " relaxed"])  # fmt: skip
def test_canonicalization_names(c: str) -> None:
    value = f"v=1; a=rsa-sha256; c={c}; d=example.com; s=s; h=from; bh=AAAA; b=AAAA".encode()
    got = signatures.parse_signature(0, HeaderField(b"DKIM-Signature", value))
    old = c.strip().lower().split("/")  # the tag value is read without its FWS
    if len(old) == 1:
        old.append("simple")
    if len(old) != 2 or any(x not in ("simple", "relaxed") for x in old):
        assert isinstance(got, MalformedSignature) and got.tag == "c"
    else:
        assert isinstance(got, DkimSignature)
        assert [got.header_canon, got.body_canon] == old


@settings(max_examples=2000, deadline=None)
@given(value=st.one_of(tag_lists(), st.binary(max_size=40)))
def test_held_tags(value: bytes) -> None:
    # parse_tag_list a second time takes its Tags from _HELD_TAGS: still the careful result
    careful = _outcome(signatures._parse_tag_list, value)
    assert _outcome(signatures.parse_tag_list, value) == careful
    assert _outcome(signatures.parse_tag_list, value) == careful


def test_base64_values_exhaustive() -> None:
    # every short string of an alphabet that has each way a2b_base64's strict mode differs
    # from the old regex ("=" where no quad is open, bytes outside the alphabet, FWS)
    alphabet = [b"A", b"Q", b"=", b"-", b"\xe9", b" "]
    for n in range(9):
        for parts in itertools.product(alphabet, repeat=n):
            value = b"".join(parts)
            assert signatures.b64_value(value) == _old_b64_value(value), value


SIGNATURE_TAGS = {
    "v": ["1", "2", ""],
    "a": ["rsa-sha256", "ed25519-sha256", "rsa-md5", ""],
    "c": ["relaxed/relaxed", "Simple", "relaxed/x"],
    "d": ["example.com", "Example.COM.", "bücher.example", "a..b", "x" * 64 + ".example", ""],
    "s": ["s1", "s_1", "-s", "x" * 250, ""],
    "h": ["from:to", "To:Subject", "From", ""],
    "q": ["dns/txt", "dns/TXT:x", "http"],
    "i": ["@example.com", "u@mail.example.com", "=40example.com", "u@other.example", "u"],
    "l": ["0", "12", "x"],
    "t": ["100", "x", ""],
    "x": ["200", "50", "y"],
    "bh": ["AAAA", "A", "", "AA=="],
    "b": ["AAAA", "", "AAA", "AAAA===="],
}


@st.composite
def signature_values(draw: st.DrawFn) -> bytes:
    specs = []
    for name, choices in SIGNATURE_TAGS.items():
        if name in ("v", "a", "d", "s", "h", "bh", "b") and draw(st.integers(0, 19)):
            specs.append(f"{name}={draw(st.sampled_from(choices[:2]))}")
        elif draw(st.booleans()):
            specs.append(f"{name}={draw(st.sampled_from(choices))}")
    return "; ".join(draw(st.permutations(specs))).encode("utf-8")


@settings(max_examples=3000, deadline=None)
@given(value=signature_values())
def test_signatures(value: bytes) -> None:
    # the fast path (_well_formed, _recurring held) against every check in turn (_checked)
    header = HeaderField(b"DKIM-Signature", value)
    try:
        tags = signatures._parse_tag_list(value)
    except signatures.TagListError:
        return
    careful = signatures._checked(0, header, tags, {t.name: t.value for t in tags})
    for _ in range(2):  # and again, with _recurring's answer held
        assert signatures.parse_signature(0, header) == careful
