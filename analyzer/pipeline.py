"""analyze(raw, resolver, now) -> Report: the one place that sequences the stages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum

from analyzer import arcsets, trace
from analyzer import dmarc as dmarc_policy
from analyzer.arc import ARC_FIELDS, check_arc
from analyzer.classify import MailingList, classify, mailing_list
from analyzer.diagnose import diagnose, dns_budget_findings
from analyzer.dns import BudgetResolver, Resolver
from analyzer.forensics import arc_findings, forensic_findings
from analyzer.keys import fetch_key, key_name
from analyzer.message import parse_message
from analyzer.model import (
    Clock,
    ClockSource,
    DkimSignature,
    DmarcStatus,
    DnsAnswer,
    KeyRecord,
    MalformedSignature,
    ParsedMessage,
    Reason,
    Receiver,
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
    now: int | Clock,
    source: str = "-",
    headers_only: bool = False,
    lang: str = "en",
) -> Report:
    """Parse, extract, fetch keys, verify, classify, look up DMARC and diagnose one message.

    `now`: a Unix time, or a Clock (Clock(at, delivery=True): as of the time the trusted
    receiver accepted this message, else `at`). Raises NotAMessageError for input that is
    not a message; everything wrong with a message that is one is reported in the Report.
    """
    msg = parse_message(raw, headers_only=headers_only)
    return analyze_message(msg, resolver, now=now, source=source, lang=lang)


def analyze_message(
    msg: ParsedMessage,
    resolver: Resolver,
    *,
    now: int | Clock,
    source: str = "-",
    lang: str = "en",
    signatures: Sequence[DkimSignature | MalformedSignature] | None = None,
) -> Report:
    """analyze() of a message already parsed (and its signatures already extracted, when
    `signatures` is given): scan parses each message once, for lookups() and for this."""
    # One DNS deadline and lookup count for the whole message (dns.py, README "Limits").
    resolver = budget = BudgetResolver(resolver)
    # The receiver's boundary (trace.py's trust rule): the delivery time, and what it recorded.
    boundary = trace.receiver(msg)
    when, clock = clock_for(boundary, now if isinstance(now, Clock) else Clock(now))
    lists = mailing_list(msg)  # read once: every signature is classified against it
    if signatures is None:
        signatures = extract(msg.headers)
    verdicts = tuple(_verdict(sig, msg, resolver, when, lists) for sig in signatures)
    chain = check_arc(msg, resolver, when)
    receiver = trace.receiver_record(msg, chain, boundary)
    # The From domain's DMARC record: what alignment the domain asks of DKIM (RFC 7489 §6.6.3).
    dmarc = None
    if msg.from_domain and dmarc_policy.applicable(msg.from_domain):
        found = dmarc_policy.lookup(resolver, msg.from_domain)
        dmarc = dmarc_policy.evaluate(found, verdicts, receiver)
    # What changed in transit (only for failing signatures) and what ARC says, beside the rules.
    findings = [
        *diagnose(msg, verdicts, lang, dmarc=dmarc, receiver=receiver),
        *forensic_findings(msg, verdicts, lang),
        *arc_findings(chain, msg, verdicts, lang),
        *dns_budget_findings(budget, lang),
    ]
    findings.sort(key=lambda f: list(Severity)[::-1].index(f.severity))  # worst first, stable
    return Report(source, msg, verdicts, tuple(findings), when, dmarc=dmarc, arc=chain,
                  clock=clock, receiver=receiver)  # fmt: skip


def clock_for(receiver: Receiver, clock: Clock) -> tuple[int, ClockSource]:
    """The time to judge t= and x= by (RFC 6376 §3.5), and which clock it is: with --now
    delivery, the date of the trusted receiver's boundary Received field (trace.py), so old
    mail is judged as its receiver judged it; without one, the clock given."""
    if not clock.delivery:
        return clock.at, clock.source
    delivered = receiver.delivered_at
    if delivered is None:
        return clock.at, ClockSource.SYSTEM_FALLBACK
    return delivered, ClockSource.DELIVERY


def _verdict(
    sig: DkimSignature | MalformedSignature,
    msg: ParsedMessage,
    resolver: Resolver,
    now: int,
    lists: MailingList | None,
) -> SignatureVerdict:
    alignment = classify(sig.domain, msg.from_domain, lists)
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


# --- the DNS lookups a message needs (scan's prefetch and the cluster's plan) ----------


@dataclass(frozen=True, slots=True)
class Lookup:
    """One lookup analyze() makes for a message, with the questions that follow from its
    answer: a key (and the probes made when it gives no usable key), or the From domain's
    DMARC record (and whatever dmarc.lookup asks after it). Small and picklable."""

    domain: str
    selector: str | None = None  # None: the DMARC record of `domain`
    from_domain: str | None = None  # a key's probes also ask under the From domain

    @property
    def name(self) -> str:
        """The first name asked: one Lookup per name is made per run."""
        if self.selector is None:
            return f"_dmarc.{self.domain}"
        return key_name(self.selector, self.domain)


def lookups(
    msg: ParsedMessage, signatures: Sequence[DkimSignature | MalformedSignature] | None = None
) -> list[Lookup]:
    """The lookups analyze_message() will make for `msg`, in the order it makes them: the
    key of each signature it verifies, the keys of the ARC sets, the DMARC record.

    The same rule as analyze_message(): malformed signatures and those past MAX_SIGNATURES
    ask nothing; ARC asks only when the message has a body and a well-formed chain."""
    if signatures is None:
        signatures = extract(msg.headers)
    found: list[Lookup] = []
    keys: set[tuple[str, str]] = set()

    def key(selector: str, domain: str, sender: str | None) -> None:
        if (selector, domain) not in keys:
            keys.add((selector, domain))
            found.append(Lookup(domain, selector, sender))

    for sig in signatures:
        if isinstance(sig, DkimSignature) and sig.index < MAX_SIGNATURES:
            key(sig.selector, sig.domain, msg.from_domain)
    if msg.body is not None and any(h.lname in ARC_FIELDS for h in msg.headers):
        collected = arcsets.collect(msg.headers)
        if collected.problem is None:
            for s in collected.sets:
                key(s.message_signature.selector, s.message_signature.domain, None)
                key(s.seal.selector, s.seal.domain, None)
    if msg.from_domain and dmarc_policy.applicable(msg.from_domain):
        found.append(Lookup(msg.from_domain))
    return found


@dataclass
class _Recorder:
    """A resolver that keeps every answer it passes on."""

    inner: Resolver
    answers: list[DnsAnswer] = field(default_factory=list)

    def query(self, name: str, rdtype: str = "TXT") -> DnsAnswer:
        answer = self.inner.query(name, rdtype)
        self.answers.append(answer)
        return answer


def ask(lookup: Lookup, resolver: Resolver) -> tuple[DnsAnswer, ...]:
    """Every answer `lookup` gets from `resolver`, through the same functions analyze()
    calls: fetch_key, then probe_key when no record holds a usable key; or dmarc.lookup."""
    recorder = _Recorder(resolver)
    if lookup.selector is None:
        dmarc_policy.lookup(recorder, lookup.domain)
        return tuple(recorder.answers)
    evidence = fetch_key(recorder, lookup.selector, lookup.domain)
    if not any(isinstance(k, KeyRecord) and k.public_key for k in evidence.keys):
        probe_key(
            recorder, lookup.selector, lookup.domain, evidence.answer,
            from_domain=lookup.from_domain,
        )  # fmt: skip
    return tuple(recorder.answers)
