"""ARC (RFC 8617) through the real CLI and the loopback DNS server, and against the ValiMail
ARC validation suite when it is available."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from analyzer.arc import check_arc, dkim_domains
from analyzer.dns import open_resolver
from analyzer.errors import NotAMessageError
from analyzer.message import parse_message
from analyzer.model import Reason
from tests.bench_modules import load
from tests.conftest import CORPUS, FIXTURES, ROOT, run_cli
from tests.nanoserver import ZoneServer

LIST_ARC = FIXTURES / "list-arc" / "message.eml"
VALIMAIL = CORPUS / "valimail_arc_validation"
NOW = 1_764_600_000  # 2025-12-01: after every t= of the suites


def _message(path: Path, server: ZoneServer) -> dict[str, Any]:
    run = run_cli("check", "--format", "json", "--nameserver", server.address, str(path))
    [message] = run.json()["messages"]
    return message  # type: ignore[no-any-return]


def test_arc_json_names_every_hop(dns_server: ZoneServer) -> None:
    arc = _message(LIST_ARC, dns_server)["arc"]
    assert arc["cv"] == "pass" and arc["temporary"] is False
    first, second = arc["sets"]
    assert first == {
        "instance": 1,
        "domain": "lists.example.org",
        "selector": "arc2025",
        "seal_result": "pass",
        "seal_reason": None,
        "message_signature_result": "pass",
        "message_signature_reason": None,
        "message_signature_domain": "lists.example.org",
        "message_signature_selector": "arc2025",
        "chain_status": "none",
        "authentication_results": first["authentication_results"],
        "dkim_pass_seen": True,
        "dkim_pass_domains": ["example.com"],
        "dkim_fail_domains": [],
    }
    assert first["authentication_results"].startswith("i=1; mail.lists.example.org;")
    assert second["domain"] == "forwarder.example.net" and second["chain_status"] == "pass"
    assert second["dkim_pass_domains"] == ["lists.example.org"]
    assert second["dkim_fail_domains"] == ["example.com"]


def test_arc_attests_the_authors_pass_and_names_the_list(dns_server: ZoneServer) -> None:
    findings = _message(LIST_ARC, dns_server)["findings"]
    [f] = [f for f in findings if f["code"] == "arc_attests_original_pass"]
    assert f["summary"] == (
        "The signature of example.com (s=s2025) fails now, but an intact ARC chain says it "
        "passed before lists.example.org handled the message."
    )
    assert "(later sealers: forwarder.example.net)" in f["explanation"]


def test_servfail_for_a_seal_key_is_temporary_not_missing(dns_server: ZoneServer) -> None:
    dns_server.servfail("arc2025._domainkey.forwarder.example.net.")
    message = _message(LIST_ARC, dns_server)
    assert message["arc"]["cv"] == "fail" and message["arc"]["temporary"] is True
    codes = {f["code"] for f in message["findings"]}
    assert "arc_temporary" in codes
    assert not {"arc_chain_failed", "arc_attests_original_pass"} & codes
    [f] = [f for f in message["findings"] if f["code"] == "arc_temporary"]
    assert f["permanent"] is False
    assert any(
        "arc2025._domainkey.forwarder.example.net. TXT: servfail" in e for e in f["evidence"]
    )
    statuses = {(a["name"], a["status"]) for a in message["arc"]["dns"]}
    assert ("arc2025._domainkey.forwarder.example.net.", "servfail") in statuses


def test_change_after_the_last_seal_breaks_the_chain(
    tmp_path: Path, dns_server: ZoneServer
) -> None:
    path = tmp_path / "message.eml"
    path.write_bytes(LIST_ARC.read_bytes().replace(b"Best regards,", b"Kind regards,"))
    message = _message(path, dns_server)
    assert message["arc"]["cv"] == "fail" and message["arc"]["temporary"] is False
    codes = {f["code"] for f in message["findings"]}
    assert "arc_chain_failed" in codes and "arc_attests_original_pass" not in codes


def test_no_arc_fields_no_lookups(dns_server: ZoneServer) -> None:
    message = _message(FIXTURES / "plain" / "message.eml", dns_server)
    assert message["arc"] == {
        "cv": "none", "detail": None, "temporary": False, "reason": None,
        "failed_instance": None, "failed_field": None, "dns": [], "sets": [],
    }  # fmt: skip
    # Only the DKIM key and the DMARC record were asked for: no ARC key lookups. (With no
    # DMARC record, the From domain's own SOA is asked too: does it exist? Issue 10.10.)
    asked = {q.name for q in dns_server.queries}
    # (The RFC 9989 tree walk asks the TLD's _dmarc too, and SPF the MAIL FROM domain's
    # TXT: example.com again. Issue 13.)
    allowed = {"s2025._domainkey.example.com.", "_dmarc.example.com.", "example.com.",
               "_dmarc.com."}  # fmt: skip
    assert asked <= allowed, asked


def test_text_report_shows_the_chain(dns_server: ZoneServer) -> None:
    run = run_cli("check", "--nameserver", dns_server.address, str(LIST_ARC))
    assert "ARC: cv=pass; i=1 lists.example.org seal ok message ok saw dkim=pass: example.com" in (
        run.text
    )


@pytest.mark.parametrize(
    ("results", "domains"),
    [
        ("mx.example; dkim=pass header.d=Example.COM header.s=a; spf=pass", ("example.com",)),
        ("mx; dkim=fail header.d=a.example; dkim=pass header.i=@b.example", ("b.example",)),
        ("mx; dkim=none; arc=pass", ()),
    ],
)
def test_dkim_domains(results: str, domains: tuple[str, ...]) -> None:
    assert dkim_domains(results, "pass") == domains


@pytest.mark.skipif(not VALIMAIL.is_dir(), reason="ValiMail ARC corpus not present")
def test_valimail_arc_validation_agreement(capsys: pytest.CaptureFixture[str]) -> None:
    """Chain validation status for every case of the suite (LF messages read as CRLF)."""
    cases = sorted(p for p in (VALIMAIL / "cases").iterdir() if p.is_dir())
    disagree = []
    with open_resolver(zones=[VALIMAIL / "zone.txt"], timeout=1) as resolver:
        for case in cases:
            want = json.loads((case / "expected.json").read_text())["arc"]["cv"]
            try:
                got = check_arc(parse_message((case / "message.eml").read_bytes()), resolver, NOW)
                cv = got.cv.value
            except NotAMessageError:  # the two (almost) empty messages carry no chain at all
                cv = "none"
            if cv != want:
                disagree.append(f"{case.name}: expected {want}, got {cv}")
    with capsys.disabled():
        print(f"\nValiMail ARC validation: {len(cases) - len(disagree)}/{len(cases)} agree")
    assert not disagree


def test_headers_only_input_does_not_verify_arc(dns_server: ZoneServer) -> None:
    run = run_cli(
        "check", "--headers-only", "--format", "json", "--nameserver", dns_server.address,
        str(LIST_ARC),
    )  # fmt: skip
    [message] = run.json()["messages"]
    assert message["arc"]["cv"] == "none" and "only headers" in message["arc"]["detail"]
    assert not [f for f in message["findings"] if f["code"].startswith("arc_")]


# --- the project's own chain validation (issue 10 items 1-2, issue 11 item 2) -------------

REALMAIL = ROOT.parent / "shared" / "realmail"
NOSPACE = FIXTURES / "arc-kernelorg-nospace" / "message.eml"
KEY_MISSING = FIXTURES / "arc-key-missing" / "message.eml"
ED25519 = FIXTURES / "arc-ed25519" / "message.eml"


def test_arc_seal_without_a_space_after_the_colon_verifies(dns_server: ZoneServer) -> None:
    """kernel.org writes `ARC-Seal:i=1;`: relaxed canonicalization makes it the same set
    (dkimpy's ARC reported it as "malformed ARC header fields: list index out of range")."""
    assert b"\r\nARC-Seal:i=1;" in NOSPACE.read_bytes()
    arc = _message(NOSPACE, dns_server)["arc"]
    assert arc["cv"] == "pass" and arc["reason"] is None
    [only] = arc["sets"]
    assert (only["seal_result"], only["message_signature_result"]) == ("pass", "pass")


def test_ed25519_arc_set_verifies(dns_server: ZoneServer) -> None:
    """RFC 8617 takes DKIM's a= syntax, so a=ed25519-sha256 (RFC 8463) seals verify."""
    assert b"a=ed25519-sha256" in ED25519.read_bytes()
    arc = _message(ED25519, dns_server)["arc"]
    assert arc["cv"] == "pass"
    assert [s["seal_result"] for s in arc["sets"]] == ["pass"]


def test_a_missing_arc_key_is_a_missing_key_not_a_bad_seal(dns_server: ZoneServer) -> None:
    message = _message(KEY_MISSING, dns_server)
    arc = message["arc"]
    assert (arc["cv"], arc["temporary"], arc["reason"]) == ("fail", False, "key_not_found")
    assert (arc["failed_instance"], arc["failed_field"]) == (1, "ARC-Seal")
    first, second = arc["sets"]
    assert (first["seal_result"], first["seal_reason"]) == ("fail", "key_not_found")
    assert second["seal_result"] == "pass" and second["message_signature_result"] == "pass"
    codes = {f["code"] for f in message["findings"]}
    assert "arc_key_not_found" in codes and "arc_chain_failed" not in codes
    [f] = [f for f in message["findings"] if f["code"] == "arc_key_not_found"]
    assert f["severity"] == "info" and f["permanent"] is True
    assert "d=lists.example.org, s=arc2019 is not in DNS" in f["summary"]
    assert "arc2019._domainkey.lists.example.org" in f["explanation"]
    assert "NXDOMAIN" in f["explanation"] and "likely" in f["explanation"]
    assert "did not validate" not in f["explanation"] and "must fix" not in f["remedy"]
    assert any("arc2019._domainkey.lists.example.org. TXT: nxdomain" in e for e in f["evidence"])


def test_arc_key_not_found_in_chinese(dns_server: ZoneServer) -> None:
    run = run_cli("check", "--lang", "zh-TW", "--format", "json", "--nameserver",
                  dns_server.address, str(KEY_MISSING))  # fmt: skip
    [f] = [f for f in run.json()["messages"][0]["findings"] if f["code"] == "arc_key_not_found"]
    assert (
        "arc2019._domainkey.lists.example.org" in f["explanation"]
        and "NXDOMAIN" in f["explanation"]
    )


def _realmail(name: str, zone: Path) -> dict[str, Any]:
    run = run_cli(
        "check", "--format", "json", "--zone", str(zone), str(REALMAIL / "messages" / name)
    )
    [message] = run.json()["messages"]
    return message  # type: ignore[no-any-return]


@pytest.mark.skipif(not REALMAIL.is_dir(), reason="realmail not present")
def test_realmail_kernelorg_chain_passes() -> None:
    arc = _realmail("linuxman-kernelorg.eml", REALMAIL / "keys.zone")["arc"]
    assert arc["cv"] == "pass", arc["detail"]
    assert [s["domain"] for s in arc["sets"]] == ["subspace.kernel.org"]


@pytest.mark.skipif(not REALMAIL.is_dir(), reason="realmail not present")
def test_realmail_sealer_key_gone(tmp_path: Path) -> None:
    """blaze-002-github.eml with no keys at all: google.com's ARC key is gone, not broken."""
    empty = tmp_path / "empty.zone"
    empty.write_text(f"$TTL 300\ngoogle.com. IN SOA {SOA}\n")  # the domain, without its keys
    message = _realmail("blaze-002-github.eml", empty)
    assert message["arc"]["reason"] == "key_not_found"
    [f] = [f for f in message["findings"] if f["code"].startswith("arc_")]
    assert f["code"] == "arc_key_not_found"
    assert "d=google.com, s=arc-20160816" in f["summary"]
    assert "arc-20160816._domainkey.google.com" in f["explanation"]


# Unsigned ARC sets for the bounds below: well-formed, so the whole chain is checked.
_B = base64.b64encode(b"\x01" * 256).decode()


def _arc_fields(instance: int, *, h: str = "from", extra: str = "", s: str = "arc2025") -> bytes:
    cv = "none" if instance == 1 else "pass"
    tags = f"d=lists.example.org; s={s}; t=1763900000"
    return (
        f"ARC-Seal: i={instance}; a=rsa-sha256; cv={cv}; {tags}; b={_B}\r\n"
        f"ARC-Message-Signature: i={instance}; a=rsa-sha256; c=relaxed/relaxed; {tags}; "
        f"h={h}; bh={_plain_bh()}; {extra}b={_B}\r\n"
        f"ARC-Authentication-Results: i={instance}; mx.example; dkim=pass header.d=example.com\r\n"
    ).encode()


def _plain() -> bytes:
    return (FIXTURES / "plain" / "message.eml").read_bytes()


def _plain_bh() -> str:
    """The plain fixture's relaxed body hash: the body checks pass, the signatures then count."""
    from analyzer.verify import body_digest

    digest, _ = body_digest("rsa-sha256", "relaxed", None, _plain().split(b"\r\n\r\n", 1)[1])
    assert digest is not None
    return base64.b64encode(digest).decode()


def _fixture_resolver() -> Any:
    dictdns = load("dictdns")
    text = "\n".join(p.read_text() for p in sorted(FIXTURES.glob("*/zone")))
    return dictdns.DictResolver(dictdns.records_from_zone(text))


def test_fifty_sets_cost_one_lookup_and_few_body_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each key is fetched once, and the body is hashed once per distinct c=/l= up to
    MAX_BODY_HASHES, however many ARC-Message-Signatures ask (dkimpy: once per set)."""
    from analyzer import arc, verify

    raw = b"".join(_arc_fields(i, extra=f"l={i}; ") for i in range(50, 0, -1)) + _plain()
    calls = []
    real = verify.body_digest
    monkeypatch.setattr(verify, "body_digest", lambda *a: calls.append(a[:3]) or real(*a))
    resolver = _fixture_resolver()
    chain = check_arc(parse_message(raw), resolver, NOW)
    assert chain.cv.value == "fail" and len(chain.sets) == 50
    assert resolver.lookups == 1  # arc2025._domainkey.lists.example.org, for every set
    assert len(calls) == arc.MAX_BODY_HASHES
    assert sum(s.message_signature_valid is None for s in chain.sets) == 50 - arc.MAX_BODY_HASHES


def test_wide_ams_h_canonicalises_each_field_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """20,000 names in h= over 10,000 fields: header selection is indexed and only chosen
    fields are canonicalised (dkimpy's select_headers is len(h=) x fields)."""
    from analyzer import canonicalize

    count = [0]
    real = canonicalize.relaxed_header

    def counting(name: bytes, value: bytes) -> tuple[bytes, bytes]:
        count[0] += 1
        return real(name, value)

    monkeypatch.setattr(canonicalize, "relaxed_header", counting)
    wide = ":".join(["x-f"] * 20_000)
    raw = _arc_fields(1, h="from:" + wide) + b"X-F: v\r\n" * 10_000 + _plain()
    chain = check_arc(parse_message(raw), _fixture_resolver(), NOW)
    assert chain.sets[0].message_signature_valid is False
    # 10,000 X-F + From + the AMS itself, and the seal's 3 fields + its unsigned form
    assert count[0] <= 10_000 + 2 + 4


def test_too_many_arc_fields_are_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzer import arcsets

    parsed = []
    monkeypatch.setattr(arcsets, "parse_tag_list", lambda v: parsed.append(v) or ())
    raw = _arc_fields(1) * 1000 + _plain()
    resolver = _fixture_resolver()
    chain = check_arc(parse_message(raw), resolver, NOW)
    assert chain.reason is not None and chain.reason.value == "structure"
    assert "3000 ARC header fields" in (chain.detail or "")
    assert parsed == [] and resolver.lookups == 0


def test_arc_keys_get_dkim_key_checks(tmp_path: Path) -> None:
    """A 16384-bit ARC key is refused unread (key_too_long), as for DKIM (12.5 s per seal
    with dkimpy's ARC). A 512-bit one fails the chain: ValiMail as_fields_b_512."""
    limits = load("limits")
    huge = base64.b64encode(limits._der_rsa((1 << 16383) | 1, 65537)).decode()
    dictdns = load("dictdns")
    resolver = dictdns.DictResolver(
        {"arc2025._domainkey.lists.example.org": [(f"v=DKIM1; p={huge}".encode(),)]}
    )
    chain = check_arc(parse_message(_arc_fields(1) + _plain()), resolver, NOW)
    assert chain.sets[0].seal_reason is Reason.KEY_TOO_LONG


def test_seal_b_longer_than_the_modulus_is_invalid_unread() -> None:
    """1.1 MB of b= (dkimpy: 121 s) against a 2048-bit key: RFC 8017 §8.2.2 step 1."""
    limits = load("limits")
    raw = limits.arc_sealed(_plain())
    start = raw.index(b"b=") + 2
    end = raw.index(b"\r\n", start)
    raw = raw[:start] + base64.b64encode(b"\x01" * 825_000) + raw[end:]
    resolver = load("dictdns").DictResolver(limits._arc_zone())
    chain = check_arc(parse_message(raw), resolver, limits.NOW)
    [only] = chain.sets
    assert only.message_signature_valid is True
    assert (only.seal_valid, only.seal_reason) == (False, Reason.SIGNATURE_MISMATCH)


def test_arc_times_use_the_injected_clock() -> None:
    """dkimpy judged ARC t= against the real clock; ours against `now`."""
    limits = load("limits")
    raw = limits.arc_sealed(_plain())
    resolver = load("dictdns").DictResolver(limits._arc_zone())
    assert check_arc(parse_message(raw), resolver, limits.NOW).cv.value == "pass"
    early = check_arc(parse_message(raw), resolver, limits.NOW - 10_000)
    assert early.cv.value == "fail"
    assert early.sets[0].message_signature_reason is Reason.SIGNATURE_FUTURE


def test_a_temporary_failure_does_not_hide_a_permanent_one() -> None:
    """SERVFAIL for one sealer's key, NXDOMAIN for another's: the chain is permanently failed."""
    from analyzer.model import DnsAnswer, DnsStatus

    raw = _arc_fields(2, s="gone") + _arc_fields(1, s="flaky") + _plain()
    dictdns = load("dictdns")
    flaky = DnsAnswer("flaky._domainkey.lists.example.org.", "TXT", DnsStatus.SERVFAIL)
    chain = check_arc(parse_message(raw), dictdns.DictResolver(
        {"flaky._domainkey.lists.example.org": flaky}), NOW)  # fmt: skip
    assert chain.temporary is False and chain.reason is not None
    assert chain.reason.value == "key_not_found" and chain.failed_instance == 2


def test_a_key_name_dns_cannot_ask_is_malformed_not_temporary() -> None:
    """s= and d= each valid, but together longer than a DNS name: no query, no temperror."""
    long = ".".join(["a" * 60] * 3)
    raw = _arc_fields(1).replace(b"d=lists.example.org", f"d={long}.example".encode()) + _plain()
    resolver = _fixture_resolver()
    chain = check_arc(parse_message(raw.replace(b"s=arc2025", f"s={long}".encode())), resolver, NOW)
    assert chain.reason is not None and chain.reason.value == "structure"
    assert chain.temporary is False and resolver.lookups == 0


SOA = "ns1.google.com. dns-admin.google.com. 1 900 900 1800 60"


def test_a_missing_arc_key_under_a_domain_dns_does_not_know(tmp_path: Path) -> None:
    """A resolver that denies the sealer's domain and its TLD too (an offline machine, a
    captive resolver, a zone without it) proves nothing about the key (issue 10 item 10)."""
    empty = tmp_path / "empty.zone"
    empty.write_text("$TTL 300\n")
    run = run_cli("check", "--format", "json", "--zone", str(empty), str(KEY_MISSING))
    [f] = [f for f in run.json()["messages"][0]["findings"] if f["code"] == "arc_key_not_found"]
    assert f["summary"].endswith("the DNS answers here look unreliable.")
    assert f["permanent"] is False and f["severity"] == "warning"
    assert "is not in DNS" not in f["summary"] and "likely temporary" in f["explanation"]
    # The newest set's signer (the forwarder) is the first to fail: its domain and TLD asked.
    assert any(e.startswith("forwarder.example.net. SOA: nxdomain") for e in f["evidence"])
    assert any(e.startswith("net. SOA: nxdomain") for e in f["evidence"])
    # The sealers' domains exist, only the keys are gone: the permanent wording stands.
    empty.write_text(
        f"$TTL 300\nforwarder.example.net. IN SOA {SOA}\nlists.example.org. IN SOA {SOA}\n"
    )
    run = run_cli("check", "--format", "json", "--zone", str(empty), str(KEY_MISSING))
    [f] = [f for f in run.json()["messages"][0]["findings"] if f["code"] == "arc_key_not_found"]
    assert "is not in DNS" in f["summary"] and f["permanent"] is True
