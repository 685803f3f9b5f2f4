"""The From domain's DMARC record, and the DMARC result of the message from DKIM and SPF.

Policy discovery (RFC 9989 §4.10, the DNS Tree Walk, replacing RFC 7489's public suffix
list): ask `_dmarc.<From domain>`, then walk up one label at a time (a name of 8 labels or
more jumps to its last 7 first), at most 8 queries, to the top-level domain or to a record
with psd=n (or psd=y above the start). Records that do not start with v=DMARC1 are ignored;
more than one at a name are all discarded. The Organizational Domain (§4.10.2) is the
record with psd=n, else the name one label below a psd=y record, else the record with the
fewest labels, else the From domain itself. The policy is the From domain's own record,
else its Organizational Domain's, else the public suffix's (psd=y): p= at the From domain,
else sp= (np= when the From domain does not exist, RFC 8020 NXDOMAIN), else p=. Where the
public suffix list (RFC 7489 §3.2) gives another Organizational Domain or record, the
walk says so (TreeWalk.differs): receivers still differ in practice.

`evaluate` says whether DKIM alone satisfies the policy (the `dmarc_alignment` finding,
PSL classification); `verdict` is the DMARC result (RFC 9989 §4.4): pass when an aligned
DKIM signature or an aligned SPF result passes, alignment by the tree walk's
Organizational Domains (relaxed) or identical names (adkim=s / aspf=s).
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from analyzer import trace
from analyzer.classify import organizational_domain
from analyzer.dns import Resolver
from analyzer.model import (
    Classification,
    Dmarc,
    DmarcStatus,
    DmarcVerdict,
    DnsAnswer,
    DnsStatus,
    Probe,
    ProbeKind,
    Reason,
    Receiver,
    ReceiverDmarc,
    Result,
    SignatureVerdict,
    SpfCheck,
    SpfResult,
    TreeWalk,
    evolve,
)
from analyzer.probes import domain_probes
from analyzer.replay import Replayed
from analyzer.signatures import TagListError, parse_tag_list

# RFC 1035 §2.3.4: labels of 1-63 characters, at most 253 in all (the `_dmarc.` prefix fits).
_NAME = re.compile(
    r"(?=.{1,240}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}", re.I
)


def applicable(from_domain: str | None) -> bool:
    """A From domain that can be asked about: a DNS name, not an address literal or garbage."""
    # (_NAME matches at most 240 characters: a longer one, a hostile From, is not kept.)
    return bool(from_domain) and len(from_domain or "") <= 253 and _applicable(from_domain or "")


@functools.lru_cache(maxsize=256)  # asked twice a message (the plan, then DMARC)
def _applicable(from_domain: str) -> bool:
    return bool(_NAME.fullmatch(from_domain))


MAX_WALK = 8  # RFC 9989 §4.10: queries of one DNS Tree Walk
MAX_WALKS = 4  # identifier domains (d=, MAIL FROM) walked for alignment, per message


def walk_targets(domain: str) -> list[str]:
    """RFC 9989 §4.10 steps 1-8: the domains whose _dmarc is asked, in order."""
    labels = domain.lower().rstrip(".").split(".")
    out = [".".join(labels)]
    rest = labels[-(MAX_WALK - 1) :] if len(labels) >= MAX_WALK else labels[1:]
    while rest:
        out.append(".".join(rest))
        rest = rest[1:]
    return out


def _walk(
    resolver: Resolver, domain: str
) -> tuple[list[DnsAnswer], list[tuple[str, bytes, tuple[tuple[str, str], ...]]], bool]:
    """(answers, valid records found longest first, temporary) of one tree walk."""
    answers: list[DnsAnswer] = []
    found: list[tuple[str, bytes, tuple[tuple[str, str], ...]]] = []
    for target in walk_targets(domain):
        answer = resolver.query(f"_dmarc.{target}", "TXT")
        answers.append(answer)
        if answer.status.temporary:
            return answers, found, True
        records = [r for r in answer.joined() if r[:8].upper() == b"V=DMARC1"]
        tags = _tags(records[0]) if len(records) == 1 else None
        if tags is None:
            continue  # none, several (all discarded, step 2), or no policy in it
        found.append((target, records[0], tags))
        psd = dict(tags).get("psd", "").lower()
        if psd == "n" or (psd == "y" and target != domain):
            break  # step 7
    return answers, found, False


def _org(domain: str, found: list[tuple[str, bytes, tuple[tuple[str, str], ...]]]) -> str:
    """RFC 9989 §4.10.2, longest to shortest."""
    for target, _, tags in found:
        psd = dict(tags).get("psd", "").lower()
        if psd == "n":
            return target
        if psd == "y" and target != domain:
            labels = domain.split(".")
            return ".".join(labels[-(target.count(".") + 2) :])
    return found[-1][0] if found else domain


def walk_lookups(resolver: Resolver, domain: str) -> list[DnsAnswer]:
    """The answers of one tree walk (the scan asks them ahead for each signer's domain)."""
    return _walk(resolver, domain.lower().rstrip("."))[0]


def org_domain(resolver: Resolver, domain: str) -> str | None:
    """The Organizational Domain by the tree walk; None when a lookup failed temporarily."""
    _, found, temporary = _walk(resolver, domain.lower().rstrip("."))
    return None if temporary else _org(domain.lower().rstrip("."), found)


def lookup(resolver: Resolver, from_domain: str) -> Dmarc:
    """The DMARC record that applies to from_domain (RFC 9989 §4.10.1), with its tree walk."""
    from_domain = from_domain.lower().rstrip(".")
    if len(from_domain) > MAX_KEPT_DOMAIN:
        return _lookup(resolver, from_domain)
    return _lookups.get(from_domain, resolver, functools.partial(_lookup, from_domain=from_domain))


# The From domains of a mailbox recur: each message of theirs asks the same names and reads
# the same answers, and _lookup is pure in them (replay.Replayed asks them again, in order).
MAX_KEPT_DOMAIN = 253
_lookups: Replayed[str, Dmarc] = Replayed(entries=1024, max_bytes=4096)


def _lookup(resolver: Resolver, from_domain: str) -> Dmarc:
    answers, found, temporary = _walk(resolver, from_domain)
    if temporary and not found:
        return Dmarc(from_domain, DmarcStatus.TEMPERROR, tuple(answers))
    org = _org(from_domain, found)
    by_domain = {d: (r, t) for d, r, t in found}
    psd = next((d for d, _, t in found if dict(t).get("psd", "").lower() == "y"), None)
    policy_domain = next((d for d in (from_domain, org, psd) if d in by_domain), None)
    walk = TreeWalk(
        from_domain, tuple(a.name.removeprefix("_dmarc.").rstrip(".") for a in answers),
        tuple((d, r.decode("utf-8", "replace")) for d, r, _ in found), policy_domain,
        org, organizational_domain(from_domain),
    )  # fmt: skip
    if policy_domain is not None:
        record, tags = by_domain[policy_domain]
        if policy_domain != from_domain and dict(tags).get("np"):
            # np= applies to a From domain that does not exist (RFC 8020): ask it.
            soa = resolver.query(from_domain, "SOA")
            answers.append(soa)
            exists = None if soa.status.temporary else soa.status is not DnsStatus.NXDOMAIN
            walk = replace(walk, from_exists=exists)
        text = record.decode("utf-8", "replace")
        return Dmarc(from_domain, DmarcStatus.FOUND, tuple(answers), policy_domain, text, tags,
                     walk=walk)  # fmt: skip
    if temporary:
        return Dmarc(from_domain, DmarcStatus.TEMPERROR, tuple(answers), walk=walk)
    if all(a.status is DnsStatus.NXDOMAIN for a in answers):
        # Before saying "no DMARC record": does the From domain exist at all (issue 10.10)?
        # Its SOA (and its TLD's) is kept as evidence, and so scan prefetches it.
        answers += [p.answer for p in domain_probes(resolver, from_domain)]
    return Dmarc(from_domain, DmarcStatus.NONE, tuple(answers), walk=walk)


def existence(dmarc: Dmarc) -> tuple[Probe, ...]:
    """The From domain's existence probes lookup() kept (none when it exists)."""
    soa = [a for a in dmarc.answers if a.rdtype == "SOA"]
    kinds = (ProbeKind.DOMAIN, ProbeKind.RESOLVER_CHECK)
    return tuple(Probe(kind, a) for kind, a in zip(kinds, soa, strict=False))


def _tags(record: bytes) -> tuple[tuple[str, str], ...] | None:
    """The record's tags (None: no policy), kept for records of a usual size: the From
    domains of a mailbox recur, and each message of theirs reads the same record."""
    return _kept_tags(record) if len(record) <= MAX_KEPT_RECORD else _parsed_tags(record)


MAX_KEPT_RECORD = 512  # bytes of a DMARC record whose tags are kept (most are ~100)


def _parsed_tags(record: bytes) -> tuple[tuple[str, str], ...] | None:
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


_kept_tags = functools.lru_cache(maxsize=1024)(_parsed_tags)


def evaluate(
    dmarc: Dmarc, verdicts: tuple[SignatureVerdict, ...], receiver: Receiver | None = None
) -> Dmarc:
    """Fill in whether a passing signature is aligned as the record's adkim= asks; else what
    the trusted receiver recorded (dmarc=, spf=: this tool does not evaluate SPF) and whether
    an aligned signature passed at delivery and has likely lost its key since."""
    strict = dmarc.status is DmarcStatus.FOUND and dmarc.adkim == "s"
    for v in verdicts:
        if counts_for_dmarc(v, strict=strict):
            return evolve(dmarc, dkim_aligned_pass=True, signature_index=v.index)
    aspf = dmarc.status is DmarcStatus.FOUND and (dmarc.tag("aspf") or "r").lower() == "s"
    recorded = trace.receiver_dmarc(receiver, dmarc.from_domain, strict_spf=aspf)
    rotated = next(
        (v.index for v in verdicts
         if v.alignment.classification is Classification.AUTHOR
         and (v.alignment.strict or not strict)
         and trace.passed_at_delivery(receiver, v) is not None),
        None,
    )  # fmt: skip
    if recorded is dmarc.receiver and rotated == dmarc.passed_at_delivery:
        return dmarc  # (most messages: nothing recorded, none rotated; the value is frozen)
    return evolve(dmarc, receiver=recorded, passed_at_delivery=rotated)


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


# --- spf: the DMARC result from DKIM and SPF (RFC 9989 §4.4, issue 13) --------------------------

_LOWER = {"reject": "quarantine", "quarantine": "none", "none": "none"}


def verdict(
    resolver: Resolver,
    dmarc: Dmarc,
    verdicts: tuple[SignatureVerdict, ...],
    spf: SpfCheck | None,
) -> DmarcVerdict:
    """Pass when a passing DKIM signature or today's SPF pass is aligned (tree-walk
    Organizational Domains; identical names under adkim=s / aspf=s), with the policy that
    applies, what a receiver would do, and what the receiver's records show at delivery."""
    if dmarc.status is not DmarcStatus.FOUND:
        result = "temperror" if dmarc.status is DmarcStatus.TEMPERROR else "none"
        return DmarcVerdict(result, (), False, False, None, None, None, None, None)
    walked: dict[str, str | None] = {dmarc.from_domain: dmarc.walk.org_domain if dmarc.walk
                                     else organizational_domain(dmarc.from_domain)}  # fmt: skip

    def aligned(domain: str | None, strict: bool) -> bool:
        if not domain:
            return False
        domain = domain.lower().rstrip(".")
        if domain == dmarc.from_domain:
            return True
        if strict:
            return False
        if domain not in walked:
            if len(walked) > MAX_WALKS:
                return False  # bounded: a message naming many domains gets no more walks
            walked[domain] = org_domain(resolver, domain)
        return walked[domain] is not None and walked[domain] == walked[dmarc.from_domain]

    adkim_s = dmarc.adkim == "s"
    aspf_s = (dmarc.tag("aspf") or "r").lower() == "s"
    dkim = next(
        (v for v in verdicts if (v.result is Result.PASS or (
            v.result is Result.NEUTRAL and v.reason is Reason.BODY_UNAVAILABLE))
         and aligned(v.domain, adkim_s)),
        None,
    )  # fmt: skip
    today = spf.today if spf else None
    spf_pass = bool(
        today and today.result is SpfResult.PASS and aligned(spf.domain if spf else None, aspf_s)
    )
    recorded = spf.recorded if spf else None
    spf_then = recorded.result == "pass" and aligned(recorded.domain, aspf_s) if recorded else None
    via = tuple(m for m, ok in (("dkim", dkim is not None), ("spf", spf_pass)) if ok)
    rx = dmarc.receiver
    at_delivery = None
    if rx is not None and rx.dmarc:
        at_delivery = rx.dmarc
    elif recorded is not None:
        dkim_then = dkim is not None or dmarc.passed_at_delivery is not None
        at_delivery = "pass" if spf_then or dkim_then else "fail"
    policy = (dmarc.policy or "none").lower()
    if policy not in _LOWER:  # an invalid sp= or np= reads as p= (RFC 9989 §4.10.1)
        policy = (dmarc.tag("p") or "none").lower()
    tag = "p"
    if dmarc.record_domain != dmarc.from_domain:
        np_applies = dmarc.walk is not None and dmarc.walk.from_exists is False and dmarc.tag("np")
        tag = "np" if np_applies else ("sp" if dmarc.tag("sp") else "p")
    testing = (dmarc.tag("t") or "n").lower() == "y"
    pct_text = dmarc.tag("pct")
    pct = int(pct_text) if pct_text and pct_text.isdigit() else None
    disposition = None
    if not via:
        disposition = _LOWER.get(policy, policy) if testing else policy
    return DmarcVerdict(
        "pass" if via else "fail", via, dkim is not None, spf_pass, spf_then, at_delivery,
        policy, tag, disposition, testing, pct, dkim.index if dkim else None,
    )  # fmt: skip


def alignment_variant(dmarc: Dmarc, rx: ReceiverDmarc | None) -> str | None:
    """The `dmarc_alignment` wording once SPF is known (diagnose.dmarc_findings calls it for
    a message no aligned signature passes): SPF made DMARC pass, today or as the receiver
    recorded it, or SPF was evaluated and does not make up for DKIM. None: as before."""
    recorded_pass = rx is not None and rx.spf == "pass" and rx.spf_aligned
    if dmarc.spf_pass or (recorded_pass and (rx is None or rx.dmarc is None)):
        return "dmarc_alignment.spf_pass"
    if dmarc.spf_pass is False and (rx is None or rx.dmarc is None):
        return "dmarc_alignment.spf_fail"
    return None
