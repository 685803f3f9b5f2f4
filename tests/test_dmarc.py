"""DMARC record discovery (RFC 7489 §6.6.3) against loopback DNS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from analyzer.dmarc import DmarcStatus, lookup_dmarc
from analyzer.dns import CachingResolver, DnsPythonResolver, Nameserver
from analyzer.zoneserver import ZoneServer

ZONE = """
$TTL 300
_dmarc.org.example. IN TXT "v=DMARC1; p=reject; sp=none; adkim=s; pct=50"
_dmarc.two.example. IN TXT "v=DMARC1; p=reject"
_dmarc.two.example. IN TXT "v=DMARC1; p=none"
_dmarc.spf.example. IN TXT "v=spf1 -all"
;! _dmarc.flaky.example. SERVFAIL
"""


@pytest.fixture(scope="module")
def resolver() -> Iterator[CachingResolver]:
    with ZoneServer(texts=[ZONE]) as server:
        yield CachingResolver(DnsPythonResolver([Nameserver("127.0.0.1", server.port)], 0.5))


def test_found_at_the_domain(resolver: CachingResolver) -> None:
    d = lookup_dmarc(resolver, "org.example")
    assert (d.status, d.found_at, d.policy, d.adkim, d.pct, d.applies) == (
        DmarcStatus.FOUND, "_dmarc.org.example", "reject", "s", 50, "reject",
    )  # fmt: skip


def test_subdomain_falls_back_to_the_organizational_domain(resolver: CachingResolver) -> None:
    d = lookup_dmarc(resolver, "mail.org.example")
    assert d.found_at == "_dmarc.org.example"
    assert d.applies == "none"  # sp= governs subdomains
    assert [a.name for a in d.answers] == ["_dmarc.mail.org.example.", "_dmarc.org.example."]


def test_two_records_or_none_count_as_none(resolver: CachingResolver) -> None:
    assert lookup_dmarc(resolver, "two.example").status is DmarcStatus.NOT_FOUND
    assert lookup_dmarc(resolver, "spf.example").status is DmarcStatus.NOT_FOUND


def test_a_failed_lookup_is_temporary(resolver: CachingResolver) -> None:
    assert lookup_dmarc(resolver, "flaky.example").status is DmarcStatus.TEMPORARY
