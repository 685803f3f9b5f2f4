"""`scan --format html`: one self-contained HTML file a postmaster can mail to a colleague.

No external resource (the stylesheet is inlined, there is no script and no image): it opens
from disk with no network request. The summary is drawn: results by signing domain and
classification, failure reasons over time (by the messages' Date fields), DNS problems by
selector, as bars whose numbers are the text summary's (render/summary.py). Below, one
entry per message, each opening its full report, the same fragment `serve` shows.

Memory stays flat: each message's entry is rendered as the scan goes (in the worker, as
the JSONL line is) and spooled to a temporary file; the charts are drawn at the end from
the summary's counts and the small per-month tally read off each entry's data attributes,
then the file is assembled: head, charts, entries, tail.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from markupsafe import Markup

from analyzer.model import Report
from analyzer.render.json import item_dict
from analyzer.render.summary import TOP
from analyzer.web import pages, view

if TYPE_CHECKING:
    from analyzer.scan import Summary

_ENTRY = re.compile(
    r'<details class="msg[^"]*" id="[^"]*" data-month="([^"]*)" data-reasons="([^"]*)"'
)
NO_DATE = "-"


def _anchor(source: str) -> str:
    return "m" + hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _month(report: Report) -> str:
    """The message's Date field as YYYY-MM (UTC), or NO_DATE."""
    field = next((h for h in report.message.headers if h.lname == "date"), None)
    if field is None:
        return NO_DATE
    try:
        when = parsedate_to_datetime(field.value.decode("ascii", "replace").strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return NO_DATE
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return f"{when.year:04d}-{when.month:02d}"


def entry(report: Report, lang: str = "en") -> str:
    """One message's entry: a row that opens its full report (rendered in the worker)."""
    doc = item_dict(report, lang=lang)
    pg = view.page(report, doc, lang, downloads=False)
    reasons = " ".join(s["reason"] for s in doc["signatures"] if s["reason"])
    return pages.render(
        "scan_entry.html", lang=lang, langs=(lang,), pg=pg, id=_anchor(report.source),
        month=_month(report), reasons=reasons,
    ) + "\n"  # fmt: skip


def failure_entry(source: str, error: str, lang: str = "en") -> str:
    """An entry that could not be analyzed: its one error line."""
    return pages.render(
        "scan_entry.html", lang=lang, langs=(lang,), pg=None, id=_anchor(source),
        month=NO_DATE, reasons="", source=source, error=error,
    ) + "\n"  # fmt: skip


class ScanPage:
    """The file being written: entries spooled as they come, the page assembled at the end.

    `add` takes each message's output (an `entry`); `finish` writes the whole file through
    `write` (scan's output), charts first."""

    def __init__(self, write: Callable[[str], None], lang: str = "en") -> None:
        self.write = write
        self.lang = lang
        # Closed by finish(); deleted by the system if the scan dies first.
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self.by_month: Counter[tuple[str, str]] = Counter()  # (YYYY-MM, reason) -> signatures
        # Compiled here, before scan forks its workers: they inherit the compiled templates.
        pages.environment().get_template("scan_entry.html")

    def add(self, text: str) -> None:
        for month, reasons in _ENTRY.findall(text):
            for reason in reasons.split():
                self.by_month[(month, reason)] += 1
        self.spool.write(text)

    def finish(self, summary: Summary) -> None:
        head, tail = pages.render(
            "scan.html", lang=self.lang, langs=(self.lang,), css=Markup(css()),
            charts=charts(summary, self.by_month), summary=summary,
        ).split("<!-- entries -->")  # fmt: skip
        self.write(head)
        self.spool.seek(0)
        while chunk := self.spool.read(1 << 20):
            self.write(chunk)
        self.spool.close()
        self.write(tail)


def css() -> str:
    """The page's stylesheet, inlined (a file opened from disk loads nothing else)."""
    return (pages.STATIC / "app.css").read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int
    share: float  # of the chart's largest bar, 0..1
    key: str  # a result or status, for the bar's colour


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str  # a catalogue key
    bars: list[Bar]
    more: int = 0  # rows past the text summary's TOP, counted as it counts them


def _bars(rows: list[tuple[str, int, str]]) -> list[Bar]:
    largest = max((k for _, k, _ in rows), default=0)
    return [Bar(label, k, k / largest if largest else 0.0, key) for label, k, key in rows]


def _by_month(by_month: Counter[tuple[str, str]]) -> list[tuple[str, int, str]]:
    """(YYYY-MM · reason, signatures, reason), oldest month first (undated last), the
    commonest reason first within a month."""
    rows = sorted(
        by_month.items(), key=lambda mk: (mk[0][0] == NO_DATE, mk[0][0], -mk[1], mk[0][1])
    )
    return [(f"{month} · {reason}", k, reason) for (month, reason), k in rows]


def charts(s: Summary, by_month: Counter[tuple[str, str]]) -> list[Chart]:
    """The summary's tables as bar charts: the same rows and numbers as the text summary
    (its TOP rows, the rest counted), plus the reasons by month."""
    outcomes = [(n, s.by_outcome[n], n) for n in ("pass", "fail", "temporary", "error")]
    domains = [(f"{d} · {c} · {r}", k, r) for (d, c, r), k in s.by_signature.most_common(TOP)]
    dns = [(f"{n} · {st}", k, st) for (n, st), k in s.dns_problems.most_common(TOP)]
    return [
        Chart("outcomes", "web.scan.summary", _bars(outcomes)),
        Chart(
            "by-domain", "web.scan.by_domain", _bars(domains), len(s.by_signature) - len(domains)
        ),
        Chart("reasons-by-month", "web.scan.reasons_by_month", _bars(_by_month(by_month))),
        Chart(
            "dns-by-selector",
            "web.scan.dns_by_selector",
            _bars(dns),
            len(s.dns_problems) - len(dns),
        ),
    ]
