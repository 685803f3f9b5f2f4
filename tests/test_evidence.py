"""A finding's DNS evidence is data (DnsAnswer), worded only at render time (render/evidence.py)."""

from __future__ import annotations

from analyzer.dns import CachingResolver, DnsPythonResolver, Nameserver
from analyzer.model import DnsAnswer, Finding, Probe
from analyzer.pipeline import analyze
from analyzer.render.evidence import describe
from tests.conftest import FIXTURES, run_cli
from tests.nanoserver import ZoneServer


def _findings(case: str, server: ZoneServer) -> dict[str, Finding]:
    resolver = CachingResolver(DnsPythonResolver([Nameserver(server.host, server.port)], 2.0))
    raw = (FIXTURES / case / "message.eml").read_bytes()
    return {f.code: f for f in analyze(raw, resolver, now=1_900_000_000).findings}


def test_key_not_found_evidence_is_the_dns_answer(dns_server: ZoneServer) -> None:
    found = _findings("key-nxdomain", dns_server)["key_not_found"]
    first, *rest = found.evidence
    assert isinstance(first, DnsAnswer)
    assert first.name == "gone._domainkey.example.com." and first.status.value == "nxdomain"
    assert rest and all(isinstance(e, Probe) for e in rest)  # the probes, as data too
    assert not any(isinstance(e, str) for e in found.evidence)
    assert describe(first).startswith("gone._domainkey.example.com. TXT: nxdomain; ttl ")


def test_dmarc_alignment_evidence_is_the_dns_answers(dns_server: ZoneServer) -> None:
    found = _findings("key-nxdomain", dns_server)["dmarc_alignment"]
    answers = [e for e in found.evidence if isinstance(e, DnsAnswer)]
    assert answers and answers[0].name.startswith("_dmarc.")
    # what remains a string is the message's own words, never a worded DNS answer
    assert not any(isinstance(e, str) and " TXT: " in e for e in found.evidence)


def test_zh_tw_report_words_its_evidence_in_zh_tw(dns_server: ZoneServer) -> None:
    message = str(FIXTURES / "key-nxdomain" / "message.eml")
    args = ("check", "--nameserver", dns_server.address, message)
    en = run_cli(*args, "--lang", "en").text
    zh = run_cli(*args, "--lang", "zh-TW").text
    assert "gone._domainkey.example.com. TXT: nxdomain; ttl " in en and "; from " in en
    assert "gone._domainkey.example.com. TXT: nxdomain; TTL " in zh and " 秒; 來自 " in zh
    assert "; ttl " not in zh and "; from " not in zh
