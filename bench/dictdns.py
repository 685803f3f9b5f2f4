"""A Resolver over a dict, for benchmarks and the fuzzer: no network, answers as given.

It implements analyzer.dns.Resolver for real (it is not a stand-in for dnspython): each
name maps to the DnsAnswer to return, or to a list of TXT records (each a tuple of
strings), and any other name is NXDOMAIN.
"""

from __future__ import annotations

from analyzer.model import DnsAnswer, DnsStatus

Records = list[tuple[bytes, ...]]


class DictResolver:
    def __init__(self, data: dict[str, DnsAnswer | Records] | None = None) -> None:
        self.data = {k.lower().rstrip("."): v for k, v in (data or {}).items()}
        self.lookups = 0
        self.asked: list[tuple[str, str]] = []  # (name, type) of every query, in order

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        self.lookups += 1
        self.asked.append((name.lower().rstrip("."), rdtype))
        qname = name.rstrip(".") + "."
        found = self.data.get(name.lower().rstrip("."))
        if found is None:
            return DnsAnswer(qname, rdtype, DnsStatus.NXDOMAIN, server="dict")
        if isinstance(found, DnsAnswer):
            return found
        status = DnsStatus.OK if found else DnsStatus.NODATA
        return DnsAnswer(qname, rdtype, status, tuple(found), ttl=300, server="dict")


def records_from_zone(text: str) -> dict[str, DnsAnswer | Records]:
    """TXT records of a master-file text (one record per line, quoted strings), as a dict."""
    import re

    data: dict[str, DnsAnswer | Records] = {}
    for m in re.finditer(r"^(\S+)\s+(?:\d+\s+)?IN\s+TXT\s+(.*)$", text, re.M):
        strings = tuple(s.encode() for s in re.findall(r'"((?:[^"\\]|\\.)*)"', m[2]))
        records = data.setdefault(m[1].lower().rstrip("."), [])
        assert isinstance(records, list)
        records.append(strings)
    return data
