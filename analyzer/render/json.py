"""The versioned JSON schema (README, "JSON output"). Scripts depend on every key here.

Every document and line is written through `dumps`: unsafe characters as JSON escapes and
the source name lossless (render/escape.py, README "Output safety")."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

from analyzer import __version__
from analyzer.explain import words
from analyzer.model import (
    SCHEMA_VERSION,
    ArcChain,
    Dmarc,
    DmarcVerdict,
    DnsAnswer,
    Failure,
    Finding,
    Receiver,
    Report,
    SignatureVerdict,
    SpfCheck,
    SpfEvaluation,
    TreeWalk,
)
from analyzer.render.escape import json_text, source_text
from analyzer.render.evidence import describe


def _text(b: bytes) -> str:
    return b.decode("utf-8", "replace")


def dns_dict(a: DnsAnswer) -> dict[str, Any]:
    return {
        "name": a.name,
        "type": a.rdtype,
        "status": a.status.value,
        "cname_chain": [{"owner": o, "target": t} for o, t in a.cname_chain],
        "records": [
            {"strings": [_text(s) for s in strings], "value": _text(b"".join(strings))}
            for strings in a.records
        ],
        "ttl": a.ttl,
        "server": a.server,
        "detail": a.detail,
    }


def signature_dict(v: SignatureVerdict) -> dict[str, Any]:
    sig = v.signature
    key = v.key
    return {
        "index": v.index,
        "domain": v.domain,
        "selector": v.selector,
        "algorithm": v.algorithm,
        "result": v.result.value,
        "reason": v.reason.value if v.reason else None,
        "detail": v.detail,
        "tag": v.tag,
        "classification": v.alignment.classification.value,
        "provider": v.alignment.provider,
        "benign": v.benign,
        "aligned": {"relaxed": v.alignment.relaxed, "strict": v.alignment.strict},
        "header_signature_valid": v.header_signature_valid,
        "body_hash_valid": v.body_hash_valid,
        "canonicalization": f"{sig.header_canon}/{sig.body_canon}" if sig else None,
        "identity": sig.identity if sig else None,
        "body_length": sig.length if sig else None,
        "timestamp": sig.timestamp if sig else None,
        "expiration": sig.expiration if sig else None,
        "signed_headers": list(sig.signed_headers) if sig else None,
        "dns": dns_dict(v.key_evidence.answer) if v.key_evidence else None,
        "key": None
        if key is None
        else {
            "type": key.key_type,
            "bits": v.key_bits,
            "hashes": list(key.hashes) if key.hashes is not None else None,
            "services": list(key.services),
            "flags": list(key.flags),
            "testing": key.testing,
            "revoked": not key.public_key,
        },
        "key_records": len(v.key_evidence.keys) if v.key_evidence else 0,
        "probes": [{"kind": p.kind.value, "dns": dns_dict(p.answer)} for p in v.probes],
    }


def finding_dict(f: Finding, lang: str = "en") -> dict[str, Any]:
    """A finding; its words in `lang` (English unless asked: the JSON is the same whatever
    the locale, and scripts read the code, never the words)."""
    # Finding's hash leaves its values out (a dict): with them in the key, findings that
    # differ only in their values (each message's SPF client) do not share a hash chain.
    summary, explanation, remedy, evidence = _worded(f, lang, tuple(f.values.items()))
    return {
        "code": f.code,
        "severity": f.severity.value,
        "summary": summary,
        "explanation": explanation,
        "remedy": remedy,
        "permanent": f.permanent,
        "signature_index": f.signature_index,
        "evidence": list(evidence),
    }


@functools.lru_cache(maxsize=1024)
def _worded(f: Finding, lang: str, values: object) -> tuple[str, str, str, tuple[str, ...]]:
    """A finding's words and evidence lines, made once for equal findings: most recur from
    message to message (a domain's DMARC alignment, a platform's signature, its DNS answer),
    and wording them was half of building a scanned message's JSON object."""
    return (*words(f, lang), tuple(describe(e, lang) for e in f.evidence))


def dmarc_dict(d: Dmarc) -> dict[str, Any]:
    return {
        "domain": d.from_domain,
        "status": d.status.value,
        "record_domain": d.record_domain,
        "record": d.record,
        "p": d.tag("p"),
        "sp": d.tag("sp"),
        "adkim": d.adkim if d.record else None,
        "policy": d.policy,
        "dkim_aligned_pass": d.dkim_aligned_pass,
        "signature_index": d.signature_index,
        "dns": [dns_dict(a) for a in d.answers],
        # Added: what DKIM alone gives is above; what the trusted receiver recorded is here.
        "passed_at_delivery": d.passed_at_delivery,
        "receiver": None
        if d.receiver is None
        else {
            "recorded_by": d.receiver.recorded_by,
            "dmarc": d.receiver.dmarc,
            "spf": d.receiver.spf,
            "smtp_mailfrom": d.receiver.smtp_mailfrom,
            "spf_aligned": d.receiver.spf_aligned,
            "evidence": list(d.receiver.evidence),
        },
        "tree_walk": tree_walk_dict(d.walk) if d.walk else None,  # added (issue 13)
    }


def receiver_dict(rx: Receiver | None) -> dict[str, Any] | None:
    if rx is None:
        return None
    return {
        "organisation": rx.organisation,
        "boundary": rx.boundary,
        "delivered_at": rx.delivered_at,
        "results": [
            {
                "method": r.method,
                "result": r.result,
                "properties": dict(r.properties),
                "recorded_by": r.recorded_by,
                "source": r.source.value,
                "by_receiver": r.by_receiver,
                "sealer": r.sealer,
                "instance": r.instance,
                "field": r.field,
            }
            for r in rx.results
        ],
    }


def message_dict(r: Report, lang: str = "en") -> dict[str, Any]:
    msg = r.message
    result = r.outcome
    return {
        "source": source_text(r.source),
        "from_domain": msg.from_domain,
        "from": list(msg.from_addresses),
        "subject": msg.subject,
        "message_id": msg.message_id,
        "line_endings": msg.line_endings.value,
        "headers_only": msg.headers_only,
        "verified_at": r.verified_at,
        "clock": r.clock.value,
        "outcome": result.name.lower(),
        "exit_code": int(result),
        "signatures": [signature_dict(v) for v in r.verdicts],
        "findings": [finding_dict(f, lang) for f in r.findings],
        "dmarc": dmarc_dict(r.dmarc) if r.dmarc else None,
        "arc": arc_dict(r.arc),
        "receiver": receiver_dict(r.receiver),
        # Added (issue 13): SPF as recorded and as of today, and the DMARC result.
        "spf": spf_dict(r.spf) if r.spf else None,
        "dmarc_result": dmarc_result_dict(r.dmarc_result) if r.dmarc_result else None,
    }


# --- spf: the `spf` and `dmarc_result` objects, `dmarc.tree_walk` (issue 13) ---


def spf_dict(s: SpfCheck) -> dict[str, Any]:
    rec, ev = s.recorded, s.today
    return {
        "client_ip": s.client_ip,
        "helo": s.helo,
        "mailfrom": s.mailfrom,
        "identity": s.identity,
        "domain": s.domain,
        "boundary": s.boundary,
        "skipped": s.skipped,
        "recorded": None if rec is None else {
            "recorded_by": rec.recorded_by, "result": rec.result, "mailfrom": rec.mailfrom,
            "helo": rec.helo, "domain": rec.domain, "source": rec.source,
            "client_ip": rec.client_ip, "evidence": list(rec.evidence),
        },
        "today": None if ev is None else spf_evaluation_dict(ev),
    }  # fmt: skip


def spf_evaluation_dict(ev: SpfEvaluation) -> dict[str, Any]:
    return {
        "result": ev.result.value,
        "problem": ev.problem.value if ev.problem else None,
        "detail": ev.detail,
        "domain": ev.domain,
        "sender": ev.sender,
        "ip": ev.ip,
        "matched": ev.matched,
        "matched_in": ev.matched_in,
        "record": ev.record,
        "records": [{"domain": d, "record": r} for d, r in ev.records],
        "lookups": list(ev.counted),
        "void_lookups": list(ev.voids),
        "explanation": ev.explanation,
        "all": ev.all_qualifier,
        "dns": [dns_dict(a) for a in ev.answers],
    }


def dmarc_result_dict(v: DmarcVerdict) -> dict[str, Any]:
    return {
        "result": v.result, "via": list(v.via), "dkim_aligned_pass": v.dkim_aligned_pass,
        "spf_aligned_pass": v.spf_aligned_pass,
        "spf_aligned_at_delivery": v.spf_aligned_at_delivery, "at_delivery": v.at_delivery,
        "policy": v.policy, "policy_tag": v.policy_tag, "disposition": v.disposition,
        "testing": v.testing, "pct": v.pct, "signature_index": v.signature_index,
    }  # fmt: skip


def tree_walk_dict(w: TreeWalk) -> dict[str, Any]:
    return {
        "queried": list(w.queried), "records": [{"domain": d, "record": r} for d, r in w.records],
        "policy_domain": w.policy_domain, "org_domain": w.org_domain,
        "psl_org_domain": w.psl_org_domain, "differs_from_psl": w.differs,
        "from_exists": w.from_exists,
    }  # fmt: skip


def arc_dict(chain: ArcChain) -> dict[str, Any]:
    """The `arc` object. Fields are only ever added (README "JSON output")."""

    def result(valid: bool | None) -> str:
        return {True: "pass", False: "fail", None: "none"}[valid]  # none: not checked

    return {
        "cv": chain.cv.value,
        "detail": chain.detail,
        "temporary": chain.temporary,
        "reason": chain.reason.value if chain.reason else None,
        "failed_instance": chain.failed_instance,
        "failed_field": chain.failed_field.value if chain.failed_field else None,
        "dns": [dns_dict(a) for a in chain.dns],
        "sets": [
            {
                "instance": s.instance,
                "domain": s.domain,
                "selector": s.selector,
                "seal_result": result(s.seal_valid),
                "seal_reason": s.seal_reason.value if s.seal_reason else None,
                "message_signature_result": result(s.message_signature_valid),
                "message_signature_reason": (
                    s.message_signature_reason.value if s.message_signature_reason else None
                ),
                "message_signature_domain": s.message_signature_domain,
                "message_signature_selector": s.message_signature_selector,
                "chain_status": s.chain_status,
                "authentication_results": s.authentication_results,
                "dkim_pass_seen": bool(s.dkim_pass_domains),
                "dkim_pass_domains": list(s.dkim_pass_domains),
                "dkim_fail_domains": list(s.dkim_fail_domains),
            }
            for s in chain.sets
        ],
    }


def failure_dict(f: Failure) -> dict[str, Any]:
    return {"source": source_text(f.source), "error": f.error, "exit_code": f.exit_code}


def item_dict(item: Report | Failure, lang: str = "en") -> dict[str, Any]:
    return failure_dict(item) if isinstance(item, Failure) else message_dict(item, lang)


def render(items: Iterable[Report | Failure], *, lang: str = "en") -> str:
    """The `check --format json` document, one entry per input in input order."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "messages": [item_dict(i, lang) for i in items],
    }
    return dumps(doc, indent=2)


def dumps(obj: object, indent: int | None = None) -> str:
    """JSON text that is valid UTF-8 and shows no control, bidi or invisible character raw."""
    return json_text(json.dumps(obj, indent=indent, ensure_ascii=False))


def line(obj: object) -> str:
    """One JSON Lines record. U+2028, U+2029 and U+0085 are escaped too (by `dumps`): readers
    that split lines on them (Python's str.splitlines, JavaScript) still see one object."""
    return dumps(obj) + "\n"
