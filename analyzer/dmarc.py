"""The From domain's DMARC record, and whether DKIM alone satisfies it for this message.

RFC 7489 §6.6.3: ask `_dmarc.<From domain>`; when that yields no DMARC record,
ask `_dmarc.<organizational domain>` (and the record's sp= then applies).
Records that do not start with v=DMARC1 are ignored; more than one left means
no policy. DKIM satisfies DMARC when a signature passes and its d= is aligned
with the From domain (§3.1.1): relaxed (same organizational domain) by
default, identical with adkim=s.

DMARC also passes when SPF passes for an aligned MAIL FROM domain (§4.2), which
this tool does not evaluate: what it says is what DKIM alone gives, with the
trusted receiver's own recorded dmarc= and spf= results beside it as evidence.
"""

from __future__ import annotations

import re
from dataclasses import replace

from analyzer import trace
from analyzer.classify import organizational_domain
from analyzer.dns import Resolver
from analyzer.model import (
    Classification,
    Dmarc,
    DmarcStatus,
    DnsAnswer,
    DnsStatus,
    Probe,
    ProbeKind,
    Reason,
    Receiver,
    Result,
    SignatureVerdict,
)
from analyzer.probes import domain_probes
from analyzer.signatures import TagListError, parse_tag_list

# RFC 1035 §2.3.4: labels of 1-63 characters, at most 253 in all (the `_dmarc.` prefix fits).
_NAME = re.compile(
    r"(?=.{1,240}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}", re.I
)


def applicable(from_domain: str | None) -> bool:
    """A From domain that can be asked about: a DNS name, not an address literal or garbage."""
    return bool(from_domain and _NAME.fullmatch(from_domain))


def lookup(resolver: Resolver, from_domain: str) -> Dmarc:
    """The DMARC record for from_domain, found at it or at its organizational domain."""
    answers: list[DnsAnswer] = []
    org = organizational_domain(from_domain)
    for domain in dict.fromkeys((from_domain, org)):
        answer = resolver.query(f"_dmarc.{domain}", "TXT")
        answers.append(answer)
        if answer.status.temporary:
            return Dmarc(from_domain, DmarcStatus.TEMPERROR, tuple(answers))
        records = [r for r in answer.joined() if r[:8].upper() == b"V=DMARC1"]
        if len(records) == 1:
            tags = _tags(records[0])
            if tags is not None:
                record = records[0].decode("utf-8", "replace")
                return Dmarc(from_domain, DmarcStatus.FOUND, tuple(answers), domain, record, tags)
        if answer.status is DnsStatus.OK and len(records) > 1:
            break  # §6.6.3 step 5: several records is no policy, not a reason to look further
    if all(a.status is DnsStatus.NXDOMAIN for a in answers):
        # Before saying "no DMARC record": does the From domain exist at all (issue 10.10)?
        # Its SOA (and its TLD's) is kept as evidence, and so scan prefetches it.
        answers += [p.answer for p in domain_probes(resolver, from_domain)]
    return Dmarc(from_domain, DmarcStatus.NONE, tuple(answers))


def existence(dmarc: Dmarc) -> tuple[Probe, ...]:
    """The From domain's existence probes lookup() kept (none when it exists)."""
    soa = [a for a in dmarc.answers if a.rdtype == "SOA"]
    kinds = (ProbeKind.DOMAIN, ProbeKind.RESOLVER_CHECK)
    return tuple(Probe(kind, a) for kind, a in zip(kinds, soa, strict=False))


def _tags(record: bytes) -> tuple[tuple[str, str], ...] | None:
    try:
        tags = parse_tag_list(record)
    except TagListError:
        return None
    out = tuple((t.name.lower(), t.value.decode("utf-8", "replace").strip()) for t in tags)
    p = dict(out).get("p", "").lower()
    if p not in ("none", "quarantine", "reject"):
        # §6.6.3 step 6: a missing or invalid p= with a valid rua= is read as p=none.
        if "rua" not in dict(out):
            return None
        out = (*(kv for kv in out if kv[0] != "p"), ("p", "none"))
    return out


def evaluate(
    dmarc: Dmarc, verdicts: tuple[SignatureVerdict, ...], receiver: Receiver | None = None
) -> Dmarc:
    """Fill in whether a passing signature is aligned as the record's adkim= asks; else what
    the trusted receiver recorded (dmarc=, spf=: this tool does not evaluate SPF) and whether
    an aligned signature passed at delivery and has likely lost its key since."""
    strict = dmarc.status is DmarcStatus.FOUND and dmarc.adkim == "s"
    for v in verdicts:
        if counts_for_dmarc(v, strict=strict):
            return replace(dmarc, dkim_aligned_pass=True, signature_index=v.index)
    aspf = dmarc.status is DmarcStatus.FOUND and (dmarc.tag("aspf") or "r").lower() == "s"
    recorded = trace.receiver_dmarc(receiver, dmarc.from_domain, strict_spf=aspf)
    rotated = next(
        (v.index for v in verdicts
         if v.alignment.classification is Classification.AUTHOR
         and (v.alignment.strict or not strict)
         and trace.passed_at_delivery(receiver, v) is not None),
        None,
    )  # fmt: skip
    return replace(dmarc, receiver=recorded, passed_at_delivery=rotated)


def counts_for_dmarc(v: SignatureVerdict, *, strict: bool) -> bool:
    """An author signature that passes (headers only: whose b= verifies), aligned as asked."""
    if v.alignment.classification is not Classification.AUTHOR:
        return False
    if strict and not v.alignment.strict:
        return False
    return v.result is Result.PASS or (
        v.result is Result.NEUTRAL and v.reason is Reason.BODY_UNAVAILABLE
    )


def malformed(dmarc: Dmarc) -> tuple[str, str] | None:
    """(name, record) of a v=DMARC1 record that was found but gives no policy, if any."""
    if dmarc.status is not DmarcStatus.NONE:
        return None
    for answer in dmarc.answers:
        records = [r for r in answer.joined() if r[:8].upper() == b"V=DMARC1"]
        if len(records) == 1 and _tags(records[0]) is None:
            return answer.name, records[0].decode("utf-8", "replace")
    return None
