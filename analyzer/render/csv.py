"""`scan --format csv`: one row per signature (README, "CSV columns").

A message without signatures, and an input that could not be analyzed, still get
one row each, so every message of the scan appears. Every cell goes through
render/escape.py: control characters escaped, the source name lossless, and a leading
"'" where a spreadsheet would read a formula (README, "Output safety").
"""

from __future__ import annotations

import csv
import io

from analyzer.model import Failure, Report
from analyzer.render.escape import csv_cell, source_text

COLUMNS = (
    "source", "from_domain", "outcome", "signature_index", "domain", "selector", "algorithm",
    "classification", "provider", "result", "reason", "detail", "dns_status", "key_type",
    "key_bits", "error",
)  # fmt: skip


def _line(cells: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerows(["" if c is None else csv_cell(c) for c in row] for row in cells)
    return out.getvalue()


def header() -> str:
    return _line([list(COLUMNS)])


def report_rows(report: Report) -> str:
    msg = report.message
    result = report.outcome.name.lower()
    base: list[object] = [source_text(report.source), msg.from_domain, result]
    if not report.verdicts:
        return _line([base + [None] * (len(COLUMNS) - len(base))])
    rows = []
    for v in report.verdicts:
        evidence = v.key_evidence
        rows.append([
            *base,
            v.index, v.domain, v.selector, v.algorithm, v.alignment.classification.value,
            v.alignment.provider, v.result.value, v.reason.value if v.reason else None,
            v.detail, evidence.answer.status.value if evidence else None,
            v.key.key_type if v.key else None, v.key_bits, None,
        ])  # fmt: skip
    return _line(rows)


def failure_rows(failure: Failure) -> str:
    blank: list[object] = [None] * (len(COLUMNS) - 4)
    return _line([[source_text(failure.source), None, "error", *blank, failure.error]])
