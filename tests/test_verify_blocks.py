"""verify._Fields.block and header_hash (issue 15): the signed fields joined once per h= and
message, and hashed in two updates, are the bytes each signature would hash for itself."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import canonicalize, verify
from analyzer.errors import NotAMessageError
from analyzer.message import parse_message
from analyzer.model import DkimSignature, HeaderField, LineEndings, ParsedMessage
from analyzer.signatures import extract
from tests.conftest import fixture_cases
from tests.test_verify import _NAMES, _SIGNED, _VALUES, _per_signature


@settings(max_examples=500, deadline=None)
@given(
    headers=st.lists(st.tuples(_NAMES, _VALUES), min_size=1, max_size=10),
    sigs=st.lists(
        st.tuples(_SIGNED, st.sampled_from(["simple", "relaxed"]), st.booleans()),
        min_size=1,
        max_size=6,
    ),
)
def test_block_is_the_signed_fields_joined(
    headers: list[tuple[bytes, bytes]], sigs: list[tuple[list[str], str, bool]]
) -> None:
    """Whatever the order of h= lists (repeated or not), canonicalisations and messages."""
    msg = ParsedMessage(tuple(HeaderField(n, v) for n, v in headers), None, LineEndings.CRLF,
                        (), None, None, None)  # fmt: skip
    other = ParsedMessage(msg.headers[::-1], None, LineEndings.CRLF, (), None, None, None)
    for signed, canon, interleave in sigs:
        for m in (other, msg) if interleave else (msg,):
            expected = b"".join(n + b":" + v for n, v in _per_signature(signed, canon, m))
            assert verify._fields_of(m, canon).block(tuple(signed)) == expected


def _careful_header_hash(sig: DkimSignature, msg: ParsedMessage) -> bytes:
    """RFC 6376 §3.7 as header_hash computed it before: one join, one update."""
    chosen = _per_signature(list(sig.signed_headers), sig.header_canon, msg)
    b_tag = sig.tag("b")
    name, own = sig.header.name, sig.header.value
    if b_tag is not None:
        own = own[: b_tag.start] + own[b_tag.end :]
    if sig.header_canon == "relaxed":
        name, own = canonicalize.relaxed_header(name, own)
    if own.endswith(b"\r\n"):
        own = own[:-2]
    hasher = hashlib.new("sha1" if sig.algorithm == "rsa-sha1" else "sha256")
    hasher.update(b"".join([n + b":" + v for n, v in chosen] + [name + b":" + own]))
    return hasher.digest()


def test_header_hash_is_the_careful_one_on_every_fixture() -> None:
    compared = 0
    for case in fixture_cases():
        try:
            msg = parse_message(case.message.read_bytes())
        except NotAMessageError:
            continue
        sigs = [s for s in extract(msg.headers) if isinstance(s, DkimSignature)]
        for sig in sigs + sigs[::-1]:  # again in the other order: the memo's second answer
            assert verify.header_hash(sig, msg).digest() == _careful_header_hash(sig, msg)
            compared += 1
    assert compared > 50
