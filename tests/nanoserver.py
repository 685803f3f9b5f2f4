"""A small DNS server on loopback that answers from zone files: the tests' real server.

The product answers `--zone` from memory (analyzer/zone.py, analyzer.dns.ZoneResolver);
this server answers the same Zone over real UDP and TCP, so that tests and benchmarks drive
dnspython's query code as users' DNS does, with what a test needs besides: run-time faults,
a query log, artificial latency and hostile knobs. tests/test_zoneserver.py holds it to
RFC behaviour; tests/test_zone.py holds the in-memory answers equal to this server's.

Beyond the Zone's answers: UDP and TCP on one port, and truncation (TC) when a UDP answer
exceeds 512 bytes or the EDNS payload (then the client retries over TCP).

    python -m tests.nanoserver ZONEFILE... [--port N] [--latency MS]
"""

from __future__ import annotations

import argparse
import contextlib
import os
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
import dns.rdatatype

from analyzer.zone import Fault, Zone, ZoneFileError, ZoneText, read_zone

__all__ = ["Query", "Transport", "ZoneFileError", "ZoneServer"]

Transport = Literal["udp", "tcp"]
_POLL = 0.1  # socket timeout: how quickly the loops notice stop()


@dataclass(frozen=True, slots=True)
class Query:
    """One received query (name lower-cased, absolute, e.g. ``a.example.``)."""

    name: str
    rdtype: str
    transport: Transport


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
        sources = [read_zone(p) for p in paths]
        sources += [ZoneText(f"<text {i}>", t) for i, t in enumerate(texts, 1)]
        self.zone = Zone(sources)  # the parser and the lookup --zone answers from
        self._file_faults = dict(self.zone.faults)
        self._faults = dict(self._file_faults)
        self._log: list[Query] = []
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []

    # -- faults and the query log -------------------------------------------

    def servfail(self, name: str) -> None:
        """Answer SERVFAIL for *name* (any type, also when reached via CNAME)."""
        self._faults[dns.name.from_text(name)] = Fault.SERVFAIL

    def refuse(self, name: str) -> None:
        """Answer REFUSED for *name*."""
        self._faults[dns.name.from_text(name)] = Fault.REFUSED

    def drop(self, name: str) -> None:
        """Never answer for *name*: the client times out."""
        self._faults[dns.name.from_text(name)] = Fault.TIMEOUT

    def nxdomain(self, name: str) -> None:
        """Answer NXDOMAIN for *name* even if it has data."""
        self._faults[dns.name.from_text(name)] = Fault.NXDOMAIN

    def loop(self, name: str) -> None:
        """Answer NOERROR with a CNAME loop in the answer section (NAME -> loop.NAME -> NAME)."""
        self._faults[dns.name.from_text(name)] = Fault.LOOP

    def truncate(self, name: str) -> None:
        """Set TC on every answer for *name*, over UDP and over TCP."""
        self._faults[dns.name.from_text(name)] = Fault.TRUNCATE

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
        truncate = self.truncate_udp and transport == "udp"
        response = self.zone.respond(
            query, self._faults, bare_cnames=self.bare_cnames, truncate=truncate
        )
        if response is None:
            return None
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
    parser = argparse.ArgumentParser(prog="python -m tests.nanoserver", description=__doc__)
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
