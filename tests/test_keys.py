from __future__ import annotations

import pytest

from analyzer.keys import parse_key_record
from analyzer.model import KeyProblem, KeyRecord, Reason


def test_defaults() -> None:
    k = parse_key_record(b"p=AAAA")
    assert isinstance(k, KeyRecord)
    assert (k.key_type, k.hashes, k.services, k.flags) == ("rsa", None, ("*",), ())


def test_tags_and_flags() -> None:
    k = parse_key_record(b"v=DKIM1; k=ed25519; h=sha256; s=email; t=y:s; p=AAAA; n=note")
    assert isinstance(k, KeyRecord)
    assert k.key_type == "ed25519" and k.hashes == ("sha256",) and k.testing and k.strict_identity


def test_empty_p_is_revoked_not_an_error() -> None:
    k = parse_key_record(b"v=DKIM1; p=")
    assert isinstance(k, KeyRecord) and k.public_key == b""


def test_whitespace_inside_p_is_ignored() -> None:
    k = parse_key_record(b"p=AA AA\r\n AA==")
    assert isinstance(k, KeyRecord) and len(k.public_key) == 4


@pytest.mark.parametrize(
    "raw",
    [
        b"v=DKIM2; p=AAAA",
        b"k=rsa; v=DKIM1; p=AAAA",  # v= must come first
        b"k=foo; p=AAAA",
        b"k=rsa",
        b"p=!!!!",
        b"not a tag list",
    ],
)
def test_bad_records_are_key_syntax(raw: bytes) -> None:
    k = parse_key_record(raw)
    assert isinstance(k, KeyProblem) and k.reason is Reason.KEY_SYNTAX
