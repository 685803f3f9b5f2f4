"""analyzer.dmarc: RFC 7489 §6.6.3 record discovery through the real resolver and ZoneServer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzer.dmarc import applicable, lookup
from analyzer.dns import DnsPythonResolver, Nameserver
from analyzer.model import DmarcStatus, DnsStatus
from tests.conftest import FIXTURES, run_cli
from tests.nanoserver import ZoneServer

ZONE = """$TTL 300
_dmarc.org.example. IN TXT "v=DMARC1; p=reject; sp=none; adkim=s"
_dmarc.sub.org.example. IN TXT "some other TXT record"
_dmarc.own.example. IN TXT "v=DMARC1; p=quarantine"
_dmarc.own.example. IN TXT "google-site-verification=abc"
_dmarc.twice.example. IN TXT "v=DMARC1; p=reject"
_dmarc.twice.example. IN TXT "v=DMARC1; p=none"
_dmarc.rua.example. IN TXT "v=DMARC1; p=bogus; rua=mailto:r@rua.example"
;! _dmarc.flaky.example. SERVFAIL
"""


@pytest.fixture
def resolver() -> Iterator[DnsPythonResolver]:
    with ZoneServer(texts=[ZONE]) as server:
        yield DnsPythonResolver([Nameserver(server.host, server.port)], timeout=1)


def test_falls_back_to_the_organizational_domain(resolver: DnsPythonResolver) -> None:
    d = lookup(resolver, "mail.sub.org.example")
    assert d.status is DmarcStatus.FOUND and d.record_domain == "org.example"
    # RFC 9989 §4.10: the tree walk asks every name up to the record (RFC 7489 asked the From
    # domain and the PSL's organizational domain only), and on to the TLD for the
    # organizational domain (§4.10.2).
    assert [a.name for a in d.answers] == [
        "_dmarc.mail.sub.org.example.", "_dmarc.sub.org.example.", "_dmarc.org.example.",
        "_dmarc.example.",
    ]  # fmt: skip
    assert (d.tag("p"), d.policy, d.adkim) == ("reject", "none", "s")  # sp= for a subdomain


def test_record_at_the_from_domain_ignores_other_txt(resolver: DnsPythonResolver) -> None:
    d = lookup(resolver, "own.example")
    assert d.status is DmarcStatus.FOUND and d.policy == "quarantine" and d.adkim == "r"


def test_two_records_mean_no_policy(resolver: DnsPythonResolver) -> None:
    assert lookup(resolver, "twice.example").status is DmarcStatus.NONE


def test_invalid_p_with_rua_is_none(resolver: DnsPythonResolver) -> None:
    d = lookup(resolver, "rua.example")
    assert d.status is DmarcStatus.FOUND and d.policy == "none"


def test_temporary_failure(resolver: DnsPythonResolver) -> None:
    assert lookup(resolver, "flaky.example").status is DmarcStatus.TEMPERROR


def test_nothing_published(resolver: DnsPythonResolver) -> None:
    d = lookup(resolver, "nothing.example")
    # its own organizational domain; then its SOA and its TLD's: nothing.example does not
    # exist at all (issue 10.10)
    # (RFC 9989's tree walk asks the TLD's _dmarc too: two TXT.)
    assert d.status is DmarcStatus.NONE
    assert [a.rdtype for a in d.answers] == ["TXT", "TXT", "SOA", "SOA"]


@pytest.mark.parametrize(
    ("domain", "ok"),
    [("example.com", True), ("xn--bcher-kva.example", True), ("exa..mple.com", False),
     ("a" * 70 + ".com", False), ("[192.0.2.1]", False)],
)  # fmt: skip
def test_only_dns_names_are_asked(domain: str, ok: bool) -> None:
    assert applicable(domain) is ok


def test_a_from_domain_that_is_not_a_dns_name(tmp_path: Path) -> None:
    path = tmp_path / "odd.eml"
    path.write_bytes(b"From: a@exa..mple.com\r\nTo: b@example.net\r\nSubject: x\r\n\r\nhi\r\n")
    run = run_cli(
        "check", "--format", "json", "--zone", str(FIXTURES / "plain" / "zone"), str(path)
    )
    assert run.exit_code == 1 and run.json()["messages"][0]["dmarc"] is None


def test_the_resolver_never_raises_on_a_bad_name(resolver: DnsPythonResolver) -> None:
    answer = resolver.query("exa..mple.com", "TXT")
    assert answer.status is DnsStatus.ERROR and answer.detail


def test_json_dmarc_object_keeps_its_keys_and_adds_the_receivers_record() -> None:
    """Issue 10 item 11: the trusted receiver's dmarc=/spf= results are evidence beside what
    DKIM alone gives; every earlier key of the object stays as it was."""
    case = FIXTURES / "dmarc-receiver-spf-pass"
    run = run_cli(
        "check", "--format", "json", "--zone", str(case / "zone"), str(case / "message.eml")
    )
    dmarc = run.json()["messages"][0]["dmarc"]
    assert list(dmarc)[:11] == [
        "domain", "status", "record_domain", "record", "p", "sp", "adkim", "policy",
        "dkim_aligned_pass", "signature_index", "dns",
    ]  # fmt: skip
    assert (dmarc["status"], dmarc["policy"], dmarc["dkim_aligned_pass"]) == (
        "found", "quarantine", False,
    )  # fmt: skip
    assert dmarc["receiver"]["recorded_by"] == "mx.google.com"
    assert (dmarc["receiver"]["dmarc"], dmarc["receiver"]["spf"]) == ("pass", "pass")
    text = run_cli("check", "--zone", str(case / "zone"), str(case / "message.eml")).text
    [line] = [ln for ln in text.splitlines() if ln.startswith("DMARC:")]
    assert line.endswith(
        "policy quarantine applies; DKIM alone does not satisfy it; mx.google.com recorded "
        "dmarc=pass (spf=pass, smtp.mailfrom=bounce@mail.shop.example)"
    )


def test_receiver_spf_alignment_follows_aspf() -> None:
    from analyzer.message import parse_message
    from analyzer.trace import receiver_dmarc, receiver_record

    raw = (
        b"Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=b@bounce.shop.example;"
        b" dmarc=fail header.from=shop.example\r\n"
        b"Received: from mta.shop.example (mta.shop.example [192.0.2.80])\r\n"
        b"\tby mx.example.net; Sun, 23 Nov 2025 12:13:22 +0000\r\n"
        b"From: a@shop.example\r\n\r\nbody\r\n"
    )
    rx = receiver_record(parse_message(raw))
    relaxed = receiver_dmarc(rx, "shop.example")
    strict = receiver_dmarc(rx, "shop.example", strict_spf=True)
    assert relaxed is not None and strict is not None
    assert (relaxed.dmarc, relaxed.spf_aligned, strict.spf_aligned) == ("fail", True, False)


# --- issue 13: RFC 9989 §4.10 DNS tree walk, and the DMARC result -------------------------------

WALK = """$TTL 300
_dmarc.psd.example. IN TXT "v=DMARC1; p=reject; sp=quarantine; psd=y"
_dmarc.mid.org.example. IN TXT "v=DMARC1; p=quarantine"
_dmarc.self.example. IN TXT "v=DMARC1; p=quarantine; psd=n"
_dmarc.parent.example. IN TXT "v=DMARC1; p=none; sp=quarantine; np=reject"
live.parent.example. IN A 192.0.2.1
"""


@pytest.fixture
def walker() -> Iterator[DnsPythonResolver]:
    with ZoneServer(texts=[ZONE, WALK]) as server:
        yield DnsPythonResolver([Nameserver(server.host, server.port)], timeout=1)


def test_walk_targets_jump_to_seven_labels() -> None:
    from analyzer.dmarc import walk_targets

    assert walk_targets("a.mail.example.com") == [
        "a.mail.example.com", "mail.example.com", "example.com", "com",
    ]  # fmt: skip
    nine = "a.b.c.d.e.f.g.example.com"
    assert walk_targets(nine) == [nine, *(".".join(nine.split(".")[i:]) for i in range(2, 9))]
    assert len(walk_targets(nine)) == 8  # RFC 9989 §4.10: at most 8 queries


def test_psd_y_makes_the_name_below_it_the_organizational_domain(
    walker: DnsPythonResolver,
) -> None:
    d = lookup(walker, "dept.psd.example")
    assert d.status is DmarcStatus.FOUND and d.record_domain == "psd.example"
    assert d.walk is not None and d.walk.org_domain == "dept.psd.example"
    assert d.walk.psl_org_domain == "psd.example" and d.walk.differs
    assert d.walk.queried == ("dept.psd.example", "psd.example")  # psd=y stops the walk
    assert d.policy == "quarantine"  # sp= of the public suffix's record


def test_the_fewest_labels_record_is_the_organizational_domain(
    walker: DnsPythonResolver,
) -> None:
    # _dmarc.mid.org.example and _dmarc.org.example both exist: org.example is the
    # organizational domain (§4.10.2 step 3), so its record, not mid's, is the policy (sp=).
    d = lookup(walker, "a.mid.org.example")
    assert d.walk is not None and d.walk.org_domain == "org.example"
    assert d.record_domain == "org.example" and d.policy == "none"
    own = lookup(walker, "x.self.example")  # psd=n stops the walk at self.example
    assert own.walk is not None and own.walk.org_domain == "self.example"
    assert own.record_domain == "self.example" and own.walk.queried[-1] == "self.example"


def test_np_applies_to_a_subdomain_that_does_not_exist(walker: DnsPythonResolver) -> None:
    ghost = lookup(walker, "ghost.parent.example")
    assert ghost.walk is not None and ghost.walk.from_exists is False
    assert ghost.policy == "reject"  # np=
    live = lookup(walker, "live.parent.example")
    assert live.walk is not None and live.walk.from_exists is True
    assert live.policy == "quarantine"  # sp=


def test_the_dmarc_result_names_what_passed(dns_server: ZoneServer) -> None:
    def result(case: str) -> dict[str, object]:
        path = FIXTURES / case
        run = run_cli("check", "--format", "json", "--nameserver", dns_server.address,
                      str(path / "message.eml"))  # fmt: skip
        out: dict[str, object] = run.json()["messages"][0]["dmarc_result"]
        return out

    assert result("spf-ses-custom-mail-from")["via"] == ["spf"]
    assert result("spf-forwarded")["via"] == ["dkim"]
    fail = result("spf-ses-default-mail-from")
    assert (fail["result"], fail["policy_tag"], fail["disposition"]) == ("fail", "p", "quarantine")
    np = result("dmarc-np-nonexistent")
    assert (np["result"], np["policy_tag"], np["disposition"]) == ("fail", "np", "reject")
    psd = result("dmarc-tree-walk-psd")
    assert (psd["result"], psd["policy_tag"], psd["dkim_aligned_pass"]) == ("fail", "sp", False)


def test_kept_tags_are_the_tags_parsed_again() -> None:
    """dmarc._tags keeps the tags of usual-sized records (issue 15): the same value."""
    from analyzer import dmarc

    records = [b"v=DMARC1; p=reject; sp=none; adkim=s", b"v=DMARC1; rua=mailto:a@example.com",
               b"v=DMARC1; p=bogus", b"v=DMARC1; p", b"v=DMARC1; p=none; " + b"x" * 600]  # fmt: skip
    for _ in range(2):
        for record in records:
            assert dmarc._tags(record) == dmarc._parsed_tags(record)
