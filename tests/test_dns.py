"""analyzer.dns and analyzer.probes through dnspython against the loopback server."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from analyzer import dns as dns_module
from analyzer.dns import (
    BudgetResolver,
    CachingResolver,
    DnsPythonResolver,
    Nameserver,
    parse_nameserver,
)
from analyzer.errors import UsageError
from analyzer.model import DnsAnswer, DnsStatus, ProbeKind
from analyzer.probes import probe_key
from tests.conftest import FIXTURES, ROOT, run_cli
from tests.nanoserver import ZoneServer

BIG_KEY = base64.b64encode(os.urandom(550)).decode()  # the size of a 4096-bit key's p=
ZONE = f"""$TTL 300
example.com. IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 120
s1._domainkey.example.com. IN TXT "v=DKIM1; " "p=AAAA"
two._domainkey.example.com. IN TXT "p=first"
two._domainkey.example.com. IN TXT "p=second"
big._domainkey.example.com. IN TXT {" ".join(f'"{BIG_KEY[i : i + 250]}"' for i in range(0, len(BIG_KEY), 250))}
a-only._domainkey.example.com. IN A 192.0.2.1
ses._domainkey.example.com. IN CNAME ses.dkim.amazonses.com.
gone._domainkey.example.com. IN CNAME gone.dkim.amazonses.com.
ses.dkim.amazonses.com. IN TXT "p=BBBB"
typed._domainkey.example.com.example.com. IN TXT "p=CCCC"
sub._domainkey.example.com. IN TXT "p=DDDD"
"""


@pytest.fixture
def server() -> ZoneServer:
    with ZoneServer(texts=[ZONE]) as s:
        yield s


def resolver(server: ZoneServer, timeout: float = 1.0) -> DnsPythonResolver:
    return DnsPythonResolver([Nameserver(server.host, server.port)], timeout)


def test_strings_are_joined_within_a_record_never_across(server: ZoneServer) -> None:
    a = resolver(server).query("s1._domainkey.example.com")
    assert a.status is DnsStatus.OK and a.records == ((b"v=DKIM1; ", b"p=AAAA"),)
    assert a.joined() == (b"v=DKIM1; p=AAAA",)
    assert a.ttl == 300 and a.server == server.address
    two = resolver(server).query("two._domainkey.example.com")
    assert sorted(two.joined()) == [b"p=first", b"p=second"]


def test_nxdomain_and_nodata_stay_apart(server: ZoneServer) -> None:
    r = resolver(server)
    assert r.query("nope._domainkey.example.com").status is DnsStatus.NXDOMAIN
    nodata = r.query("a-only._domainkey.example.com")
    assert nodata.status is DnsStatus.NODATA and nodata.ttl == 120  # the SOA minimum
    assert r.query("_domainkey.example.com").status is DnsStatus.NODATA  # empty non-terminal


def test_cname_chain_is_kept(server: ZoneServer) -> None:
    a = resolver(server).query("ses._domainkey.example.com")
    assert a.status is DnsStatus.OK
    assert a.cname_chain == (("ses._domainkey.example.com.", "ses.dkim.amazonses.com."),)
    dangling = resolver(server).query("gone._domainkey.example.com")
    assert dangling.status is DnsStatus.NXDOMAIN
    assert dangling.cname_chain[-1][1] == "gone.dkim.amazonses.com."


def test_failures_are_told_apart(server: ZoneServer) -> None:
    server.servfail("s1._domainkey.example.com")
    server.refuse("two._domainkey.example.com")
    server.drop("big._domainkey.example.com")
    r = resolver(server, timeout=0.3)
    assert r.query("s1._domainkey.example.com").status is DnsStatus.SERVFAIL
    assert r.query("two._domainkey.example.com").status is DnsStatus.REFUSED
    timeout = r.query("big._domainkey.example.com")
    assert timeout.status is DnsStatus.TIMEOUT and timeout.server == server.address


def test_servfail_at_the_cname_target_keeps_the_name_asked(server: ZoneServer) -> None:
    server.servfail("ses.dkim.amazonses.com")
    a = resolver(server).query("ses._domainkey.example.com")
    assert a.status is DnsStatus.SERVFAIL and a.name == "ses._domainkey.example.com."


def test_big_key_arrives_over_udp_thanks_to_edns(server: ZoneServer) -> None:
    a = resolver(server).query("big._domainkey.example.com")
    assert a.joined() == (BIG_KEY.encode(),)
    assert [q.transport for q in server.queries] == ["udp"]


def test_no_nameserver_is_an_error_not_a_crash() -> None:
    assert DnsPythonResolver([]).query("x.example").status is DnsStatus.ERROR


def test_cache_asks_once_and_keeps_negative_answers(server: ZoneServer) -> None:
    r = CachingResolver(resolver(server))
    for _ in range(3):
        r.query("s1._domainkey.example.com")
        r.query("nope._domainkey.example.com")
    assert server.query_count == 2


def test_cache_expires_with_the_ttl(server: ZoneServer) -> None:
    now = [0.0]
    r = CachingResolver(resolver(server), clock=lambda: now[0])
    r.query("s1._domainkey.example.com")
    now[0] = 301.0
    r.query("s1._domainkey.example.com")
    assert server.query_count == 2


def test_cache_holds_a_bounded_number_of_answers(
    server: ZoneServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan of distinct selectors must not grow the cache with the mailbox (issue 11.3):
    past MAX_CACHE_ENTRIES the oldest answer goes; a recent one is still answered."""
    monkeypatch.setattr(dns_module, "MAX_CACHE_ENTRIES", 4)
    r = CachingResolver(resolver(server))
    for i in range(10):
        r.query(f"s{i}._domainkey.example.com")
    assert len(r._entries) == 4 and server.query_count == 10
    r.query("s9._domainkey.example.com")  # kept
    r.query("s0._domainkey.example.com")  # evicted: asked again
    assert server.query_count == 11


@pytest.mark.parametrize(
    ("spec", "host", "port"),
    [("192.0.2.1", "192.0.2.1", 53), ("192.0.2.1:5353", "192.0.2.1", 5353),
     ("[::1]:5353", "::1", 5353), ("::1", "::1", 53)],
)  # fmt: skip
def test_nameserver_spec(spec: str, host: str, port: int) -> None:
    ns = parse_nameserver(spec)
    assert (ns.host, ns.port) == (host, port)


def test_bad_nameserver_spec() -> None:
    with pytest.raises(UsageError):
        parse_nameserver("192.0.2.1:notaport")


def test_probes_find_the_doubled_name(server: ZoneServer) -> None:
    r = resolver(server)
    key = r.query("typed._domainkey.example.com")
    probes = {p.kind: p for p in probe_key(r, "typed", "example.com", key)}
    assert probes[ProbeKind.DOUBLED_NAME].found
    assert probes[ProbeKind.DOMAINKEY_NODE].answer.status is DnsStatus.NODATA


def test_probes_look_under_the_organizational_domain(server: ZoneServer) -> None:
    r = resolver(server)
    key = r.query("sub._domainkey.mail.example.com")
    probes = {p.kind: p for p in probe_key(r, "sub", "mail.example.com", key)}
    assert probes[ProbeKind.ORG_DOMAIN].found
    assert probes[ProbeKind.DOMAINKEY_NODE].answer.status is DnsStatus.NXDOMAIN


def test_probes_ask_for_the_cname_when_txt_fails(server: ZoneServer) -> None:
    server.servfail("ses.dkim.amazonses.com")
    r = resolver(server)
    key = r.query("ses._domainkey.example.com")
    probes = {p.kind: p for p in probe_key(r, "ses", "example.com", key)}
    cname = probes[ProbeKind.SELECTOR_CNAME]
    assert cname.found and cname.answer.joined() == (b"ses.dkim.amazonses.com.",)


CHAIN = "".join(f"c{i}.example.com. IN CNAME c{i + 1}.example.com.\n" for i in range(8))
HOSTILE = ZONE + CHAIN + 'c8.example.com. IN TXT "p=EEEE"\n'


def test_a_cname_loop_inside_a_noerror_answer_is_temporary(server: ZoneServer) -> None:
    # Issue 11.13: it was NODATA, so a permanent key_not_found.
    server.loop("s1._domainkey.example.com")
    a = resolver(server).query("s1._domainkey.example.com")
    assert a.status is DnsStatus.ERROR and a.status.temporary
    assert a.detail is not None and a.detail.startswith("CNAME loop")
    assert a.server == server.address


def test_a_loop_across_bare_cnames_is_temporary() -> None:
    loop = (
        ZONE
        + "l1.example.com. IN CNAME l2.example.com.\nl2.example.com. IN CNAME l1.example.com.\n"
    )
    with ZoneServer(texts=[loop], bare_cnames=True) as s:
        a = resolver(s).query("l1.example.com")
    assert a.status is DnsStatus.ERROR and a.detail and "CNAME loop" in a.detail


def test_tc_over_udp_and_again_over_tcp_is_temporary(server: ZoneServer) -> None:
    server.truncate("s1._domainkey.example.com")
    a = resolver(server).query("s1._domainkey.example.com")
    assert a.status is DnsStatus.ERROR and a.status.temporary
    assert [q.transport for q in server.queries] == ["udp", "tcp"]


def test_one_lookup_ends_within_its_lifetime_against_a_slow_hostile_server() -> None:
    # Issue 11.8: bare CNAMEs, TC on every UDP answer, each answer just before the timeout.
    # 8 hops x (UDP + TCP) x 0.3 s was 4.8 s for one lookup with --timeout 0.5.
    with ZoneServer(texts=[HOSTILE], bare_cnames=True, truncate_udp=True, latency=0.3) as s:
        started = time.monotonic()
        a = resolver(s, timeout=0.5).query("c0.example.com")
        took = time.monotonic() - started
        asked = s.query_count
    assert a.status is DnsStatus.TIMEOUT and a.status.temporary
    assert a.detail and "whole lookup" in a.detail
    assert took < 1.0 + 0.3 + 0.2 and asked <= 4


def test_the_budget_stops_lookups_and_says_so(server: ZoneServer) -> None:
    now = [0.0]
    budget = BudgetResolver(resolver(server), seconds=10, lookups=2, clock=lambda: now[0])
    assert budget.query("s1._domainkey.example.com").status is DnsStatus.OK
    assert budget.query("nope._domainkey.example.com").status is DnsStatus.NXDOMAIN
    spent = budget.query("two._domainkey.example.com")
    assert spent.status is DnsStatus.BUDGET and spent.status.temporary and budget.exhausted
    assert spent.detail and "budget" in spent.detail and server.query_count == 2
    # The seconds are those spent waiting for answers: 10 s of the analysis's own work
    # between lookups spends nothing; one lookup that takes 10 s spends them all.
    late = BudgetResolver(_Slow(resolver(server), now, 0.0), seconds=10, clock=lambda: now[0])
    now[0] += 10.0
    assert late.query("s1._domainkey.example.com").status is DnsStatus.OK
    slow = BudgetResolver(_Slow(resolver(server), now, 10.0), seconds=10, clock=lambda: now[0])
    assert slow.query("s1._domainkey.example.com").status is DnsStatus.OK
    assert slow.query("s1._domainkey.example.com").status is DnsStatus.BUDGET


class _Slow:
    """A resolver whose every answer takes `seconds` of the test's clock."""

    def __init__(self, inner: Any, now: list[float], seconds: float) -> None:
        self.inner, self.now, self.seconds = inner, now, seconds

    def query(self, name: str, rdtype: str = "TXT") -> Any:
        self.now[0] += self.seconds
        return self.inner.query(name, rdtype)


_EMFILE = """
import resource, sys, threading
resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
from analyzer.dns import DnsPythonResolver, Nameserver
r = DnsPythonResolver([Nameserver("127.0.0.1", int(sys.argv[1]))], 5.0)
# 60 lookups at once: without a bound on open sockets, some fail with EMFILE.
out = [None] * 60
def ask(i):
    out[i] = r.query("s1._domainkey.example.com").status.value
threads = [threading.Thread(target=ask, args=(i,)) for i in range(60)]
[t.start() for t in threads]
[t.join() for t in threads]
print(",".join(sorted(set(out))))
# Now use up every descriptor: the failure is this machine's, not the server's.
held = []
try:
    while True:
        held.append(open("/dev/null"))
except OSError:
    pass
a = r.query("s1._domainkey.example.com")
print(a.status.value, a.server, a.detail)
"""


def test_emfile_is_a_local_limit_and_sockets_are_bounded() -> None:
    # Issue 11.13: with `ulimit -n 64`, EMFILE was blamed on the DNS server (dns_error).
    with ZoneServer(texts=[ZONE], latency=0.2) as s:
        run = subprocess.run(
            [sys.executable, "-c", _EMFILE, str(s.port)],
            capture_output=True, text=True, timeout=60, cwd=ROOT,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.splitlines()
    assert first == "ok"
    assert second.startswith("local_error None EMFILE")


# --- the CLI: what reaches the report -----------------------------------------------------------

PLAIN = FIXTURES / "plain"


@pytest.mark.parametrize("fault", ["LOOP", "TRUNCATE"])
def test_broken_answers_are_temporary_in_the_report(tmp_path: Path, fault: str) -> None:
    # Issue 11.13: a CNAME loop in a NOERROR answer, TC over UDP and TCP: key_not_found (1).
    zone = tmp_path / "zone"
    zone.write_text(f";! s2025._domainkey.example.com. {fault}\n$TTL 60\n")
    run = run_cli("check", "--format", "json", "--zone", str(zone), str(PLAIN / "message.eml"))
    sig0 = run.json()["messages"][0]["signatures"][0]
    assert (run.exit_code, sig0["result"], sig0["reason"]) == (75, "temperror", "dns_error")


def test_a_spent_message_budget_is_temporary_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dns_module, "MESSAGE_DNS_SECONDS", 0.0)
    run = run_cli("check", "--format", "json", "--zone", str(PLAIN / "zone"),
                  str(PLAIN / "message.eml"))  # fmt: skip
    message = run.json()["messages"][0]
    assert run.exit_code == 75
    assert message["signatures"][0]["result"] == "temperror"
    codes = {f["code"] for f in message["findings"]}
    assert {"dns_budget_exhausted", "dns_temporary"} <= codes


def test_a_slow_hostile_server_cannot_stretch_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 11.8: every query answered just before --timeout, TC first, one CNAME hop at a
    # time. Without a per-message deadline this message took ~20 s at --timeout 0.3.
    monkeypatch.setattr(dns_module, "MESSAGE_DNS_SECONDS", 1.0)
    message = FIXTURES / "ses-two-signatures" / "message.eml"
    zone = "$TTL 60\n" + "".join(
        f"{s}._domainkey.{d}. IN CNAME h0.{s}.{d}.\n"
        + "".join(f"h{i}.{s}.{d}. IN CNAME h{i + 1}.{s}.{d}.\n" for i in range(9))
        for s, d in (("4kdqmo3tq7y6zu7xhhjmfvjx4wl6sbkf", "example.com"),
                     ("ug7nbtf4gccmlpwj322ax3p6ow6yfsug", "amazonses.com"))
    )  # fmt: skip
    with ZoneServer(texts=[zone], bare_cnames=True, truncate_udp=True, latency=0.25) as s:
        started = time.monotonic()
        run = run_cli("check", "--format", "json", "--timeout", "0.3",
                      "--nameserver", s.address, str(message))  # fmt: skip
        took = time.monotonic() - started
    assert run.exit_code == 75
    assert took < 1.0 + 2 * 0.3 + 0.5
    assert "dns_budget_exhausted" in {f["code"] for f in run.json()["messages"][0]["findings"]}


@pytest.mark.parametrize("value", ["inf", "1e308", "nan", "0", "61"])
@pytest.mark.parametrize("command", [["check", str(PLAIN / "message.eml")], ["dns", "example.com"]])
def test_timeout_out_of_range_is_a_one_line_usage_error(value: str, command: list[str]) -> None:
    # Issue 11.16: inf and 1e308 ended in exit 70.
    run = run_cli(command[0], "--timeout", value, "--zone", str(PLAIN / "zone"), *command[1:])
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1 and "0.1 to 60 seconds" in run.stderr


def test_zone_reads_are_capped_by_bytes_read() -> None:
    # Issue 11.12: --zone /dev/zero grew to 1.9 GB and ended in MemoryError (exit 70).
    run = run_cli("check", "--zone", "/dev/zero", str(PLAIN / "message.eml"))
    assert run.exit_code == 2
    assert (
        run.stderr
        == "dkim-analyzer: error: bad zone file /dev/zero: larger than the 16 MiB limit\n"
    )


def test_zone_errors_name_file_and_line_and_echo_nothing_raw(tmp_path: Path) -> None:
    # Issue 11.16: a parse error echoed a token of the file to the terminal.
    zone = tmp_path / "bad.zone"
    zone.write_bytes(b"$TTL 60\n;! a\x1b]0;pwned\x07.example. \xe2\x80\xaeNXDOMAIN\n")
    run = run_cli("check", "--zone", str(zone), str(PLAIN / "message.eml"))
    assert run.exit_code == 2 and run.stderr.count("\n") == 1
    assert f"{zone}, line 2" in run.stderr
    assert "\x1b" not in run.stderr and "\u202e" not in run.stderr and "\\x1b" in run.stderr
    zone.write_bytes(b'$TTL 60\nok.example. IN TXT "\xff"\n')
    run = run_cli("check", "--zone", str(zone), str(PLAIN / "message.eml"))
    assert run.exit_code == 2 and "line 2: not UTF-8 text" in run.stderr


# --- issue 10.10: a domain that does not resolve is not a domain without records ---------------

NXDOMAIN_MESSAGE = FIXTURES / "key-nxdomain" / "message.eml"  # no trusted dkim=pass in it


@pytest.mark.parametrize(
    ("zone_text", "variant"),
    [
        ('$TTL 60\nelsewhere.com. IN TXT "x"\n', "gone"),  # .com resolves, example.com not
        ("$TTL 60\n", "unreliable"),  # nothing resolves: an offline or captive resolver
    ],
)
def test_a_signing_domain_that_does_not_resolve_is_not_called_keyless(
    tmp_path: Path, zone_text: str, variant: str
) -> None:
    zone = tmp_path / "zone"
    zone.write_text(zone_text)
    run = run_cli("check", "--format", "json", "--zone", str(zone), str(NXDOMAIN_MESSAGE))
    message = run.json()["messages"][0]
    findings = {f["code"]: f for f in message["findings"]}
    dkim = findings["key_not_found"]  # the code stays; the words no longer claim a fact
    assert "publishes no DKIM key" not in dkim["summary"]
    assert ("zone file" in dkim["summary"]) == (variant == "gone")  # the server asked is named
    assert ("unreliable" in dkim["summary"]) == (variant == "unreliable")
    probes = {p["kind"] for p in message["signatures"][0]["probes"]}
    assert "domain" in probes and ("resolver_check" in probes)
    dmarc = findings["dmarc_alignment"]
    assert "publishes no DMARC record" not in dmarc["summary"]
    assert ("unreliable" in dmarc["summary"]) == (variant == "unreliable")


def test_an_existing_domain_without_keys_is_still_told_so(tmp_path: Path) -> None:
    zone = tmp_path / "zone"
    zone.write_text(
        "$TTL 60\nexample.com. IN SOA ns.example.com. h.example.com. 1 3600 600 86400 60\n"
    )
    run = run_cli("check", "--format", "json", "--zone", str(zone), str(NXDOMAIN_MESSAGE))
    message = run.json()["messages"][0]
    summaries = {f["code"]: f["summary"] for f in message["findings"]}
    assert "publishes no DKIM key at all" in summaries["key_not_found"]
    assert "publishes no DMARC record" in summaries["dmarc_alignment"]


@pytest.mark.parametrize("status", [DnsStatus.LOCAL, DnsStatus.BUDGET, DnsStatus.TIMEOUT])
def test_no_probes_after_a_local_limit_or_a_spent_budget(
    server: ZoneServer, status: DnsStatus
) -> None:
    key = DnsAnswer("s1._domainkey.example.com.", "TXT", status)
    assert probe_key(resolver(server), "s1", "example.com", key) == ()
    assert server.query_count == 0


def test_held_answers_are_the_query_s_and_still_count_against_the_budget(
    server: ZoneServer,
) -> None:
    """BudgetResolver takes what a HoldingResolver holds without its query (issue 15): the
    same answer, counted as a lookup made, never past the budget."""
    from analyzer.scan.plan import PrefetchedResolver

    now = [0.0]
    cache = CachingResolver(resolver(server), clock=lambda: now[0])
    assert cache.held("s1._domainkey.example.com") is None  # not asked yet
    asked = cache.query("s1._domainkey.example.com")
    assert cache.held("S1._domainkey.example.com.", "txt") is asked
    now[0] = 301.0  # past its TTL: held no more, asked again
    assert cache.held("s1._domainkey.example.com") is None
    now[0] = 0.0
    prefetched = cache.query("two._domainkey.example.com")
    plan = PrefetchedResolver(PrefetchedResolver.by_name([prefetched]), cache)
    assert plan.held("two._domainkey.example.com") is prefetched
    assert plan.held("s1._domainkey.example.com") is asked  # the fallback's
    assert plan.held("nope._domainkey.example.com") is None
    before = server.query_count
    budget = BudgetResolver(plan, lookups=3, clock=lambda: now[0])
    assert budget.query("two._domainkey.example.com") is prefetched
    assert budget.query("s1._domainkey.example.com") is asked
    assert budget.query("nope._domainkey.example.com").status is DnsStatus.NXDOMAIN
    assert server.query_count == before + 1 and budget.asked == 3 and budget.waited == 0.0
    assert budget.query("two._domainkey.example.com").status is DnsStatus.BUDGET
    assert budget.exhausted
