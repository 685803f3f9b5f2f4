"""The report a person reads: verdict sentence, signatures table, findings, evidence.

Every value that came from the message or from DNS goes through `safe()`, so
escape sequences in a header can never reach the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tabulate import tabulate

from analyzer.diagnose import describe_answer
from analyzer.model import Failure, Report, Result, Severity, SignatureVerdict
from analyzer.pipeline import Outcome, outcome

# LF too (an RFC 2047 word can decode to one and forge a report line); U+061C, U+2060-2064
# and U+FEFF are invisible or bidi marks that hide or reorder text.
_CONTROL = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
_STYLES = {"green": "32", "red": "31", "yellow": "33", "bold": "1", "dim": "2", "cyan": "36"}
_RESULT_STYLE = {
    Result.PASS: "green",
    Result.NEUTRAL: "cyan",
    Result.TEMPERROR: "yellow",
    Result.POLICY: "red",
    Result.FAIL: "red",
    Result.PERMERROR: "red",
}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
_HEADLINE = {Outcome.PASS: "PASS", Outcome.FAIL: "FAIL", Outcome.TEMPORARY: "TEMPORARY FAILURE"}


def safe(value: object) -> str:
    """Show control characters (and bidi overrides) escaped, never raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", str(value))  # fmt: skip


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not self.color:
            return text
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def _mark(valid: bool | None) -> str:
    return {True: "ok", False: "FAIL", None: "-"}[valid]


def _key(v: SignatureVerdict) -> str:
    if v.key is None:
        return "-"
    return f"{v.key.key_type} {v.key_bits}" if v.key_bits else v.key.key_type


def headline(report: Report) -> str:
    """One sentence: is this mail OK, and if not, why."""
    result = outcome(report)
    msg = report.message
    domain = safe(msg.from_domain or "an unknown domain")
    if result is Outcome.PASS:
        v = next(v for v in report.author_verdicts if v.result in (Result.PASS, Result.NEUTRAL))
        what = (
            "header signature verifies (body not given)"
            if v.result is Result.NEUTRAL
            else "verifies"
        )
        return f"The signature of the sender's own domain {domain} (d={safe(v.domain)}, s={safe(v.selector)}) {what}."
    worst = next((f for f in report.findings if f.severity is not Severity.INFO), None)
    if worst is None:
        return f"No signature of the sender's domain {domain} passes."
    return safe(worst.summary)


def _table(report: Report, style: _Style) -> str:
    rows = []
    for v in report.verdicts:
        cls = v.alignment.classification.value
        if v.alignment.provider and cls == "provider":
            cls = f"provider ({v.alignment.provider})"
        rows.append([
            v.index, safe(v.domain or "?"), safe(v.selector or "?"), safe(v.algorithm or "?"),
            safe(cls), style(v.result.value, _RESULT_STYLE[v.result]),
            v.reason.value if v.reason else "", _mark(v.body_hash_valid),
            _mark(v.header_signature_valid), _key(v),
        ])  # fmt: skip
    headers = ["#", "d=", "s=", "a=", "class", "result", "reason", "body bh=", "header b=", "key"]
    return tabulate(rows, headers=headers, tablefmt="simple")


def render_report(report: Report, *, color: bool = False, verbose: bool = False) -> str:
    style = _Style(color)
    msg = report.message
    result = outcome(report)
    head_style = {Outcome.PASS: "green", Outcome.FAIL: "red", Outcome.TEMPORARY: "yellow"}[result]
    lines = [
        f"{style(_HEADLINE[result], head_style)}: {headline(report)}",
        "",
        f"Message: {safe(report.source)}",
        f"From:    {safe(', '.join(msg.from_addresses) or '(none)')}",
        f"Subject: {safe(msg.subject or '(none)')}",
    ]
    if report.verdicts:
        lines += ["", _table(report, style)]
    if report.findings:
        lines += ["", style("Findings", "bold")]
    for f in report.findings:
        permanence = {True: "permanent", False: "temporary", None: ""}[f.permanent]
        tag = style(f.severity.value, _SEVERITY_STYLE[f.severity])
        lines.append(f"- [{tag}] {safe(f.summary)}" + (f" ({permanence})" if permanence else ""))
        lines.append(f"    {safe(f.explanation)}")
        lines.append(f"    Fix: {safe(f.remedy)}")
        if f.severity is not Severity.INFO or verbose:
            lines += [f"    Evidence: {safe(e)}" for e in f.evidence]
    if verbose:
        lines += ["", style("Evidence", "bold")]
        for v in report.verdicts:
            if v.key_evidence:
                lines.append(
                    f"- signature {v.index} key: {safe(describe_answer(v.key_evidence.answer))}"
                )
            if v.signature:
                lines.append(f"  signed headers (h=): {safe(':'.join(v.signature.signed_headers))}")
            if v.detail:
                lines.append(f"  detail: {safe(v.detail)}")
    return "\n".join(lines) + "\n"


def render(items: Iterable[Report | Failure], *, color: bool = False, verbose: bool = False) -> str:
    parts = []
    for item in items:
        if isinstance(item, Failure):
            parts.append(f"ERROR: {safe(item.source)}: {safe(item.error)}\n")
        else:
            parts.append(render_report(item, color=color, verbose=verbose))
    return "\n".join(parts)
