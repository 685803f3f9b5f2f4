"""ARC (RFC 8617) through the real CLI and the loopback DNS server, and against the ValiMail
ARC validation suite when it is available."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analyzer.arc import check_arc, dkim_domains
from analyzer.dns import open_resolver
from analyzer.errors import NotAMessageError
from analyzer.message import parse_message
from analyzer.zoneserver import ZoneServer
from tests.conftest import CORPUS, FIXTURES, run_cli

LIST_ARC = FIXTURES / "list-arc" / "message.eml"
VALIMAIL = CORPUS / "valimail_arc_validation"


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
        "message_signature_result": "pass",
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
        "cv": "none", "detail": None, "temporary": False, "dns": [], "sets": []
    }  # fmt: skip
    # Only the DKIM key and the DMARC record were asked for: no ARC key lookups. (With no
    # DMARC record, the From domain's own SOA is asked too: does it exist? Issue 10.10.)
    asked = {q.name for q in dns_server.queries}
    allowed = {"s2025._domainkey.example.com.", "_dmarc.example.com.", "example.com."}
    assert asked <= allowed, asked


def test_text_report_shows_the_chain(dns_server: ZoneServer) -> None:
    run = run_cli("check", "--nameserver", dns_server.address, str(LIST_ARC))
    assert "ARC: cv=pass; i=1 lists.example.org seal ok message ok saw dkim=pass: example.com" in (
        run.stdout
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
                got = check_arc(parse_message((case / "message.eml").read_bytes()), resolver)
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
