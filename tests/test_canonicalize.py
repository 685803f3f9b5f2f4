"""The streaming body canonicalisation must be byte-for-byte dkimpy's (RFC 6376 §3.4.3-4)."""

from __future__ import annotations

import pytest
from dkim.canonicalization import Relaxed, Simple
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import canonicalize
from analyzer.canonicalize import canonical_body, relaxed_header, whole_body

# Bodies built from the bytes the rules care about: WSP, CR, LF, CRLF, text.
bodies = st.lists(st.sampled_from([b"a", b" ", b"\t", b"\r", b"\n", b"\r\n", b"x y"])).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(body=bodies, chunk=st.sampled_from([1, 2, 3, 5, 64, 1 << 20]))
def test_matches_dkimpy(body: bytes, chunk: int) -> None:
    assert b"".join(canonical_body(body, "simple", chunk)) == Simple.canonicalize_body(body)
    assert b"".join(canonical_body(body, "relaxed", chunk)) == Relaxed.canonicalize_body(body)


def _whole(body: bytes, algorithm: str) -> bytes | None:
    whole = whole_body(body, algorithm)
    return None if whole is None else bytes(whole[0]) + whole[1]


@settings(max_examples=1000, deadline=None)
@given(body=bodies, tail=st.sampled_from([1, 2, 3, 8, 4096]))
def test_whole_buffer_matches_dkimpy(body: bytes, tail: int) -> None:
    """The fast path's whole-buffer canonicalisation is dkimpy's too, or declines; short
    tails push the body's trailing CR/LF run across the bounded tail it looks at."""
    default, canonicalize._TAIL = canonicalize._TAIL, tail
    try:
        for algorithm, dkimpy in (("simple", Simple), ("relaxed", Relaxed)):
            whole = _whole(body, algorithm)
            assert whole is None or whole == dkimpy.canonicalize_body(body)
            assert whole is not None or len(body) > tail  # declines only past the tail
    finally:
        canonicalize._TAIL = default


@settings(max_examples=300, deadline=None)
@given(
    body=bodies,
    around=st.sampled_from([(b"", b""), (b"QUJD" * 40 + b"\r\n", b"QUJD\r\n--b--\r\n")]),
)
def test_whole_buffer_rewrites_only_the_span_with_wsp(
    body: bytes, around: tuple[bytes, bytes]
) -> None:
    """WSP only in the middle (a text part between base64 lines): the same bytes."""
    body = around[0] + body + around[1]
    assert _whole(body, "relaxed") == Relaxed.canonicalize_body(body)
    assert _whole(body, "simple") == Simple.canonicalize_body(body)


def test_whole_buffer_declines_what_it_cannot_bound() -> None:
    assert whole_body(b"x" * (canonicalize.CHUNK + 1), "simple") is None
    assert whole_body(b"x" + b"\r\n" * 5000, "relaxed") is None  # canonical_body counts it
    assert _whole(b"x" * 10 + b"\r\n" * 100, "relaxed") == b"x" * 10 + b"\r\n"


@settings(max_examples=500, deadline=None)
@given(name=st.sampled_from([b"Subject", b"X-A ", b"FROM\t"]), value=bodies)
def test_relaxed_header_matches_dkimpy(name: bytes, value: bytes) -> None:
    assert [relaxed_header(name, value)] == Relaxed.canonicalize_headers([(name, value)])


@pytest.mark.parametrize(
    ("body", "simple", "relaxed"),
    [
        (b"", b"\r\n", b""),  # RFC 6376 §3.4.3 / §3.4.4: the empty body
        (b"\r\n\r\n", b"\r\n", b""),
        (b" C \r\nD \t E\r\n\r\n\r\n", b" C \r\nD \t E\r\n", b" C\r\nD E\r\n"),  # §3.4.6
        (b"no final newline", b"no final newline\r\n", b"no final newline\r\n"),
    ],
)
def test_rfc_examples(body: bytes, simple: bytes, relaxed: bytes) -> None:
    assert b"".join(canonical_body(body, "simple")) == simple
    assert b"".join(canonical_body(body, "relaxed")) == relaxed


def test_many_trailing_empty_lines_are_dropped_in_bounded_pieces() -> None:
    body = b"text\r\n" + b"\r\n" * 3_000_000 + b"more\r\n" + b"\r\n" * 10
    pieces = list(canonical_body(body, "simple", chunk=1 << 16))
    assert b"".join(pieces) == b"text\r\n" + b"\r\n" * 3_000_000 + b"more\r\n"
    assert max(len(p) for p in pieces) <= 1 << 20
