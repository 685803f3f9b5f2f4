"""`dkim-analyzer dns`: the report as text and as JSON (README, "dkim-analyzer dns").

Pure functions of a DoctorReport. Values from DNS go through `safe()`.
"""

from __future__ import annotations

import json
from typing import Any

from analyzer import __version__
from analyzer.diagnose import describe_answer
from analyzer.dmarc import malformed
from analyzer.doctor import Authority, DoctorReport, KeyCheck, SelectorCheck
from analyzer.model import (
    SCHEMA_VERSION,
    Dmarc,
    DmarcStatus,
    DnsAnswer,
    DnsStatus,
    Outcome,
    Severity,
)
from analyzer.render.escape import json_text
from analyzer.render.json import dmarc_dict, dns_dict, finding_dict
from analyzer.render.layout import wrap_all
from analyzer.render.text import finding_lines, safe

_HEADLINE = {Outcome.PASS: "OK", Outcome.FAIL: "PROBLEM", Outcome.TEMPORARY: "TEMPORARY FAILURE"}
_STATE = {
    Outcome.PASS: "usable key",
    Outcome.FAIL: "no usable key",
    Outcome.TEMPORARY: "DNS failed (temporary)",
}


# --- JSON -------------------------------------------------------------------------------------


def key_dict(k: KeyCheck) -> dict[str, Any]:
    r = k.record
    return {
        "record": k.raw.decode("utf-8", "replace"),
        "type": r.key_type if r else None,
        "bits": k.bits,
        "hashes": list(r.hashes) if r and r.hashes is not None else None,
        "services": list(r.services) if r else None,
        "flags": list(r.flags) if r else None,
        "testing": r.testing if r else None,
        "revoked": (not r.public_key) if r else None,
        "usable": k.usable,
        "problem": k.problem.reason.value if k.problem else None,
        "detail": k.problem.detail if k.problem else None,
    }


def _hop(a: DnsAnswer) -> dict[str, Any]:
    target = a.records[0][0].decode("ascii", "replace") if a.records else None
    return {
        "name": a.name,
        "status": a.status.value,
        "target": target,
        "ttl": a.ttl,
        "server": a.server,
    }


def selector_dict(c: SelectorCheck, lang: str = "en") -> dict[str, Any]:
    return {
        "selector": c.selector,
        "source": c.source.value,
        "name": c.name,
        "outcome": c.outcome.name.lower(),
        "usable": c.usable,
        "expected_cname": c.expected_target,
        "cname_hops": [_hop(a) for a in c.hops],
        "dns": dns_dict(c.answer),
        "keys": [key_dict(k) for k in c.keys],
        "probes": [{"kind": p.kind.value, "dns": dns_dict(p.answer)} for p in c.probes],
        "authoritative": [
            {
                "server": v.server,
                "holds": list(v.holds) if v.holds is not None else None,
                "dns": dns_dict(v.answer),
            }
            for v in c.propagation
        ],
        "findings": [finding_dict(f, lang) for f in c.findings],
    }


def authority_dict(a: Authority | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "zone": a.zone,
        "given": a.given,
        "servers": [str(s) for s in a.servers],
        "lookups": [dns_dict(x) for x in a.answers],
    }


def render_json(r: DoctorReport, *, lang: str = "en") -> str:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "domain": r.domain,
        "outcome": r.outcome.name.lower(),
        "exit_code": int(r.outcome),
        "common_selectors_tried": list(r.common_tried),
        "selectors": [selector_dict(c, lang) for c in r.selectors],
        "authoritative": authority_dict(r.authority),
        "dmarc": dmarc_dict(r.dmarc),
        "findings": [finding_dict(f, lang) for f in r.findings],
    }
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False))  # render/escape.py


# --- text -------------------------------------------------------------------------------------


def _key_line(k: KeyCheck) -> str:
    r = k.record
    if r is None:
        return f"key: unusable ({safe(k.problem.detail if k.problem else '?')})"
    if not r.public_key:
        return "key: revoked (empty p=)"
    parts = [r.key_type, f"{k.bits} bits" if k.bits else "size unknown"]
    parts.append("flags " + (":".join(r.flags) or "-"))
    parts.append("h=" + (":".join(r.hashes) if r.hashes is not None else "any"))
    parts.append("s=" + ":".join(r.services))
    if k.problem:
        parts.append(f"unusable: {k.problem.detail}")
    return "key: " + ", ".join(safe(p) for p in parts)


def _selector_text(c: SelectorCheck, lang: str, width: int) -> list[str]:
    via = {"selector": "--selector", "ses_token": "--ses-token", "common": "common selector"}
    lines = [f"{safe(c.name)}  ({via[c.source.value]}): {_STATE[c.outcome]}"]
    if c.expected_target:
        lines.append(f"  Easy DKIM: expects CNAME -> {safe(c.expected_target)}")
    for a in c.hops:
        if a.records:
            lines.append(
                f"  CNAME {safe(a.name.rstrip('.'))} -> "
                f"{safe(a.records[0][0].decode('ascii', 'replace'))}"
            )
        elif a.status is not DnsStatus.NODATA:  # NODATA: the chain ends at the record itself
            lines.append(f"  {safe(a.name.rstrip('.'))}: {a.status.value} (end of chain)")
    lines.append(f"  TXT: {safe(describe_answer(c.answer))}")
    for i, strings in enumerate(c.answer.records, 1):
        sizes = ", ".join(str(len(s)) for s in strings)
        lines.append(f"  record {i}: {len(strings)} string(s) of {sizes} bytes")
    lines += [f"  {_key_line(k)}" for k in c.keys]
    for v in c.propagation:
        if v.holds is None:
            state = f"no answer ({v.answer.status.value})"
        elif not v.holds:
            state = f"nothing ({v.answer.status.value})"
        else:
            state = "; ".join(safe(h[:60]) + ("…" if len(h) > 60 else "") for h in v.holds)
        lines.append(f"  authoritative {safe(v.server)}: {state}")
    lines = wrap_all(lines, width)
    for f in c.findings:
        lines += finding_lines(f, lang=lang, width=width, indent="  ",
                               evidence=f.severity is not Severity.INFO)  # fmt: skip
    return lines


def _dmarc_text(d: Dmarc) -> str:
    if d.status is DmarcStatus.FOUND:
        mode = "strict" if d.adkim == "s" else "relaxed"
        sp = f", sp={safe(d.tag('sp'))}" if d.tag("sp") else ""
        return (
            f"DMARC: p={safe(d.tag('p'))}{sp}, adkim={d.adkim} ({mode} DKIM alignment); "
            f"applies to {safe(d.from_domain)}: {safe(d.policy)}; "
            f"found at _dmarc.{safe(d.record_domain)}"
        )
    bad = malformed(d)
    if bad is not None:
        return f"DMARC: malformed record at {safe(bad[0])}: {safe(bad[1])}"
    if d.status is DmarcStatus.TEMPERROR:
        return "DMARC: lookup failed (temporary DNS error)"
    return "DMARC: no record"


def render_text(r: DoctorReport, *, lang: str = "en", width: int = 80) -> str:
    result = r.outcome
    usable = sum(c.usable for c in r.selectors)
    lines = [
        f"{_HEADLINE[result]}: DKIM DNS set-up of {safe(r.domain)}: "
        f"{usable} of {len(r.selectors)} selector(s) with a usable key"
    ]
    if r.common_tried:
        found = ", ".join(safe(c.selector) for c in r.selectors) or "none"
        lines.append(f"Common selectors tried: {len(r.common_tried)}; found: {found}")
    if r.authority is not None and r.authority.servers:
        zone = safe(r.authority.zone or "?")
        servers = ", ".join(safe(s) for s in r.authority.servers)
        lines.append(f"Authoritative servers of {zone}: {servers}")
    for c in r.selectors:
        lines += ["", *_selector_text(c, lang, width)]
    lines += ["", _dmarc_text(r.dmarc)]
    lines = wrap_all(lines, width)
    if r.findings:
        lines += ["", "Domain"]
        for f in r.findings:
            lines += finding_lines(f, lang=lang, width=width,
                                   evidence=f.severity is not Severity.INFO)  # fmt: skip
    return "\n".join(lines) + "\n"
