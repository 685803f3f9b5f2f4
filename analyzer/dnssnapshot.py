"""A run's DNS answers as a zone file (`scan --save-dns FILE`), which `--zone` reads back.

The answers are kept as evidence, so a rerun offline must get them again: the same status
(NXDOMAIN and NODATA apart, SERVFAIL, timeout), the same records, the same CNAME chain,
the same TTLs. A zone holds records, not answers, so each kind of answer is written as the
data that makes the loopback server (fixtures/README.md, analyzer/zoneserver.py) give it:

- OK: the records at the end of the CNAME chain, with the answer's TTL, and each hop as a
  CNAME record. TXT strings are written one quoted string each, as they arrived.
- NXDOMAIN: a `;! NAME NXDOMAIN` directive (the name may have to exist as an empty
  non-terminal for other names written), and a marker SOA at NAME whose minimum is the
  negative TTL seen (RFC 2308 §5: the client takes the SOA minimum).
- NODATA: the name must exist without that type: the marker SOA again, unless the run
  asked that name for its SOA too (then that answer is written as it was, and a record of
  a private-use type, RFC 6895 §3.1, makes the name exist; the negative TTL then comes
  from the SOA above it, and may differ from the one seen).
- SERVFAIL, REFUSED, TIMEOUT: `;!` directives. These are per name, not per type: when the
  name also holds a CNAME that answered, the fault goes on the CNAME's target, where the
  failed lookup failed (a DNS host that cannot answer TXT through a CNAME).
- ERROR: a CNAME loop is `;! NAME LOOP`, TC over TCP too `;! NAME TRUNCATE`; any other
  unusable answer (a garbled reply, an unknown rcode) has no zone form and becomes SERVFAIL,
  temporary as it was; a comment says what it was.
- LOCAL and BUDGET say nothing about the name (this machine's limit, a spent budget): they
  are left out, with a comment.

Marker SOA records are not DNS data: each is commented as such, with names under
`.invalid` (RFC 6761) so that nobody mistakes it for a real zone's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from analyzer.dns import Resolver
from analyzer.model import DnsAnswer, DnsStatus

_MARKER_SOA = "negative-answer.invalid. snapshot.invalid. 0 0 0 0 {ttl}"
_EXISTS = "TYPE65534 \\# 0"  # RFC 3597 generic form of an empty record of a private-use type
_DEFAULT_TTL = 300
_FAULTS = {
    DnsStatus.SERVFAIL: "SERVFAIL",
    DnsStatus.REFUSED: "REFUSED",
    DnsStatus.TIMEOUT: "TIMEOUT",
}


def _abs(name: str) -> str:
    return name.rstrip(".").lower() + "."


def _quoted(data: bytes) -> str:
    """One character-string in master-file syntax (RFC 1035 §5.1): printable ASCII as is,
    `"` and `\\` escaped, every other byte as \\DDD."""
    out = []
    for byte in data:
        if byte in (0x22, 0x5C):
            out.append("\\" + chr(byte))
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


@dataclass
class _Zone:
    # (owner, type) -> rdata -> TTL; None: not known (a CNAME hop seen inside an answer)
    records: dict[tuple[str, str], dict[str, int | None]] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)
    markers: dict[str, int] = field(default_factory=dict)  # name -> negative TTL
    exists: set[str] = field(default_factory=set)  # names that need a record of some type
    comments: list[str] = field(default_factory=list)

    def add(self, owner: str, rdtype: str, rdata: str, ttl: int | None) -> None:
        rdatas = self.records.setdefault((owner, rdtype), {})
        known = rdatas.get(rdata)
        rdatas[rdata] = ttl if known is None else known if ttl is None else min(known, ttl)


def _rdata(rdtype: str, strings: tuple[bytes, ...]) -> str:
    if rdtype == "TXT":
        return " ".join(_quoted(s) for s in strings) if strings else '""'
    # Other types arrive as their presentation text (analyzer/dns.py _walk_answer).
    return b"".join(strings).decode("ascii", "replace")


def zone_text(answers: Iterable[DnsAnswer]) -> str:
    """The zone file that answers each of `answers` again, as it was answered."""
    zone = _Zone()
    unique: dict[tuple[str, str], DnsAnswer] = {}
    for answer in answers:
        unique.setdefault((_abs(answer.name), answer.rdtype.upper()), answer)
    # Where each name's CNAME points, from the answers that followed or asked for one.
    cnames: dict[str, str] = {}
    for answer in unique.values():
        for owner, target in answer.cname_chain:
            cnames.setdefault(_abs(owner), _abs(target))
        if answer.rdtype.upper() == "CNAME" and answer.status is DnsStatus.OK and answer.records:
            cnames.setdefault(_abs(answer.name), _abs(_rdata("CNAME", answer.records[0])))
    # A name whose SOA answered (or answered NODATA) cannot take a marker SOA.
    soa_asked = {
        name
        for (name, rdtype), a in unique.items()
        if rdtype == "SOA" and a.status in (DnsStatus.OK, DnsStatus.NODATA)
    }
    for (name, rdtype), answer in sorted(unique.items()):
        _write(zone, name, rdtype, answer, cnames, soa_asked)
    return _render(zone)


def _write(
    zone: _Zone,
    name: str,
    rdtype: str,
    answer: DnsAnswer,
    cnames: dict[str, str],
    soa_asked: set[str],
) -> None:
    status = answer.status
    # The chain the answer followed, hop by hop; its end is where the answer was given.
    end = name
    for owner, target in answer.cname_chain:
        zone.add(_abs(owner), "CNAME", _abs(target), None)  # its own TTL is not in the answer
        end = _abs(target)
    if status is DnsStatus.OK:
        for strings in answer.records:
            zone.add(end, rdtype, _rdata(rdtype, strings), answer.ttl)
        return
    if status is DnsStatus.NXDOMAIN or status is DnsStatus.NODATA:
        if status is DnsStatus.NXDOMAIN:
            zone.faults[end] = "NXDOMAIN"
        if end not in soa_asked:
            zone.markers.setdefault(end, answer.ttl or _DEFAULT_TTL)
        elif status is DnsStatus.NODATA:
            # Its SOA answer is written as it was; the name must exist all the same.
            zone.exists.add(end)
        return
    if status in (DnsStatus.LOCAL, DnsStatus.BUDGET):
        zone.comments.append(f"{name} {rdtype}: not written ({status.value}: {answer.detail})")
        return
    fault = _FAULTS.get(status)
    if status is DnsStatus.ERROR:
        detail = answer.detail or ""
        if detail.startswith("CNAME loop"):
            fault = "LOOP"
        elif "truncated" in detail:
            fault = "TRUNCATE"
        else:
            fault = "SERVFAIL"
            zone.comments.append(
                f"{name} {rdtype}: was {status.value} ({detail}), written as SERVFAIL"
            )
    assert fault is not None
    # A fault holds for every type at a name: put it where this lookup failed, past the
    # CNAMEs the name is known to have (they answered other questions).
    seen = {end}
    while end in cnames and cnames[end] not in seen:
        end = cnames[end]
        seen.add(end)
    zone.faults[end] = fault


def _render(zone: _Zone) -> str:
    lines = [
        "; DNS answers saved by dkim-analyzer scan --save-dns: read back with --zone FILE.",
        "; `;!` lines are answers a zone cannot hold as records (fixtures/README.md).",
        "$TTL 300",
    ]
    lines += [f"; {c}" for c in zone.comments]
    for name, kind in sorted(zone.faults.items()):
        lines.append(f";! {name} {kind}")
    for name, negative in sorted(zone.markers.items()):
        lines.append(f"; marker, not DNS data: {name} answered no record (TTL {negative})")
        lines.append(f"{name} {negative} IN SOA {_MARKER_SOA.format(ttl=negative)}")
    for name in sorted(zone.exists - {owner for owner, _ in zone.records}):
        lines.append(f"; marker, not DNS data: {name} exists (a private-use type, RFC 6895)")
        lines.append(f"{name} IN {_EXISTS}")
    for (owner, rdtype), rdatas in sorted(zone.records.items()):
        for rdata, ttl in rdatas.items():
            lines.append(f"{owner} {ttl} IN {rdtype} {rdata}" if ttl is not None
                         else f"{owner} IN {rdtype} {rdata}")  # fmt: skip
    return "\n".join(lines) + "\n"


class RecordingResolver:
    """Keeps the first answer to each (name, type) it passes on: the run's DNS evidence."""

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self.answers: dict[tuple[str, str], DnsAnswer] = {}

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        answer = self.inner.query(name, rdtype)
        if answer.status not in (DnsStatus.LOCAL, DnsStatus.BUDGET):
            self.answers.setdefault((_abs(name), rdtype.upper()), answer)
        return answer
