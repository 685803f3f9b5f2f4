"""The loopback zone server, driven by dnspython's real resolver and query code."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dns.flags
import dns.message
import dns.name
import dns.nameserver
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver
import pytest

from tests.nanoserver import Query, ZoneFileError, ZoneServer

# A 4096-bit RSA key is 736 base64 characters: the answer is ~850 bytes,
# over the 512 a UDP reply may carry without EDNS.
BIG_KEY = "v=DKIM1; k=rsa; p=" + "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA" * 17
BIG_TXT = " ".join(f'"{BIG_KEY[i : i + 255]}"' for i in range(0, len(BIG_KEY), 255))

ZONE = f"""\
$TTL 300
$ORIGIN example.com.
@            IN SOA ns hostmaster 1 7200 900 1209600 60
multi._domainkey  IN TXT "v=DKIM1; k=rsa; " "p=AAAA" "BBBB"
multi._domainkey  IN TXT "second record"
s1._domainkey     IN TXT "v=DKIM1; p=S1"
host              IN A 192.0.2.1
alias             IN CNAME alias2
alias2            IN CNAME s1._domainkey
dangling          IN CNAME gone.example.net.
loop1             IN CNAME loop2
loop2             IN CNAME loop1
big._domainkey    IN TXT {BIG_TXT}
other._domainkey.example.org. IN TXT "v=DKIM1; p=ORG"
"""


@pytest.fixture(scope="module")
def shared() -> Iterator[ZoneServer]:
    with ZoneServer(texts=[ZONE]) as server:
        yield server


@pytest.fixture
def server(shared: ZoneServer) -> ZoneServer:
    shared.clear_faults()
    shared.latency = 0.0
    shared.reset_queries()
    return shared


def resolver(server: ZoneServer, lifetime: float = 2.0) -> dns.resolver.Resolver:
    res = dns.resolver.Resolver(configure=False)
    res.nameservers = [dns.nameserver.Do53Nameserver("127.0.0.1", server.port)]
    res.lifetime = lifetime
    return res


def txt(server: ZoneServer, name: str) -> set[tuple[bytes, ...]]:
    return {tuple(r.strings) for r in resolver(server).resolve(name, "TXT")}


def udp(server: ZoneServer, name: str, rdtype: str = "TXT") -> dns.message.Message:
    query = dns.message.make_query(name, rdtype)
    return dns.query.udp(query, "127.0.0.1", port=server.port, timeout=2)


def test_txt_strings_and_records_intact(server: ZoneServer) -> None:
    assert txt(server, "multi._domainkey.example.com.") == {
        (b"v=DKIM1; k=rsa; ", b"p=AAAA", b"BBBB"),
        (b"second record",),
    }
    assert txt(server, "other._domainkey.example.org.") == {(b"v=DKIM1; p=ORG",)}


def test_names_are_case_insensitive(server: ZoneServer) -> None:
    assert txt(server, "S1._DomainKey.EXAMPLE.com.") == {(b"v=DKIM1; p=S1",)}


def test_nxdomain_vs_nodata(server: ZoneServer) -> None:
    res = resolver(server)
    with pytest.raises(dns.resolver.NXDOMAIN):
        res.resolve("nope._domainkey.example.com.", "TXT")
    with pytest.raises(dns.resolver.NoAnswer):
        res.resolve("host.example.com.", "TXT")  # name exists, type does not
    with pytest.raises(dns.resolver.NoAnswer):
        res.resolve("_domainkey.example.com.", "TXT")  # empty non-terminal
    reply = udp(server, "_domainkey.example.com.")
    assert reply.rcode() == dns.rcode.NOERROR and not reply.answer
    assert reply.authority[0].rdtype == dns.rdatatype.SOA  # RFC 2308 negative TTL


def test_cname_chain_followed(server: ZoneServer) -> None:
    answer = resolver(server).resolve("alias.example.com.", "TXT")
    assert answer.canonical_name == dns.name.from_text("s1._domainkey.example.com.")
    assert len(answer.chaining_result.cnames) == 2
    assert [r.strings for r in answer] == [(b"v=DKIM1; p=S1",)]


def test_dangling_cname_is_nxdomain_with_chain(server: ZoneServer) -> None:
    with pytest.raises(dns.resolver.NXDOMAIN) as caught:
        resolver(server).resolve("dangling.example.com.", "TXT")
    assert caught.value.canonical_name == dns.name.from_text("gone.example.net.")
    reply = udp(server, "dangling.example.com.")
    assert reply.rcode() == dns.rcode.NXDOMAIN
    assert reply.answer[0].rdtype == dns.rdatatype.CNAME


def test_cname_loop_is_servfail(server: ZoneServer) -> None:
    with pytest.raises(dns.resolver.NoNameservers):
        resolver(server).resolve("loop1.example.com.", "TXT")
    assert udp(server, "loop1.example.com.").rcode() == dns.rcode.SERVFAIL


def test_servfail_refuse_nxdomain_faults(server: ZoneServer) -> None:
    server.servfail("s1._domainkey.example.com")
    server.refuse("HOST.example.com.")
    server.nxdomain("multi._domainkey.example.com.")
    res = resolver(server)
    for name in ("s1._domainkey.example.com.", "host.example.com."):
        with pytest.raises(dns.resolver.NoNameservers):
            res.resolve(name, "TXT")
    with pytest.raises(dns.resolver.NXDOMAIN):
        res.resolve("multi._domainkey.example.com.", "TXT")
    assert udp(server, "host.example.com.", "A").rcode() == dns.rcode.REFUSED
    server.clear_faults()
    assert txt(server, "s1._domainkey.example.com.") == {(b"v=DKIM1; p=S1",)}


def test_drop_times_out(server: ZoneServer) -> None:
    server.drop("s1._domainkey.example.com.")
    with pytest.raises(dns.resolver.LifetimeTimeout):
        resolver(server, lifetime=0.3).resolve("s1._domainkey.example.com.", "TXT")


def test_fault_on_cname_target(server: ZoneServer) -> None:
    # The CNAME resolves but the TXT at its target SERVFAILs.
    server.servfail("s1._domainkey.example.com.")
    with pytest.raises(dns.resolver.NoNameservers):
        resolver(server).resolve("alias.example.com.", "TXT")
    assert udp(server, "alias.example.com.").rcode() == dns.rcode.SERVFAIL


def test_big_txt_over_udp_with_edns(server: ZoneServer) -> None:
    res = resolver(server)
    res.use_edns(0, 0, 4096)
    answer = res.resolve("big._domainkey.example.com.", "TXT")
    assert b"".join(answer[0].strings).decode() == BIG_KEY
    assert [q.transport for q in server.queries] == ["udp"]


def test_big_txt_truncated_without_edns_then_tcp(server: ZoneServer) -> None:
    reply = udp(server, "big._domainkey.example.com.")
    assert reply.flags & dns.flags.TC and not reply.answer
    server.reset_queries()
    answer = resolver(server).resolve("big._domainkey.example.com.", "TXT")
    assert b"".join(answer[0].strings).decode() == BIG_KEY
    assert [q.transport for q in server.queries] == ["udp", "tcp"]


def test_tcp_on_same_port_several_queries_per_connection(server: ZoneServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=2) as sock:
        for name in ("s1._domainkey.example.com.", "host.example.com."):
            query = dns.message.make_query(name, "TXT")
            dns.query.send_tcp(sock, query)
            reply, _ = dns.query.receive_tcp(sock)
            assert reply.id == query.id and reply.flags & dns.flags.AA
    assert [q.transport for q in server.queries] == ["tcp", "tcp"]


def test_query_log(server: ZoneServer) -> None:
    udp(server, "S1._domainkey.example.com.")
    query = dns.message.make_query("nope.example.com.", "A")
    dns.query.tcp(query, "127.0.0.1", port=server.port, timeout=2)
    assert server.query_count == 2
    assert server.queries == [
        Query("s1._domainkey.example.com.", "TXT", "udp"),
        Query("nope.example.com.", "A", "tcp"),
    ]
    server.reset_queries()
    assert server.query_count == 0


def test_latency_does_not_serialise_queries(server: ZoneServer) -> None:
    server.latency = 0.05
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            udp(server, "s1._domainkey.example.com.")
        except BaseException as e:  # reported by the assert below
            errors.append(e)

    threads = [threading.Thread(target=ask) for _ in range(20)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert not errors
    assert 0.05 <= elapsed < 0.6  # serial would be 20 * 0.05 = 1 s
    assert server.query_count == 20


def test_garbage_does_not_kill_server(
    server: ZoneServer, capfd: pytest.CaptureFixture[str]
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for junk in (b"", b"\x00", b"hello world", bytes(range(256)) * 4):
            sock.sendto(junk, ("127.0.0.1", server.port))
    for junk in (b"\x00\x05hello", b"\x00\x00", b"\xff"):
        with socket.create_connection(("127.0.0.1", server.port), timeout=2) as sock:
            sock.sendall(junk)
    # A response (QR set) sent as a query is ignored too.
    response = dns.message.make_response(dns.message.make_query("x.", "A"))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(response.to_wire(), ("127.0.0.1", server.port))
    assert txt(server, "s1._domainkey.example.com.") == {(b"v=DKIM1; p=S1",)}
    assert "Traceback" not in capfd.readouterr().err


def test_files_merge_and_directives(tmp_path: Path) -> None:
    first = tmp_path / "a.zone"
    first.write_text(
        "$TTL 300\n"
        'sel._domainkey.example.com. IN TXT "v=DKIM1; p=one" "more"\n'
        ";! dead._domainkey.example.com. TIMEOUT\n"
        ";! BROKEN._domainkey.example.com. servfail ; a comment\n"
        ";! gone._domainkey.example.com. NXDOMAIN\n"
        'gone._domainkey.example.com. IN TXT "hidden by the directive"\n'
    )
    second = tmp_path / "b.zone"
    second.write_text('$TTL 60\nsel._domainkey.example.com. IN TXT "two"\n')
    with ZoneServer([first, str(second)]) as server:
        server.clear_faults()  # run-time faults only: directives stay
        res = resolver(server, lifetime=0.3)
        answer = res.resolve("sel._domainkey.example.com.", "TXT")
        assert {tuple(r.strings) for r in answer} == {
            (b"v=DKIM1; p=one", b"more"),
            (b"two",),
        }
        assert answer.rrset is not None and answer.rrset.ttl == 60
        with pytest.raises(dns.resolver.LifetimeTimeout):
            res.resolve("dead._domainkey.example.com.", "TXT")
        with pytest.raises(dns.resolver.NoNameservers):
            res.resolve("broken._domainkey.example.com.", "TXT")
        with pytest.raises(dns.resolver.NXDOMAIN):
            res.resolve("gone._domainkey.example.com.", "TXT")


def test_bad_zone_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zone"
    bad.write_text('$TTL 300\nok.example. IN TXT "fine"\nbad.example. IN BOGUS x\n')
    with pytest.raises(ZoneFileError) as caught:
        ZoneServer([bad])
    assert str(bad) in str(caught.value) and "line 3" in str(caught.value)
    assert caught.value.line == 3 and "\n" not in str(caught.value)
    with pytest.raises(ZoneFileError, match="bad directive"):
        ZoneServer(texts=[";! x.example. EXPLODE\n"])
    with pytest.raises(ZoneFileError, match="cannot read"):
        ZoneServer([tmp_path / "missing.zone"])


def test_stop_is_quick_and_frees_the_port() -> None:
    server = ZoneServer(texts=['$TTL 1\na. IN TXT "x"\n']).start()
    port = server.port
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", port))


CORPUS_ZONE = Path("/work/shared/corpus/perl_mail_dkim/zone.txt")


@pytest.mark.skipif(not CORPUS_ZONE.exists(), reason="shared corpus not present")
def test_corpus_zone_file() -> None:
    with ZoneServer([CORPUS_ZONE]) as server:
        res = resolver(server)
        answer = res.resolve("test1._domainkey.messiah.edu.", "TXT")
        assert answer[0].strings[0].startswith(b"v=DKIM1; t=y;")
        with pytest.raises(dns.resolver.NoNameservers):
            res.resolve("test3._domainkey.blackhole2.messiah.edu.", "TXT")
        with pytest.raises(dns.resolver.NXDOMAIN):
            res.resolve("nonexistent._domainkey.messiah.edu.", "TXT")


def test_loop_fault_answers_noerror_with_a_loop(server: ZoneServer) -> None:
    server.loop("s1._domainkey.example.com")
    reply = udp(server, "s1._domainkey.example.com.")
    assert reply.rcode() == dns.rcode.NOERROR
    pairs = {(rr.name.to_text(), next(iter(rr)).target.to_text()) for rr in reply.answer}
    peer = "loop.s1._domainkey.example.com."
    assert pairs == {("s1._domainkey.example.com.", peer), (peer, "s1._domainkey.example.com.")}


def test_truncate_fault_sets_tc_over_udp_and_tcp(server: ZoneServer) -> None:
    server.truncate("s1._domainkey.example.com")
    query = dns.message.make_query("s1._domainkey.example.com.", "TXT")
    over_tcp = dns.query.tcp(query, "127.0.0.1", port=server.port, timeout=2)
    assert udp(server, "s1._domainkey.example.com.").flags & dns.flags.TC
    assert over_tcp.flags & dns.flags.TC and not over_tcp.answer


def test_bare_cnames_and_truncated_udp_knobs() -> None:
    with ZoneServer(texts=[ZONE], bare_cnames=True, truncate_udp=True) as hostile:
        query = dns.message.make_query("alias.example.com.", "TXT")
        assert dns.query.udp(query, "127.0.0.1", port=hostile.port, timeout=2).flags & dns.flags.TC
        reply = dns.query.tcp(query, "127.0.0.1", port=hostile.port, timeout=2)
        assert [rr.rdtype for rr in reply.answer] == [dns.rdatatype.CNAME]  # one hop only
