"""All DNS I/O: the Resolver protocol, the dnspython resolver, the zone-file resolver
(`--zone`, answered in memory), a TTL cache, and ResolverSpec, which builds them.

dnspython's exceptions become DnsAnswer values here, once (STYLE habit 5). Each
answer keeps what a postmaster needs to see: the name asked, the outcome with
NXDOMAIN and NODATA kept apart, the CNAME chain, every TXT record's strings,
the TTL and the server that answered.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import ipaddress
import os
import re
import resource
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

import dns.entropy
import dns.exception
import dns.flags
import dns.inet
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import dns.rrset

from analyzer.errors import UsageError
from analyzer.model import DnsAnswer, DnsStatus

if TYPE_CHECKING:
    from analyzer.zone import Zone, ZoneText

EDNS_PAYLOAD = 4096  # a 4096-bit key's TXT fits in one UDP answer (no TCP retry)
MAX_CNAME_HOPS = 8
MAX_TCP_MESSAGE = 65535  # a DNS message over TCP (RFC 1035 §4.2.2): larger ones are truncated
_TRUNCATED = "the answer was truncated (TC) over UDP and again over TCP"
NEGATIVE_TTL = 300  # RFC 2308 would take the SOA minimum; stubs rarely see it
MAX_CACHE_TTL = 3600
MAX_CACHE_ENTRIES = 2048  # answers kept per run; the oldest goes first (a scan of distinct keys)
# (2,048: a mailbox's few hundred recurring senders, ~5 answers each; issue 15: 8,192 held
# ~3 MiB that a scan of new domains filled, none of it asked again)
# Bounds on the DNS conversation (README, "Limits"). --timeout bounds one query to one
# server; a lookup (every CNAME hop, UDP then TCP, each server in turn) ends after
# LOOKUP_TIMEOUTS times that; a message and a `dns` run each get a deadline and a number
# of lookups, after which lookups are not made and answer DnsStatus.BUDGET (temporary).
LOOKUP_TIMEOUTS = 2
MESSAGE_DNS_SECONDS = 20.0
MESSAGE_DNS_LOOKUPS = 128  # 16 signatures x (key + 5 probes), DMARC and ARC fit
# `dns DOMAIN` (27 common selectors, CNAME hops, probes, NS, DMARC): 10 x --timeout, 50 s
# at the default, at least RUN_DNS_SECONDS.
RUN_DNS_TIMEOUTS = 10
RUN_DNS_SECONDS = 5.0
RUN_DNS_LOOKUPS = 512
# Sockets open at once, process-wide: a quarter of the open-file limit, at most 32 (the
# scan's DNS threads). More would fail with EMFILE under a low `ulimit -n`.
_NOFILE = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
MAX_OPEN_SOCKETS = max(1, min(32, (_NOFILE if _NOFILE > 0 else 1024) // 4))
_SOCKETS = threading.BoundedSemaphore(MAX_OPEN_SOCKETS)
# This machine's limits, not the server's fault (socket(2), sendto(2)).
_LOCAL_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


class Resolver(Protocol):
    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer: ...


class HoldingResolver(Resolver, Protocol):
    """A Resolver that can say what it already holds for a name: `held` is the answer
    `query` would give at once, without asking anyone (None: ask `query`). BudgetResolver
    takes held answers without the layers of a lookup (a scan's worker holds nearly all)."""

    def held(self, name: str, rdtype: str = "TXT") -> DnsAnswer | None: ...


@dataclass(frozen=True, slots=True)
class Nameserver:
    host: str
    port: int = 53
    label: str | None = None  # how to name it in evidence (an NS name and its address, say)

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


class _Lookups:
    """One lookup: the query, then each CNAME hop the answer leaves to chase, in one lifetime.

    Subclasses say how one query is asked (`_ask`): of DNS servers (DnsPythonResolver), or of
    zone files in memory (ZoneResolver). Both then read the reply with _from_response.
    """

    def __init__(self, timeout: float, lifetime: float | None, clock: Callable[[], float]) -> None:
        self.timeout = timeout
        # One lookup, all hops and servers: a server that answers each query just in
        # time must not multiply --timeout by hops x transports x servers.
        self.lifetime = lifetime if lifetime is not None else timeout * LOOKUP_TIMEOUTS
        self.clock = clock

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        qname = name.rstrip(".") + "."
        deadline = self.clock() + self.lifetime
        chain: list[tuple[str, str]] = []
        target = qname
        for _ in range(MAX_CNAME_HOPS):
            answer = self._ask(target, rdtype, deadline)
            answer = replace(answer, name=qname, cname_chain=tuple(chain) + answer.cname_chain)
            end = answer.cname_chain[-1][1] if answer.cname_chain else None
            # A server authoritative only for the first name may hand back a bare CNAME:
            # follow it ourselves, as a recursive resolver would.
            if answer.status is DnsStatus.NODATA and end and end != target:
                if end in dict(chain):
                    return _loop(answer)
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
        return self._ask(name.rstrip(".") + ".", rdtype, self.clock() + self.lifetime)

    def _ask(self, qname: str, rdtype: str, deadline: float) -> DnsAnswer:
        raise NotImplementedError


class DnsPythonResolver(_Lookups):
    """Asks each nameserver in turn (EDNS, UDP with TCP fallback) until one answers."""

    def __init__(
        self,
        nameservers: Sequence[Nameserver],
        timeout: float = 5.0,
        *,
        lifetime: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(timeout, lifetime, clock)
        self.nameservers = list(nameservers)
        # Each server's name made once: every answer it gives holds the same string (the
        # run's cache keeps thousands of answers; the workers are sent them).
        self._labels: dict[Nameserver, str] = {}

    def _ask(self, qname: str, rdtype: str, deadline: float) -> DnsAnswer:
        if not self.nameservers:
            return DnsAnswer(qname, rdtype, DnsStatus.ERROR, detail="no nameserver configured")
        failures: list[DnsAnswer] = []
        for ns in self.nameservers:
            result = self._ask_one(ns, qname, rdtype, deadline)
            if not result.status.temporary or result.status is DnsStatus.LOCAL:
                return result  # an answer; or this machine cannot ask anyone either
            failures.append(result)
        # Every server failed: report the most telling failure (SERVFAIL over timeout).
        order = [DnsStatus.SERVFAIL, DnsStatus.REFUSED, DnsStatus.ERROR, DnsStatus.TIMEOUT]
        return min(failures, key=lambda a: order.index(a.status) if a.status in order else 9)

    def _ask_one(self, ns: Nameserver, qname: str, rdtype: str, deadline: float) -> DnsAnswer:
        server = self._labels.get(ns) or self._labels.setdefault(ns, str(ns))

        def timed_out(detail: str) -> DnsAnswer:
            return DnsAnswer(qname, rdtype, DnsStatus.TIMEOUT, server=server, detail=detail)

        def left() -> float:
            return min(self.timeout, deadline - self.clock())

        lifetime = f"no complete answer within {self.lifetime:g} s for the whole lookup"
        if left() <= 0:
            return timed_out(lifetime)
        if not _SOCKETS.acquire(timeout=max(left(), 0.0)):
            return DnsAnswer(qname, rdtype, DnsStatus.LOCAL,
                             detail=f"all {MAX_OPEN_SOCKETS} DNS sockets of this process stayed busy")  # fmt: skip
        try:
            qid = dns.entropy.random_16()
            try:
                response = _udp(qname, rdtype, qid, ns, left())
            except dns.message.Truncated:
                # RFC 7766 §5: retry over TCP, within what is left of the lookup.
                if left() <= 0:
                    return timed_out(lifetime)
                q = _make_query(qname, rdtype)
                q.id = qid
                response = dns.query.tcp(q, ns.host, timeout=left(), port=ns.port)
                if response.flags & dns.flags.TC:
                    # RFC 7766 §8: TC over TCP is meaningless; the answer is unusable.
                    return DnsAnswer(
                        qname, rdtype, DnsStatus.ERROR, server=server, detail=_TRUNCATED
                    )
        except dns.exception.Timeout:
            if deadline - self.clock() <= 0:
                return timed_out(lifetime)
            return timed_out(f"no answer within {self.timeout:g} s")
        except OSError as e:
            if e.errno in _LOCAL_ERRNOS:
                # The socket could not be made here: say so, and blame no server.
                name = errno.errorcode.get(e.errno or 0, "?")
                return DnsAnswer(qname, rdtype, DnsStatus.LOCAL,
                                 detail=f"{name}: {e.strerror}: a resource limit of this machine"
                                 " (ulimit -n, memory); no DNS server was asked")  # fmt: skip
            return _error(qname, rdtype, server, e)
        except (dns.exception.DNSException, ValueError) as e:
            return _error(qname, rdtype, server, e)
        finally:
            _SOCKETS.release()
        return _from_response(qname, rdtype, response, server)


class ZoneResolver(_Lookups):
    """Answers from zone files in memory (`--zone`): no server, no socket, no thread.

    Each query is made and its reply read as DnsPythonResolver makes and reads one off the
    network, so an answer is the DnsAnswer a server holding these zones gives through
    DnsPythonResolver (tests/test_zone.py holds the two equal), with `label` as its server.
    A reply over 64 KiB is the truncation a TCP reply would be. A ``;! NAME TIMEOUT`` name is
    answered at once with the timeout it stands for, in a real timeout's words ("no answer
    within N s"): nothing waits, so it spends none of a message's DNS time budget.
    """

    def __init__(
        self,
        zone: Zone,
        label: str,
        timeout: float = 5.0,
        *,
        lifetime: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(timeout, lifetime, clock)
        self.zone, self.label = zone, label

    def _ask(self, qname: str, rdtype: str, deadline: float) -> DnsAnswer:
        try:
            response = self.zone.respond(_make_query(qname, rdtype))
        except (dns.exception.DNSException, ValueError) as e:
            return _error(qname, rdtype, self.label, e)
        if response is None:
            return DnsAnswer(qname, rdtype, DnsStatus.TIMEOUT, server=self.label,
                             detail=f"no answer within {self.timeout:g} s")  # fmt: skip
        if response.flags & dns.flags.TC or not _fits(response, MAX_TCP_MESSAGE):
            return DnsAnswer(qname, rdtype, DnsStatus.ERROR, server=self.label, detail=_TRUNCATED)
        return _from_response(qname, rdtype, response, self.label)


def _make_query(qname: str, rdtype: str) -> dns.message.Message:
    q = dns.message.make_query(qname, rdtype, use_edns=0, payload=EDNS_PAYLOAD)
    q.flags |= dns.flags.RD
    return q


# A query's wire form made here, not by a dns.message.Message rendered to wire: building
# and rendering one was about two fifths of a query's CPU in the scan's DNS service. The
# bytes are _make_query(qname, rdtype).to_wire()'s (tests/test_dns_wire.py holds them
# equal): the header with RD and one question and one additional record, the name's
# labels, the type and class IN, and the EDNS OPT record (version 0, EDNS_PAYLOAD).
# Only names of plain labels are made here; any other (escapes, odd characters, a label
# too long) goes through dnspython, which parses it and says what is wrong with it.
_PLAIN_LABEL = re.compile(r"[A-Za-z0-9_-]{1,63}\Z")
_OPT = b"\x00\x00\x29" + EDNS_PAYLOAD.to_bytes(2, "big") + b"\x00\x00\x00\x00\x00\x00"


def query_wire(qname: str, rdtype: str, qid: int) -> bytes:
    """The query for `qname` (absolute, with its final dot) and `rdtype`, with ID `qid`."""
    labels = qname[:-1].split(".") if qname != "." else []
    code = dns.rdatatype.from_text(rdtype)
    if qname.endswith(".") and all(_PLAIN_LABEL.match(label) for label in labels):
        name = b"".join(bytes((len(label),)) + label.encode("ascii") for label in labels)
        if len(name) + 1 <= 255:
            header = qid.to_bytes(2, "big") + b"\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01"
            return header + name + b"\x00" + code.to_bytes(2, "big") + b"\x00\x01" + _OPT
    q = _make_query(qname, rdtype)
    q.id = qid
    return q.to_wire()


def _udp(qname: str, rdtype: str, qid: int, ns: Nameserver, timeout: float) -> dns.message.Message:
    """dns.query.udp(_make_query(qname, rdtype), ..., raise_on_truncation=True) with the
    query made by query_wire: the same socket, send, receive (a reply from another
    address raises UnexpectedSource; a truncated one, Truncated) and the same check that
    the reply answers this query (Message.is_response), else BadResponse."""
    af = dns.inet.af_for_address(ns.host)
    destination = dns.inet.low_level_address_tuple((ns.host, ns.port), af)
    expiration = time.time() + timeout
    with dns.query.make_socket(af, socket.SOCK_DGRAM) as s:
        dns.query.send_udp(s, query_wire(qname, rdtype, qid), destination, expiration)
        got = dns.query.receive_udp(s, destination, expiration, raise_on_truncation=True)
    response: dns.message.Message = got[0]
    if not _is_response(response, qid, qname, rdtype):
        raise dns.query.BadResponse
    return response


def _is_response(r: dns.message.Message, qid: int, qname: str, rdtype: str) -> bool:
    """Message.is_response of the query query_wire makes (a QUERY with one question)."""
    if r.flags & dns.flags.QR == 0 or r.id != qid or dns.opcode.from_flags(r.flags) != 0:
        return False
    if r.rcode() in _NO_QUESTION_NEEDED and len(r.question) == 0:
        return True
    asked = dns.rrset.RRset(dns.name.from_text(qname), dns.rdataclass.IN,
                            dns.rdatatype.from_text(rdtype))  # fmt: skip
    return len(r.question) > 0 and all(n == asked for n in r.question)


_NO_QUESTION_NEEDED = frozenset(
    {dns.rcode.FORMERR, dns.rcode.SERVFAIL, dns.rcode.NOTIMP, dns.rcode.REFUSED}
)


def _fits(response: dns.message.Message, size: int) -> bool:
    try:
        response.to_wire(max_size=size)
    except dns.exception.TooBig:
        return False
    return True


def _error(qname: str, rdtype: str, server: str, e: Exception) -> DnsAnswer:
    detail = f"{type(e).__name__}: {e}"[:300]
    return DnsAnswer(qname, rdtype, DnsStatus.ERROR, server=server, detail=detail)


def _loop(answer: DnsAnswer) -> DnsAnswer:
    """A CNAME chain that comes back to a name in it: no answer (RFC 1034 §3.6.2), temporary
    as far as a verifier can tell, never "no key"."""
    hops = " -> ".join([answer.cname_chain[0][0], *(t for _, t in answer.cname_chain)])
    return replace(answer, status=DnsStatus.ERROR, records=(), detail=f"CNAME loop: {hops}"[:300])


def _from_response(
    qname: str, rdtype: str, response: dns.message.Message, server: str
) -> DnsAnswer:
    rcode = response.rcode()
    chain, records, ttl = _walk_answer(qname, rdtype, response)
    if not records and chain and chain[-1][1] in {owner for owner, _ in chain}:
        # A loop inside one answer (a NOERROR reply that chases its own tail).
        return _loop(DnsAnswer(qname, rdtype, DnsStatus.ERROR, (), tuple(chain), None, server))
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
        if any(owner == target for owner, _ in chain):
            break  # a loop: the caller reports it
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

    def __init__(
        self,
        inner: Resolver,
        clock: Callable[[], float] = time.monotonic,
        *,
        spec: ResolverSpec | None = None,
    ) -> None:
        self.inner = inner
        self.clock = clock
        self.spec = spec  # how to build this resolver again elsewhere (a scan's workers)
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, DnsAnswer]] = {}
        self._inflight: dict[tuple[str, str], threading.Event] = {}
        self.lookups = 0

    def held(self, name: str, rdtype: str = "TXT") -> DnsAnswer | None:
        """The answer kept for (name, type) while its TTL lasts, else None (read without the
        lock: a dict read is atomic, and an entry being replaced reads as None: query it)."""
        entry = self._entries.get((name.lower().rstrip("."), rdtype.upper()))
        return entry[1] if entry is not None and entry[0] > self.clock() else None

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        # The type interned: each of the cache's thousands of keys holds the same "TXT".
        key = (name.lower().rstrip("."), sys.intern(rdtype.upper()))
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
            if answer.status in (DnsStatus.LOCAL, DnsStatus.BUDGET):
                return answer  # about this machine or this message, not about the name
            ttl = 0 if answer.status.temporary else min(answer.ttl or 0, MAX_CACHE_TTL)
            # A temporary failure is kept for the rest of this run (60 s): one slow
            # server must not be asked again for every message of a batch.
            ttl = max(ttl, 60)
            with self._lock:
                self._entries.pop(key, None)  # re-inserted last: the dict is oldest first
                self._entries[key] = (self.clock() + ttl, answer)
                if len(self._entries) > MAX_CACHE_ENTRIES:  # memory flat over any mailbox
                    del self._entries[next(iter(self._entries))]
            return answer
        finally:
            with self._lock:
                self._inflight.pop(key, None)
            event.set()


class BudgetResolver:
    """A deadline and a number of lookups for one message (or one `dns` run), over any Resolver.

    --timeout bounds one query; a hostile or broken server answering every query just in
    time would still stretch a message over minutes. Once the budget is spent, lookups are
    not made: they answer DnsStatus.BUDGET, a temporary outcome, and `exhausted` tells the
    report to say so. A lookup already under way ends within its own lifetime.

    The seconds counted are those spent waiting for answers, not the analysis's own work
    between lookups: a message whose forensics take long on a busy machine must not have
    its later keys reported as DNS failures (a verdict never depends on the machine's load).
    """

    def __init__(
        self,
        inner: Resolver,
        *,
        seconds: float | None = None,  # default MESSAGE_DNS_SECONDS
        lookups: int | None = None,  # default MESSAGE_DNS_LOOKUPS
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner, self.clock = inner, clock
        # What the inner resolver holds is taken at once: no wait to count (HoldingResolver).
        self._held: Callable[[str, str], DnsAnswer | None] | None = getattr(inner, "held", None)
        self.seconds = MESSAGE_DNS_SECONDS if seconds is None else seconds
        self.lookups = MESSAGE_DNS_LOOKUPS if lookups is None else lookups
        self.waited = 0.0  # seconds spent in lookups so far
        self._lock = threading.Lock()
        self.asked = 0
        self.skipped = 0

    @property
    def exhausted(self) -> bool:
        return self.skipped > 0

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        with self._lock:
            spent = self.asked >= self.lookups or self.waited >= self.seconds
            if spent:
                self.skipped += 1
            else:
                self.asked += 1
        if spent:
            detail = (
                f"not asked: the DNS budget ({self.lookups} lookups, {self.seconds:g} s) was spent"
            )
            return DnsAnswer(name.rstrip(".") + ".", rdtype, DnsStatus.BUDGET, detail=detail)
        if self._held is not None and (held := self._held(name, rdtype)) is not None:
            return held  # counted as a lookup made; no time waited for it
        started = self.clock()
        try:
            return self.inner.query(name, rdtype)
        finally:
            with self._lock:
                self.waited += self.clock() - started


@dataclass(frozen=True, slots=True)
class ResolverSpec:
    """The resolver the commands use, described: picklable, built the same in any process.

    Zone files are held as read (their text), so another process builds the same answers
    without reading them again (a pipe reads once; a file may change). `open()` builds it.
    """

    nameservers: tuple[Nameserver, ...] = ()
    timeout: float = 5.0
    zones: tuple[ZoneText, ...] = ()  # when given, they answer alone

    @classmethod
    def from_options(
        cls,
        nameservers: Sequence[str] = (),
        timeout: float = 5.0,
        zones: Sequence[str | os.PathLike[str]] = (),
    ) -> ResolverSpec:
        """From --nameserver, --timeout and --zone. Zone files are read and parsed here (a
        UsageError names the file and line); without them the servers given are parsed
        (UsageError), or this machine's are taken. --nameserver is not asked beside --zone."""
        if not zones:
            servers = [parse_nameserver(s) for s in nameservers] or system_nameservers()
            return cls(tuple(servers), timeout)
        from analyzer.zone import ZoneFileError, read_zone

        try:
            spec = cls(timeout=timeout, zones=tuple(read_zone(z) for z in zones))
        except ZoneFileError as e:
            raise UsageError(str(e)) from e
        _parsed_zones(spec.zones)  # parse errors now; the parse is kept for open()
        return spec

    @contextlib.contextmanager
    def open(self) -> Iterator[CachingResolver]:
        """The resolver: the zone files answered from memory, else the nameservers asked;
        with one cache for the run, which knows this spec (`CachingResolver.spec`)."""
        inner: Resolver
        if self.zones:
            label = "zone file " + ", ".join(z.label for z in self.zones)
            inner = ZoneResolver(_parsed_zones(self.zones), label, self.timeout)
        else:
            inner = DnsPythonResolver(self.nameservers, self.timeout)
        yield CachingResolver(inner, spec=self)


@functools.lru_cache(maxsize=4)
def _parsed_zones(zones: tuple[ZoneText, ...]) -> Zone:
    """Zone files parsed once per process (a scan's workers each build one). UsageError."""
    from analyzer.zone import Zone, ZoneFileError

    try:
        return Zone(zones)
    except ZoneFileError as e:
        raise UsageError(str(e)) from e


@contextlib.contextmanager
def open_resolver(
    nameservers: Sequence[str] = (),
    timeout: float = 5.0,
    zones: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[CachingResolver]:
    """`ResolverSpec.from_options(nameservers, timeout, zones).open()`, for callers of before."""
    with ResolverSpec.from_options(nameservers, timeout, zones).open() as resolver:
        yield resolver
