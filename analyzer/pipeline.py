"""analyze(raw, resolver, now) -> Report: the one place that sequences the stages."""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, replace

from analyzer import arcsets, trace
from analyzer import dmarc as dmarc_policy
from analyzer import spf as spf_policy
from analyzer.arc import ARC_FIELDS, check_arc
from analyzer.classify import MailingList, classify, mailing_list
from analyzer.diagnose import diagnose, dns_budget_findings
from analyzer.diagnose_auth import auth_findings
from analyzer.dns import BudgetResolver, Resolver
from analyzer.dnssnapshot import RecordingResolver
from analyzer.forensics import arc_findings, forensic_findings
from analyzer.keys import fetch_key, key_name
from analyzer.message import a_label, parse_message
from analyzer.model import (
    ArcCv,
    Classification,
    Clock,
    ClockSource,
    DkimSignature,
    Dmarc,
    DmarcStatus,
    DnsAnswer,
    KeyRecord,
    MalformedSignature,
    Outcome,
    ParsedMessage,
    Reason,
    Receiver,
    Report,
    Result,
    SignatureVerdict,
    evolve,
    quick_init,
    worst_first,
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


def analyze(
    raw: bytes,
    resolver: Resolver,
    *,
    now: int | Clock,
    source: str = "-",
    headers_only: bool = False,
) -> Report:
    """Parse, extract, fetch keys, verify, classify, look up DMARC and diagnose one message.

    `now`: a Unix time, or a Clock (Clock(at, delivery=True): as of the time the trusted
    receiver accepted this message, else `at`). Raises NotAMessageError for input that is
    not a message; everything wrong with a message that is one is reported in the Report.
    """
    msg = parse_message(raw, headers_only=headers_only)
    return analyze_message(msg, resolver, now=now, source=source)


def analyze_message(
    msg: ParsedMessage,
    resolver: Resolver,
    *,
    now: int | Clock,
    source: str = "-",
    signatures: Sequence[DkimSignature | MalformedSignature] | None = None,
    receiver: Receiver | None = None,
    spf_identity: spf_policy.Identity | None = None,
) -> Report:
    """analyze() of a message already parsed (and its signatures already extracted, when
    `signatures` is given; `receiver`: trace.receiver_record(msg), what the header section
    alone shows, and `spf_identity`: spf.identify(msg, receiver), when already made for
    lookups())."""
    # One DNS deadline and lookup count for the whole message (dns.py, README "Limits").
    resolver = budget = BudgetResolver(resolver)
    # The receiver's boundary (trace.py's trust rule): the delivery time, and what it recorded.
    # (A receiver record given serves as the boundary: receiver_record keeps only its place.)
    boundary = trace.receiver(msg) if receiver is None else receiver
    when, clock = clock_for(boundary, now if isinstance(now, Clock) else Clock(now))
    lists = mailing_list(msg)  # read once: every signature is classified against it
    if signatures is None:
        signatures = extract(msg.headers)
    verdicts = tuple(_verdict(sig, msg, resolver, when, lists) for sig in signatures)
    chain = check_arc(msg, resolver, when)
    # A passing ARC chain adds what its sealers recorded; otherwise the header section's own.
    if receiver is None or chain.cv is ArcCv.PASS:
        receiver = trace.receiver_record(msg, chain, boundary)
        spf_identity = None  # made from the record given, not from this one
    # The From domain's DMARC record: what alignment the domain asks of DKIM (RFC 7489 §6.6.3).
    # SPF as the receiver recorded it and as of today (issue 13: spf.py, trace.py step 3).
    spf = spf_policy.for_message(msg, receiver, resolver, spf_identity)
    dmarc = dmarc_result = None
    if msg.from_domain and dmarc_policy.applicable(msg.from_domain):
        found = dmarc_policy.lookup(resolver, msg.from_domain)
        dmarc = dmarc_policy.evaluate(found, verdicts, receiver)
        # The DMARC result (RFC 9989 §4.4): an aligned DKIM or SPF pass.
        dmarc_result = dmarc_policy.verdict(resolver, dmarc, verdicts, spf)
        if spf.today is not None and dmarc.status is DmarcStatus.FOUND:
            # (Else spf_pass stays None: neither lookup nor evaluate sets it.)
            dmarc = evolve(dmarc, spf_pass=dmarc_result.spf_aligned_pass)
    # What changed in transit (only for failing signatures) and what ARC says, beside the rules.
    findings = [
        *diagnose(msg, verdicts, dmarc=dmarc, receiver=receiver),
        *forensic_findings(msg, verdicts),
        *arc_findings(chain, msg, verdicts),
        *auth_findings(msg, verdicts, dmarc, spf, dmarc_result, arc_sets=len(chain.sets)),
        *dns_budget_findings(budget),
    ]
    return Report(source, msg, verdicts, worst_first(findings), when, dmarc=dmarc, arc=chain,
                  clock=clock, receiver=receiver, outcome=message_outcome(verdicts, dmarc),
                  spf=spf, dmarc_result=dmarc_result)  # fmt: skip


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


def message_outcome(verdicts: tuple[SignatureVerdict, ...], dmarc: Dmarc | None) -> Outcome:
    """The message's answer (Report.outcome, decided here once): PASS when an aligned
    signature passes (relaxed alignment, or strict when the From domain's DMARC record
    says adkim=s, RFC 7489 §3.1.1); TEMPORARY when an author signature met a temporary
    DNS error; FAIL otherwise."""
    strict = dmarc is not None and dmarc.status is DmarcStatus.FOUND and dmarc.adkim == "s"
    passed = any(dmarc_policy.counts_for_dmarc(v, strict=strict) for v in verdicts)
    temporary = any(
        v.result is Result.TEMPERROR
        for v in verdicts
        if v.alignment.classification is Classification.AUTHOR
    )
    return Outcome.decide(passed, temporary)


# --- the DNS lookups a message needs (what a scan's worker asks the run's DNS service) ---


@quick_init  # four a message (model.quick_init)
@dataclass(frozen=True, slots=True)
class Lookup:
    """One lookup analyze() makes for a message, with the questions that follow from its
    answer: a key (and the probes made when it gives no usable key), the From domain's
    DMARC record (and its tree walk), what today's SPF check_host() of a domain may ask
    (`spf`: the client's address family, 4 or 6; spf.prefetch, with the domain's tree
    walk), or the tree walk of a signer's domain (`walk`). Small and picklable."""

    domain: str
    selector: str | None = None  # a key's selector
    from_domain: str | None = None  # a key's probes also ask under the From domain
    spf: int | None = None  # the SPF client's address family
    walk: bool = False

    @property
    def name(self) -> str:
        """What the lookup is known by: one Lookup per name is made per run (one per SPF
        domain and address family, whatever the client, sender and HELO)."""
        if self.spf is not None:
            return f"spf{self.spf} {self.domain}"
        if self.walk:
            return f"walk {self.domain}"
        if self.selector is None:
            return f"_dmarc.{self.domain}"
        return key_name(self.selector, self.domain)


def lookups(
    msg: ParsedMessage,
    signatures: Sequence[DkimSignature | MalformedSignature] | None = None,
    receiver: Receiver | None = None,
    spf_identity: spf_policy.Identity | None = None,
) -> list[Lookup]:
    """The lookups analyze_message() will make for `msg`, in the order it makes them: the
    key of each signature it verifies, the keys of the ARC sets, today's SPF, the DMARC
    record, the tree walks of the signers' domains other than the From domain.

    The same rule as analyze_message(): malformed signatures and those past MAX_SIGNATURES
    ask nothing; ARC asks only when the message has a body and a well-formed chain. Which
    walks analyze() makes depends on the answers (only for a passing signature, under
    relaxed alignment, with a DMARC record): this lists each that it may make. SPF's is
    what check_host() of the domain may need, for any client: its terms that depend on
    the client or the sender (macros, ptr) are asked as check_host() reaches them.
    `receiver`: trace.receiver_record(msg), and `spf_identity`: spf.identify(msg,
    receiver), when the caller holds them."""
    if signatures is None:
        signatures = extract(msg.headers)
    found: list[Lookup] = []
    keys: set[tuple[str, str]] = set()

    def key(selector: str, domain: str, sender: str | None) -> None:
        if (selector, domain) not in keys:
            keys.add((selector, domain))
            size = len(selector) + len(domain) + len(sender or "")
            found.append((_lookup if size <= _MAX_KEPT else Lookup)(domain, selector, sender))

    verified = [s for s in signatures if isinstance(s, DkimSignature) and s.index < MAX_SIGNATURES]
    for sig in verified:
        key(sig.selector, sig.domain, msg.from_domain)
    if msg.body is not None and not ARC_FIELDS.isdisjoint(map(_LNAME, msg.headers)):
        collected = arcsets.collect(msg.headers)
        if collected.problem is None:
            for s in collected.sets:
                key(s.message_signature.selector, s.message_signature.domain, None)
                key(s.seal.selector, s.seal.domain, None)
    if planned := spf_policy.plan_message(msg, receiver, spf_identity):
        found.append(Lookup(planned[0], spf=planned[1]))
    if msg.from_domain and dmarc_policy.applicable(msg.from_domain):
        signers = tuple(s.domain for s in verified)
        if len(msg.from_domain) + sum(map(len, signers)) <= _MAX_KEPT:
            found += _kept_dmarc_lookups(msg.from_domain, signers)
        else:
            found += _dmarc_lookups(msg.from_domain, signers)
    return found


def _dmarc_lookups(from_domain: str, signers: tuple[str, ...]) -> tuple[Lookup, ...]:
    """The From domain's DMARC record, and the tree walks of the signers' other domains."""
    own = a_label(from_domain.lower().rstrip("."))
    walks = dict.fromkeys(a_label(d.lower().rstrip(".")) for d in signers)
    return (Lookup(from_domain), *(Lookup(d, walk=True) for d in walks if d != own))


# A Lookup is a frozen value, a pure function of the names: the same From domains, signers
# and keys recur message after message, and each is made once (names of a usual length).
_MAX_KEPT = 1024  # characters of the names
_kept_dmarc_lookups = functools.lru_cache(maxsize=256)(_dmarc_lookups)
_lookup = functools.lru_cache(maxsize=256)(Lookup)

_LNAME = operator.attrgetter("lname")  # (a header field's lowercase name, read in C)


def ask(lookup: Lookup, resolver: Resolver) -> tuple[DnsAnswer, ...]:
    """Every answer `lookup` gets from `resolver`, through the same functions analyze()
    calls: fetch_key, then probe_key when no record holds a usable key; dmarc.lookup;
    spf.prefetch (spf.lint's check_host and the tree walk); dmarc.walk_lookups."""
    recorder = RecordingResolver(resolver)
    if lookup.spf is not None:
        spf_policy.prefetch(recorder, lookup.domain, lookup.spf)
    elif lookup.walk:
        dmarc_policy.walk_lookups(recorder, lookup.domain)
    elif lookup.selector is None:
        dmarc_policy.lookup(recorder, lookup.domain)
    else:
        evidence = fetch_key(recorder, lookup.selector, lookup.domain)
        if not any(isinstance(k, KeyRecord) and k.public_key for k in evidence.keys):
            probe_key(
                recorder, lookup.selector, lookup.domain, evidence.answer,
                from_domain=lookup.from_domain,
            )  # fmt: skip
    return tuple(recorder.answers.values())
