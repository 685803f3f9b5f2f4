"""All DNS I/O: the Resolver protocol, the dnspython resolver and a TTL cache.

dnspython's exceptions become DnsAnswer values here, once (STYLE habit 5). Each
answer keeps what a postmaster needs to see: the name asked, the outcome with
NXDOMAIN and NODATA kept apart, the CNAME chain, every TXT record's strings,
the TTL and the server that answered.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver

from analyzer.errors import UsageError
from analyzer.model import DnsAnswer, DnsStatus

EDNS_PAYLOAD = 4096  # a 4096-bit key's TXT fits in one UDP answer (no TCP retry)
MAX_CNAME_HOPS = 8
NEGATIVE_TTL = 300  # RFC 2308 would take the SOA minimum; stubs rarely see it
MAX_CACHE_TTL = 3600


class Resolver(Protocol):
    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer: ...


@dataclass(frozen=True, slots=True)
class Nameserver:
    host: str
    port: int = 53
    label: str | None = None  # how to name it in evidence (a zone file, say)

    def __str__(self) -> str:
        if self.label:
            return self.label
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_nameserver(spec: str, option: str = "--nameserver") -> Nameserver:
    """HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address. Raises UsageError."""
    host, port = spec.strip(), "53"
    if host.startswith("[") and "]" in host:
        host, _, rest = host[1:].partition("]")
        port = rest.lstrip(":") or "53"
    elif host.count(":") == 1:
        host, port = host.split(":")
    if not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise UsageError(f"{option} {spec!r}: expected HOST or HOST:PORT")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            host = socket.gethostbyname(host)
        except OSError as e:
            raise UsageError(f"{option} {spec!r}: cannot resolve {host}: {e}") from e
    return Nameserver(host, int(port))


def system_nameservers() -> list[Nameserver]:
    try:
        conf = dns.resolver.Resolver(configure=True)
    except dns.exception.DNSException:
        return []
    return [Nameserver(str(ns), 53) for ns in conf.nameservers]


class DnsPythonResolver:
    """Asks each nameserver in turn (EDNS, UDP with TCP fallback) until one answers."""

    def __init__(self, nameservers: Sequence[Nameserver], timeout: float = 5.0) -> None:
        self.nameservers = list(nameservers)
        self.timeout = timeout

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        qname = name.rstrip(".") + "."
        chain: list[tuple[str, str]] = []
        target = qname
        for _ in range(MAX_CNAME_HOPS):
            answer = self._ask(target, rdtype)
            answer = replace(answer, name=qname, cname_chain=tuple(chain) + answer.cname_chain)
            end = answer.cname_chain[-1][1] if answer.cname_chain else None
            # A server authoritative only for the first name may hand back a bare CNAME:
            # follow it ourselves, as a recursive resolver would.
            if (
                answer.status is DnsStatus.NODATA
                and end
                and end != target
                and end not in dict(chain)
            ):
                chain = list(answer.cname_chain)
                target = end
                continue
            return answer
        return DnsAnswer(
            qname, rdtype, DnsStatus.ERROR, cname_chain=tuple(chain), detail="CNAME chain too long"
        )

    def ask(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        """One query, with no CNAME chased beyond the answer: what these servers hold.

        For asking an authoritative server about its own zone (propagation checks);
        a CNAME it holds is in `cname_chain` even when it cannot answer for the target.
        """
        return self._ask(name.rstrip(".") + ".", rdtype)

    def _ask(self, qname: str, rdtype: str) -> DnsAnswer:
        if not self.nameservers:
            return DnsAnswer(qname, rdtype, DnsStatus.ERROR, detail="no nameserver configured")
        failures: list[DnsAnswer] = []
        for ns in self.nameservers:
            result = self._ask_one(ns, qname, rdtype)
            if not result.status.temporary:
                return result
            failures.append(result)
        # Every server failed: report the most telling failure (SERVFAIL over timeout).
        order = [DnsStatus.SERVFAIL, DnsStatus.REFUSED, DnsStatus.TIMEOUT, DnsStatus.ERROR]
        return min(failures, key=lambda a: order.index(a.status))

    def _ask_one(self, ns: Nameserver, qname: str, rdtype: str) -> DnsAnswer:
        server = str(ns)
        try:
            q = dns.message.make_query(qname, rdtype, use_edns=0, payload=EDNS_PAYLOAD)
            q.flags |= dns.flags.RD
            response, _ = dns.query.udp_with_fallback(
                q, ns.host, timeout=self.timeout, port=ns.port
            )
        except dns.exception.Timeout:
            return DnsAnswer(
                qname,
                rdtype,
                DnsStatus.TIMEOUT,
                server=server,
                detail=f"no answer within {self.timeout:g} s",
            )
        except (dns.exception.DNSException, OSError, ValueError) as e:
            return DnsAnswer(
                qname,
                rdtype,
                DnsStatus.ERROR,
                server=server,
                detail=f"{type(e).__name__}: {e}"[:300],
            )
        return _from_response(qname, rdtype, response, server)


def _from_response(
    qname: str, rdtype: str, response: dns.message.Message, server: str
) -> DnsAnswer:
    rcode = response.rcode()
    chain, records, ttl = _walk_answer(qname, rdtype, response)
    if rcode == dns.rcode.NXDOMAIN:
        status = DnsStatus.NXDOMAIN
    elif rcode == dns.rcode.SERVFAIL:
        status = DnsStatus.SERVFAIL
    elif rcode == dns.rcode.REFUSED:
        status = DnsStatus.REFUSED
    elif rcode != dns.rcode.NOERROR:
        return DnsAnswer(
            qname,
            rdtype,
            DnsStatus.ERROR,
            server=server,
            detail=f"rcode {dns.rcode.to_text(rcode)}",
        )
    else:
        status = DnsStatus.OK if records else DnsStatus.NODATA
    if status is DnsStatus.NODATA or status is DnsStatus.NXDOMAIN:
        ttl = _negative_ttl(response)
    return DnsAnswer(
        qname,
        rdtype,
        status,
        tuple(records),
        tuple(chain),
        ttl,
        server,
        None
        if status in (DnsStatus.OK, DnsStatus.NODATA, DnsStatus.NXDOMAIN)
        else f"rcode {dns.rcode.to_text(rcode)}",
    )


def _walk_answer(
    qname: str, rdtype: str, response: dns.message.Message
) -> tuple[list[tuple[str, str]], list[tuple[bytes, ...]], int | None]:
    """Follow the CNAMEs in the answer section from qname; collect the final records."""
    want = dns.rdatatype.from_text(rdtype)
    by_owner = {(rr.name.to_text().lower(), rr.rdtype): rr for rr in response.answer}
    chain: list[tuple[str, str]] = []
    current = qname.lower()
    for _ in range(MAX_CNAME_HOPS + 1):
        final = by_owner.get((current, want))
        if final is not None:
            # An RRset has no order (RFC 2181 §5) and servers rotate it: sort, so that
            # the same DNS data always gives the same report.
            if want == dns.rdatatype.TXT:
                records = sorted(tuple(rd.strings) for rd in final)
            else:
                records = sorted((rd.to_text().encode(),) for rd in final)
            return chain, records, final.ttl
        cname = by_owner.get((current, dns.rdatatype.CNAME))
        if cname is None or want == dns.rdatatype.CNAME:
            break
        target = next(iter(cname)).target.to_text().lower()
        chain.append((current, target))
        current = target
    return chain, [], None


def _negative_ttl(response: dns.message.Message) -> int:
    for rrset in response.authority:
        if rrset.rdtype == dns.rdatatype.SOA:
            return int(min(rrset.ttl, next(iter(rrset)).minimum))  # RFC 2308 §5
    return NEGATIVE_TTL


class CachingResolver:
    """One lookup per (name, type) per run, honouring TTL; negative answers cached too.

    Concurrent callers asking the same name wait for the one query in flight.
    """

    def __init__(self, inner: Resolver, clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, DnsAnswer]] = {}
        self._inflight: dict[tuple[str, str], threading.Event] = {}
        self.lookups = 0

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        key = (name.lower().rstrip("."), rdtype.upper())
        while True:
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None and entry[0] > self.clock():
                    return entry[1]
                event = self._inflight.get(key)
                if event is None:
                    event = self._inflight[key] = threading.Event()
                    break
            event.wait()
        try:
            answer = self.inner.query(name, rdtype)
            self.lookups += 1
            ttl = 0 if answer.status.temporary else min(answer.ttl or 0, MAX_CACHE_TTL)
            # A temporary failure is kept for the rest of this run (60 s): one slow
            # server must not be asked again for every message of a batch.
            ttl = max(ttl, 60)
            with self._lock:
                self._entries[key] = (self.clock() + ttl, answer)
            return answer
        finally:
            with self._lock:
                self._inflight.pop(key, None)
            event.set()


@contextlib.contextmanager
def open_resolver(
    nameservers: Sequence[str] = (), timeout: float = 5.0, zones: Sequence[Path] = ()
) -> Iterator[CachingResolver]:
    """The resolver the CLI uses: zone files (served on loopback), given servers, or the system's."""
    if zones:
        from analyzer.zoneserver import ZoneFileError, ZoneServer

        try:
            server = ZoneServer(zones)
        except ZoneFileError as e:
            raise UsageError(str(e)) from e
        with server:
            label = "zone file " + ", ".join(str(z) for z in zones)
            ns = [Nameserver(server.host, server.port, label)]
            yield CachingResolver(DnsPythonResolver(ns, timeout))
        return
    servers = [parse_nameserver(s) for s in nameservers] or system_nameservers()
    yield CachingResolver(DnsPythonResolver(servers, timeout))
