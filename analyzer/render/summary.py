"""`scan --format text`: the summary of a scan, read at a glance.

Totals by outcome, then the tables a postmaster acts on: signatures by signing
domain, classification and result; why signatures did not pass (with an example
message each); the From domains whose mail lacks a passing author-aligned
signature; DNS problems by key name. Long tables keep their largest rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from tabulate import tabulate

from analyzer.render.escape import safe, source_text

if TYPE_CHECKING:
    from analyzer.scan import Summary

K = TypeVar("K")
TOP = 20  # rows per table; the rest are counted in one line
_OUTCOMES = (
    ("pass", "an author-aligned signature passes"),
    ("fail", "no author-aligned signature passes"),
    ("temporary", "only a temporary DNS failure stands in the way"),
    ("error", "could not be analyzed"),
)


def _table(headers: list[str], rows: Iterable[list[object]], total: int) -> list[str]:
    rows = list(rows)
    lines = tabulate(rows, headers=headers, tablefmt="simple", intfmt=",").splitlines()
    if total > len(rows):
        lines.append(f"... and {total - len(rows):,} more (see --format csv)")
    return [*lines, ""]


def _top(counter: Counter[K]) -> list[tuple[K, int]]:
    return counter.most_common(TOP)


def render(s: Summary, *, lang: str = "en", width: int = 80) -> str:
    n = s.messages
    rate = f" ({n / s.seconds:,.0f} messages/s)" if s.seconds > 0 and n else ""
    state = "INTERRUPTED: scanned" if s.interrupted else "Scanned"
    out = [f"{state} {n:,} message{'s' if n != 1 else ''} in {s.seconds:.1f} s{rate}", ""]
    out += _table(
        ["outcome", "messages", "share", "meaning"],
        (
            [name, s.by_outcome[name], f"{s.by_outcome[name] / n:.1%}" if n else "-", meaning]
            for name, meaning in _OUTCOMES
        ),
        0,
    )
    if s.by_signature:
        out.append("Signatures by signing domain")
        out += _table(
            ["signing domain (d=)", "classification", "result", "signatures"],
            ([safe(d), c, r, k] for (d, c, r), k in _top(s.by_signature)),
            len(s.by_signature),
        )
    if s.reasons:
        out.append("Why signatures did not pass")
        out += _table(
            ["reason", "signatures", "example"],
            ([reason, k, source_text(s.reason_example[reason])] for reason, k in _top(s.reasons)),
            len(s.reasons),
        )
    if s.from_unaligned:
        out.append("From domains without a passing author-aligned signature")
        out += _table(
            ["From domain", "messages", "of"],
            ([safe(d), k, s.from_total[d]] for d, k in _top(s.from_unaligned)),
            len(s.from_unaligned),
        )
    if s.dns_problems:
        out.append("DNS problems by selector")
        out += _table(
            ["key name", "status", "signatures"],
            ([safe(name), status, k] for (name, status), k in _top(s.dns_problems)),
            len(s.dns_problems),
        )
    if s.unreadable:
        out.append("Inputs that could not be read")
        out += [f"  {safe(u)}" for u in s.unreadable[:TOP]] + [""]
    if s.errors:
        out.append("Messages that could not be analyzed")
        out += _table(
            ["error", "messages", "example"],
            ([safe(e), k, source_text(s.error_example[e])] for e, k in _top(s.errors)),
            len(s.errors),
        )
    return "\n".join(out).rstrip("\n") + "\n"
