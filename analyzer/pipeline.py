"""analyze(raw, resolver, now) -> Report: the one place that sequences the stages."""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum

from analyzer import dmarc as dmarc_policy
from analyzer.arc import check_arc
from analyzer.classify import classify, mailing_list
from analyzer.diagnose import diagnose
from analyzer.dns import Resolver
from analyzer.forensics import arc_findings, forensic_findings
from analyzer.keys import fetch_key
from analyzer.message import parse_message
from analyzer.model import (
    DkimSignature,
    DmarcStatus,
    MalformedSignature,
    ParsedMessage,
    Reason,
    Report,
    Result,
    Severity,
    SignatureVerdict,
)
from analyzer.probes import probe_key
from analyzer.signatures import extract
from analyzer.verify import fast_verify, verify

MAX_SIGNATURES = 16  # verified per message; the rest are reported, not checked (RFC 6376 §6.1)


# Reasons after which DNS is probed for the likely cause (probes.py): the key was not usable.
_KEY_UNUSABLE = frozenset({
    Reason.KEY_NOT_FOUND, Reason.KEY_REVOKED, Reason.KEY_SYNTAX,
    Reason.DNS_SERVFAIL, Reason.DNS_TIMEOUT, Reason.DNS_ERROR,
})  # fmt: skip


class Outcome(IntEnum):
    """The message-level answer, which is also the CLI's exit status."""

    PASS = 0  # an aligned signature passes (strictly when DMARC says adkim=s; headers only: b=)
    FAIL = 1  # none does
    TEMPORARY = 75  # only a temporary DNS error stands in the way (EX_TEMPFAIL)


def analyze(
    raw: bytes,
    resolver: Resolver,
    *,
    now: int,
    source: str = "-",
    headers_only: bool = False,
    lang: str = "en",
) -> Report:
    """Parse, extract, fetch keys, verify, classify, look up DMARC and diagnose one message.

    Raises NotAMessageError for input that is not a message; everything wrong
    with a message that is one is reported in the Report instead.
    """
    msg = parse_message(raw, headers_only=headers_only)
    verdicts = tuple(_verdict(sig, msg, resolver, now) for sig in extract(msg.headers))
    # The From domain's DMARC record: what alignment the domain asks of DKIM (RFC 7489 §6.6.3).
    dmarc = None
    if msg.from_domain and dmarc_policy.applicable(msg.from_domain):
        dmarc = dmarc_policy.evaluate(dmarc_policy.lookup(resolver, msg.from_domain), verdicts)
    chain = check_arc(msg, resolver, now)
    # What changed in transit (only for failing signatures) and what ARC says, beside the rules.
    findings = [
        *diagnose(msg, verdicts, lang, dmarc=dmarc),
        *forensic_findings(msg, verdicts, lang),
        *arc_findings(chain, msg, verdicts, lang),
    ]
    findings.sort(key=lambda f: list(Severity)[::-1].index(f.severity))  # worst first, stable
    return Report(source, msg, verdicts, tuple(findings), now, dmarc=dmarc, arc=chain)


def _verdict(
    sig: DkimSignature | MalformedSignature, msg: ParsedMessage, resolver: Resolver, now: int
) -> SignatureVerdict:
    alignment = classify(sig.domain, msg.from_domain, mailing_list(msg))
    if isinstance(sig, MalformedSignature):
        return SignatureVerdict(
            sig.index, sig.domain, sig.selector, sig.algorithm, Result.PERMERROR, sig.reason,
            sig.detail, alignment, None, None, tag=sig.tag,
        )  # fmt: skip
    if sig.index >= MAX_SIGNATURES:
        return SignatureVerdict(
            sig.index, sig.domain, sig.selector, sig.algorithm, Result.POLICY,
            Reason.TOO_MANY_SIGNATURES, f"only the first {MAX_SIGNATURES} signatures are verified",
            alignment, None, None, signature=sig,
        )  # fmt: skip
    evidence = fetch_key(resolver, sig.selector, sig.domain)
    # Signatures that verify stop at the fast path; the rest get the full diagnosis.
    verdict = fast_verify(sig, msg, evidence, alignment, now) or verify(
        sig, msg, evidence, alignment, now
    )
    if verdict.reason in _KEY_UNUSABLE:
        probes = probe_key(
            resolver, sig.selector, sig.domain, evidence.answer, from_domain=msg.from_domain
        )
        verdict = replace(verdict, probes=probes)
    return verdict


def outcome(report: Report) -> Outcome:
    """PASS when an aligned signature passes: relaxed alignment, or strict when the From
    domain's DMARC record says adkim=s (RFC 7489 §3.1.1)."""
    dmarc = report.dmarc
    strict = dmarc is not None and dmarc.status is DmarcStatus.FOUND and dmarc.adkim == "s"
    if any(dmarc_policy.counts_for_dmarc(v, strict=strict) for v in report.verdicts):
        return Outcome.PASS
    if any(v.result is Result.TEMPERROR for v in report.author_verdicts):
        return Outcome.TEMPORARY
    return Outcome.FAIL
