"""Verdicts + evidence -> Findings: small pure rules, one per situation.

Each rule looks at the message and its verdicts and returns findings: codes, a
variant, and the values they speak of (no words: explain.words gives them at render
time). Findings are ordered by severity, worst first.

A signature that did not pass gets one finding: its reason code, unless the
evidence tells more (the DNS probes made for an unusable key, the receiver's
own Authentication-Results): then the more telling finding replaces it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime

from analyzer import dmarc as dmarc_policy
from analyzer import trace
from analyzer.classify import mailing_list, organizational_domain, provider_for
from analyzer.dns import BudgetResolver
from analyzer.model import (
    Classification,
    DkimSignature,
    Dmarc,
    DmarcStatus,
    DnsStatus,
    Evidence,
    Finding,
    LineEndings,
    ParsedMessage,
    ProbeKind,
    Reason,
    Receiver,
    RecordedResult,
    Result,
    Severity,
    SignatureVerdict,
    Value,
    worst_first,
)
from analyzer.probes import domain_missing
from analyzer.verify import unsigned_part

WEAK_RSA_BITS = 2048
_TEMPORARY = frozenset({Reason.DNS_SERVFAIL, Reason.DNS_TIMEOUT, Reason.DNS_ERROR})
# Reasons a key that is gone or replaced since delivery produces (trace.passed_at_delivery).
_ROTATION = trace.ROTATION


@functools.lru_cache(maxsize=1024)  # t= and x= of a batch's signers recur; strftime is slow
def _date(ts: int | None) -> str:
    if ts is None:
        return "?"
    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return str(ts)


def fields_for(v: SignatureVerdict, msg: ParsedMessage) -> dict[str, Value]:
    """The values the catalogue templates may name about one signature."""
    sig = v.signature
    answer = v.key_evidence.answer if v.key_evidence else None
    return {
        "d": v.domain or "?",
        "s": v.selector or "?",
        "key": f"{v.selector}._domainkey.{v.domain}",
        "detail": v.detail or "",
        "tag": f"{v.tag}=" if v.tag else "-",
        "index": v.index,
        "bits": v.key_bits or "?",
        "provider": v.alignment.provider or "",
        "from_domain": msg.from_domain,
        "server": answer.server if answer else None,
        "status": answer.status.value.upper() if answer else "?",
        "length": sig.length if sig else "",
        "body_bytes": len(msg.body) if msg.body is not None else "?",
        "signed": _date(sig.timestamp if sig else None),
        "expires": _date(sig.expiration if sig else None),
        "header_valid": v.header_signature_valid,
    }


def finding(
    code: str,
    severity: Severity,
    fields: Mapping[str, Value],
    *,
    index: int | None = None,
    evidence: Iterable[Evidence] = (),
    variant: str | None = None,
) -> Finding:
    """A finding: its code, the situation (`variant`) and the values its words name."""
    return Finding(code, severity, variant, dict(fields), index, tuple(evidence))


Rule = Callable[[ParsedMessage, tuple[SignatureVerdict, ...]], list[Finding]]


# Reasons whose default remedy is addressed to whoever runs d= (publish, re-key, re-sign):
# for a platform's or a list's own signature that is not the author, but the platform or
# the list, so these read differently there (`<reason>.signer`).
_SIGNER_VARIANTS = frozenset({
    Reason.KEY_NOT_FOUND, Reason.KEY_REVOKED, Reason.KEY_SYNTAX, Reason.KEY_TOO_SHORT,
    Reason.WEAK_ALGORITHM, Reason.BODY_HASH_MISMATCH, Reason.SIGNATURE_MISMATCH,
})  # fmt: skip
# Platforms whose default signature means the domain's own DKIM is not turned on there.
_GOOGLE = frozenset({"Google Workspace", "Google"})


def owner(v: SignatureVerdict) -> dict[str, Value]:
    """Who runs d= when it is not the author: the platform (`owner`), or the mailing list
    (`list_owner`, which explain.fields words as "the list ..."); empty for the author."""
    a = v.alignment
    if a.classification is Classification.PROVIDER:
        return {"owner": a.provider}
    if a.classification is Classification.LIST:
        return {"owner": "", "list_owner": v.domain or a.mailing_list or "?"}
    return {}


def _dns_evidence(v: SignatureVerdict) -> list[Evidence]:
    out: list[Evidence] = [v.key_evidence.answer] if v.key_evidence else []
    return out + list(v.probes)


def dns_budget_findings(budget: BudgetResolver, evidence: Iterable[Evidence] = ()) -> list[Finding]:
    """One finding when a message's DNS budget ran out (issue 11.8): what was not asked."""
    if not budget.exhausted:
        return []
    fields: dict[str, Value] = {
        "skipped": budget.skipped, "asked": budget.asked,
        "lookups": budget.lookups, "seconds": f"{budget.seconds:g}",
    }  # fmt: skip
    return [finding("dns_budget_exhausted", Severity.WARNING, fields, evidence=evidence)]


def _recorded_how(seen: RecordedResult) -> dict[str, Value]:
    """Who recorded a pass, and where (README, "The trust rule"): explain.fields words it."""
    return {
        "recorded_source": seen.source.value,
        "recorded_instance": seen.instance,
        "recorded_sealer": seen.sealer,
    }


def _explain_failure(
    v: SignatureVerdict,
    receiver: Receiver | None,
    claimed: Collection[str] = (),
) -> tuple[str, str, dict[str, Value], list[Evidence]]:
    """(code, catalogue entry, extra fields, evidence) for a signature that did not pass."""
    assert v.reason is not None
    evidence = _dns_evidence(v)
    probes = {p.kind: p for p in v.probes}
    reason = v.reason
    # The receiver saw it pass at delivery: the key changed since (RFC 6376 §3.6.1 lets a
    # signer remove a selector once its mail is delivered).
    seen = trace.passed_at_delivery(receiver, v)
    # ... unless DNS here denies even the domain's TLD: then "gone now" is not known either.
    if seen is not None and domain_missing(v.probes) != "unreliable":
        entry = "key_rotated.replaced" if reason is Reason.SIGNATURE_MISMATCH else "key_rotated"
        extra: dict[str, Value] = {"authserv": seen.recorded_by, **_recorded_how(seen)}
        return "key_rotated", entry, extra, [trace.evidence(seen), *evidence]
    # A platform's or a list's own key and signing are its business: never ask the author to
    # publish a key under amazonses.com or to re-sign for sendgrid.info (nor run the probes'
    # stories, which are about a domain owner's DNS mistakes).
    # (Unless the domain itself does not resolve: then nothing is known of its key, below.)
    gone = reason is Reason.KEY_NOT_FOUND and domain_missing(v.probes)
    if reason in _SIGNER_VARIANTS and not gone and v.alignment.classification in (
        Classification.PROVIDER, Classification.LIST,
    ):  # fmt: skip
        return reason.value, f"{reason.value}.signer", {}, evidence
    if reason in _TEMPORARY:
        # Not the server's failure: this machine's limit, or this message's DNS budget.
        answer = v.key_evidence.answer if v.key_evidence else None
        if answer is not None and answer.status is DnsStatus.LOCAL:
            local: dict[str, Value] = {"detail": answer.detail or answer.status.value}
            return "local_resource_limit", "local_resource_limit", local, evidence
        if answer is not None and answer.status is DnsStatus.BUDGET:
            spent: dict[str, Value] = {"detail": answer.detail or answer.status.value}
            return "dns_temporary", "dns_temporary.budget", spent, evidence
        cname = probes.get(ProbeKind.SELECTOR_CNAME)
        if cname and cname.found and v.key_evidence:
            target = cname.answer.joined()[0].decode("ascii", "replace").rstrip(".")
            return "dns_temporary", "dns_temporary.cname", {"target": target}, evidence
        return "dns_temporary", "dns_temporary", {}, evidence
    if reason is Reason.KEY_NOT_FOUND and v.key_evidence:
        answer = v.key_evidence.answer
        doubled = probes.get(ProbeKind.DOUBLED_NAME)
        if doubled and doubled.found:
            published = doubled.answer.name.rstrip(".")
            return "dns_name_doubled", "dns_name_doubled", {"published": published}, evidence
        if answer.cname_chain:
            target = answer.cname_chain[-1][1].rstrip(".")
            provider = provider_for(target)
            entry = "cname_target_missing.provider" if provider else "cname_target_missing"
            fields: dict[str, Value] = {"target": target, "provider": provider or ""}
            return "cname_target_missing", entry, fields, evidence
        for kind, entry in ((ProbeKind.ORG_DOMAIN, "key_at_other_domain"),
                            (ProbeKind.FROM_DOMAIN, "key_at_other_domain.from")):  # fmt: skip
            probe = probes.get(kind)
            if probe and probe.found:
                return (
                    "key_at_other_domain",
                    entry,
                    {"published": probe.answer.name.rstrip(".")},
                    evidence,
                )
        # The domain itself does not resolve: no fact about its keys (issue 10.10).
        if missing := domain_missing(v.probes):
            return reason.value, f"key_not_found.domain_{missing}", {}, evidence
        # A verified ARC set of a sealer the trust rule does not vouch for saw it pass: not
        # proof, but "likely never set up" would contradict it (realmail: vger's list mail).
        sealed = trace.sealer_saw_pass(receiver, v.signature) if v.signature else None
        if sealed is not None:
            extra = {"sealer": sealed.sealer or "?", "instance": sealed.instance or "?"}
            return reason.value, "key_not_found.sealer_saw_pass", extra, [
                trace.evidence(sealed), *evidence,
            ]  # fmt: skip
        node = probes.get(ProbeKind.DOMAINKEY_NODE)
        # "Likely never set up" is a guess: not when a header of the message says that d=
        # passed somewhere (an untrusted record, or an ARC set that cannot be verified now).
        if node and node.answer.status is DnsStatus.NXDOMAIN and v.domain not in claimed:
            return reason.value, "key_not_found.no_domainkey", {}, evidence
    return reason.value, reason.value, {}, evidence


def _signature_failures(
    msg: ParsedMessage,
    verdicts: tuple[SignatureVerdict, ...],
    receiver: Receiver | None = None,
) -> list[Finding]:
    out: list[Finding] = []
    # The receiver's own verdict matters only for a signature that may have lost its key.
    rotated = any(v.reason in _ROTATION for v in verdicts)  # may have lost its key since
    if receiver is None and rotated:
        receiver = trace.receiver_record(msg)
    claimed = trace.claimed_dkim_pass(msg) if rotated else frozenset()
    for v in verdicts:
        if v.result is Result.PASS or v.reason is None:
            continue
        if v.reason is Reason.TOO_MANY_SIGNATURES and any(
            f.code == Reason.TOO_MANY_SIGNATURES.value for f in out
        ):
            continue  # the finding for the first one past the limit speaks for them all
        author = v.alignment.classification is Classification.AUTHOR
        code, entry, extra, evidence = _explain_failure(v, receiver, claimed)
        extra = {"owner": "", **owner(v), **extra}
        if v.result is Result.NEUTRAL:
            severity = Severity.INFO
        elif v.result is Result.TEMPERROR or not author or code == "key_rotated":
            severity = Severity.WARNING
        else:
            severity = Severity.ERROR
        variant = entry.partition(".")[2] or None
        out.append(
            finding(code, severity, {**fields_for(v, msg), **extra}, index=v.index,
                    evidence=evidence, variant=variant)
        )  # fmt: skip
    return out


def _coverage(msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...]) -> list[Finding]:
    if any(v.alignment.classification is Classification.AUTHOR for v in verdicts):
        return []
    fields: dict[str, Value] = {
        "from_domain": msg.from_domain,
        "signers": ", ".join(f"d={v.domain}" for v in verdicts if v.domain),
    }
    if not verdicts:
        return [finding("no_signatures", Severity.ERROR, fields)]
    code = "author_signature_missing"
    # The best explanation first: a list that re-signed (and so likely removed or broke the
    # author's signature) explains more than how the author's mail was first sent.
    lists = [v for v in verdicts if v.alignment.classification is Classification.LIST]
    if lists:
        lst = mailing_list(msg)
        fields |= {"list": lists[0].alignment.mailing_list or "?", "list_d": lists[0].domain}
        return [finding(code, Severity.ERROR, fields, evidence=lst.evidence if lst else (),
                        variant="list")]  # fmt: skip
    providers = {
        v.alignment.provider
        for v in verdicts
        if v.alignment.classification is Classification.PROVIDER and v.alignment.provider
    }
    signed_by = [f"DKIM-Signature: d={v.domain}; s={v.selector}" for v in verdicts if v.domain]
    if providers & _GOOGLE:
        return [finding(code, Severity.ERROR, fields, evidence=signed_by,
                        variant="google_workspace")]  # fmt: skip
    if "Microsoft 365" in providers:
        return [finding(code, Severity.ERROR, fields, evidence=signed_by,
                        variant="microsoft365")]  # fmt: skip
    # SES's causes only when the headers say SES sent it and no other platform signed.
    ses = trace.ses_origin(msg)
    if ses is not None and providers <= {"Amazon SES"}:
        fields["region"] = ses.region
        return [finding(code, Severity.ERROR, fields, evidence=ses.evidence,
                        variant="ses")]  # fmt: skip
    if providers:
        fields["provider"] = ", ".join(sorted(providers))
        return [finding(code, Severity.ERROR, fields, evidence=signed_by,
                        variant="provider")]  # fmt: skip
    return [finding(code, Severity.ERROR, fields)]


def _providers(msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...]) -> list[Finding]:
    authors = [v for v in verdicts if v.alignment.classification is Classification.AUTHOR]
    # The author signature that counts for DMARC: a passing one if there is one.
    author = next((v for v in authors if v.result is Result.PASS), authors[0] if authors else None)
    out = []
    for v in verdicts:
        if v.alignment.classification is not Classification.PROVIDER:
            continue
        f = fields_for(v, msg)
        variant = None
        if author is not None:
            variant = "beside_author"
            f |= {"author_d": author.domain or "?", "author_s": author.selector or "?"}
        out.append(finding("provider_signature", Severity.INFO, f, index=v.index, variant=variant))
    return out


def _keys(msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...]) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for v in verdicts:
        ev = v.key_evidence
        bits = v.key_bits or 0
        weak = bool(v.key and v.key.key_type == "rsa" and 1024 <= bits < WEAK_RSA_BITS)
        testing = bool(v.key and v.key.testing)
        several = ev is not None and len(ev.answer.records) > 1
        if not (weak or testing or several):
            continue  # nothing to say of its key (the values are made only for a finding)
        f = fields_for(v, msg)
        if weak:
            # A platform's or a list's key is its own to replace, not the author's.
            who = owner(v)
            out.append(finding("weak_key", Severity.WARNING, {**f, "owner": "", **who},
                               index=v.index, variant="signer" if who else None))  # fmt: skip
        if testing:
            out.append(finding("key_testing_mode", Severity.WARNING, f, index=v.index))
        if ev is not None and several and str(f["key"]) not in seen:
            seen.add(str(f["key"]))
            out.append(
                finding("multiple_key_records", Severity.WARNING, {**f, "count": len(ev.answer.records)},
                        index=v.index, evidence=[ev.answer])
            )  # fmt: skip
    return out


def _body_length(msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...]) -> list[Finding]:
    return [
        finding("body_length_limit", Severity.WARNING, fields_for(v, msg), index=v.index,
                evidence=_unsigned(v.signature, msg.body))
        for v in verdicts
        if v.signature is not None and v.signature.length is not None
    ]  # fmt: skip


def _unsigned(sig: DkimSignature, body: bytes | None) -> list[str]:
    """Evidence for l=: what of the canonical body is not signed, and its first line."""
    tail = unsigned_part(sig, body) if body is not None else b""
    if not tail.strip():
        return []
    lines = tail.split(b"\r\n")
    first = next(ln for ln in lines if ln.strip())
    return [
        f"{len(tail)} bytes ({len(lines) - 1} lines) after l={sig.length} are not signed",
        f"first unsigned line: {first.decode('utf-8', 'replace')[:100]!r}",
    ]


def _input(msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...]) -> list[Finding]:
    out = []
    if msg.line_endings is not LineEndings.CRLF:
        out.append(finding("line_endings_converted", Severity.INFO, {}))
    if msg.headers_only:
        out.append(finding("headers_only", Severity.INFO, {}))
    return out


def dmarc_findings(
    msg: ParsedMessage,
    verdicts: tuple[SignatureVerdict, ...],
    dmarc: Dmarc,
    receiver: Receiver | None = None,
) -> list[Finding]:
    """dmarc_alignment: what the From domain's DMARC record asks, and whether DKIM gives it.

    This tool evaluates DKIM only: without an aligned passing signature it says what DKIM
    alone gives, and adds what the trusted receiver recorded (dmarc=, spf=) as evidence,
    never that receivers apply the policy (DMARC also passes through aligned SPF, §4.2).
    """
    evidence: list[Evidence] = list(dmarc.answers)
    last = dmarc.answers[-1] if dmarc.answers else None
    f: dict[str, Value] = {
        "from_domain": dmarc.from_domain,
        "org_domain": organizational_domain(dmarc.from_domain),
        "dmarc_name": f"_dmarc.{dmarc.record_domain or dmarc.from_domain}",
        "status": last.status.value.upper() if last else "?",
        "looked_up": ", ".join(a.name.rstrip(".") for a in dmarc.answers if a.rdtype == "TXT"),
    }
    code = "dmarc_alignment"
    if dmarc.status is DmarcStatus.NONE:
        missing = domain_missing(dmarc_policy.existence(dmarc))  # issue 10.10: not a fact then
        f["server"] = last.server if last else None
        return [finding(code, Severity.WARNING, f, evidence=evidence, variant=missing or "none")]
    if dmarc.status is DmarcStatus.TEMPERROR:
        return [finding(code, Severity.WARNING, f, evidence=evidence, variant="temp")]
    policy = dmarc.policy or "none"
    f |= {
        "p": dmarc.tag("p") or "-", "sp": dmarc.tag("sp") or "-", "adkim": dmarc.adkim,
        "policy": policy,
    }  # fmt: skip
    by_index = {v.index: v for v in verdicts}
    if dmarc.dkim_aligned_pass and dmarc.signature_index in by_index:
        v = by_index[dmarc.signature_index]
        f |= {"d": v.domain, "s": v.selector}
        return [finding(code, Severity.INFO, f, index=v.index, evidence=evidence)]
    severity = Severity.ERROR if policy in ("quarantine", "reject") else Severity.WARNING
    relaxed = next((v for v in verdicts if v.alignment.relaxed and v.result is Result.PASS), None)
    if dmarc.adkim == "s" and relaxed is not None:
        f |= {"d": relaxed.domain, "s": relaxed.selector}
        return [finding(code, severity, f, index=relaxed.index, evidence=evidence,
                        variant="strict")]  # fmt: skip
    rx = dmarc.receiver
    if rx is not None:
        f |= {
            "receiver": rx.recorded_by, "receiver_dmarc": rx.dmarc or "-",
            "receiver_spf": rx.spf or "-", "mailfrom": rx.smtp_mailfrom or "-",
        }  # fmt: skip
        evidence += rx.evidence
    # An aligned signature passed at delivery and only its key is gone: DKIM cannot be
    # re-checked today, which is no reason for alarm about a message already delivered.
    rotated = (
        by_index.get(dmarc.passed_at_delivery) if dmarc.passed_at_delivery is not None else None
    )
    seen = trace.passed_at_delivery(receiver, rotated) if rotated is not None else None
    if rotated is not None and seen is not None:
        f |= {"d": rotated.domain, "s": rotated.selector, "authserv": seen.recorded_by}
        return [finding(code, Severity.WARNING, f, index=rotated.index,
                        evidence=[trace.evidence(seen), *evidence], variant="rotated")]  # fmt: skip
    if spf_text := dmarc_policy.alignment_variant(dmarc, rx):  # issue 13: SPF is evaluated
        severity = Severity.WARNING if spf_text.endswith("spf_pass") else severity
        return [finding(code, severity, f, evidence=evidence, variant=spf_text.partition(".")[2])]
    if rx is not None and rx.dmarc == "pass":
        return [finding(code, Severity.WARNING, f, evidence=evidence, variant="receiver_pass")]
    if rx is not None and rx.dmarc is not None:
        return [finding(code, severity, f, evidence=evidence, variant="receiver_fail")]
    return [finding(code, severity, f, evidence=evidence, variant="fail")]


# The rules that read the message and its verdicts only; _signature_failures and
# dmarc_findings also read what the receiver recorded, and are called with it.
RULES: tuple[Rule, ...] = (_providers, _keys, _body_length, _input)


def diagnose(
    msg: ParsedMessage,
    verdicts: tuple[SignatureVerdict, ...],
    *,
    dmarc: Dmarc | None = None,
    receiver: Receiver | None = None,
) -> tuple[Finding, ...]:
    """`receiver`: trace.receiver_record(msg, chain) (with ARC); computed here when not given."""
    found = [
        *_coverage(msg, verdicts),
        *_signature_failures(msg, verdicts, receiver),
        *(f for rule in RULES for f in rule(msg, verdicts)),
    ]
    if dmarc is not None:
        found += dmarc_findings(msg, verdicts, dmarc, receiver)
    return worst_first(found)
