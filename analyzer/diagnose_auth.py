"""SPF and the DMARC result -> Findings (issue 13): small pure rules, words from explain.py.

Findings are made by diagnose.finding (code, severity, values, variant). Codes: spf_result, spf_unaligned, spf_permissive, spf_forwarded, dmarc_result
(README, "Findings"). The rules read the SpfCheck (analyzer/spf.py: what the trusted
receiver recorded, and today's check_host()), the DmarcVerdict (analyzer/dmarc.py) and the
Dmarc record with its tree walk.
"""

from __future__ import annotations

from analyzer import trace
from analyzer.classify import organizational_domain, provider_for
from analyzer.diagnose import finding
from analyzer.model import (
    Dmarc,
    DmarcStatus,
    DmarcVerdict,
    DnsStatus,
    Evidence,
    Finding,
    ParsedMessage,
    Severity,
    SignatureVerdict,
    SpfCheck,
    SpfEvaluation,
    SpfProblem,
    SpfResult,
    Value,
)

MAX_EVIDENCE = 24  # DNS answers shown per SPF finding (the JSON `spf` object keeps them all)
_FAILING = frozenset({"fail", "softfail", "neutral"})


def auth_findings(
    msg: ParsedMessage,
    verdicts: tuple[SignatureVerdict, ...],
    dmarc: Dmarc | None,
    spf: SpfCheck | None,
    result: DmarcVerdict | None,
    *,
    arc_sets: int = 0,
) -> list[Finding]:
    out: list[Finding] = []
    if spf is not None:
        out += _spf_result(msg, spf)
        out += _unaligned(msg, spf, dmarc, result)
        out += _permissive(spf)
        out += _forwarded(msg, verdicts, spf, result, arc_sets)
    if dmarc is not None and result is not None:
        out += _dmarc_result(msg, verdicts, dmarc, spf, result)
    return out


def _fields(msg: ParsedMessage, spf: SpfCheck) -> dict[str, Value]:
    today, rec = spf.today, spf.recorded
    return {
        "from_domain": msg.from_domain,
        "domain": spf.domain or "?",
        "ip": spf.client_ip or "?",
        "helo": spf.helo or "?",
        "mailfrom": spf.mailfrom or "<>",
        "identity": spf.identity,
        "result": today.result.value if today else "-",
        "matched": (today.matched if today else None) or "-",
        "matched_in": (today.matched_in if today else None) or "-",
        "detail": (today.detail if today else None) or "",
        "lookups": len(today.counted) if today else 0,
        "terms": ", ".join(today.counted) if today else "",
        "voids": ", ".join(today.voids) if today else "",
        "recorded": rec.result if rec else "-",
        "recorded_by": rec.recorded_by if rec else "-",
        "recorded_domain": (rec.domain if rec else None) or "?",
        "skipped": spf.skipped or "",
    }


def _evidence(spf: SpfCheck) -> list[Evidence]:
    out: list[Evidence] = list(spf.recorded.evidence) if spf.recorded else []
    if spf.boundary:
        out.append(f"Received (boundary): {spf.boundary[:300]}")
    if spf.today:
        out += [f"SPF record of {d}: {r[:200]}" for d, r in spf.today.records]
        out += spf.today.answers[:MAX_EVIDENCE]
        if spf.today.counted:
            out.append(f"DNS-querying terms ({len(spf.today.counted)} of 10): "
                       + ", ".join(spf.today.counted))  # fmt: skip
    return out


def _spf_result(msg: ParsedMessage, spf: SpfCheck) -> list[Finding]:
    today, rec = spf.today, spf.recorded
    f = _fields(msg, spf)
    ev = _evidence(spf)
    code = "spf_result"
    if today is None:
        if rec is None:
            return []
        return [finding(code, Severity.INFO, f, evidence=ev, variant="recorded")]
    r = today.result
    if rec is not None and rec.result == "pass" and r is SpfResult.NONE:
        # No record at all in the DNS asked: removed, or a DNS that does not hold it (an
        # offline zone); no claim that the record changed (issue 10: archived mail).
        return [finding(code, Severity.INFO, f, evidence=ev, variant="gone")]
    if rec is not None and rec.result == "pass" and r is not SpfResult.PASS:
        return [finding(code, Severity.WARNING, f, evidence=ev, variant="rotated")]
    if rec is not None and rec.result in _FAILING and r is SpfResult.PASS:
        return [finding(code, Severity.INFO, f, evidence=ev, variant="changed")]
    if r is SpfResult.PASS:
        return [finding(code, Severity.INFO, f, evidence=ev)]
    if r is SpfResult.PERMERROR:
        variant = {
            SpfProblem.TOO_MANY_LOOKUPS: "too_many_lookups",
            SpfProblem.TOO_MANY_VOID_LOOKUPS: "void_lookups",
        }.get(today.problem or SpfProblem.SYNTAX, "permerror")
        return [finding(code, Severity.ERROR, f, evidence=ev, variant=variant)]
    if r is SpfResult.TEMPERROR:
        return [finding(code, Severity.WARNING, f, evidence=ev, variant="temperror")]
    if r is SpfResult.NONE and _unknown_domain(today):
        # The DNS asked does not know the domain at all (NXDOMAIN): no claim that it
        # publishes no record (an offline zone of archived mail knows none; issue 10).
        return [finding(code, Severity.INFO, f, evidence=ev, variant="domain_unknown")]
    if r is SpfResult.NONE:
        return [finding(code, Severity.WARNING, f, evidence=ev, variant="none")]
    variant = "neutral" if r is SpfResult.NEUTRAL else "fail"
    return [finding(code, Severity.WARNING, f, evidence=ev, variant=variant)]


def _unknown_domain(today: SpfEvaluation) -> bool:
    """The TXT lookup of the checked domain itself answered NXDOMAIN."""
    name = today.domain.rstrip(".").lower()
    return any(
        a.rdtype.upper() == "TXT"
        and a.name.rstrip(".").lower() == name
        and a.status is DnsStatus.NXDOMAIN
        for a in today.answers
    )


def _unaligned(
    msg: ParsedMessage,
    spf: SpfCheck,
    dmarc: Dmarc | None,
    result: DmarcVerdict | None,
) -> list[Finding]:
    """SPF passes, but for a MAIL FROM domain that does not align with From (RFC 9989 §4.4)."""
    today, rec = spf.today, spf.recorded
    passes_today = today is not None and today.result is SpfResult.PASS
    passes_then = rec is not None and rec.result == "pass"
    domain = spf.domain if passes_today else (rec.domain if passes_then and rec else None)
    if not domain or not msg.from_domain or dmarc is None or dmarc.status is not DmarcStatus.FOUND:
        return []
    if result is None or result.spf_aligned_pass or result.spf_aligned_at_delivery:
        return []
    f = _fields(msg, spf) | {"domain": domain}
    severity = Severity.INFO if result.dkim_aligned_pass else Severity.WARNING
    provider = provider_for(domain)
    if provider == "Amazon SES":
        ses = trace.ses_origin(msg)
        region = ses.region if ses and ses.region else _ses_region(domain)
        f |= {"provider": provider, "region": region or "<region>"}
        return [finding("spf_unaligned", severity, f, evidence=_evidence(spf), variant="ses")]
    if provider:
        f["provider"] = provider
        return [finding("spf_unaligned", severity, f, evidence=_evidence(spf), variant="provider")]
    f["org_domain"] = organizational_domain(msg.from_domain)
    return [finding("spf_unaligned", severity, f, evidence=_evidence(spf))]


def _ses_region(domain: str) -> str | None:
    """eu-west-1 from eu-west-1.amazonses.com (us-east-1's default is email.amazonses.com)."""
    first = domain.split(".")[0]
    return first if first.count("-") >= 2 else None


def _permissive(spf: SpfCheck) -> list[Finding]:
    return permissive(spf.today) if spf.today else []


def permissive(today: SpfEvaluation) -> list[Finding]:
    """A record whose `all` is +all (anyone passes) or ?all (no verdict for anyone else)."""
    if today.all_qualifier not in ("+", "?") or today.record is None:
        return []
    f: dict[str, Value] = {"domain": today.domain, "record": today.record[:200]}
    variant = None if today.all_qualifier == "+" else "neutral"
    severity = Severity.ERROR if today.all_qualifier == "+" else Severity.WARNING
    return [
        finding(
            "spf_permissive",
            severity,
            f,
            evidence=[f"SPF record of {today.domain}: {today.record[:300]}"],
            variant=variant,
        )
    ]


def record_findings(ev: SpfEvaluation) -> list[Finding]:
    """`dns DOMAIN`: the domain's SPF record (spf.lint): syntax, lookups, void lookups."""
    f: dict[str, Value] = {
        "domain": ev.domain, "record": (ev.record or "")[:200], "lookups": len(ev.counted),
        "terms": ", ".join(ev.counted), "voids": ", ".join(ev.voids), "detail": ev.detail or "",
    }  # fmt: skip
    evidence: list[Evidence] = [f"SPF record of {d}: {r[:200]}" for d, r in ev.records]
    evidence += ev.answers[:MAX_EVIDENCE]
    code = "spf_record"
    variant = {
        SpfProblem.NO_RECORD: ("missing", Severity.WARNING),
        SpfProblem.TOO_MANY_LOOKUPS: ("too_many_lookups", Severity.ERROR),
        SpfProblem.TOO_MANY_VOID_LOOKUPS: ("void_lookups", Severity.ERROR),
        SpfProblem.DNS_TEMPORARY: ("temperror", Severity.WARNING),
    }.get(ev.problem or SpfProblem.SYNTAX)
    if ev.problem is None:
        return [finding(code, Severity.INFO, f, evidence=evidence), *permissive(ev)]
    text, severity = variant or ("invalid", Severity.ERROR)
    return [finding(code, severity, f, evidence=evidence, variant=text)]


def _forwarded(
    msg: ParsedMessage,
    verdicts: tuple[SignatureVerdict, ...],
    spf: SpfCheck,
    result: DmarcVerdict | None,
    arc_sets: int,
) -> list[Finding]:
    """SPF failed for a client outside the MAIL FROM domain's organisation: the message came
    through a forwarder or list, where SPF cannot survive and only DKIM (or ARC) can carry
    DMARC (RFC 7208 §9.1 / RFC 9989 §7.3 discuss forwarding)."""
    today, rec = spf.today, spf.recorded
    failing = (rec is not None and rec.result in _FAILING) or (
        today is not None and today.result in (SpfResult.FAIL, SpfResult.SOFTFAIL)
    )
    if not failing or not spf.domain or not spf.helo:
        return []
    relay = organizational_domain(spf.helo) if "." in spf.helo else spf.helo
    if relay == organizational_domain(spf.domain) and not arc_sets:
        return []  # the domain's own server: a misconfiguration (spf_result), not forwarding
    f = _fields(msg, spf)
    dkim = next((v for v in verdicts if result and v.index == result.signature_index), None)
    if dkim is not None:
        f |= {"d": dkim.domain or "?", "s": dkim.selector or "?"}
        return [
            finding("spf_forwarded", Severity.INFO, f, evidence=_evidence(spf), index=dkim.index)
        ]
    f["arc_sets"] = arc_sets
    variant = "arc" if arc_sets else "no_dkim"
    return [finding("spf_forwarded", Severity.WARNING, f, evidence=_evidence(spf), variant=variant)]


def _walk_evidence(dmarc: Dmarc) -> list[str]:
    walk = dmarc.walk
    if walk is None:
        return []
    out = [
        "RFC 9989 DNS tree walk: " + ", ".join(f"_dmarc.{d}" for d in walk.queried)
        + f"; organizational domain {walk.org_domain}"
        + (f"; policy record at _dmarc.{walk.policy_domain}" if walk.policy_domain else "")
    ]  # fmt: skip
    if walk.differs:
        out.append(
            f"RFC 7489 (public suffix list) gives the organizational domain "
            f"{walk.psl_org_domain}, and would look for the policy at _dmarc.{walk.domain} and "
            f"_dmarc.{walk.psl_org_domain}: receivers that still use the list may judge "
            "alignment and policy differently"
        )
    if walk.from_exists is False:
        out.append(f"{walk.domain} does not exist (NXDOMAIN): np= applies (RFC 9989 §4.10.1)")
    return out


def _dmarc_result(
    msg: ParsedMessage,
    verdicts: tuple[SignatureVerdict, ...],
    dmarc: Dmarc,
    spf: SpfCheck | None,
    result: DmarcVerdict,
) -> list[Finding]:
    if result.result not in ("pass", "fail"):
        return []  # no record or a temporary failure: dmarc_alignment says so
    by_index = {v.index: v for v in verdicts}
    dkim = by_index.get(result.signature_index) if result.signature_index is not None else None
    walk = dmarc.walk
    f: dict[str, Value] = {
        "from_domain": dmarc.from_domain,
        "record_domain": dmarc.record_domain or dmarc.from_domain,
        "org_domain": walk.org_domain if walk else organizational_domain(dmarc.from_domain),
        "policy": result.policy or "none",
        "tag": result.policy_tag or "p",
        "d": dkim.domain if dkim else "-",
        "s": dkim.selector if dkim else "-",
        "spf_domain": (spf.domain if spf else None) or "-",
        "spf_result": spf.today.result.value if spf and spf.today else "-",
        "disposition": result.disposition or "none",  # the words: explain.fields
        "testing": result.testing,
        "pct": result.pct,
        "psl_org_domain": walk.psl_org_domain if walk and walk.differs else None,
        "receiver": dmarc.receiver.recorded_by if dmarc.receiver else (
            spf.recorded.recorded_by if spf and spf.recorded else "-"
        ),
    }  # fmt: skip
    evidence = [(dmarc.record and f"_dmarc.{f['record_domain']}: {dmarc.record}") or "",
                *_walk_evidence(dmarc)]  # fmt: skip
    evidence = [e for e in evidence if e]
    code = "dmarc_result"
    if result.result == "pass":
        variants: dict[tuple[str, ...], str | None] = {
            ("dkim",): None,
            ("spf",): "spf",
        }
        variant = variants.get(result.via, "both")
        return [
            finding(
                code,
                Severity.INFO,
                f,
                evidence=evidence,
                variant=variant,
                index=dkim.index if dkim else None,
            )
        ]
    if result.at_delivery == "pass":
        return [finding(code, Severity.WARNING, f, evidence=evidence, variant="delivery_pass")]
    severity = (
        Severity.ERROR if result.disposition in ("quarantine", "reject") else Severity.WARNING
    )
    return [finding(code, severity, f, evidence=evidence, variant="fail")]
