"""`--zone` answered from memory (analyzer/zone.py, analyzer.dns.ZoneResolver), held equal to
the loopback server's answers through the real client, and ResolverSpec, the picklable
description every process builds the same resolver from."""

from __future__ import annotations

import dataclasses
import json
import pickle
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import dns.rdatatype
import pytest

from analyzer import scan as scan_module
from analyzer.dns import (
    CachingResolver,
    DnsPythonResolver,
    Nameserver,
    ResolverSpec,
    ZoneResolver,
    open_resolver,
)
from analyzer.errors import UsageError
from analyzer.model import DnsAnswer, DnsStatus
from analyzer.pipeline import analyze
from analyzer.zone import Zone, ZoneText, read_zone
from tests.conftest import CORPUS, FIXTURES, ROOT, run_cli
from tests.nanoserver import ZoneServer
from tests.test_sources import to_mbox

TIMEOUT = 2.0  # the same --timeout on both sides: a timeout's words name it
SHORT = 0.3  # for the names the zone says time out
BIG = " ".join(f'"{"k" * 250}"' for _ in range(20))  # 5 KB: over UDP's 4096, so TCP
HUGE = " ".join(f'"{"h" * 250}"' for _ in range(135))  # two of 34 KB: over TCP's 65535 too
CHAIN = "".join(f"c{i}.example.com. IN CNAME c{i + 1}.example.com.\n" for i in range(20))
EDGE = f"""$TTL 300
example.com. IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 120
example.com. IN NS ns.example.com.
example.com. IN MX 10 mx.example.com.
ns.example.com. IN A 192.0.2.53
multi._domainkey.example.com. IN TXT "v=DKIM1; k=rsa; " "p=AAAA" "BBBB"
multi._domainkey.example.com. IN TXT "second record"
short._domainkey.example.com. 60 IN TXT "v=DKIM1; p=SHORT"
host.example.com. IN A 192.0.2.1
deep.ent.example.com. IN TXT "below an empty non-terminal"
alias.example.com. IN CNAME alias2.example.com.
alias2.example.com. IN CNAME multi._domainkey.example.com.
to-host.example.com. IN CNAME host.example.com.
dangling.example.com. IN CNAME gone.example.net.
loop1.example.com. IN CNAME loop2.example.com.
loop2.example.com. IN CNAME loop1.example.com.
{CHAIN}c20.example.com. IN TXT "end of a chain of twenty"
c5b.example.com. IN CNAME c3.example.com.
big._domainkey.example.com. IN TXT {BIG}
huge._domainkey.example.com. IN TXT {HUGE}
huge._domainkey.example.com. IN TXT "2" {HUGE}
*.wild.example.com. IN TXT "a wildcard is held as a name, not expanded"
to-broken.example.com. IN CNAME broken._domainkey.example.com.
to-slow.example.com. IN CNAME slow._domainkey.example.com.
nosoa._domainkey.example.org. IN TXT "v=DKIM1; p=ORG"
;! broken._domainkey.example.com. SERVFAIL
;! refused._domainkey.example.com. REFUSED
;! hidden._domainkey.example.com. NXDOMAIN
hidden._domainkey.example.com. IN TXT "hidden by the directive"
;! slow._domainkey.example.com. TIMEOUT
;! looped._domainkey.example.com. LOOP
;! cut._domainkey.example.com. TRUNCATE
"""
BAD_NAMES = ["a..b.example.com", "x" * 64 + ".example.com", ".".join(["y" * 60] * 5)]


def _edge(tmp: Path) -> Path:
    path = tmp / "edge.zone"
    path.write_text(EDGE)
    return path


@pytest.fixture(scope="module")
def edge_zone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _edge(tmp_path_factory.mktemp("zone"))


def in_memory(*zones: Path, timeout: float = TIMEOUT) -> ZoneResolver:
    """The resolver `--zone` builds, without its cache."""
    with ResolverSpec.from_options(timeout=timeout, zones=zones).open() as resolver:
        assert isinstance(resolver.inner, ZoneResolver)
        return resolver.inner


# --- the in-memory resolver: each outcome --------------------------------------------------


def test_records_ttls_and_the_server_named(edge_zone: Path) -> None:
    r = in_memory(edge_zone)
    multi = r.query("Multi._DomainKey.example.com")
    assert multi == DnsAnswer(
        "Multi._DomainKey.example.com.", "TXT", DnsStatus.OK,
        ((b"second record",), (b"v=DKIM1; k=rsa; ", b"p=AAAA", b"BBBB")),
        (), 300, f"zone file {edge_zone}",
    )  # fmt: skip
    assert r.query("short._domainkey.example.com").ttl == 60
    assert r.query("host.example.com", "A").records == ((b"192.0.2.1",),)
    assert r.query("big._domainkey.example.com").joined() == (b"k" * 5000,)  # over TCP today
    assert r.query("*.wild.example.com").status is DnsStatus.OK
    assert r.query("any.wild.example.com").status is DnsStatus.NXDOMAIN  # exact names only


def test_nxdomain_and_nodata_with_their_negative_ttls(edge_zone: Path) -> None:
    r = in_memory(edge_zone)
    nx = r.query("nope._domainkey.example.com")
    assert (nx.status, nx.ttl, nx.records) == (DnsStatus.NXDOMAIN, 120, ())  # the SOA minimum
    assert r.query("host.example.com").status is DnsStatus.NODATA
    ent = r.query("ent.example.com")  # an empty non-terminal exists (RFC 8020)
    assert (ent.status, ent.ttl) == (DnsStatus.NODATA, 120)
    assert r.query("other._domainkey.example.org").ttl == 300  # no SOA: NEGATIVE_TTL
    hidden = r.query("hidden._domainkey.example.com")  # ;! NXDOMAIN hides the record
    assert hidden.status is DnsStatus.NXDOMAIN


def test_cname_chains_dangling_targets_and_loops(edge_zone: Path) -> None:
    r = in_memory(edge_zone)
    alias = r.query("alias.example.com")
    assert alias.status is DnsStatus.OK and alias.cname_chain == (
        ("alias.example.com.", "alias2.example.com."),
        ("alias2.example.com.", "multi._domainkey.example.com."),
    )
    to_host = r.query("to-host.example.com")  # the target holds no TXT: NODATA, chain kept
    assert to_host.status is DnsStatus.NODATA and to_host.cname_chain[-1][1] == "host.example.com."
    dangling = r.query("dangling.example.com")
    assert dangling.status is DnsStatus.NXDOMAIN
    assert dangling.cname_chain == (("dangling.example.com.", "gone.example.net."),)
    assert r.query("loop1.example.com").status is DnsStatus.SERVFAIL  # a loop in the data
    assert r.query("c0.example.com").status is DnsStatus.SERVFAIL  # longer than 16 hops
    assert r.query("c5.example.com").joined() == (b"end of a chain of twenty",)
    assert r.query("alias.example.com", "CNAME").records == ((b"alias2.example.com.",),)


def test_directives_and_broken_answers(edge_zone: Path) -> None:
    # A TIMEOUT name is answered at once, in a timeout's words (this test would take 60 s
    # if it waited): the --timeout given is what it stands for.
    r = in_memory(edge_zone, timeout=60)
    label = f"zone file {edge_zone}"
    for name, status in [("broken", DnsStatus.SERVFAIL), ("refused", DnsStatus.REFUSED)]:
        a = r.query(f"{name}._domainkey.example.com")
        assert (a.status, a.server, a.detail) == (status, label, f"rcode {status.name}")
    assert r.query("to-broken.example.com").status is DnsStatus.SERVFAIL  # at the target too
    for name in ("slow._domainkey.example.com", "to-slow.example.com"):
        slow = r.query(name)
        assert (slow.status, slow.detail) == (DnsStatus.TIMEOUT, "no answer within 60 s")
    looped = r.query("looped._domainkey.example.com")
    assert looped.status is DnsStatus.ERROR and looped.detail == (
        "CNAME loop: looped._domainkey.example.com. -> loop.looped._domainkey.example.com."
        " -> looped._domainkey.example.com."
    )
    truncated = "the answer was truncated (TC) over UDP and again over TCP"
    assert r.query("cut._domainkey.example.com").detail == truncated
    assert r.query("huge._domainkey.example.com").detail == truncated  # over 64 KiB
    for bad in BAD_NAMES:  # never raises: an error answer, as from a server
        assert r.query(bad).status is DnsStatus.ERROR


# --- one differential test: the same answers as the loopback server's through the client -------


def _zone_files() -> list[Path]:
    files = sorted(FIXTURES.glob("*/zone")) + sorted((FIXTURES / "doctor").glob("*.zone"))
    return files + sorted(CORPUS.glob("*/zone.txt"))


def _names_in(path: Path) -> set[tuple[str, str]]:
    """Every name the zone holds or implies, with its types; their parents (empty
    non-terminals, zone cuts), a child that does not exist and the name in capitals."""
    zone = Zone([read_zone(path)])
    asked: set[tuple[str, str]] = set()
    for name, rrsets in zone.data.items():
        text = name.to_text()
        types = {dns.rdatatype.to_text(t) for t, _ in rrsets} | {"TXT", "CNAME"}
        asked |= {(text, t) for t in types}
        asked |= {(f"nope.{text}", "TXT"), (text.upper(), "TXT")}
        while len(name) > 2:
            name = name.parent()
            asked |= {(name.to_text(), "TXT"), (name.to_text(), "SOA")}
    return asked | {(name.to_text(), "TXT") for name in zone.faults}


def _names_asked_by_the_fixture(path: Path, server: ZoneServer) -> set[tuple[str, str]]:
    """What checking the fixture's message asks (its keys, probes, DMARC, ARC), as the
    server logged it."""
    message = path.parent / "message.eml"
    if path.name != "zone" or not message.exists():
        return set()
    server.reset_queries()
    resolver = CachingResolver(DnsPythonResolver([Nameserver(server.host, server.port)], SHORT))
    analyze(message.read_bytes(), resolver, now=1763990000)
    return {(q.name, q.rdtype) for q in server.queries}


def _unserved(answer: DnsAnswer) -> DnsAnswer:
    return dataclasses.replace(answer, server=None)


@pytest.mark.parametrize(
    "path",
    [*_zone_files(), None],
    ids=lambda p: "edge" if p is None else p.parent.name + "/" + p.name,
)
def test_in_memory_answers_equal_the_servers_through_the_real_client(
    path: Path | None, tmp_path: Path
) -> None:
    path = path or _edge(tmp_path)
    with ZoneServer([path]) as server:
        asked = _names_in(path) | _names_asked_by_the_fixture(path, server)
        asked |= {(bad, "TXT") for bad in BAD_NAMES}
        asked |= {("nothing.invalid.", "TXT"), (".", "SOA"), ("example.com", "NS")}
        asked |= {("ü.example", "TXT"), ("s1._domainkey.example.com", "BOGUS")}
        # What the zone says never answers is asked with a short --timeout on both sides
        # (the words name it), all else with one a loaded machine cannot miss.
        sides = {
            t: (
                DnsPythonResolver([Nameserver(server.host, server.port)], t),
                in_memory(path, timeout=t),
            )
            for t in (TIMEOUT, SHORT)
        }
        for name, rdtype in sorted(asked):
            timeout = SHORT if _times_out(sides[SHORT][1].query(name, rdtype)) else TIMEOUT
            client, memory = sides[timeout]
            over_the_wire, from_memory = client.query(name, rdtype), memory.query(name, rdtype)
            assert _unserved(from_memory) == _unserved(over_the_wire), (name, rdtype)
            if from_memory.server is not None:
                assert from_memory.server == f"zone file {path}"


def _times_out(answer: DnsAnswer) -> bool:
    return answer.status is DnsStatus.TIMEOUT


# --- ResolverSpec: one picklable description, one factory -------------------------------------


def _answers(spec: ResolverSpec, names: Iterable[str]) -> list[DnsAnswer]:
    """In a spawned process: the resolver the spec describes, asked for each name."""
    with spec.open() as resolver:
        return [resolver.query(name) for name in names]


SPAWN_NAMES = ["multi._domainkey.example.com", "alias.example.com", "nope.example.com",
               "ent.example.com", "slow._domainkey.example.com", "broken._domainkey.example.com",
               "s2025._domainkey.example.com"]  # fmt: skip


def test_spec_pickles_and_builds_the_same_resolver_in_a_spawned_process(tmp_path: Path) -> None:
    edge, plain = _edge(tmp_path), tmp_path / "plain.zone"
    plain.write_bytes((FIXTURES / "plain" / "zone").read_bytes())
    spec = ResolverSpec.from_options(["192.0.2.1"], 1.5, [edge, plain])
    assert spec.nameservers == ()  # zone files answer alone, as before
    assert spec.zones == (ZoneText(str(edge), EDGE), ZoneText(str(plain), plain.read_text()))
    assert pickle.loads(pickle.dumps(spec)) == spec
    here = _answers(spec, SPAWN_NAMES)
    edge.unlink()  # the content travels in the spec: the other process reads no file
    plain.unlink()
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        there = pool.submit(_answers, spec, SPAWN_NAMES).result(timeout=120)
    assert there == here
    assert [a.status.value for a in here] == ["ok", "ok", "nxdomain", "nodata", "timeout",
                                              "servfail", "ok"]  # fmt: skip
    assert {a.server for a in here} == {f"zone file {edge}, {plain}"}


def test_spec_of_nameservers_builds_the_same_client_in_a_spawned_process(tmp_path: Path) -> None:
    with ZoneServer([_edge(tmp_path)]) as server:
        spec = ResolverSpec.from_options([server.address], 1.5)
        assert spec == ResolverSpec((Nameserver(server.host, server.port),), 1.5)
        with spec.open() as resolver:
            assert isinstance(resolver.inner, DnsPythonResolver) and resolver.spec == spec
        here = _answers(spec, SPAWN_NAMES[:4])
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            there = pool.submit(_answers, spec, SPAWN_NAMES[:4]).result(timeout=120)
    assert there == here and here[0].status is DnsStatus.OK and here[0].server == server.address


def test_open_resolver_is_the_spec_opened(tmp_path: Path) -> None:
    edge = _edge(tmp_path)
    with open_resolver(["192.0.2.1"], 3.0, [edge]) as resolver:
        assert resolver.spec == ResolverSpec(timeout=3.0, zones=(read_zone(edge),))
        assert isinstance(resolver.inner, ZoneResolver)
    with pytest.raises(UsageError, match=r"bad zone file .*missing\.zone: cannot read"):
        ResolverSpec.from_options(zones=[tmp_path / "missing.zone"])
    bad = tmp_path / "bad.zone"
    bad.write_text('$TTL 60\nok.example. IN TXT "x"\nbad.example. IN BOGUS x\n')
    with pytest.raises(UsageError, match="line 3"):
        ResolverSpec.from_options(zones=[bad])


# --- the CLI: no server, the same report --------------------------------------------------------

_WATCH = """
import sys, threading
seen = set()
sys.addaudithook(lambda event, args: seen.add(event) if event.startswith("socket.") else None)
threading.setprofile(lambda *args: seen.add("thread " + threading.current_thread().name))
from analyzer.cli import main
sys.argv = ["dkim-analyzer", *sys.argv[1:]]
try:
    main()
except SystemExit as e:
    print(json.dumps({"exit": e.code, "seen": sorted(seen)}), file=sys.stderr)
"""


@pytest.mark.parametrize("case", ["plain", "dns-timeout", "key-nxdomain"])
def test_check_zone_opens_no_socket_and_starts_no_thread(case: str) -> None:
    """A socket (socket.__new__, audited) or a thread (threading's profile hook, set in each
    new thread) is seen; before, --zone started a loopback server: both."""
    run = subprocess.run(
        [sys.executable, "-c", "import json\n" + _WATCH, "check", "--zone",
         str(FIXTURES / case / "zone"), str(FIXTURES / case / "message.eml")],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    watched = json.loads(run.stderr.splitlines()[-1])
    assert watched["seen"] == [] and watched["exit"] in (0, 1, 75), run.stderr


def test_a_zone_timeout_is_reported_as_a_timeout_is() -> None:
    """exit 75, temperror / dns_error, and the evidence in a timeout's words with the
    --timeout given (5 s by default), at once."""
    case = FIXTURES / "dns-timeout"
    run = run_cli("check", "--format", "json", "--now", "2025-11-25", "--zone",
                  str(case / "zone"), str(case / "message.eml"))  # fmt: skip
    message = run.json()["messages"][0]
    slow = [s for s in message["signatures"] if s["selector"] == "slow"]
    assert run.exit_code == 75 and slow and slow[0]["result"] == "temperror"
    dns_evidence = json.dumps(slow[0])
    assert "no answer within 5 s" in dns_evidence and f"zone file {case / 'zone'}" in dns_evidence


def test_scan_zone_gives_what_check_zone_gives(tmp_path: Path) -> None:
    """`scan --zone -j 2`: the parent and its workers answer from the same zones in memory."""
    cases = ["plain", "key-nxdomain", "selector-typo", "dns-timeout", "dmarc-org-domain",
             "list-arc", "cname-txt-servfail"]  # fmt: skip
    cases = [c for c in cases if (FIXTURES / c / "message.eml").exists()]
    zones = [arg for c in cases for arg in ("--zone", str(FIXTURES / c / "zone"))]
    mbox = tmp_path / "cases.mbox"
    mbox.write_bytes(to_mbox(*[(FIXTURES / c / "message.eml").read_bytes() for c in cases]))
    run = run_cli("scan", "--format", "jsonl", "-j", "2", "--now", "2025-11-25", *zones, str(mbox))
    scanned = [json.loads(line) for line in run.stdout.splitlines()]
    checked = run_cli("check", "--format", "json", "--now", "2025-11-25", *zones, str(mbox))
    assert scanned == checked.json()["messages"] and len(scanned) == len(cases) >= 6


def test_scan_workers_build_the_parents_resolver_from_settings(tmp_path: Path) -> None:
    """Settings.dns is the parent's ResolverSpec (zone text and all), and a worker's resolver
    for what was not asked ahead is built from it: before, a worker was given the parent's
    nameservers alone, and --zone had none but a loopback server's."""
    spec = ResolverSpec.from_options(timeout=1.0, zones=[_edge(tmp_path)])
    mbox = tmp_path / "one.mbox"
    mbox.write_bytes(to_mbox(*[(FIXTURES / "plain" / "message.eml").read_bytes()] * 2))
    settings = scan_module.Settings(1763990000, scan_module.ScanFormat.JSONL)
    summary = scan_module.run_scan(
        [str(mbox)], settings, jobs=1, open_dns=spec.open, write=lambda _: None
    )  # jobs=1: the worker is a thread of this process
    assert summary.messages == 2
    from analyzer.scan import plan as scan_plan

    worker = scan_plan._own[spec]  # what the worker built from settings.dns
    assert isinstance(worker.inner, ZoneResolver) and worker.spec == spec
    assert worker.query("alias.example.com").status is DnsStatus.OK


def test_a_record_no_dns_message_can_carry_is_a_bad_zone_file(tmp_path: Path) -> None:
    # Before, the loopback server took it, and the thread answering UDP died on its first
    # query for it: every later lookup of the run timed out.
    zone = tmp_path / "zone"
    record = " ".join([f'"{"b" * 255}"'] * 260)
    zone.write_text(f'$TTL 60\nok.example. IN TXT "x"\nbig.example. IN TXT {record}\n')
    run = run_cli("check", "--zone", str(zone), str(FIXTURES / "plain" / "message.eml"))
    assert run.exit_code == 2
    assert run.stderr == (
        f"dkim-analyzer: error: bad zone file {zone}, line 3: a TXT record over 65,535 bytes\n"
    )
