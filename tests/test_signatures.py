from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.model import DkimSignature, HeaderField, MalformedSignature, Reason
from analyzer.signatures import TagListError, parse_signature, parse_tag_list
from tests.conftest import FIXTURES, run_cli
from tests.nanoserver import ZoneServer

GOOD = (
    b" v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=s1;\r\n"
    b"\tt=1763900000; h=from:to:subject; bh=AAAA;\r\n\tb=AAAA\r\n AAAA\r\n"
)


def sig(value: bytes) -> DkimSignature | MalformedSignature:
    return parse_signature(0, HeaderField(b"DKIM-Signature", value))


def test_tag_list_spans_point_into_the_value() -> None:
    tags = parse_tag_list(GOOD)
    b = next(t for t in tags if t.name == "b")
    assert GOOD[b.start : b.end] == b"AAAA\r\n AAAA"


def test_trailing_semicolon_is_allowed() -> None:
    assert [t.name for t in parse_tag_list(b"a=1; b=2;")] == ["a", "b"]


@pytest.mark.parametrize("value", [b"a=1; a=2", b"a=1;; b=2", b"1a=2", b"novalue"])
def test_invalid_tag_lists(value: bytes) -> None:
    with pytest.raises(TagListError):
        parse_tag_list(value)


def test_good_signature_parses() -> None:
    s = sig(GOOD)
    assert isinstance(s, DkimSignature)
    assert (s.domain, s.selector, s.header_canon, s.body_canon) == (
        "example.com",
        "s1",
        "relaxed",
        "simple",
    )
    assert s.signed_headers == ("from", "to", "subject")
    assert s.timestamp == 1763900000


def test_c_relaxed_alone_means_relaxed_simple() -> None:
    s = sig(GOOD.replace(b"c=relaxed/simple", b"c=relaxed"))
    assert isinstance(s, DkimSignature) and s.body_canon == "simple"


@pytest.mark.parametrize(
    ("old", "new", "reason", "tag"),
    [
        (b"v=1; ", b"", Reason.SIGNATURE_SYNTAX, "v"),
        (b"v=1", b"v=2", Reason.SIGNATURE_SYNTAX, "v"),
        (b"bh=AAAA;", b"", Reason.SIGNATURE_SYNTAX, "bh"),
        (b"bh=AAAA", b"bh=A!A", Reason.SIGNATURE_SYNTAX, "bh"),
        (b"a=rsa-sha256", b"a=rsa-md5", Reason.SIGNATURE_SYNTAX, "a"),
        (b"c=relaxed/simple", b"c=future", Reason.SIGNATURE_SYNTAX, "c"),
        (b"h=from:to", b"h=to", Reason.FROM_NOT_SIGNED, "h"),
        (b"s=s1;", b"s=s1; i=@example.org;", Reason.IDENTITY_MISMATCH, "i"),
        (b"s=s1;", b"s=s1; q=http;", Reason.SIGNATURE_SYNTAX, "q"),
        (b"s=s1;", b"s=s1; l=ten;", Reason.SIGNATURE_SYNTAX, "l"),
        (b"s=s1;", b"s=s1; x=1000;", Reason.SIGNATURE_SYNTAX, "x"),
        (b"d=example.com;", b"", Reason.SIGNATURE_SYNTAX, "d"),
        (b"s=s1;", b"s=s1; s=s2;", Reason.SIGNATURE_SYNTAX, "s"),
    ],
)
def test_malformed_signatures_name_the_tag(
    old: bytes, new: bytes, reason: Reason, tag: str
) -> None:
    s = sig(GOOD.replace(old, new, 1))
    assert isinstance(s, MalformedSignature)
    assert (s.reason, s.tag) == (reason, tag)


def test_identity_in_a_subdomain_is_fine() -> None:
    s = sig(GOOD.replace(b"s=s1;", b"s=s1; i=news@mail.example.com;"))
    assert isinstance(s, DkimSignature) and s.identity == "news@mail.example.com"


def test_huge_expiry_does_not_overflow() -> None:
    s = sig(GOOD.replace(b"s=s1;", b"s=s1; x=99999999999999999999;"))
    assert isinstance(s, DkimSignature) and s.expiration == 99999999999999999999


@pytest.mark.parametrize(
    "value", [b"jlong@messiah=2Eedu", b"jlong=40messiah.edu", b"=40mess iah.edu"]
)
def test_identity_is_dkim_quoted_printable(value: bytes) -> None:
    """RFC 6376 §3.5: i= is dkim-quoted-printable (§2.11); Mail::DKIM's good_qp_2/3."""
    s = sig(
        GOOD.replace(b"d=example.com", b"d=messiah.edu").replace(
            b"s=s1;", b"s=s1; i=" + value + b";"
        )
    )
    assert isinstance(s, DkimSignature)
    assert s.identity is not None and s.identity.endswith("@messiah.edu")


@pytest.mark.parametrize(
    ("old", "new", "tag"),
    [
        (b"d=example.com", b"d=ex\xe4mple.com", "d"),  # 8-bit, not UTF-8
        (b"d=example.com", b"d=" + b"a" * 64 + b".com", "d"),  # a label over 63
        (b"d=example.com", b"d=" + b"a." * 130 + b"com", "d"),  # a name over 253
        (b"d=example.com", b"d=exa mple..com", "d"),  # an empty label
        (b"s=s1", b"s=" + b"s" * 64, "s"),
        (b"s=s1", b"s=s\xff1", "s"),
        (b"s=s1", b"s=s;1".replace(b";", b"/"), "s"),
        # each name fits, but s._domainkey.d does not (RFC 1035 §2.3.4)
        (b"s=s1", b"s=" + b".".join([b"s" * 60] * 4), "s"),
    ],
)
def test_d_and_s_must_be_dns_names(old: bytes, new: bytes, tag: str) -> None:
    # Issue 10.8: a permanent syntax problem of the signature, named, not a DNS failure.
    s = sig(GOOD.replace(old, new))
    assert isinstance(s, MalformedSignature)
    assert (s.reason, s.tag) == (Reason.SIGNATURE_SYNTAX, tag)


def test_u_labels_become_a_labels_and_a_labels_stay() -> None:
    # RFC 8616 §4: U-labels in d= are allowed; DNS is asked with the A-labels.
    s = sig(GOOD.replace(b"d=example.com", "d=bücher.example".encode()))
    assert isinstance(s, DkimSignature) and s.domain == "xn--bcher-kva.example"
    assert s.key_name == "s1._domainkey.xn--bcher-kva.example"
    a = sig(GOOD.replace(b"d=example.com", b"d=XN--bcher-kva.example"))
    assert isinstance(a, DkimSignature) and a.domain == "xn--bcher-kva.example"
    u = sig(GOOD.replace(b"s=s1", b"s=sel_2020.mail"))
    assert isinstance(u, DkimSignature) and u.selector == "sel_2020.mail"


def test_over_long_d_is_a_permanent_syntax_error_and_asks_no_dns(tmp_path: Path) -> None:
    # Issue 10.8: it was LabelTooLong -> temperror, exit 75, "query each authoritative server".
    message = tmp_path / "m.eml"
    raw = (FIXTURES / "plain" / "message.eml").read_bytes()
    message.write_bytes(raw.replace(b"d=example.com;", b"d=" + b"x" * 70 + b".example.com;", 1))
    with ZoneServer([FIXTURES / "plain" / "zone"]) as server:
        run = run_cli("check", "--format", "json", "--nameserver", server.address, str(message))
        key_queries = [q for q in server.queries if "_domainkey" in q.name]
    assert run.exit_code == 1, run.stdout
    sig0 = run.json()["messages"][0]["signatures"][0]
    assert (sig0["result"], sig0["reason"], sig0["tag"]) == ("permerror", "signature_syntax", "d")
    assert key_queries == []
