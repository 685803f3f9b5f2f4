"""Verdicts + evidence -> Findings: small pure rules, one per situation.

Each rule looks at the message and its verdicts and returns findings; the
words come from explain.py. Findings are ordered by severity, worst first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from analyzer import explain
from analyzer.model import (
    Classification,
    DkimSignature,
    DnsAnswer,
    Finding,
    LineEndings,
    ParsedMessage,
    Result,
    Severity,
    SignatureVerdict,
)
from analyzer.verify import unsigned_part

WEAK_RSA_BITS = 2048
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def describe_answer(answer: DnsAnswer) -> str:
    """One line of DNS evidence: name, outcome, CNAME chain, records, TTL, server."""
    parts = [f"{answer.name} {answer.rdtype}: {answer.status.value}"]
    for owner, target in answer.cname_chain:
        parts.append(f"CNAME {owner} -> {target}")
    for i, rec in enumerate(answer.joined()):
        text = rec.decode("utf-8", "replace")
        parts.append(
            f"record {i + 1} ({len(rec)} bytes): {text[:80]}{'…' if len(text) > 80 else ''}"
        )
    if answer.ttl is not None:
        parts.append(f"ttl {answer.ttl}")
    if answer.server:
        parts.append(f"from {answer.server}")
    if answer.detail:
        parts.append(answer.detail)
    return "; ".join(parts)


def fields_for(v: SignatureVerdict, msg: ParsedMessage) -> dict[str, object]:
    """What the catalogue templates may name about one signature."""
    sig = v.signature
    return {
        "d": v.domain or "?",
        "s": v.selector or "?",
        "key": f"{v.selector}._domainkey.{v.domain}",
        "detail": v.detail or "",
        "tag": f"{v.tag}=" if v.tag else "-",
        "index": v.index,
        "bits": v.key_bits or "?",
        "provider": v.alignment.provider or "",
        "from_domain": msg.from_domain or "the sender's domain",
        "server": (v.key_evidence.answer.server if v.key_evidence else None) or "the resolver",
        "length": sig.length if sig else "",
        "header_state": {True: "intact", False: "broken too", None: "not checked"}[
            v.header_signature_valid
        ],
    }


def finding(
    code: str,
    severity: Severity,
    fields: dict[str, object],
    *,
    lang: str,
    index: int | None = None,
    evidence: Iterable[str] = (),
) -> Finding:
    summary, explanation, remedy, permanent = explain.render(code, lang, **fields)
    return Finding(code, severity, summary, explanation, remedy, permanent, index, tuple(evidence))


Rule = Callable[[ParsedMessage, tuple[SignatureVerdict, ...], str], list[Finding]]


def _signature_failures(
    msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...], lang: str
) -> list[Finding]:
    out = []
    for v in verdicts:
        if v.result is Result.PASS or v.reason is None:
            continue
        author = v.alignment.classification is Classification.AUTHOR
        if v.result is Result.NEUTRAL:
            severity = Severity.INFO
        elif v.result is Result.TEMPERROR or not author:
            severity = Severity.WARNING
        else:
            severity = Severity.ERROR
        evidence = [describe_answer(v.key_evidence.answer)] if v.key_evidence else []
        out.append(
            finding(v.reason.value, severity, fields_for(v, msg), lang=lang, index=v.index,
                    evidence=evidence)
        )  # fmt: skip
    return out


def _coverage(
    msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...], lang: str
) -> list[Finding]:
    fields: dict[str, object] = {"from_domain": msg.from_domain or "the sender's domain"}
    if not verdicts:
        return [finding("no_signatures", Severity.ERROR, fields, lang=lang)]
    authors = [v for v in verdicts if v.alignment.classification is Classification.AUTHOR]
    if not authors:
        return [finding("author_signature_missing", Severity.ERROR, fields, lang=lang)]
    return []


def _providers(
    msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...], lang: str
) -> list[Finding]:
    return [
        finding("provider_signature", Severity.INFO, fields_for(v, msg), lang=lang, index=v.index)
        for v in verdicts
        if v.alignment.classification is Classification.PROVIDER
    ]


def _keys(msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...], lang: str) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for v in verdicts:
        f = fields_for(v, msg)
        if v.key and v.key.key_type == "rsa" and v.key_bits and 1024 <= v.key_bits < WEAK_RSA_BITS:
            out.append(finding("weak_key", Severity.WARNING, f, lang=lang, index=v.index))
        if v.key and v.key.testing:
            out.append(finding("key_testing_mode", Severity.WARNING, f, lang=lang, index=v.index))
        ev = v.key_evidence
        if ev and len(ev.answer.records) > 1 and str(f["key"]) not in seen:
            seen.add(str(f["key"]))
            out.append(
                finding("multiple_key_records", Severity.WARNING, {**f, "count": len(ev.answer.records)},
                        lang=lang, index=v.index, evidence=[describe_answer(ev.answer)])
            )  # fmt: skip
    return out


def _body_length(
    msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...], lang: str
) -> list[Finding]:
    out = []
    for v in verdicts:
        sig = v.signature
        if sig is None or sig.length is None:
            continue
        detail = f"The body has {len(msg.body)} bytes as received." if msg.body is not None else ""
        f = {**fields_for(v, msg), "detail": detail}
        out.append(
            finding("body_length_limit", Severity.WARNING, f, lang=lang, index=v.index,
                    evidence=_unsigned(sig, msg.body))
        )  # fmt: skip
    return out


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


def _input(msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...], lang: str) -> list[Finding]:
    out = []
    if msg.line_endings is not LineEndings.CRLF:
        out.append(finding("line_endings_converted", Severity.INFO, {}, lang=lang))
    if msg.headers_only:
        out.append(finding("headers_only", Severity.INFO, {}, lang=lang))
    return out


RULES: tuple[Rule, ...] = (_coverage, _signature_failures, _providers, _keys, _body_length, _input)


def diagnose(
    msg: ParsedMessage, verdicts: tuple[SignatureVerdict, ...], lang: str = "en"
) -> tuple[Finding, ...]:
    found = [f for rule in RULES for f in rule(msg, verdicts, lang)]
    return tuple(sorted(found, key=lambda f: _SEVERITY_ORDER[f.severity]))
