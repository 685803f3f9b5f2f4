"""`dkim-analyzer dns` against loopback DNS: every situation of fixtures/doctor/doctor.zone,
and two authoritative servers (auth-a.zone, auth-b.zone) that disagree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from analyzer.dns import CachingResolver, DnsPythonResolver, Nameserver
from analyzer.doctor import COMMON_SELECTORS, cname_hops, ses_target
from analyzer.render import Format
from tests.conftest import FIXTURES, Run, run_cli
from tests.nanoserver import ZoneServer

DOCTOR = FIXTURES / "doctor"
# The Easy DKIM tokens of easy.example and cnamefail.example (fixtures/doctor/generate.py).
TOKEN = {
    "ok": "rgkr4ojhhpanwwx4ut472m65uc5cnwgn",
    "wrong_target": "j2dcvbgwnfqgisl57buwn5vczglgcfon",
    "missing": "p5rmhxjpzhmkqi32brhylgxbbsyfugpv",
    "target_gone": "tej5bzyblwwchzl3iv4e3u2smxuoq7jt",
    "doubled": "ymcxaqujt4ebo5r72b32ct4zdzubduuv",
    "txt_instead": "4jt5lk4xab6gxe4ywvmpzmbxjj77kptd",
    "servfail": "6xj27oeybwhm3uxtvnjxu25n5texh7yc",
}


@pytest.fixture(scope="module")
def resolver_server() -> Iterator[ZoneServer]:
    """The recursive resolver's view of the world."""
    with ZoneServer([DOCTOR / "doctor.zone"]) as server:
        yield server


@pytest.fixture(scope="module")
def authoritative() -> Iterator[tuple[ZoneServer, ZoneServer]]:
    """pending.example's two servers at 127.0.0.2 and 127.0.0.3 (its NS glue), one port."""
    for _ in range(5):
        a = ZoneServer([DOCTOR / "auth-a.zone"], host="127.0.0.2")
        try:
            a.start()
        except OSError:
            pytest.skip("cannot bind 127.0.0.2 (loopback is not a /8 here)")
        b = ZoneServer([DOCTOR / "auth-b.zone"], host="127.0.0.3", port=a.port)
        try:
            b.start()
        except OSError:
            a.stop()
            continue
        try:
            yield a, b
        finally:
            a.stop()
            b.stop()
        return
    pytest.skip("no port free on both 127.0.0.2 and 127.0.0.3")


def dns(server: ZoneServer, *args: str) -> Run:
    return run_cli(
        "dns", "--format", "json", "--nameserver", server.address, "--timeout", "0.3", *args
    )


def codes(selector: dict[str, Any]) -> list[str]:
    return sorted(f["code"] for f in selector["findings"])


def by_selector(run: Run) -> dict[str, dict[str, Any]]:
    return {s["selector"]: s for s in run.json()["selectors"]}


def test_a_good_key_with_its_dmarc_record(resolver_server: ZoneServer) -> None:
    run = dns(resolver_server, "good.example", "--selector", "s2025")
    assert run.exit_code == 0, run.stdout
    doc = run.json()
    [sel] = doc["selectors"]
    assert sel["usable"] and sel["outcome"] == "pass" and sel["findings"] == []
    assert sel["name"] == "s2025._domainkey.good.example"
    [key] = sel["keys"]
    assert (key["type"], key["bits"], key["flags"], key["hashes"], key["services"]) == (
        "rsa", 2048, [], None, ["*"],
    )  # fmt: skip
    assert [len(s) for s in sel["dns"]["records"][0]["strings"]] == [255, 155]
    # The same DMARC object as `check --format json` (one shape for scripts).
    assert doc["dmarc"] | {"dns": None} == {
        "domain": "good.example", "status": "found", "record_domain": "good.example",
        "record": "v=DMARC1; p=reject; sp=quarantine; adkim=s; rua=mailto:dmarc@good.example",
        "p": "reject", "sp": "quarantine", "adkim": "s", "policy": "reject",
        "dkim_aligned_pass": False, "signature_index": None, "dns": None,
        "passed_at_delivery": None, "receiver": None,
        # added by issue 13: the RFC 9989 tree walk that found it
        "tree_walk": {
            "queried": ["good.example", "example"],
            "records": [{"domain": "good.example", "record": doc["dmarc"]["record"]}],
            "policy_domain": "good.example", "org_domain": "good.example",
            "psl_org_domain": "good.example", "differs_from_psl": False, "from_exists": None,
        },
    }  # fmt: skip
    # No NS records in this zone: propagation is reported as not checked, not as a failure.
    # (issue 13: the SPF record is checked too; good.example publishes none: spf_record.)
    assert [f["code"] for f in doc["findings"]] == ["spf_record", "authoritative_unknown"]


@pytest.mark.parametrize(
    ("domain", "selector", "expected"),
    [
        ("missing.example", "s1", ["key_not_found"]),
        ("missing.example", "s2", ["key_not_found"]),
        ("doubled.example", "s1", ["dns_name_doubled"]),
        ("records.example", "multi", ["multiple_key_records"]),
        ("records.example", "revoked", ["key_revoked"]),
        ("records.example", "syntax", ["key_syntax"]),
        ("records.example", "short", ["key_too_short"]),
        ("records.example", "weak", ["weak_key"]),
        ("records.example", "testing", ["key_testing_mode"]),
        ("records.example", "pem", ["key_record_has_pem_armor", "key_syntax"]),
        ("records.example", "quotes", ["key_record_has_quotes", "key_syntax"]),
        ("records.example", "breaks", ["key_record_has_line_breaks"]),
        ("records.example", "ed", []),
        ("servfail.example", "s1", ["dns_servfail"]),
        ("timeout.example", "s1", ["dns_timeout"]),
    ],
)
def test_selector_findings(
    resolver_server: ZoneServer, domain: str, selector: str, expected: list[str]
) -> None:
    run = dns(resolver_server, domain, "--selector", selector, "--no-propagation")
    sel = by_selector(run)[selector]
    assert codes(sel) == expected
    usable = not any(f["severity"] == "error" for f in sel["findings"])
    assert sel["usable"] is usable
    temporary = expected in (["dns_servfail"], ["dns_timeout"])
    assert run.exit_code == (0 if usable else 75 if temporary else 1)
    for f in sel["findings"]:  # every explanation names what it speaks of
        assert selector in f["summary"] + f["explanation"]
        assert f["evidence"] or f["severity"] == "warning"


def test_nxdomain_and_nodata_are_told_apart(resolver_server: ZoneServer) -> None:
    run = dns(resolver_server, "missing.example", "--selector", "s1", "--selector", "s2")
    sels = by_selector(run)
    assert sels["s1"]["dns"]["status"] == "nxdomain"
    assert "does not exist" in sels["s1"]["findings"][0]["summary"]
    assert sels["s2"]["dns"]["status"] == "nodata"
    assert "no TXT record" in sels["s2"]["findings"][0]["summary"]


def test_doubled_name_says_what_to_type(resolver_server: ZoneServer) -> None:
    [f] = by_selector(dns(resolver_server, "doubled.example", "--selector", "s1"))["s1"]["findings"]
    assert "s1._domainkey.doubled.example.doubled.example" in f["summary"]
    assert "s1._domainkey)" in f["remedy"]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("ok", []),
        ("wrong_target", ["cname_wrong_target"]),
        ("missing", ["cname_missing"]),
        ("target_gone", ["cname_target_missing"]),
        ("doubled", ["dns_name_doubled"]),
        ("txt_instead", ["cname_missing"]),
    ],
)
def test_easy_dkim_tokens(resolver_server: ZoneServer, case: str, expected: list[str]) -> None:
    token = TOKEN[case]
    run = dns(resolver_server, "easy.example", "--ses-token", token, "--no-propagation")
    sel = by_selector(run)[token]
    assert sel["source"] == "ses_token"
    assert sel["expected_cname"] == f"{token}.dkim.amazonses.com"
    assert codes(sel) == expected
    assert run.exit_code == (0 if case == "ok" else 1)
    if case == "txt_instead":
        assert "TXT record where Easy DKIM needs a CNAME" in sel["findings"][0]["summary"]


def test_cname_chain_hop_by_hop(resolver_server: ZoneServer) -> None:
    resolver = CachingResolver(DnsPythonResolver([Nameserver("127.0.0.1", resolver_server.port)]))
    name = f"{TOKEN['ok']}._domainkey.easy.example"
    hops = cname_hops(resolver, name)
    assert [(h.status.value, h.records[0][0] if h.records else None) for h in hops] == [
        ("ok", f"{ses_target(TOKEN['ok'])}.".encode()),
        ("nodata", None),  # the target holds the TXT record, no further CNAME
    ]
    gone = cname_hops(resolver, f"{TOKEN['target_gone']}._domainkey.easy.example")
    assert [h.status.value for h in gone] == ["ok", "nxdomain"]
    assert cname_hops(resolver, "s2025._domainkey.good.example") == ()


def test_txt_servfail_behind_a_working_cname(resolver_server: ZoneServer) -> None:
    """The guide's case: the CNAME resolves, TXT through it fails; temporary, exit 75."""
    token = TOKEN["servfail"]
    run = dns(resolver_server, "cnamefail.example", "--ses-token", token)
    assert run.exit_code == 75
    sel = by_selector(run)[token]
    [f] = sel["findings"]
    assert f["code"] == "dns_servfail" and f["permanent"] is False
    assert "answers as a CNAME" in f["summary"]
    assert "Route 53" in f["remedy"]
    assert [h["status"] for h in sel["cname_hops"]] == ["ok", "servfail"]


def test_common_selectors_found(resolver_server: ZoneServer) -> None:
    run = dns(resolver_server, "common.example")
    assert run.exit_code == 0
    doc = run.json()
    assert doc["common_selectors_tried"] == list(COMMON_SELECTORS)
    assert [(s["selector"], s["source"]) for s in doc["selectors"]] == [
        ("selector1", "common"),
        ("google", "common"),
    ]
    text = run_cli("dns", "--nameserver", resolver_server.address, "common.example").stdout
    assert "found: selector1, google" in text


def test_no_common_selector(resolver_server: ZoneServer) -> None:
    run = dns(resolver_server, "nothing.example")
    assert run.exit_code == 1
    doc = run.json()
    assert doc["selectors"] == []
    # (spf_record: issue 13, nothing.example has no SPF record either)
    assert [f["code"] for f in doc["findings"]] == [
        "no_common_selector", "dmarc_not_found", "spf_record", "authoritative_unknown",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("domain", "status", "found_at", "applies", "finding"),
    [
        ("good.example", "found", "good.example", "reject", None),
        ("mail.good.example", "found", "good.example", "quarantine", None),  # sp=
        ("missing.example", "none", None, None, "dmarc_invalid"),
        ("easy.example", "none", None, None, "dmarc_not_found"),
    ],
)
def test_dmarc_summary(
    resolver_server: ZoneServer,
    domain: str,
    status: str,
    found_at: str | None,
    applies: str | None,
    finding: str | None,
) -> None:
    doc = dns(resolver_server, domain, "--selector", "s2025", "--no-propagation").json()
    dmarc = doc["dmarc"]
    assert (dmarc["status"], dmarc["record_domain"], dmarc["policy"]) == (status, found_at, applies)
    # (issue 13: these domains publish no SPF record: spf_record, after the DMARC finding)
    assert [f["code"] for f in doc["findings"]] == [*([finding] if finding else []), "spf_record"]


PENDING = {  # selector -> findings, with pending.example's two servers disagreeing
    "s1": ["propagation_incomplete"],  # only on server A: propagating (not "publish it")
    "s2": ["authoritative_disagree"],  # A has key X, B key Y
    "s3": ["resolver_cache_stale"],  # both have it; the resolver does not
    "s4": ["key_not_found", "not_on_authoritative"],  # nowhere: not a delay
    "s5": [],
    "s6": ["authoritative_unreachable"],  # B never answers for it
}


def _pending_args() -> list[str]:
    return ["pending.example", *(a for s in PENDING for a in ("--selector", s))]


def _check_pending(run: Run, a: ZoneServer, b: ZoneServer) -> None:
    sels = by_selector(run)
    assert {s: codes(sels[s]) for s in PENDING} == PENDING
    assert run.exit_code == 1  # s4 is published nowhere (s1 and s3 alone would be 75)
    assert [sels[s]["outcome"] for s in ("s1", "s3", "s4")] == ["temporary", "temporary", "fail"]
    views = {v["server"]: v for v in sels["s2"]["authoritative"]}
    assert len(views) == 2
    assert len({tuple(v["holds"]) for v in views.values()}) == 2
    [incomplete] = [f for f in sels["s1"]["findings"] if f["code"] == "propagation_incomplete"]
    assert "72 hours" in incomplete["explanation"]
    assert "127.0.0.3" in incomplete["explanation"]  # names the server that lacks it
    for server in (a, b):
        asked = {q.name for q in server.queries if q.rdtype == "TXT"}
        assert {f"{s}._domainkey.pending.example." for s in PENDING} <= asked


def test_propagation_from_ns_records(
    resolver_server: ZoneServer, authoritative: tuple[ZoneServer, ZoneServer]
) -> None:
    a, b = authoritative
    run = dns(resolver_server, *_pending_args(), "--ns-port", str(a.port))
    _check_pending(run, a, b)
    auth = run.json()["authoritative"]
    assert auth["zone"] == "pending.example" and not auth["given"]
    assert auth["servers"] == [
        f"ns1.pending.example (127.0.0.2:{a.port})",
        f"ns2.pending.example (127.0.0.3:{a.port})",
    ]


def test_propagation_with_given_servers(
    resolver_server: ZoneServer, authoritative: tuple[ZoneServer, ZoneServer]
) -> None:
    a, b = authoritative
    given = ["--authoritative", a.address, "--authoritative", b.address]
    run = dns(resolver_server, *_pending_args(), *given)
    _check_pending(run, a, b)
    assert run.json()["authoritative"]["given"] is True
    text = run_cli(
        "dns", "--nameserver", resolver_server.address, "--timeout", "0.3", *given,
        "pending.example", "--selector", "s1",
    ).stdout  # fmt: skip
    assert f"authoritative {a.address}: v=DKIM1" in text
    assert f"authoritative {b.address}: nothing (nxdomain)" in text


def test_exit_codes_mix(resolver_server: ZoneServer) -> None:
    both = ["--selector", "s1", "--selector", "nope", "--no-propagation"]
    assert dns(resolver_server, "timeout.example", *both).exit_code == 1  # one permanent
    ok_and_temp = ["--selector", "s1", "--selector", "s2", "--no-propagation"]
    assert dns(resolver_server, "servfail.example", *ok_and_temp).exit_code == 75


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_is_wired(resolver_server: ZoneServer, fmt: Format) -> None:
    run = run_cli("dns", "--nameserver", resolver_server.address, "--format", fmt.value,
                  "records.example", "--selector", "pem")  # fmt: skip
    assert run.exit_code == 1 and run.stdout.strip()
    assert "key_record_has_pem_armor" in run.text or "PEM header" in run.text


@pytest.mark.parametrize(
    "args",
    [
        ["not a domain"],
        ["example..com"],
        ["good.example", "--ses-token", "tok._domainkey.good.example"],
        ["good.example", "--authoritative", "host:port"],
        ["good.example", "--selector", "two words"],
    ],
)
def test_usage_errors(args: list[str]) -> None:
    run = run_cli("dns", *args)
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("dkim-analyzer: error: ")


def test_zone_option(resolver_server: ZoneServer) -> None:
    run = run_cli("dns", "--zone", str(DOCTOR / "doctor.zone"), "good.example", "--selector",
                  "s2025")  # fmt: skip
    assert run.exit_code == 0
    assert run.stdout.startswith("OK: DKIM DNS set-up of good.example")


@pytest.mark.parametrize(
    ("target", "ok"),
    [
        ("tok.dkim.amazonses.com", True),
        ("tok.dkim.af-south-1.amazonses.com", True),  # a regional target
        ("other.dkim.af-south-1.amazonses.com", False),
        ("tok.dkim.amazonses.com.easy.example", False),
        (None, False),
    ],
)
def test_ses_targets(target: str | None, ok: bool) -> None:
    from analyzer.doctor import ses_target_ok

    assert ses_target_ok(ses_target("tok"), target) is ok


def test_a_slow_hostile_server_cannot_stretch_a_dns_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 11.8: bare CNAMEs, TC on every UDP answer, every answer just before --timeout:
    # one selector took 36 s and 36 queries at --timeout 1. The run has a deadline now.
    import time

    from analyzer import doctor

    monkeypatch.setattr(doctor, "RUN_DNS_SECONDS", 1.0)
    monkeypatch.setattr(doctor, "RUN_DNS_TIMEOUTS", 0)
    zone = "$TTL 60\ns0._domainkey.example.com. IN CNAME h0.s0.example.com.\n" + "".join(
        f"h{i}.s0.example.com. IN CNAME h{i + 1}.s0.example.com.\n" for i in range(9)
    )
    with ZoneServer(texts=[zone], bare_cnames=True, truncate_udp=True, latency=0.25) as slow:
        started = time.monotonic()
        run = run_cli("dns", "example.com", "--selector", "s0", "--timeout", "0.3",
                      "--nameserver", slow.address, "--format", "json")  # fmt: skip
        took = time.monotonic() - started
    assert run.exit_code == 75
    assert took < 1.0 + 2 * 0.3 + 0.6
    assert "dns_budget_exhausted" in [f["code"] for f in run.json()["findings"]]


# --- issue 13: the domain's SPF record ----------------------------------------------------------

SPF_ZONE = """$TTL 300
fine.example. IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.fine.example -all"
_spf.fine.example. IN TXT "v=spf1 a:mx.fine.example ~all"
mx.fine.example. IN A 192.0.2.7
wide.example. IN TXT "v=spf1 include:a.wide.example include:b.wide.example include:c.wide.example ?all"
a.wide.example. IN TXT "v=spf1 a a a a -all"
b.wide.example. IN TXT "v=spf1 a a a a -all"
c.wide.example. IN TXT "v=spf1 a a a a -all"
a.wide.example. IN A 192.0.2.1
b.wide.example. IN A 192.0.2.1
c.wide.example. IN A 192.0.2.1
voids.example. IN TXT "v=spf1 a:gone1.voids.example a:gone2.voids.example mx:gone3.voids.example -all"
typo.example. IN TXT "v=spf1 ip4:192.0.2.0/24 inclde:x.example -all"
open.example. IN TXT "v=spf1 +all"
"""


@pytest.mark.parametrize(
    ("domain", "severity", "words"),
    [
        ("fine.example", "info", "2 of the 10"),
        ("wide.example", "error", "more than 10 DNS lookups"),
        ("voids.example", "error", "more than 2 lookups that find nothing"),
        ("typo.example", "error", "inclde:x.example"),
        ("none.example", "warning", "publishes no SPF record"),
    ],
)
def test_dns_checks_the_spf_record(domain: str, severity: str, words: str) -> None:
    with ZoneServer(texts=[SPF_ZONE]) as server:
        run = run_cli("dns", "--format", "json", "--nameserver", server.address,
                      "--no-propagation", "--selector", "s1", domain)  # fmt: skip
    doc = run.json()
    [f] = [f for f in doc["findings"] if f["code"] == "spf_record"]
    assert f["severity"] == severity and words in f["summary"] + f["explanation"], f
    assert doc["spf"]["domain"] == domain


def test_dns_flags_plus_all() -> None:
    with ZoneServer(texts=[SPF_ZONE]) as server:
        run = run_cli("dns", "--format", "json", "--nameserver", server.address,
                      "--no-propagation", "--selector", "s1", "open.example")  # fmt: skip
    assert "spf_permissive" in {f["code"] for f in run.json()["findings"]}
