"""analyze(raw, resolver, now) -> Report: the one place that sequences the stages."""

from __future__ import annotations

from enum import IntEnum

from analyzer.arc import check_arc
from analyzer.classify import classify
from analyzer.diagnose import diagnose
from analyzer.dns import Resolver
from analyzer.forensics import arc_findings, forensic_findings
from analyzer.keys import fetch_key
from analyzer.message import parse_message
from analyzer.model import (
    Classification,
    DkimSignature,
    MalformedSignature,
    ParsedMessage,
    Reason,
    Report,
    Result,
    Severity,
    SignatureVerdict,
)
from analyzer.signatures import extract
from analyzer.verify import verify

MAX_SIGNATURES = 16  # verified per message; the rest are reported, not checked (RFC 6376 §6.1)


class Outcome(IntEnum):
    """The message-level answer, which is also the CLI's exit status."""

    PASS = 0  # an author-aligned signature passes (headers only: its b= verifies)
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
    """Parse, extract, fetch keys, verify, classify and diagnose one message.

    Raises NotAMessageError for input that is not a message; everything wrong
    with a message that is one is reported in the Report instead.
    """
    msg = parse_message(raw, headers_only=headers_only)
    verdicts = tuple(_verdict(sig, msg, resolver, now) for sig in extract(msg.headers))
    chain = check_arc(msg, resolver)
    # What changed in transit (only for failing signatures) and what ARC says, beside the rules.
    findings = [
        *diagnose(msg, verdicts, lang),
        *forensic_findings(msg, verdicts, lang),
        *arc_findings(chain, msg, verdicts, lang),
    ]
    findings.sort(key=lambda f: list(Severity)[::-1].index(f.severity))  # worst first, stable
    return Report(source, msg, verdicts, tuple(findings), now, chain)


def _verdict(
    sig: DkimSignature | MalformedSignature, msg: ParsedMessage, resolver: Resolver, now: int
) -> SignatureVerdict:
    alignment = classify(sig.domain, msg.from_domain)
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
    return verify(sig, msg, evidence, alignment, now)


def outcome(report: Report) -> Outcome:
    authors = [v for v in report.verdicts if v.alignment.classification is Classification.AUTHOR]
    if any(
        v.result is Result.PASS
        or (v.result is Result.NEUTRAL and v.reason is Reason.BODY_UNAVAILABLE)
        for v in authors
    ):
        return Outcome.PASS
    if any(v.result is Result.TEMPERROR for v in authors):
        return Outcome.TEMPORARY
    return Outcome.FAIL
