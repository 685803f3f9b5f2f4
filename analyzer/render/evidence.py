"""A finding's evidence in words: the one place a DNS answer becomes a line of text.

The rules keep DNS answers as `DnsAnswer` (and probes as `Probe`); a string in the evidence is a
verbatim quotation of the message and is shown as it is. The fixed words (record, ttl, from,
probe) come from the catalogue in the language asked for; the English is the JSON's.
"""

from __future__ import annotations

from analyzer.explain import phrase
from analyzer.model import DnsAnswer, Evidence, Probe

_SHOWN = 80  # characters of a record shown


def describe_answer(answer: DnsAnswer, lang: str = "en") -> str:
    """One line of DNS evidence: name, outcome, CNAME chain, records, TTL, server."""
    parts = [f"{answer.name} {answer.rdtype}: {answer.status.value}"]
    for owner, target in answer.cname_chain:
        parts.append(f"CNAME {owner} -> {target}")
    for i, rec in enumerate(answer.joined()):
        text = rec.decode("utf-8", "replace")
        shown = f"{text[:_SHOWN]}{'…' if len(text) > _SHOWN else ''}"
        parts.append(phrase("evidence.record", lang, n=i + 1, size=len(rec), text=shown))
    if answer.ttl is not None:
        parts.append(phrase("evidence.ttl", lang, ttl=answer.ttl))
    if answer.server:
        parts.append(phrase("evidence.from", lang, server=answer.server))
    if answer.detail:
        parts.append(answer.detail)
    return "; ".join(parts)


def describe(item: Evidence, lang: str = "en") -> str:
    """One item of a finding's evidence as a line: a DNS answer or probe worded, a quotation
    of the message as it is."""
    if isinstance(item, DnsAnswer):
        return describe_answer(item, lang)
    if isinstance(item, Probe):
        answer = describe_answer(item.answer, lang)
        return phrase("evidence.probe", lang, kind=item.kind.value, answer=answer)
    return item
