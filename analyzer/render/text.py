"""The report a person reads: verdict sentence, signatures table, findings, evidence.

Every value that came from the message or from DNS goes through `safe()`, and the
source name through `source_text()` (render/escape.py), so escape sequences in a
header or a file name can never reach the terminal.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from wcwidth import wcswidth

from analyzer import explain
from analyzer.dmarc import counts_for_dmarc
from analyzer.explain import words
from analyzer.model import (
    Dmarc,
    DmarcStatus,
    Failure,
    Finding,
    Hop,
    Outcome,
    Report,
    Result,
    Severity,
    SignatureVerdict,
)
from analyzer.render.escape import safe as safe  # re-exported: doctor and byodkim use it
from analyzer.render.escape import source_text
from analyzer.render.evidence import describe, describe_answer
from analyzer.render.layout import table, wrap, wrap_all
from analyzer.verify import signed_header_fields

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


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not self.color:
            return text
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def _mark(valid: bool | None) -> str:
    return {True: "ok", False: "FAIL", None: "-"}[valid]


def _why(reason: str | None) -> str:
    """An ARC signature's reason code (a Reason) after its FAIL: `seal FAIL/key_not_found`."""
    return f"/{reason}" if reason else ""


def _key(v: SignatureVerdict) -> str:
    if v.key is None:
        return "-"
    return f"{v.key.key_type} {v.key_bits}" if v.key_bits else v.key.key_type


def headline(report: Report, lang: str = "en") -> str:
    """One sentence: is this mail OK, and if not, why."""
    msg = report.message
    domain = msg.from_domain or explain.phrase("unknown.domain", lang)
    dmarc = report.dmarc
    if report.outcome is Outcome.PASS:
        strict = dmarc is not None and dmarc.status is DmarcStatus.FOUND and dmarc.adkim == "s"
        v = next(v for v in report.verdicts if counts_for_dmarc(v, strict=strict))
        key = "headline.pass"
        if v.result is Result.NEUTRAL:
            key = "headline.pass_headers"
        elif dmarc is not None and dmarc.status is DmarcStatus.FOUND:
            key = "headline.pass_dmarc"
        policy = dmarc.policy if dmarc else None
        return safe(
            explain.phrase(key, lang, from_domain=domain, d=v.domain, s=v.selector, policy=policy)
        )
    rotated = passed_at_delivery(report)
    if rotated is not None:
        seen = rotated.values
        return safe(explain.phrase("headline.rotated", lang, from_domain=domain, d=seen.get("d"),
                                   s=seen.get("s"), authserv=seen.get("authserv")))  # fmt: skip
    shown = ordered(report)
    worst = next((f for f in shown if f.severity is not Severity.INFO), None)
    if worst is None:
        return safe(explain.phrase("headline.fail", lang, from_domain=domain))
    said = words(worst, lang)[0]
    # The proof of the cause, when forensics found it: "the body was changed" + what changed.
    proof = next((f for f in shown if f.code in PROVEN and f.signature_index is not None
                  and f.signature_index == worst.signature_index), None)  # fmt: skip
    if proof is not None:
        said = explain.join(said, words(proof, lang)[0])
    return safe(said)


# Forensic findings that prove what changed (forensics.py): the cause, not a guess.
PROVEN = frozenset({
    "body_appended", "body_prepended", "body_whitespace", "body_line_endings",
    "mbox_from_quoting", "header_modified",
})  # fmt: skip
# Shown as one line under the header (every saved .eml has LF line endings): not a finding
# to read through each time; --verbose shows it as one.
_NOTED = "line_endings_converted"


def ordered(report: Report) -> list[Finding]:
    """The findings in the order that matters to a reader: what stops the author's
    signatures (each one's cause with its proof), then the other problems, then the DMARC
    note, then information. Severity orders each group (model.worst_first did already)."""
    authors = {v.index for v in report.author_verdicts}

    def group(f: Finding) -> int:
        if f.severity is Severity.INFO:
            return 3
        if f.code == "dmarc_alignment":
            return 2
        if f.signature_index in authors or (
            f.signature_index is None and f.severity is Severity.ERROR
        ):
            return 0
        return 1

    def key(item: tuple[int, Finding]) -> tuple[int, int, int]:
        i, f = item
        g = group(f)
        return (g, f.signature_index if g == 0 and f.signature_index is not None else -1, i)

    return [f for _, f in sorted(enumerate(report.findings), key=key)]


def passed_at_delivery(report: Report) -> Finding | None:
    """The key_rotated finding of an author signature when that alone makes it fail: the
    message passed at delivery (its receiver recorded so) and the key is likely gone since."""
    if report.outcome is not Outcome.FAIL:
        return None
    authors = {v.index for v in report.author_verdicts}
    rotated = [
        f for f in report.findings if f.code == "key_rotated" and f.signature_index in authors
    ]
    stopped = any(
        f.severity is Severity.ERROR and (f.signature_index in authors or f.signature_index is None)
        for f in report.findings
        if f.code != "dmarc_alignment"
    )
    return rotated[0] if rotated and not stopped else None


def finding_lines(
    f: Finding,
    *,
    lang: str = "en",
    width: int = 80,
    indent: str = "",
    evidence: bool = True,
    color: bool = False,
) -> list[str]:
    """One finding as every text report shows it: severity and code, summary, permanence,
    explanation, fix; its evidence when `evidence` (the reports show it but for
    information, unless --verbose)."""
    p = functools.partial(explain.phrase, lang=lang)
    summary, explanation, remedy = words(f, lang)
    permanence = (
        ""
        if f.permanent is None
        else p("permanence.suffix", permanence=p(f"permanence.{str(f.permanent).lower()}"))
    )
    body = indent + "    "
    tag = _Style(color)(f.severity.value, _SEVERITY_STYLE[f.severity])
    lines = wrap(f"{safe(summary)}{permanence}", width, f"{indent}- [{tag} · {f.code}] ", body)
    lines += wrap(safe(explanation), width, body)
    if remedy:
        lines += wrap(safe(remedy), width, f"{body}{p('label.fix')}: ", body + "  ")
    if evidence:
        for e in f.evidence:
            line = safe(describe(e, lang))
            lines += wrap(line, width, f"{body}{p('label.evidence')}: ", body + "  ")
    return lines


def _table(report: Report, style: _Style, lang: str, width: int) -> str:
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
    cols = ("class", "result", "reason", "body", "header", "key")
    headers = ["#", "d=", "s=", "a=", *(explain.phrase(f"col.{c}", lang) for c in cols)]
    return table(rows, headers, width)


def _dmarc_line(dmarc: Dmarc, lang: str) -> str:
    if dmarc.status is DmarcStatus.NONE:
        return explain.phrase("dmarc.none", lang, from_domain=dmarc.from_domain)
    if dmarc.status is DmarcStatus.TEMPERROR:
        return explain.phrase("dmarc.temperror", lang)
    # DKIM only: this tool does not evaluate SPF, so it says what DKIM alone gives, and what
    # the trusted receiver recorded beside it (never that receivers apply the policy).
    key = "dmarc.satisfied" if dmarc.dkim_aligned_pass else "dmarc.unsatisfied"
    if not dmarc.dkim_aligned_pass and dmarc.passed_at_delivery is not None:
        key = "dmarc.rotated"
    line = explain.phrase(
        "dmarc.found", lang, record_domain=f"_dmarc.{dmarc.record_domain}",
        policy=dmarc.policy, adkim=dmarc.adkim, verdict=explain.phrase(key, lang),
        p=dmarc.tag("p") or "-", sp=dmarc.tag("sp") or "-",
    )  # fmt: skip
    rx = dmarc.receiver
    if rx is not None and rx.dmarc is not None and not dmarc.dkim_aligned_pass:
        line += explain.phrase(
            "dmarc.receiver", lang, receiver=rx.recorded_by, dmarc=rx.dmarc,
            spf=rx.spf or "-", mailfrom=rx.smtp_mailfrom or "-",
        )  # fmt: skip
    return line


def _clock_line(report: Report, lang: str) -> str:
    """Which clock judged t= and x= (README, "--now")."""
    try:
        when = datetime.fromtimestamp(report.verified_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        when = str(report.verified_at)
    return explain.phrase(f"clock.{report.clock.value}", lang, when=when)


def _route(hops: Sequence[Hop], lang: str, width: int) -> str:
    rows = [
        [h.number, safe(h.sender), safe(h.receiver), safe(h.protocol), h.when or "?",
         "" if h.delay is None else f"{h.delay:+g} s"]
        for h in hops
    ]  # fmt: skip
    cols = ("hop", "from", "by", "with", "time", "delay")
    return table(rows, [explain.phrase(f"col.{c}", lang) for c in cols], width)


def _evidence(report: Report, lang: str) -> list[str]:
    """--verbose: every DNS answer (key lookups, probes, DMARC) and the signed headers."""
    p = functools.partial(explain.phrase, lang=lang)
    lines = []
    for v in report.verdicts:
        head = f"- {p('label.signature')} {v.index} (d={safe(v.domain)}, s={safe(v.selector)})"
        lines.append(head)
        if v.key_evidence:
            lines.append(
                f"  {p('label.key')}: {safe(describe_answer(v.key_evidence.answer, lang))}"
            )
        for probe in v.probes:
            lines.append(
                f"  {p('label.probe')} {probe.kind.value}: {safe(describe_answer(probe.answer, lang))}"
            )
        if v.detail:
            lines.append(f"  {p('label.detail')}: {safe(v.detail)}")
        if v.signature:
            lines.append(
                f"  {p('label.signed_headers')} (h={safe(':'.join(v.signature.signed_headers))}):"
            )
            for name, value in signed_header_fields(v.signature, report.message):
                text = (name + b":" + value).decode("utf-8", "replace").rstrip("\r\n")
                lines.append(f"    {safe(text)}")
    if report.dmarc:
        for answer in report.dmarc.answers:
            lines.append(f"- DMARC: {safe(describe_answer(answer, lang))}")
    return lines


def render_report(
    report: Report,
    *,
    color: bool = False,
    verbose: bool = False,
    lang: str = "en",
    width: int = 80,
    route: Sequence[Hop] = (),
) -> str:
    style = _Style(color)
    p = functools.partial(explain.phrase, lang=lang)
    msg = report.message
    result = report.outcome
    head_style = {Outcome.PASS: "green", Outcome.FAIL: "red", Outcome.TEMPORARY: "yellow"}[result]
    outcome_word = p(f"outcome.{result.name.lower()}")
    if passed_at_delivery(report) is not None:  # not FAIL: it passed, only the key is gone
        outcome_word, head_style = p("outcome.rotated"), "yellow"
    labels = [
        p(k) + ":"
        for k in ("label.message", "label.from", "label.subject", "label.dmarc", "label.checked")
    ]
    column = max(wcswidth(label) for label in labels) + 1

    def field(label: str, value: str) -> list[str]:
        return wrap(safe(value), width, label + " " * (column - wcswidth(label)))

    head = style(outcome_word, head_style)
    lines = [
        *wrap(headline(report, lang), width, f"{head}: ", "  "),
        "",
        *field(labels[0], source_text(report.source)),
        *field(labels[1], ", ".join(msg.from_addresses) or p("label.none")),
        *field(labels[2], msg.subject or p("label.none")),
    ]
    if report.dmarc:
        lines += field(labels[3], _dmarc_line(report.dmarc, lang))
    lines += field(labels[4], _clock_line(report, lang))
    if report.verdicts:
        lines += ["", _table(report, style, lang, width)]
    if report.arc.sets or report.arc.cv.value != "none":
        why = f" ({report.arc.reason.value})" if report.arc.reason else ""
        arc = f"ARC: cv={report.arc.cv.value}{why}" + "".join(
            f"; i={a.instance} {safe(a.domain)} seal {_mark(a.seal_valid)}{_why(a.seal_reason)} message "
            f"{_mark(a.message_signature_valid)}{_why(a.message_signature_reason)} saw dkim=pass: {safe(', '.join(a.dkim_pass_domains) or 'none')}"
            for a in report.arc.sets
        )  # fmt: skip
        lines += ["", *wrap(arc, width, "", "  ")]
    findings = ordered(report)
    if not verbose and any(f.code == _NOTED for f in findings):
        findings = [f for f in findings if f.code != _NOTED]
        endings = msg.line_endings.value.upper()
        lines += wrap(style(p("note.line_endings", endings=endings), "dim"), width)
    if findings:
        lines += ["", style(p("label.findings"), "bold")]
    for f in findings:
        shown = f.severity is not Severity.INFO or verbose
        lines += finding_lines(f, lang=lang, width=width, evidence=shown, color=color)
    if route:
        lines += ["", style(p("label.route"), "bold"), _route(route, lang, width)]
    if verbose:
        lines += ["", style(p("label.evidence"), "bold"), *wrap_all(_evidence(report, lang), width)]
    return "\n".join(lines) + "\n"


def render(
    items: Iterable[Report | Failure],
    *,
    color: bool = False,
    verbose: bool = False,
    lang: str = "en",
    width: int = 80,
    routes: Sequence[Sequence[Hop]] = (),
) -> str:
    """The text report of each item; routes[i] (when given) is item i's Received chain."""
    parts = []
    for i, item in enumerate(items):
        if isinstance(item, Failure):
            parts.append(f"ERROR: {source_text(item.source)}: {safe(item.error)}\n")
        else:
            route = routes[i] if i < len(routes) else ()
            parts.append(render_report(item, color=color, verbose=verbose, lang=lang,
                                       width=width, route=route))  # fmt: skip
    return "\n".join(parts)
