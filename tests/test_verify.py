"""Verification rules that the fixture messages do not reach on their own."""

from __future__ import annotations

import base64
import re

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import canonicalize, verify
from analyzer.keys import parse_key_record
from analyzer.model import (
    DkimSignature,
    HeaderField,
    KeyRecord,
    LineEndings,
    ParsedMessage,
    Reason,
)
from analyzer.signatures import parse_signature
from analyzer.verify import key_problem, load_public_key, select_headers
from tests.conftest import FIXTURES, run_cli
from tests.nanoserver import ZoneServer

PLAIN = FIXTURES / "plain"


def _plain_zone_with(record_prefix: str) -> str:
    """plain's zone, with tags put in front of its key's p=."""
    zone = (PLAIN / "zone").read_text()
    return zone.replace('"v=DKIM1; k=rsa; p=', f'"v=DKIM1; k=rsa; {record_prefix}" "p=')


def _check_plain(zone_text: str, raw: bytes | None = None) -> list[dict[str, object]]:
    args = ["check", "--format", "json"]
    with ZoneServer(texts=[zone_text]) as server:
        if raw is None:
            run = run_cli(*args, "--nameserver", server.address, str(PLAIN / "message.eml"))
        else:
            run = run_cli(*args, "--nameserver", server.address, "-", stdin=raw)
    sigs: list[dict[str, object]] = run.json()["messages"][0]["signatures"]
    return sigs


def test_key_for_another_service() -> None:
    [sig] = _check_plain(_plain_zone_with("s=chat; "))
    assert (sig["result"], sig["reason"]) == ("permerror", Reason.KEY_SERVICE_MISMATCH.value)


def test_key_in_testing_mode_still_verifies_and_is_reported() -> None:
    [sig] = _check_plain(_plain_zone_with("t=y; "))
    assert sig["result"] == "pass"
    assert sig["key"]["testing"] is True  # type: ignore[index]


def test_second_record_is_tried_when_the_first_is_bad() -> None:
    zone = (PLAIN / "zone").read_text()
    name = zone.split()[2]
    zone += f'{name} IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"\n'
    [sig] = _check_plain(zone)
    assert sig["result"] == "pass" and sig["key_records"] == 2


def test_oversized_rsa_key_is_refused_before_arithmetic() -> None:
    n = (1 << 9000) + 1
    der = (
        rsa.RSAPublicNumbers(65537, n)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    record = parse_key_record(b"v=DKIM1; p=" + base64.b64encode(der))
    assert isinstance(record, KeyRecord)
    problem = load_public_key(record)
    assert getattr(problem, "reason", None) is Reason.KEY_TOO_LONG


def test_strict_identity_key_refuses_a_subdomain_identity() -> None:
    sig = parse_signature(0, HeaderField(b"DKIM-Signature", (
        b" v=1; a=rsa-sha256; d=example.com; s=s1; i=@mail.example.com; h=from; bh=AAAA; b=AAAA\r\n"
    )))  # fmt: skip
    assert isinstance(sig, DkimSignature)
    record = parse_key_record(b"v=DKIM1; t=s; p=AAAA")
    assert isinstance(record, KeyRecord)
    problem = key_problem(sig, record)
    assert problem is not None and problem.reason is Reason.KEY_STRICT_IDENTITY


def test_signatures_past_the_limit_are_listed_not_verified() -> None:
    raw = (PLAIN / "message.eml").read_bytes()
    m = re.search(rb"DKIM-Signature:.*?\r\n(?=\S)", raw, re.S)
    assert m is not None
    raw = raw.replace(m.group(0), m.group(0) * 17, 1)
    sigs = _check_plain((PLAIN / "zone").read_text(), raw)
    assert len(sigs) == 17
    assert {s["result"] for s in sigs[:16]} == {"pass"}
    assert (sigs[16]["result"], sigs[16]["reason"]) == ("policy", Reason.TOO_MANY_SIGNATURES.value)


# --- the header fields a message's signatures share (verify._Fields) -------------------------

_NAMES = st.sampled_from([b"From", b"from", b"FROM ", b"To", b"Subject", b"Subject\t", b"X-A"])
_VALUES = st.sampled_from([b" a@example.com\r\n", b"  two  spaces \r\n", b"\tx\r\n\t folded\r\n",
                           b" \r\n", b"\r\n", b" last"])  # fmt: skip
_SIGNED = st.lists(st.sampled_from(["from", "to", "subject", "x-a", "cc", "subject\t"]),
                   max_size=8)  # fmt: skip


def _per_signature(signed: list[str], canon: str, msg: ParsedMessage) -> list[tuple[bytes, bytes]]:
    """signed_header_fields as it was: the fields made, selected and canonicalised afresh."""
    relaxed = canon == "relaxed"
    fields = [(h.name.lower().rstrip() if relaxed else h.name, h.value) for h in msg.headers]
    chosen = select_headers(fields, [h.encode() for h in signed])
    return [canonicalize.relaxed_header(n, v) for n, v in chosen] if relaxed else chosen


@settings(max_examples=500, deadline=None)
@given(
    headers=st.lists(st.tuples(_NAMES, _VALUES), min_size=1, max_size=10),
    sigs=st.lists(
        st.tuples(_SIGNED, st.sampled_from(["simple", "relaxed"]), st.booleans()),
        min_size=1,
        max_size=5,
    ),
)
def test_shared_header_fields_are_each_signatures_own(
    headers: list[tuple[bytes, bytes]], sigs: list[tuple[list[str], str, bool]]
) -> None:
    """Canonicalised once per message and shared, the fields are the bytes each signature
    would canonicalise for itself, whatever the order of signatures, canonicalisations and
    messages (a signature of another message in between drops the memo)."""
    msg = ParsedMessage(tuple(HeaderField(n, v) for n, v in headers), None, LineEndings.CRLF,
                        (), None, None, None)  # fmt: skip
    other = ParsedMessage(msg.headers[::-1], None, LineEndings.CRLF, (), None, None, None)
    for signed, canon, interleave in sigs:
        if interleave:
            assert verify._fields_of(other, canon).signed(tuple(signed)) == _per_signature(
                signed, canon, other
            )
        assert verify._fields_of(msg, canon).signed(tuple(signed)) == _per_signature(
            signed, canon, msg
        )
