"""A small DNS server on loopback that answers from zone files.

Used by ``--zone FILE`` (the normal stub resolver is pointed at it, so zone
answers travel the same code path as real DNS) and by tests and benchmarks,
which also need fault injection, a query log and artificial latency.

It answers like a recursive resolver that is authoritative for all it holds:
exact names only (no wildcards), CNAME chains chased inside the data, NXDOMAIN
vs NODATA kept apart (empty non-terminals are NODATA), UDP and TCP on one port,
and truncation (TC) when a UDP answer exceeds 512 bytes or the EDNS payload.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Self

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tokenizer
import dns.transaction
import dns.zonefile

__all__ = ["MAX_ZONE_BYTES", "Query", "Transport", "ZoneFileError", "ZoneServer"]

Transport = Literal["udp", "tcp"]
_MAX_CHAIN = 16  # CNAME hops before we call it a loop (SERVFAIL), like unbound
_POLL = 0.1  # socket timeout: how quickly the loops notice stop()
_DIRECTIVE = re.compile(r"^\s*;!(.*)$")


MAX_ZONE_BYTES = 16 * 1024 * 1024  # per zone file, counted as read (README, "Limits")
_UNSAFE = re.compile(r"[^\x20-\x7e]")


def _escaped(text: str, limit: int = 160) -> str:
    """Safe for a terminal: no control, bidi or other non-ASCII characters, bounded length.

    A zone file is input: what its parser quotes back (a token, a directive) must not
    reach the terminal as it is (issue 11.16).
    """
    text = _UNSAFE.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256 else f"\\u{ord(m[0]):04x}", text
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ZoneFileError(Exception):
    """A zone file (or zone text) that cannot be loaded."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path, self.message, self.line = path, _escaped(message), line
        where = f"{_escaped(path, 300)}, line {line}" if line is not None else _escaped(path, 300)
        super().__init__(f"bad zone file {where}: {self.message}")


@dataclass(frozen=True, slots=True)
class Query:
    """One received query (name lower-cased, absolute, e.g. ``a.example.``)."""

    name: str
    rdtype: str
    transport: Transport


class _Fault(enum.Enum):
    """Per-name faults; member names are the ``;!`` directive words."""

    SERVFAIL = dns.rcode.SERVFAIL
    REFUSED = dns.rcode.REFUSED
    NXDOMAIN = dns.rcode.NXDOMAIN
    TIMEOUT = -1  # never answer
    LOOP = -2  # NOERROR whose answer is a CNAME loop: NAME -> loop.NAME -> NAME
    TRUNCATE = -3  # TC on every answer, over UDP and again over TCP


_Key = tuple[dns.rdatatype.RdataType, dns.rdatatype.RdataType]  # (type, covers)
_Data = dict[dns.name.Name, dict[_Key, dns.rrset.RRset]]


class _Collect(dns.transaction.TransactionManager, dns.transaction.Transaction):
    """Receives records from dnspython's zone-file reader into our data set.

    dns.zone.Zone refuses what a multi-domain file needs (an SOA anywhere but
    the origin, a CNAME beside other data), so we take the parsed
    records straight from dns.zonefile.Reader, the parser dns.zone uses.
    """

    def __init__(self, data: _Data) -> None:
        dns.transaction.Transaction.__init__(self, self)
        self.data = data

    def origin_information(
        self,
    ) -> tuple[dns.name.Name | None, bool, dns.name.Name | None]:
        return dns.name.root, False, dns.name.root

    def get_class(self) -> dns.rdataclass.RdataClass:
        return dns.rdataclass.IN

    def add(self, *args: Any) -> None:
        name, ttl, rdata = args  # the reader always calls add(name, ttl, rdata)
        assert isinstance(rdata, dns.rdata.Rdata)
        rrsets = self.data.setdefault(name, {})
        key = (rdata.rdtype, rdata.covers())
        if key not in rrsets:
            rrsets[key] = dns.rrset.RRset(name, rdata.rdclass, *key)
        rrsets[key].add(rdata, ttl)  # same rdata twice is kept once

    def _set_origin(self, origin: dns.name.Name) -> None:
        pass  # the reader tracks $ORIGIN itself; we store absolute names


def _load(text: str, label: str, data: _Data, faults: dict[dns.name.Name, _Fault]) -> None:
    # ";! name. KIND" directives: states a zone cannot express (corpus format).
    for number, line in enumerate(text.splitlines(), 1):
        if match := _DIRECTIVE.match(line):
            words = match[1].split(";")[0].split()  # a trailing "; comment" is fine
            kind = _Fault.__members__.get(words[-1].upper()) if len(words) == 2 else None
            if kind is None:
                raise ZoneFileError(label, f"bad directive ';!{match[1]}'", number)
            try:
                faults[dns.name.from_text(words[0])] = kind
            except dns.exception.DNSException as e:
                raise ZoneFileError(label, f"bad name {words[0]!r}: {e}", number) from e
    tok = dns.tokenizer.Tokenizer(text, label)
    try:
        dns.zonefile.Reader(tok, dns.rdataclass.IN, _Collect(data)).read()
    except (dns.exception.DNSException, ValueError, TypeError) as e:
        lineno = tok.where()[1]
        message = str(e).removeprefix(f"{label}:{lineno}: ")
        raise ZoneFileError(label, message, lineno) from e


def _read_zone(path: str) -> str:
    """The file's text, read up to MAX_ZONE_BYTES + 1 bytes: a device or a pipe (/dev/zero)
    has no size to check beforehand (issue 11.12)."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_ZONE_BYTES + 1)
    except OSError as e:
        raise ZoneFileError(path, f"cannot read: {e.strerror or e}") from e
    if len(data) > MAX_ZONE_BYTES:
        raise ZoneFileError(path, f"larger than the {MAX_ZONE_BYTES // 2**20} MiB limit")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ZoneFileError(path, "not UTF-8 text", line) from e


class ZoneServer:
    """Authoritative-for-everything DNS server for zone data, on UDP+TCP."""

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]] = (),
        *,
        texts: Sequence[str] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        bare_cnames: bool = False,
        truncate_udp: bool = False,
    ) -> None:
        self.host, self.port, self.latency = host, port, latency
        # Hostile-server knobs (bench/limits.py): hand back a CNAME without the data behind
        # it (the client chases each hop itself), and set TC on every UDP answer (so each
        # query costs a TCP retry too).
        self.bare_cnames, self.truncate_udp = bare_cnames, truncate_udp
        self._data: _Data = {}
        self._file_faults: dict[dns.name.Name, _Fault] = {}
        sources: list[tuple[str, str | None]] = [(os.fspath(p), None) for p in paths]
        sources += [(f"<text {i}>", t) for i, t in enumerate(texts, 1)]
        for label, text in sources:
            if text is None:
                text = _read_zone(label)
            _load(text, label, self._data, self._file_faults)
        # Every proper ancestor of a served name exists as an empty non-terminal
        # (RFC 8020: NXDOMAIN means nothing below), so it must answer NODATA.
        self._ents: set[dns.name.Name] = set()
        for name in self._data:
            while len(name) > 1:
                name = name.parent()
                self._ents.add(name)
        self._faults = dict(self._file_faults)
        self._log: list[Query] = []
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []

    # -- faults and the query log -------------------------------------------

    def servfail(self, name: str) -> None:
        """Answer SERVFAIL for *name* (any type, also when reached via CNAME)."""
        self._faults[dns.name.from_text(name)] = _Fault.SERVFAIL

    def refuse(self, name: str) -> None:
        """Answer REFUSED for *name*."""
        self._faults[dns.name.from_text(name)] = _Fault.REFUSED

    def drop(self, name: str) -> None:
        """Never answer for *name*: the client times out."""
        self._faults[dns.name.from_text(name)] = _Fault.TIMEOUT

    def nxdomain(self, name: str) -> None:
        """Answer NXDOMAIN for *name* even if it has data."""
        self._faults[dns.name.from_text(name)] = _Fault.NXDOMAIN

    def loop(self, name: str) -> None:
        """Answer NOERROR with a CNAME loop in the answer section (NAME -> loop.NAME -> NAME)."""
        self._faults[dns.name.from_text(name)] = _Fault.LOOP

    def truncate(self, name: str) -> None:
        """Set TC on every answer for *name*, over UDP and over TCP."""
        self._faults[dns.name.from_text(name)] = _Fault.TRUNCATE

    def clear_faults(self) -> None:
        """Remove faults set at run time (``;!`` directives from files stay)."""
        self._faults = dict(self._file_faults)

    @property
    def queries(self) -> list[Query]:
        """A copy of the queries received so far."""
        with self._log_lock:
            return list(self._log)

    @property
    def query_count(self) -> int:
        with self._log_lock:
            return len(self._log)

    def reset_queries(self) -> None:
        with self._log_lock:
            self._log.clear()

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    # -- answering -------------------------------------------------------------

    def _resolve(
        self, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType
    ) -> tuple[dns.rcode.Rcode, list[dns.rrset.RRset], list[dns.rrset.RRset]] | None:
        """(rcode, answer, authority), or None to drop the query."""
        answer: list[dns.rrset.RRset] = []
        name, seen = qname, {qname}
        for _hop in range(_MAX_CHAIN + 1):
            # Faults apply at every name of a CNAME chain, not just the qname.
            fault = self._faults.get(name)
            if fault is _Fault.TIMEOUT:
                return None
            if fault is _Fault.SERVFAIL or fault is _Fault.REFUSED:
                return fault.value, [], []
            if fault is _Fault.LOOP:
                peer = dns.name.Name(("loop", *name.labels))
                there = dns.rrset.from_text(name, 60, "IN", "CNAME", peer.to_text())
                back = dns.rrset.from_text(peer, 60, "IN", "CNAME", name.to_text())
                return dns.rcode.NOERROR, [*answer, there, back], []
            rrsets = self._data.get(name)
            if fault is _Fault.NXDOMAIN or rrsets is None:
                # A dangling CNAME: NXDOMAIN with the chain, as recursors reply.
                exists = fault is None and name in self._ents
                rcode = dns.rcode.NOERROR if exists else dns.rcode.NXDOMAIN
                return rcode, answer, self._soa_for(name)
            found = [rrset for (t, _), rrset in rrsets.items() if t == rdtype]
            if found:
                return dns.rcode.NOERROR, answer + found, []
            cname = rrsets.get((dns.rdatatype.CNAME, dns.rdatatype.NONE))
            if cname is None:
                return dns.rcode.NOERROR, answer, self._soa_for(name)  # NODATA
            answer.append(cname)
            if self.bare_cnames:
                return dns.rcode.NOERROR, answer, []
            name = cname[0].target
            if name in seen:
                break
            seen.add(name)
        return dns.rcode.SERVFAIL, [], []  # CNAME loop or chain too long

    def _soa_for(self, name: dns.name.Name) -> list[dns.rrset.RRset]:
        # Negative answers carry the enclosing SOA (RFC 2308) when we have one.
        while True:
            soa = self._data.get(name, {}).get((dns.rdatatype.SOA, dns.rdatatype.NONE))
            if soa is not None:
                return [soa]
            if len(name) <= 1:
                return []
            name = name.parent()

    def _handle(self, wire: bytes, transport: Transport) -> bytes | None:
        """Wire query in, wire response out (None: send nothing)."""
        try:
            query = dns.message.from_wire(wire)
        except Exception:  # garbage is ignored: the server must live on
            return None
        if query.flags & dns.flags.QR or len(query.question) != 1:
            return None
        question = query.question[0]
        entry = Query(
            question.name.to_text().lower(),
            dns.rdatatype.to_text(question.rdtype),
            transport,
        )
        with self._log_lock:
            self._log.append(entry)
        if self.latency > 0:
            time.sleep(self.latency)
        response = dns.message.make_response(query, recursion_available=True)
        if query.opcode() != dns.opcode.QUERY or question.rdclass != dns.rdataclass.IN:
            response.set_rcode(dns.rcode.NOTIMP)  # we only hold class IN data
            return response.to_wire()
        truncate = self._faults.get(question.name) is _Fault.TRUNCATE
        if truncate or (self.truncate_udp and transport == "udp"):
            response.flags |= dns.flags.TC | dns.flags.AA  # no records: retry elsewhere
            return response.to_wire()
        result = self._resolve(question.name, question.rdtype)
        if result is None:
            return None
        response.set_rcode(result[0])
        response.flags |= dns.flags.AA
        response.answer, response.authority = result[1], result[2]
        # Without EDNS a UDP reply may hold 512 bytes (RFC 1035 4.2.1); with
        # EDNS, what the client advertised (RFC 6891 6.2.5). TCP: no limit.
        limit = 65535
        if transport == "udp":
            limit = max(512, query.payload) if query.edns >= 0 else 512
        try:
            return response.to_wire(max_size=limit)
        except dns.exception.TooBig:
            # RFC 2181 9: set TC and send no partial RRsets; the client retries on TCP.
            response.answer, response.authority = [], []
            response.flags |= dns.flags.TC
            return response.to_wire(max_size=limit)

    # -- sockets and threads ---------------------------------------------------

    def start(self) -> Self:
        """Bind UDP and TCP on one port and serve from daemon threads."""
        if self._threads:
            raise RuntimeError("ZoneServer already started")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        for attempt in range(5):
            # UDP first on an ephemeral port, then TCP on the same number; that
            # TCP port may be taken by someone else, so try another pair.
            udp = socket.socket(family, socket.SOCK_DGRAM)
            tcp = socket.socket(family, socket.SOCK_STREAM)
            try:
                udp.bind((self.host, self.port))
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                tcp.bind((self.host, udp.getsockname()[1]))
                break
            except OSError:
                udp.close()
                tcp.close()
                if self.port or attempt == 4:
                    raise
        tcp.listen(64)
        self.port = udp.getsockname()[1]
        for sock in (udp, tcp):
            sock.settimeout(_POLL)
        self._sockets = [udp, tcp]
        self._stopping.clear()
        for target in (self._serve_udp, self._serve_tcp):
            thread = threading.Thread(
                target=target, daemon=True, name=f"zoneserver-{target.__name__}"
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=1.0)
        for sock in self._sockets:
            sock.close()
        self._threads, self._sockets = [], []

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve_udp(self) -> None:
        udp = self._sockets[0]
        while not self._stopping.is_set():
            try:
                wire, peer = udp.recvfrom(65535)
            except OSError:  # timeout (look at _stopping again) or transient error
                continue
            if self.latency > 0:
                # One thread per query so that latency delays, not serialises.
                args = (udp, wire, peer)
                threading.Thread(target=self._answer_udp, args=args, daemon=True).start()
            else:
                self._answer_udp(udp, wire, peer)

    def _answer_udp(self, udp: socket.socket, wire: bytes, peer: Any) -> None:
        reply = self._handle(wire, "udp")
        if reply is not None:
            with contextlib.suppress(OSError):  # client gone or server stopping
                udp.sendto(reply, peer)

    def _serve_tcp(self) -> None:
        tcp = self._sockets[1]
        while not self._stopping.is_set():
            try:
                conn, _ = tcp.accept()
            except OSError:  # timeout (look at _stopping again) or transient error
                continue
            threading.Thread(target=self._serve_conn, args=(conn,), daemon=True).start()

    def _serve_conn(self, conn: socket.socket) -> None:
        # RFC 7766: 2-byte length prefix, several queries per connection.
        conn.settimeout(_POLL)
        with conn:
            while (size := self._recv_exact(conn, 2)) is not None:
                wire = self._recv_exact(conn, int.from_bytes(size, "big"))
                if wire is None:
                    return
                reply = self._handle(wire, "tcp")
                if reply is not None:
                    try:
                        conn.sendall(len(reply).to_bytes(2, "big") + reply)
                    except OSError:
                        return

    def _recv_exact(self, conn: socket.socket, size: int) -> bytes | None:
        buf = b""
        while len(buf) < size:
            try:
                chunk = conn.recv(size - len(buf))
            except TimeoutError:
                if self._stopping.is_set():
                    return None
                continue
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk
        return buf


def main(argv: Sequence[str] | None = None) -> int:
    """Serve zone files until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m analyzer.zoneserver", description=__doc__)
    parser.add_argument("zonefile", nargs="+", help="zone file(s) to serve")
    parser.add_argument("--port", type=int, default=0, help="default: any free port")
    parser.add_argument("--latency", type=float, default=0.0, metavar="MS", help="delay per answer")
    args = parser.parse_args(argv)
    try:
        server = ZoneServer(args.zonefile, port=args.port, latency=args.latency / 1000)
    except ZoneFileError as e:
        print(e, file=sys.stderr)
        return 2
    with server:
        print(f"listening on {server.address}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
