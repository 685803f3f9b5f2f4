"""A domain's DMARC record (RFC 7489): where it was found and what it asks of DKIM.

Discovery follows RFC 7489 §6.6.3: `_dmarc.<domain>` first, then
`_dmarc.<organizational domain>`; a name with no record, or with several,
counts as none. A temporary DNS failure stops the search, since the record
may well exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from analyzer.classify import organizational_domain
from analyzer.dns import Resolver
from analyzer.model import DnsAnswer, DnsStatus
from analyzer.signatures import TagListError, parse_tag_list


class DmarcStatus(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    INVALID = "invalid"  # a v=DMARC1 record whose tag list does not parse
    TEMPORARY = "temporary"


@dataclass(frozen=True, slots=True)
class DmarcPolicy:
    domain: str  # the domain asked about
    status: DmarcStatus
    found_at: str | None = None  # the _dmarc name that held the record
    record: str | None = None
    policy: str | None = None  # p=
    subdomain_policy: str | None = None  # sp=
    adkim: str = "r"  # RFC 7489 §6.3: relaxed unless the record says adkim=s
    pct: int = 100
    answers: tuple[DnsAnswer, ...] = ()  # every query made, in order (evidence)

    @property
    def applies(self) -> str | None:
        """The policy for mail from `domain`: sp= when the record is the parent's (§6.6.3)."""
        if self.found_at is None or self.found_at == f"_dmarc.{self.domain}":
            return self.policy
        return self.subdomain_policy or self.policy


def lookup_dmarc(resolver: Resolver, domain: str) -> DmarcPolicy:
    domain = domain.lower().rstrip(".")
    org = organizational_domain(domain)
    answers: list[DnsAnswer] = []
    for candidate in dict.fromkeys((domain, org)):
        name = f"_dmarc.{candidate}"
        answer = resolver.query(name, "TXT")
        answers.append(answer)
        if answer.status.temporary:
            return DmarcPolicy(domain, DmarcStatus.TEMPORARY, answers=tuple(answers))
        if answer.status is not DnsStatus.OK:
            continue
        # §6.6.3: keep only records that start with v=DMARC1; exactly one must remain.
        records = [r for r in answer.joined() if r.lstrip().startswith(b"v=DMARC1")]
        if len(records) != 1:
            continue
        raw = records[0]
        text = raw.decode("utf-8", "replace")
        try:
            tags = {t.name: t.value.decode("utf-8", "replace") for t in parse_tag_list(raw)}
        except TagListError:
            tags = {}
        if tags.get("v") != "DMARC1" or "p" not in tags:  # §6.3: v= first and exact; p= required
            return DmarcPolicy(domain, DmarcStatus.INVALID, name, text, answers=tuple(answers))
        pct = tags.get("pct", "100")
        return DmarcPolicy(
            domain,
            DmarcStatus.FOUND,
            name,
            text,
            policy=tags.get("p"),
            subdomain_policy=tags.get("sp"),
            adkim=tags.get("adkim", "r").lower(),
            pct=int(pct) if pct.isdigit() else 100,
            answers=tuple(answers),
        )
    return DmarcPolicy(domain, DmarcStatus.NOT_FOUND, answers=tuple(answers))
