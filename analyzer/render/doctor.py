"""`dkim-analyzer dns`: the report as text and as JSON (README, "dkim-analyzer dns").

Pure functions of a DoctorReport. Values from DNS go through `safe()`.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from analyzer import __version__
from analyzer.dmarc import malformed
from analyzer.doctor import Authority, DoctorReport, KeyCheck, SelectorCheck
from analyzer.explain import phrase
from analyzer.model import (
    SCHEMA_VERSION,
    Dmarc,
    DmarcStatus,
    DnsAnswer,
    DnsStatus,
    Severity,
)
from analyzer.render.escape import json_text
from analyzer.render.evidence import describe_answer
from analyzer.render.json import dmarc_dict, dns_dict, finding_dict, spf_evaluation_dict
from analyzer.render.layout import wrap, wrap_all
from analyzer.render.text import finding_lines, safe

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
        "spf": spf_evaluation_dict(r.spf) if r.spf else None,  # added (issue 13)
        "findings": [finding_dict(f, lang) for f in r.findings],
    }
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False))  # render/escape.py


# --- text -------------------------------------------------------------------------------------


def _key_line(k: KeyCheck, lang: str) -> str:
    p = functools.partial(phrase, lang=lang)
    r = k.record
    if r is None:
        return f"{p('doctor.key')}: {p('doctor.key_unusable', detail=safe(k.problem.detail if k.problem else '?'))}"
    if not r.public_key:
        return f"{p('doctor.key')}: {p('doctor.key_revoked')}"
    parts = [r.key_type, p("doctor.bits", bits=k.bits) if k.bits else p("doctor.size_unknown")]
    parts.append(p("doctor.flags") + " " + (":".join(r.flags) or "-"))
    parts.append("h=" + (":".join(r.hashes) if r.hashes is not None else p("doctor.any")))
    parts.append("s=" + ":".join(r.services))
    if k.problem:
        parts.append(p("doctor.unusable", detail=k.problem.detail))
    return f"{p('doctor.key')}: " + ", ".join(safe(x) for x in parts)


def _selector_text(c: SelectorCheck, lang: str, width: int) -> list[str]:
    p = functools.partial(phrase, lang=lang)
    state = p(f"doctor.state.{c.outcome.name.lower()}")
    lines = [f"{safe(c.name)}  ({p(f'doctor.via.{c.source.value}')}): {state}"]
    if c.expected_target:
        lines.append("  " + p("doctor.easy_dkim", target=safe(c.expected_target)))
    for a in c.hops:
        if a.records:
            lines.append(
                f"  CNAME {safe(a.name.rstrip('.'))} -> "
                f"{safe(a.records[0][0].decode('ascii', 'replace'))}"
            )
        elif a.status is not DnsStatus.NODATA:  # NODATA: the chain ends at the record itself
            end = p("doctor.end_of_chain", name=safe(a.name.rstrip(".")), status=a.status.value)
            lines.append(f"  {end}")
    lines.append(f"  TXT: {safe(describe_answer(c.answer, lang))}")
    for i, strings in enumerate(c.answer.records, 1):
        sizes = ", ".join(str(len(s)) for s in strings)
        lines.append("  " + p("doctor.record", i=i, count=len(strings), sizes=sizes))
    lines += [f"  {_key_line(k, lang)}" for k in c.keys]
    for v in c.propagation:
        if v.holds is None:
            held = p("doctor.no_answer", status=v.answer.status.value)
        elif not v.holds:
            held = p("doctor.nothing", status=v.answer.status.value)
        else:
            held = "; ".join(safe(h[:60]) + ("…" if len(h) > 60 else "") for h in v.holds)
        lines.append("  " + p("doctor.authoritative", server=safe(v.server), state=held))
    lines = wrap_all(lines, width)
    for f in c.findings:
        lines += finding_lines(f, lang=lang, width=width, indent="  ",
                               evidence=f.severity is not Severity.INFO)  # fmt: skip
    return lines


def _dmarc_text(d: Dmarc, lang: str) -> str:
    p = functools.partial(phrase, lang=lang)
    if d.status is DmarcStatus.FOUND:
        sp = f", sp={safe(d.tag('sp'))}" if d.tag("sp") else ""
        return p(
            "doctor.dmarc_found", p=safe(d.tag("p")), sp=sp, adkim=d.adkim,
            mode=p(f"mode.{d.adkim}"), domain=safe(d.from_domain), policy=safe(d.policy),
            record_domain=safe(d.record_domain),
        )  # fmt: skip
    bad = malformed(d)
    if bad is not None:
        return p("doctor.dmarc_malformed", name=safe(bad[0]), detail=safe(bad[1]))
    if d.status is DmarcStatus.TEMPERROR:
        return p("doctor.dmarc_temperror")
    return p("doctor.dmarc_none")


def render_text(r: DoctorReport, *, lang: str = "en", width: int = 80) -> str:
    """The report of `dkim-analyzer dns`, in `lang`, wrapped to `width` columns."""
    p = functools.partial(phrase, lang=lang)
    result = r.outcome
    usable = sum(c.usable for c in r.selectors)
    head = p("doctor.headline", domain=safe(r.domain), usable=usable, total=len(r.selectors))
    lines = wrap(head, width, f"{p(f'doctor.outcome.{result.name.lower()}')}: ", "  ")
    if r.common_tried:
        found = ", ".join(safe(c.selector) for c in r.selectors) or p("arc.none")
        lines.append(p("doctor.common", count=len(r.common_tried), found=found))
    if r.authority is not None and r.authority.servers:
        zone = safe(r.authority.zone or "?")
        servers = ", ".join(safe(s) for s in r.authority.servers)
        lines.append(p("doctor.authority", zone=zone, servers=servers))
    lines = wrap_all(lines, width)
    for c in r.selectors:
        lines += ["", *_selector_text(c, lang, width)]
    lines += ["", *wrap(_dmarc_text(r.dmarc, lang), width, "", "  ")]
    if r.findings:
        lines += ["", p("doctor.domain")]
        for f in r.findings:
            lines += finding_lines(f, lang=lang, width=width,
                                   evidence=f.severity is not Severity.INFO)  # fmt: skip
    return "\n".join(lines) + "\n"
