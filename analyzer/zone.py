"""Zone files in memory: the one parser and the one lookup behind `--zone`.

`--zone FILE` is answered from here, with no server (analyzer.dns.ZoneResolver builds each
query and reads the reply through the same code as a reply off the network); the tests'
loopback server (tests/nanoserver.py) answers its UDP and TCP queries from the same Zone.

A Zone answers like a recursive resolver that is authoritative for all it holds: exact
names only (no wildcards), CNAME chains chased inside the data, NXDOMAIN vs NODATA kept
apart (empty non-terminals are NODATA), and the ``;! NAME KIND`` directives of the corpus
format for the states a zone cannot express (SERVFAIL, REFUSED, NXDOMAIN, TIMEOUT: no
reply at all, LOOP: a NOERROR reply that chases its own tail, TRUNCATE: TC set).
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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

__all__ = ["MAX_ZONE_BYTES", "Fault", "Zone", "ZoneFileError", "ZoneText", "read_zone"]

MAX_ZONE_BYTES = 16 * 1024 * 1024  # per zone file, counted as read (README, "Limits")
MAX_RDATA = 65535  # RDLENGTH is 16 bits
_MAX_CHAIN = 16  # CNAME hops before we call it a loop (SERVFAIL), like unbound
_DIRECTIVE = re.compile(r"^\s*;!(.*)$")
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
class ZoneText:
    """A zone file's text as read once, and the name to give it in errors and evidence."""

    label: str
    text: str


class Fault(enum.Enum):
    """Per-name faults; member names are the ``;!`` directive words."""

    SERVFAIL = dns.rcode.SERVFAIL
    REFUSED = dns.rcode.REFUSED
    NXDOMAIN = dns.rcode.NXDOMAIN
    TIMEOUT = -1  # never answer
    LOOP = -2  # NOERROR whose answer is a CNAME loop: NAME -> loop.NAME -> NAME
    TRUNCATE = -3  # TC on every answer, over UDP and again over TCP


Faults = Mapping[dns.name.Name, Fault]
_Key = tuple[dns.rdatatype.RdataType, dns.rdatatype.RdataType]  # (type, covers)
_Data = dict[dns.name.Name, dict[_Key, dns.rrset.RRset]]
Resolution = tuple[dns.rcode.Rcode, list[dns.rrset.RRset], list[dns.rrset.RRset]]


class _Collect(dns.transaction.TransactionManager, dns.transaction.Transaction):
    """Receives records from dnspython's zone-file reader into our data set.

    dns.zone.Zone refuses what a multi-domain file needs (an SOA anywhere but
    the origin, a CNAME beside other data), so we take the parsed
    records straight from dns.zonefile.Reader, the parser dns.zone uses.
    """

    def __init__(self, data: _Data, tok: dns.tokenizer.Tokenizer, label: str) -> None:
        dns.transaction.Transaction.__init__(self, self)
        self.data, self.tok, self.label = data, tok, label

    def origin_information(
        self,
    ) -> tuple[dns.name.Name | None, bool, dns.name.Name | None]:
        return dns.name.root, False, dns.name.root

    def get_class(self) -> dns.rdataclass.RdataClass:
        return dns.rdataclass.IN

    def add(self, *args: Any) -> None:
        name, ttl, rdata = args  # the reader always calls add(name, ttl, rdata)
        assert isinstance(rdata, dns.rdata.Rdata)
        if len(rdata.to_wire() or b"") > MAX_RDATA:  # no DNS message can carry it (RFC 1035 §3.2.1)
            # The reader has read the record's line end, unless the text ended there.
            line = self.tok.line_number - (0 if self.tok.eof else 1)
            kind = dns.rdatatype.to_text(rdata.rdtype)
            raise ZoneFileError(self.label, f"a {kind} record over 65,535 bytes", line)
        rrsets = self.data.setdefault(name, {})
        key = (rdata.rdtype, rdata.covers())
        if key not in rrsets:
            rrsets[key] = dns.rrset.RRset(name, rdata.rdclass, *key)
        rrsets[key].add(rdata, ttl)  # same rdata twice is kept once

    def _set_origin(self, origin: dns.name.Name) -> None:
        pass  # the reader tracks $ORIGIN itself; we store absolute names


def _load(text: str, label: str, data: _Data, faults: dict[dns.name.Name, Fault]) -> None:
    # ";! name. KIND" directives: states a zone cannot express (corpus format).
    for number, line in enumerate(text.splitlines(), 1):
        if match := _DIRECTIVE.match(line):
            words = match[1].split(";")[0].split()  # a trailing "; comment" is fine
            kind = Fault.__members__.get(words[-1].upper()) if len(words) == 2 else None
            if kind is None:
                raise ZoneFileError(label, f"bad directive ';!{match[1]}'", number)
            try:
                faults[dns.name.from_text(words[0])] = kind
            except dns.exception.DNSException as e:
                raise ZoneFileError(label, f"bad name {words[0]!r}: {e}", number) from e
    tok = dns.tokenizer.Tokenizer(text, label)
    try:
        dns.zonefile.Reader(tok, dns.rdataclass.IN, _Collect(data, tok, label)).read()
    except (dns.exception.DNSException, ValueError, TypeError) as e:
        lineno = tok.where()[1]
        message = str(e).removeprefix(f"{label}:{lineno}: ")
        raise ZoneFileError(label, message, lineno) from e


def read_zone(path: str | os.PathLike[str]) -> ZoneText:
    """The file's text, read up to MAX_ZONE_BYTES + 1 bytes: a device or a pipe (/dev/zero)
    has no size to check beforehand (issue 11.12). Raises ZoneFileError."""
    label = os.fspath(path)
    try:
        with open(label, "rb") as f:
            data = f.read(MAX_ZONE_BYTES + 1)
    except OSError as e:
        raise ZoneFileError(label, f"cannot read: {e.strerror or e}") from e
    if len(data) > MAX_ZONE_BYTES:
        raise ZoneFileError(label, f"larger than the {MAX_ZONE_BYTES // 2**20} MiB limit")
    try:
        return ZoneText(label, data.decode("utf-8"))
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ZoneFileError(label, "not UTF-8 text", line) from e


class Zone:
    """The records of one or more zone files, merged, and their ``;!`` faults."""

    def __init__(self, texts: Sequence[ZoneText]) -> None:
        """Parse each text in turn. Raises ZoneFileError naming the text and line."""
        self.data: _Data = {}
        faults: dict[dns.name.Name, Fault] = {}
        for source in texts:
            _load(source.text, source.label, self.data, faults)
        self.faults: Faults = faults
        # Every proper ancestor of a held name exists as an empty non-terminal
        # (RFC 8020: NXDOMAIN means nothing below), so it must answer NODATA.
        self.ents: set[dns.name.Name] = set()
        for name in self.data:
            while len(name) > 1:
                name = name.parent()
                self.ents.add(name)

    def respond(
        self,
        query: dns.message.Message,
        faults: Faults | None = None,
        *,
        bare_cnames: bool = False,
        truncate: bool = False,
    ) -> dns.message.Message | None:
        """The reply to one query, before any transport's size limit; None: no reply at all.

        `faults` replaces the file's directives (a test server's run-time faults);
        `bare_cnames` hands back a CNAME without the data behind it (the client chases each
        hop itself); `truncate` sets TC on the reply with no records in it.
        """
        faults = self.faults if faults is None else faults
        question = query.question[0]
        response = dns.message.make_response(query, recursion_available=True)
        if query.opcode() != dns.opcode.QUERY or question.rdclass != dns.rdataclass.IN:
            response.set_rcode(dns.rcode.NOTIMP)  # we only hold class IN data
            return response
        if truncate or faults.get(question.name) is Fault.TRUNCATE:
            response.flags |= dns.flags.TC | dns.flags.AA  # no records: retry elsewhere
            return response
        result = self.resolve(question.name, question.rdtype, faults, bare_cnames=bare_cnames)
        if result is None:
            return None
        response.set_rcode(result[0])
        response.flags |= dns.flags.AA
        response.answer, response.authority = result[1], result[2]
        return response

    def resolve(
        self,
        qname: dns.name.Name,
        rdtype: dns.rdatatype.RdataType,
        faults: Faults | None = None,
        *,
        bare_cnames: bool = False,
    ) -> Resolution | None:
        """(rcode, answer, authority), or None to drop the query."""
        faults = self.faults if faults is None else faults
        answer: list[dns.rrset.RRset] = []
        name, seen = qname, {qname}
        for _hop in range(_MAX_CHAIN + 1):
            # Faults apply at every name of a CNAME chain, not just the qname.
            fault = faults.get(name)
            if fault is Fault.TIMEOUT:
                return None
            if fault is Fault.SERVFAIL or fault is Fault.REFUSED:
                return fault.value, [], []
            if fault is Fault.LOOP:
                peer = dns.name.Name(("loop", *name.labels))
                there = dns.rrset.from_text(name, 60, "IN", "CNAME", peer.to_text())
                back = dns.rrset.from_text(peer, 60, "IN", "CNAME", name.to_text())
                return dns.rcode.NOERROR, [*answer, there, back], []
            rrsets = self.data.get(name)
            if fault is Fault.NXDOMAIN or rrsets is None:
                # A dangling CNAME: NXDOMAIN with the chain, as recursors reply.
                exists = fault is None and name in self.ents
                rcode = dns.rcode.NOERROR if exists else dns.rcode.NXDOMAIN
                return rcode, answer, self._soa_for(name)
            found = [rrset for (t, _), rrset in rrsets.items() if t == rdtype]
            if found:
                return dns.rcode.NOERROR, answer + found, []
            cname = rrsets.get((dns.rdatatype.CNAME, dns.rdatatype.NONE))
            if cname is None:
                return dns.rcode.NOERROR, answer, self._soa_for(name)  # NODATA
            answer.append(cname)
            if bare_cnames:
                return dns.rcode.NOERROR, answer, []
            name = cname[0].target
            if name in seen:
                break
            seen.add(name)
        return dns.rcode.SERVFAIL, [], []  # CNAME loop or chain too long

    def _soa_for(self, name: dns.name.Name) -> list[dns.rrset.RRset]:
        # Negative answers carry the enclosing SOA (RFC 2308) when we have one.
        while True:
            soa = self.data.get(name, {}).get((dns.rdatatype.SOA, dns.rdatatype.NONE))
            if soa is not None:
                return [soa]
            if len(name) <= 1:
                return []
            name = name.parent()
