"""`scan --format html`: one valid, self-contained file whose charts say what the text summary says."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest

from analyzer.render.html import ScanPage
from tests.conftest import FIXTURES, run_cli
from tests.nanoserver import ZoneServer

CASES = ["plain", "body-modified", "subject-modified", "key-nxdomain", "dns-servfail",
         "ses-two-signatures", "list-arc", "headers-only", "key-revoked", "third-party",
         "no-signature", "dns-timeout"]  # fmt: skip


@pytest.fixture
def mailbox(tmp_path: Path) -> list[str]:
    """The fixture messages, plus one whose Date was moved (another month, a broken b=) and
    one entry that is not a message."""
    plain = (FIXTURES / "plain" / "message.eml").read_bytes()
    moved = re.sub(rb"(?m)^Date: [^\r\n]*", b"Date: Tue, 05 Mar 2024 10:00:00 +0000", plain)
    assert moved != plain
    (tmp_path / "moved.eml").write_bytes(moved)
    (tmp_path / "garbage.eml").write_bytes(bytes(range(256)) * 8)
    paths = [str(FIXTURES / c / "message.eml") for c in CASES]
    return [*paths, str(tmp_path / "moved.eml"), str(tmp_path / "garbage.eml")]


def _scan(server: ZoneServer, paths: list[str], *extra: str) -> str:
    args = ["scan", "-j", "1", "--nameserver", server.address, "--timeout", "0.5", *extra]
    return run_cli(*args, *paths).stdout


def _table(text: str, title: str) -> list[list[str]]:
    """The rows of one table of the text summary: columns split on 2+ spaces, or, for a
    table folded to fit 80 columns, `first  header value, header value` lines whose last
    value may go on over indented lines (render/layout.py)."""
    lines = text.splitlines()
    if title not in lines:
        return []
    start = lines.index(title) + 1
    folded = not set(lines[start + 1]) <= set("- ") if start + 1 < len(lines) else False
    rows: list[list[str]] = []
    for line in lines[start if folded else start + 2 :]:  # header and rule
        if not line.strip() or line.startswith("... and"):
            break
        if not folded:
            rows.append(re.split(r"\s{2,}", line.strip()))
        elif line.startswith(" ") and rows:
            rows[-1][-1] += line.strip()
        else:
            first, _, rest = line.strip().partition("  ")
            cells = [c.rpartition(" ")[2] if " " in c else "" for c in rest.strip().split(", ")]
            rows.append([first, *cells])
    return rows


def _chart(page: ET.Element, chart_id: str) -> list[tuple[str, int]]:
    section = page.find(f".//section[@id='{chart_id}']")
    assert section is not None, chart_id
    return [(tr.get("data-label") or "", int(tr.get("data-count") or -1))
            for tr in section.iter("tr")]  # fmt: skip


def test_html_report_is_valid_self_contained_and_its_charts_are_the_summary(
    dns_server: ZoneServer, mailbox: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    run = run_cli("scan", "-j", "1", "--nameserver", dns_server.address, "--timeout", "0.5",
                  "--format", "html", "-o", str(out), *mailbox)  # fmt: skip
    assert run.exit_code == 1, run.stderr
    text = out.read_text(encoding="utf-8")
    # Valid HTML: html5lib in strict mode raises on any parse error.
    page = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
    # Self-contained: no script, no external reference, a CSP that forbids any.
    assert page.find(".//script") is None
    for el in page.iter():
        assert el.get("src") is None
        assert not (el.get("href") or "#").lstrip("#").startswith(("http", "//", "/"))
    csp = page.find(".//meta[@http-equiv='Content-Security-Policy']")
    assert csp is not None and (csp.get("content") or "").startswith("default-src 'none'")

    summary = _scan(dns_server, mailbox)
    outcomes = {r[0]: int(r[1]) for r in summary.splitlines()[4:8] for r in [r.split()]}
    assert dict(_chart(page, "outcomes")) == outcomes
    by_domain = [(f"{d} · {c} · {r}", int(k)) for d, c, r, k in
                 _table(summary, "Signatures by signing domain")]  # fmt: skip
    assert _chart(page, "by-domain") == by_domain
    dns = [(f"{n} · {s}", int(k)) for n, s, k in _table(summary, "DNS problems by selector")]
    assert dns and _chart(page, "dns-by-selector") == dns
    # Reasons over time: per reason, the months add up to the summary's count.
    reasons = {r: int(k) for r, k, _ in _table(summary, "Why signatures did not pass")}
    over_time: dict[str, int] = {}
    months = set()
    for label, count in _chart(page, "reasons-by-month"):
        month, reason = label.split(" · ")
        months.add(month)
        over_time[reason] = over_time.get(reason, 0) + count
    assert over_time == reasons
    assert {"2024-03", "2025-11"} <= months

    # One entry per message, each opening its full report (the page's fragment).
    entries = page.findall(".//details[@class]")
    entries = [e for e in entries if (e.get("class") or "").startswith("msg")]
    assert len(entries) == len(mailbox)
    reported = [e for e in entries if e.find(".//article[@class='report']") is not None]
    assert len(reported) == len(mailbox) - 1  # the garbage entry has its error line only
    for e in reported:
        assert e.find(".//p[@class]") is not None
        assert e.find(".//section[@class='signatures']") is not None
    assert any("binary data" in "".join(e.itertext()) for e in entries)


def test_entries_are_spooled_and_the_page_is_written_at_the_end() -> None:
    """Flat memory: add() keeps nothing in memory but a per-month tally; the text goes to
    a temporary file, and nothing is written until finish()."""
    from analyzer.scan import Summary

    written: list[str] = []
    page = ScanPage(written.append)
    entry = '<details class="msg outcome-fail" id="m1" data-month="2025-11" data-reasons="a b a">x</details>\n'
    for _ in range(1000):
        page.add(entry)
    assert written == []
    assert page.spool.tell() == 1000 * len(entry)
    assert page.by_month == {("2025-11", "a"): 2000, ("2025-11", "b"): 1000}
    page.finish(Summary())
    whole = "".join(written)
    assert whole.index("reasons-by-month") < whole.index(entry) < whole.index("</html>")
    assert whole.count(entry) == 1000


def test_html_report_speaks_the_language_asked(tmp_path: Path) -> None:
    """--lang (or the locale) words the HTML report, a report to read; JSONL stays English."""
    zone = str(FIXTURES / "body-modified" / "zone")
    message = str(FIXTURES / "body-modified" / "message.eml")
    pages = {}
    for lang in ("en", "zh-TW"):
        out = tmp_path / f"{lang}.html"
        run = run_cli("scan", "--lang", lang, "--format", "html", "-o", str(out), "--zone", zone,
                      message)  # fmt: skip
        assert run.exit_code == 1, run.stderr
        pages[lang] = out.read_text(encoding="utf-8")
    assert "簽章" in pages["zh-TW"] and "簽章" not in pages["en"]
    assert 'lang="zh-TW"' in pages["zh-TW"]
