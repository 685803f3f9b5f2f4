"""DNS forensics for a key that could not be used: ask around before explaining.

When `s._domainkey.d` gives no key, the cause is usually visible one query
away: the record was published with the domain appended twice, the selector
is a CNAME whose target is gone, the TXT query fails although the CNAME
answers, no selector exists under the domain at all, or the key sits under
the organizational domain instead of the signing subdomain. Each probe's
answer is kept as evidence; what it means is decided in diagnose.py.
"""

from __future__ import annotations

from analyzer.classify import organizational_domain
from analyzer.dns import Resolver
from analyzer.keys import key_name
from analyzer.model import DnsAnswer, DnsStatus, Probe, ProbeKind


def probe_key(
    resolver: Resolver,
    selector: str,
    domain: str,
    key_answer: DnsAnswer,
    *,
    from_domain: str | None = None,
) -> tuple[Probe, ...]:
    """The probes worth making for a key lookup that gave no usable key."""
    name = key_name(selector, domain)
    status = key_answer.status
    if status.temporary:
        # Nothing is known about the key yet, so only one question helps: does the name
        # answer a CNAME query although TXT failed? Some DNS hosts cannot answer TXT through
        # a CNAME (RFC 1034 §3.6.2). After a timeout, asking again would only wait again;
        # after a local limit or a spent budget, it would only fail the same way.
        if status in (DnsStatus.TIMEOUT, DnsStatus.LOCAL, DnsStatus.BUDGET):
            return ()
        return (Probe(ProbeKind.SELECTOR_CNAME, resolver.query(name, "CNAME")),)
    asks: list[tuple[ProbeKind, str, str]] = [
        (ProbeKind.DOUBLED_NAME, f"{name}.{domain}", "TXT"),
        (ProbeKind.DOMAINKEY_NODE, f"_domainkey.{domain}", "TXT"),
    ]
    if status is DnsStatus.NODATA and not key_answer.cname_chain:
        asks.append((ProbeKind.SELECTOR_CNAME, name, "CNAME"))
    org = organizational_domain(domain)
    if org != domain:
        asks.append((ProbeKind.ORG_DOMAIN, key_name(selector, org), "TXT"))
    if from_domain and from_domain not in (domain, org):
        asks.append((ProbeKind.FROM_DOMAIN, key_name(selector, from_domain), "TXT"))
    found = tuple(Probe(kind, resolver.query(qname, rdtype)) for kind, qname, rdtype in asks)
    node = next(p for p in found if p.kind is ProbeKind.DOMAINKEY_NODE)
    if node.answer.status is DnsStatus.NXDOMAIN:
        # Before saying "d publishes no key", ask whether d exists at all.
        found += domain_probes(resolver, domain)
    return found


def domain_probes(resolver: Resolver, domain: str) -> tuple[Probe, ...]:
    """Does `domain` itself exist (SOA: NXDOMAIN only when the name does not)? When it does
    not, does its top-level domain (RFC 8020: NXDOMAIN means nothing below)? A resolver
    that denies a TLD too is broken or captive, and its other answers are not facts."""
    answer = resolver.query(domain, "SOA")
    if answer.status is not DnsStatus.NXDOMAIN:
        return (Probe(ProbeKind.DOMAIN, answer),)
    tld = domain.rstrip(".").rpartition(".")[2] or domain
    return (
        Probe(ProbeKind.DOMAIN, answer),
        Probe(ProbeKind.RESOLVER_CHECK, resolver.query(tld, "SOA")),
    )


def domain_missing(probes: tuple[Probe, ...]) -> str | None:
    """None when the domain exists (or was not asked); else "gone" when only the domain is
    NXDOMAIN, "unreliable" when its top-level domain does not resolve either."""
    kinds = {p.kind: p.answer.status for p in probes}
    if kinds.get(ProbeKind.DOMAIN) is not DnsStatus.NXDOMAIN:
        return None
    tld = kinds.get(ProbeKind.RESOLVER_CHECK)
    return "gone" if tld in (DnsStatus.OK, DnsStatus.NODATA) else "unreliable"
