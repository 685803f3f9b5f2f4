"""`dkim-analyzer byodkim`: the key check as text and as JSON (README, "dkim-analyzer byodkim").

The private key appears only as `console_key`, which is set only when the
user asked for it with --console-key.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from analyzer import __version__
from analyzer.byodkim import ByodkimReport
from analyzer.explain import phrase
from analyzer.model import SCHEMA_VERSION, Finding
from analyzer.render.doctor import selector_dict
from analyzer.render.escape import json_text
from analyzer.render.json import finding_dict
from analyzer.render.layout import wrap
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
    """The key check in `lang`, wrapped to `width` columns, but for the two values to copy
    whole (the record's value, the console key): wrapping them would put line breaks in
    what the user pastes into DNS, the very mistake this command reports."""
    p = functools.partial(phrase, lang=lang)
    what = p(f"byodkim.kind.{r.kind.value}")
    if r.key_type:
        size = p("byodkim.size", bits=r.bits) if r.bits else ""
        form = f", {r.form}" if r.form else ""
        what = p("byodkim.what", type=r.key_type.upper(), size=size, kind=what,
                 encoding=r.encoding, form=form)  # fmt: skip
    head = p("byodkim.ok") if r.ok else p("byodkim.problem")
    lines = wrap(what, width, f"{head}: ", "  ")
    if r.selector is not None:
        lines += wrap(p("byodkim.selector", selector=safe(r.selector)), width, "", "  ")
    if r.problems:
        lines += ["", p("byodkim.problems")]
        for problem in r.problems:
            lines += finding_lines(problem, lang=lang, width=width)
    if r.record is not None:
        lines += ["", p("byodkim.record")]
        lines += wrap(safe(r.record.name), width, f"  {p('byodkim.name')}:  ", "    ")
        lines += [f"  {p('byodkim.type')}:  {r.record.type}"]
        lines.append(f"  {p('byodkim.value')}: {safe(r.record.value)}")  # whole: to copy
        if len(r.record.strings) > 1:
            lines += wrap(p("byodkim.strings", count=len(r.record.strings)), width, "  ")
            lines.append(f"  {safe(r.record.zone_line)}")  # whole: to copy
    if r.dns is not None:
        state = p(f"byodkim.dns.{str(r.dns.matches).lower()}")
        lines += ["", *wrap(p("byodkim.dns", name=safe(r.dns.check.name), state=state), width)]
    if r.console_key is not None:
        lines += ["", *wrap(p("byodkim.console"), width), r.console_key]
    return "\n".join(lines) + "\n"
