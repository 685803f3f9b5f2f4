"""`scan --format text`: the summary of a scan, read at a glance.

Totals by outcome, then the tables a postmaster acts on: signatures by signing
domain, classification and result; why signatures did not pass (with an example
message each); the From domains whose mail lacks a passing author-aligned
signature; DNS problems by key name; ARC chains by result. Long tables keep their
largest rows. Words from the catalogue in `lang`; tables fit `width` or fold.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from analyzer.explain import phrase
from analyzer.render.escape import safe, source_text
from analyzer.render.layout import table, wrap

if TYPE_CHECKING:
    from analyzer.scan import Summary

K = TypeVar("K")
TOP = 20  # rows per table; the rest are counted in one line
_OUTCOMES = ("pass", "fail", "temporary", "error")
# Expired signatures worth the hint: archived mail judged by this machine's clock.
EXPIRED_HINT = 5


def _top(counter: Counter[K]) -> list[tuple[K, int]]:
    return counter.most_common(TOP)


def render(s: Summary, *, lang: str = "en", width: int = 80) -> str:
    p = functools.partial(phrase, lang=lang)

    def block(title: str, headers: list[str], rows: Iterable[list[object]], total: int) -> None:
        rows = list(rows)
        if title:
            out.extend(wrap(title, width))
        out.extend(table(rows, headers, width).splitlines())
        if total > len(rows):
            out.extend(wrap(p("summary.more", count=f"{total - len(rows):,}"), width))
        out.append("")

    n = s.messages
    rate = p("summary.rate", rate=f"{n / s.seconds:,.0f}") if s.seconds > 0 and n else ""
    key = "summary.interrupted" if s.interrupted else "summary.scanned"
    out = [*wrap(p(key, count=n, seconds=f"{s.seconds:.1f}", rate=rate), width, "", "  "), ""]
    block(
        "",
        [p("summary.outcome"), p("summary.messages"), p("summary.share"), p("summary.meaning")],
        (
            [name, s.by_outcome[name], f"{s.by_outcome[name] / n:.1%}" if n else "-",
             p(f"summary.meaning.{name}")]
            for name in _OUTCOMES
        ),
        0,
    )  # fmt: skip
    expired = s.reasons.get("signature_expired", 0)
    if expired >= EXPIRED_HINT:
        out += [*wrap(p("summary.expired_hint", count=expired), width), ""]
    if s.rotated:
        out += [*wrap(p("summary.rotated", count=f"{s.rotated:,}"), width), ""]
    if s.by_signature:
        block(
            p("summary.by_signature"),
            [p("summary.signing_domain"), p("summary.classification"), p("summary.result"),
             p("summary.signatures")],
            ([safe(d), c, r, k] for (d, c, r), k in _top(s.by_signature)),
            len(s.by_signature),
        )  # fmt: skip
    if s.reasons:
        block(
            p("summary.reasons"),
            [p("summary.reason"), p("summary.signatures"), p("summary.example")],
            ([r, k, source_text(s.reason_example[r])] for r, k in _top(s.reasons)),
            len(s.reasons),
        )
    if s.from_unaligned:
        block(
            p("summary.from_unaligned"),
            [p("summary.from_domain"), p("summary.messages"), p("summary.of")],
            ([safe(d), k, s.from_total[d]] for d, k in _top(s.from_unaligned)),
            len(s.from_unaligned),
        )
    if s.dns_problems:
        block(
            p("summary.dns_problems"),
            [p("summary.key_name"), p("summary.status"), p("summary.signatures")],
            ([safe(name), status, k] for (name, status), k in _top(s.dns_problems)),
            len(s.dns_problems),
        )
    if s.arc:
        block(
            p("summary.arc"),
            [p("summary.arc_cv"), p("summary.messages")],
            ([cv, k] for cv, k in _top(s.arc)),
            len(s.arc),
        )
    if s.unreadable:
        out.extend(wrap(p("summary.unreadable"), width))
        for u in s.unreadable[:TOP]:
            out.extend(wrap(safe(u), width, "  "))
        out.append("")
    if s.errors:
        block(
            p("summary.errors"),
            [p("summary.error"), p("summary.messages"), p("summary.example")],
            ([safe(e), k, source_text(s.error_example[e])] for e, k in _top(s.errors)),
            len(s.errors),
        )
    return "\n".join(out).rstrip("\n") + "\n"
