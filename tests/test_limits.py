"""Hostile sizes meet documented limits (README "Limits"), each with a clear answer.

Costs are measured in bench/limits.py; these tests check the answers and that the work
stays bounded (lookups made, arithmetic skipped), never timings.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from analyzer.dns import DnsPythonResolver, Nameserver
from analyzer.keys import fetch_key
from analyzer.message import MAX_MESSAGE_BYTES, parse_message
from analyzer.model import DnsStatus, Reason, Result
from analyzer.pipeline import MAX_SIGNATURES, analyze
from tests.bench_modules import load
from tests.conftest import FIXTURES, run_cli
from tests.nanoserver import ZoneServer

NOW = 1763990000
PLAIN = (FIXTURES / "plain" / "message.eml").read_bytes()
dictdns = load("dictdns")
limits = load("limits")


def plain_resolver() -> object:
    return dictdns.DictResolver(
        dictdns.records_from_zone((FIXTURES / "plain" / "zone").read_text())
    )


def signature_of(raw: bytes) -> bytes:
    start = raw.index(b"DKIM-Signature:")
    end = raw.index(b"\r\nReceived:", start) + 2
    return raw[start:end]


def test_only_the_first_signatures_are_verified() -> None:
    raw = signature_of(PLAIN) * 999 + PLAIN
    resolver = plain_resolver()
    report = analyze(raw, resolver, now=NOW)
    assert len(report.verdicts) == 1000
    assert all(v.result is Result.PASS for v in report.verdicts[:MAX_SIGNATURES])
    rest = report.verdicts[MAX_SIGNATURES:]
    assert {(v.result, v.reason) for v in rest} == {(Result.POLICY, Reason.TOO_MANY_SIGNATURES)}
    # The first signatures' keys (one name here) and the From domain's DMARC record: none for the rest.
    # (+2: with no DMARC record, the From domain's SOA and its TLD's, issue 10.10; +2: the
    # RFC 9989 tree walk's TLD and SPF's TXT of the MAIL FROM domain, issue 13.)
    assert resolver.lookups <= MAX_SIGNATURES + 5  # type: ignore[attr-defined]
    assert "too_many_signatures" in {f.code for f in report.findings}


def test_ten_thousand_header_fields() -> None:
    raw = b"X-Filler: value\r\n" * 10_000 + PLAIN
    report = analyze(raw, plain_resolver(), now=NOW)
    assert len(report.message.headers) > 10_000
    assert report.verdicts[0].result is Result.PASS


def test_a_field_folded_over_many_lines_is_kept_verbatim() -> None:
    folded = b"X-Long: a" + b"\r\n\tmore" * 100_000 + b"\r\n"
    msg = parse_message(folded + PLAIN)
    assert msg.headers[0].value == folded[len(b"X-Long:") :]


def test_huge_l_is_a_body_hash_failure_that_says_why() -> None:
    raw = PLAIN.replace(b"bh=", b"l=" + b"9" * 76 + b"; bh=", 1)
    [v] = analyze(raw, plain_resolver(), now=NOW).verdicts
    assert (v.result, v.reason) == (Result.FAIL, Reason.BODY_HASH_MISMATCH)
    assert v.detail is not None and "longer than the canonicalised body" in v.detail


@pytest.mark.parametrize(
    ("bits", "exponent", "reason"),
    [
        (16384, 65537, Reason.KEY_TOO_LONG),
        (2048, (1 << 2000) + 1, Reason.KEY_TOO_LONG),  # valid, but costs ~0.5 s per verify
        (2048, 2, Reason.KEY_SYNTAX),
        (2048, (1 << 2100) + 1, Reason.KEY_SYNTAX),  # not below the modulus
    ],
    ids=["16384-bit", "2000-bit-exponent", "even-exponent", "exponent-over-modulus"],
)
def test_unreasonable_rsa_keys_are_refused_before_the_arithmetic(
    bits: int, exponent: int, reason: Reason
) -> None:
    p = base64.b64encode(limits._der_rsa((1 << (bits - 1)) | 1, exponent)).decode()
    key = "s2025._domainkey.example.com"
    [v] = analyze(PLAIN, dictdns.DictResolver({key: [(f"p={p}".encode(),)]}), now=NOW).verdicts
    assert (v.result, v.reason) == (Result.PERMERROR, reason)
    assert v.header_signature_valid is None  # b= was never computed


def test_oversized_input_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.eml"
    with big.open("wb") as f:  # sparse: no disk used
        f.truncate(MAX_MESSAGE_BYTES + 1)
    run = run_cli("check", str(big))
    assert run.exit_code == 65
    assert "MiB limit" in run.stderr and "Traceback" not in run.stderr


def test_oversized_input_on_stdin() -> None:
    run = run_cli("check", "-", stdin=b"From: a@b\r\n" + b"x" * MAX_MESSAGE_BYTES)
    assert run.exit_code == 65 and "MiB limit" in run.stderr


ZONE = """$TTL 60
loop._domainkey.example.com. IN CNAME loop2._domainkey.example.com.
loop2._domainkey.example.com. IN CNAME loop._domainkey.example.com.
{chain}
big._domainkey.example.com. IN TXT {big}
"""


@pytest.fixture(scope="module")
def hostile_dns(tmp_path_factory: pytest.TempPathFactory) -> DnsPythonResolver:
    chain = "\n".join(f"c{i}.example.com. IN CNAME c{i + 1}.example.com." for i in range(40))
    chain += "\nlong._domainkey.example.com. IN CNAME c0.example.com."
    big = " ".join(['"' + "x" * 250 + '"'] * 250)  # 62.5 KB: only TCP carries it
    zone = tmp_path_factory.mktemp("zone") / "zone"
    zone.write_text(ZONE.format(chain=chain, big=big))
    server = ZoneServer([zone]).start()
    yield DnsPythonResolver([Nameserver(server.host, server.port)], timeout=2)
    server.stop()


@pytest.mark.parametrize("selector", ["loop", "long"])
def test_cname_loops_and_long_chains_are_temporary_errors(
    hostile_dns: DnsPythonResolver, selector: str
) -> None:
    evidence = fetch_key(hostile_dns, selector, "example.com")
    assert evidence.answer.status.temporary and not evidence.keys


def test_a_64_kb_txt_answer_arrives_and_is_judged(hostile_dns: DnsPythonResolver) -> None:
    evidence = fetch_key(hostile_dns, "big", "example.com")
    assert evidence.answer.status is DnsStatus.OK
    assert len(evidence.answer.joined()[0]) == 62_500
    [problem] = evidence.keys
    assert problem.reason is Reason.KEY_SYNTAX  # type: ignore[union-attr]


def test_fuzz_smoke() -> None:
    """A few hundred mutated messages and DNS answers: nothing escapes, nothing is slow."""
    stats = load("fuzz").run(count=int(os.environ.get("FUZZ_COUNT", "500")), seed=7)
    assert not stats.crashes, stats.crashes
    assert not stats.slow, stats.slow


def test_a_64_kb_rsa_key_is_refused_unread() -> None:
    p = base64.b64encode(limits._der_rsa((1 << 390_000) | 1, 65537)).decode()
    key = "s2025._domainkey.example.com"
    [v] = analyze(PLAIN, dictdns.DictResolver({key: [(f"p={p}".encode(),)]}), now=NOW).verdicts
    assert (v.result, v.reason) == (Result.PERMERROR, Reason.KEY_TOO_LONG)
    assert v.detail is not None and "p= holds" in v.detail


def test_corrupted_dns_answers_are_temporary_errors_or_judged() -> None:
    """A responder that corrupts every answer (bench/fuzz.py's): each lookup ends in a status."""
    garbage = load("fuzz").GarbageResponder(seed=3)
    try:
        resolver = DnsPythonResolver([Nameserver("127.0.0.1", garbage.port)], timeout=0.5)
        statuses = {fetch_key(resolver, f"s{i}", "example.com").answer.status for i in range(40)}
    finally:
        garbage.close()
    assert DnsStatus.ERROR in statuses  # unparseable answers say so, as a temporary error
    assert DnsStatus.TIMEOUT not in statuses


def test_a_signature_longer_than_the_modulus_is_invalid_unread() -> None:
    raw, data = limits.case_signature_b_200kb()
    [v] = analyze(raw, dictdns.DictResolver(data), now=limits.NOW).verdicts
    assert (v.result, v.reason) == (Result.FAIL, Reason.SIGNATURE_MISMATCH)
    assert v.header_signature_valid is False


def test_signatures_past_the_limit_get_one_finding() -> None:
    raw = signature_of(PLAIN) * 99 + PLAIN
    report = analyze(raw, plain_resolver(), now=NOW)
    codes = [f.code for f in report.findings]
    assert codes.count("too_many_signatures") == 1


@pytest.mark.parametrize(
    ("case", "cv"),
    [
        ("case_arc_body_spaces_relaxed", "pass"),  # dkimpy's ARC: 349 s
        ("case_arc_ams_h_20k_names", "pass"),  # dkimpy's ARC: 12.7 s
        ("case_arc_seal_b_1mb", "fail/seal_failed"),  # b= longer than the modulus: unread
        ("case_arc_key_16384_bits", "fail/key_unusable"),  # key_too_long, refused unread
    ],
)
def test_hostile_arc_cases_get_their_answer(case: str, cv: str) -> None:
    """bench/limits.py's cheap ARC cases (issue 11 item 2) through analyze(): the chain is
    verified by the project's own bounded code; the costs are in the README Limits table."""
    raw, data = getattr(limits, case)()
    resolver = dictdns.DictResolver(data)
    chain = analyze(raw, resolver, now=limits.NOW).arc
    assert chain.cv.value + (f"/{chain.reason.value}" if chain.reason else "") == cv
    # The one ARC key, whatever the number of sets (beside the DKIM key and the DMARC
    # lookups: _dmarc, and the From domain's SOA and its TLD's when there is no record).
    assert [n for n, _ in resolver.asked].count(limits.ARC_KEY) == 1, resolver.asked
    assert resolver.lookups <= 6, resolver.asked


def test_failing_signatures_share_one_header_search_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """16 failing signatures with 20,000 h= names each searched a full budget each (2.2 s):
    the set-up steps are now one budget for the message, shared (README Limits)."""
    from analyzer import forensics, verify

    calls = []
    real = verify.signed_header_fields

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verify, "signed_header_fields", counted)
    raw, data = limits.case_signatures_16_wide_h()
    report = analyze(raw, dictdns.DictResolver(data), now=limits.NOW)
    found = [f for f in report.findings if f.code == "header_unexplained"]
    assert len(found) == 16 and all("stopped at its budget" in f.evidence[-1] for f in found)
    # Each verification costs ~30,000 steps (h= names plus fields): one message budget of
    # 2,000,000 affords about 66 of them, beside the 16 verifications of the verdicts.
    steps_each = 20_000 + 10_000
    assert len(calls) <= 16 + forensics.DEFAULT_BUDGET.steps // steps_each + 16, len(calls)
