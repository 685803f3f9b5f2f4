"""`dkim-analyzer byodkim`: the key check as text and as JSON (README, "dkim-analyzer byodkim").

The private key appears only as `console_key`, which is set only when the
user asked for it with --console-key.
"""

from __future__ import annotations

import json
from typing import Any

from analyzer import __version__
from analyzer.byodkim import ByodkimReport
from analyzer.model import SCHEMA_VERSION, Finding
from analyzer.render.doctor import selector_dict
from analyzer.render.escape import json_text
from analyzer.render.json import finding_dict
from analyzer.render.text import finding_lines, safe


def _problem_dict(p: Finding, lang: str) -> dict[str, Any]:
    """A problem: a finding without signature_index and evidence (README's byodkim JSON)."""
    d = finding_dict(p, lang)
    return {k: d[k] for k in ("code", "severity", "summary", "explanation", "remedy", "permanent")}


def render_json(r: ByodkimReport, *, lang: str = "en") -> str:
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "ok": r.ok,
        "exit_code": int(r.outcome),
        "key": {
            "kind": r.kind.value,
            "encoding": r.encoding,
            "form": r.form,
            "type": r.key_type,
            "bits": r.bits,
        },
        "selector": r.selector,
        "domain": r.domain,
        "problems": [_problem_dict(p, lang) for p in r.problems],
        "record": None
        if r.record is None
        else {
            "name": r.record.name,
            "type": r.record.type,
            "value": r.record.value,
            "strings": list(r.record.strings),
        },
        "dns": None
        if r.dns is None
        else {"matches": r.dns.matches, "selector": selector_dict(r.dns.check, lang)},
    }
    if r.console_key is not None:
        doc["console_private_key"] = r.console_key
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False))  # render/escape.py


def render_text(r: ByodkimReport, *, lang: str = "en", width: int = 80) -> str:
    what = f"{r.kind.value} key"
    if r.key_type:
        size = f" {r.bits}-bit" if r.bits else ""
        form = f", {r.form}" if r.form else ""
        what = f"{r.key_type.upper()}{size} {r.kind.value} key ({r.encoding}{form})"
    lines = [f"{'OK' if r.ok else 'PROBLEM'}: {what}"]
    if r.selector is not None:
        lines.append(f"Selector: {safe(r.selector)}")
    if r.problems:
        lines += ["", "Problems"]
        for p in r.problems:
            lines += finding_lines(p, lang=lang, width=width)
    if r.record is not None:
        lines += [
            "",
            "Record to publish",
            f"  name:  {safe(r.record.name)}",
            f"  type:  {r.record.type}",
            f"  value: {safe(r.record.value)}",
        ]
        if len(r.record.strings) > 1:
            lines.append(
                f"  As {len(r.record.strings)} strings of at most 255 bytes, for DNS consoles "
                "and zone files that need them split:"
            )
            lines.append(f"  {safe(r.record.zone_line)}")
    if r.dns is not None:
        state = {
            True: "matches this key",
            False: "is a different key",
            None: "has no key to compare",
        }[r.dns.matches]
        lines += ["", f"DNS now: {safe(r.dns.check.name)} {state}"]
    if r.console_key is not None:
        lines += [
            "",
            "Private key for the SES console (PKCS #1, one line). Keep it secret:",
            r.console_key,
        ]
    return "\n".join(lines) + "\n"
