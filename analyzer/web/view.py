"""What the page shows of one message, built from the JSON document (`render.json.item_dict`).

The page reads the stable, documented `check --format json` structure, never the pipeline's
internals, plus three things the document does not carry and the text report shows: its
first line (the answer), the text report itself ("copy as text") and the route (the
Received hops, display only, as the text report's route table).

`localized` is the one place that chooses the words of a language; everything else is
language-free values from the document.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer import explain
from analyzer.dns import Resolver
from analyzer.errors import NotAMessageError
from analyzer.message import MAX_MESSAGE_BYTES, too_large
from analyzer.model import SCHEMA_VERSION, Clock, Hop, Report
from analyzer.pipeline import analyze
from analyzer.render import json as json_render
from analyzer.render import text as text_render
from analyzer.sources import RawMessage, read_mbox
from analyzer.trace import route

LANGUAGES = explain.LANGUAGES
EXIT_INTERNAL = 70  # EX_SOFTWARE, as `check` and `scan` give a bug of this tool

# Findings that forensics only emits when it proved the change: the received text and the
# original that verifies again (forensics.py). The page shows them side by side.
PROVEN_CHANGES = frozenset({
    "body_appended", "body_prepended", "body_truncated", "body_line_endings",
    "body_whitespace", "mbox_from_quoting", "header_modified",
})  # fmt: skip


def localized(report: Report, lang: str) -> dict[str, Any]:
    """The report's JSON document with the words of `lang` (the one place that chooses them:
    the analysis itself is language-free)."""
    return json_render.item_dict(report, lang=lang)


@dataclass(frozen=True, slots=True)
class HopView:
    number: int
    sender: str
    receiver: str
    protocol: str
    when: str | None
    delay: float | None
    share: float  # the delay's bar, 0..1 of the longest delay on this route
    boundary: bool  # the trusted receiver took the message from outside here


@dataclass(frozen=True, slots=True)
class Change:
    """A change in transit that forensics proved (a finding of PROVEN_CHANGES)."""

    code: str
    summary: str
    signature_index: int | None
    received: str | None  # header_modified: the field as received ...
    original: str | None  # ... and as it was signed
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """One message in one language: everything the report fragment shows."""

    lang: str
    doc: dict[str, Any]  # render.json.item_dict: what the page is built from
    answer: str  # the text report's first line
    text: str  # the text report ("copy as text")
    json: str  # the `check --format json` document of this message
    route: tuple[HopView, ...] = ()
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True, slots=True)
class MessageView:
    number: int  # 1-based position in the input
    source: str
    pages: dict[str, Page] = field(default_factory=dict)
    error: str | None = None  # the input could not be analyzed (a Failure) ...
    exit_code: int = 0  # ... and its code, as `check` gives it (65, 66, 70)


def split_messages(data: bytes, source: str) -> Iterator[RawMessage]:
    """The message(s) of one input, as `check` reads a file: an mbox of several messages
    yields each (source NAME#K), anything else is one message. Raises NotAMessageError for
    empty or oversized input (the `check` limit, MAX_MESSAGE_BYTES)."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise NotAMessageError(too_large(len(data)))
    if not data.strip():
        raise NotAMessageError("empty input")
    if data.startswith(b"From "):
        entries = list(read_mbox(io.BytesIO(data), source))
        if len(entries) > 1:
            yield from entries
            return
    yield RawMessage(source, data)


def build(
    messages: Sequence[RawMessage],
    resolver: Resolver,
    *,
    now: Clock,
    headers_only: bool,
    langs: Sequence[str] = LANGUAGES,
) -> list[MessageView]:
    """Every message of the input, each in every language (the page switches without
    asking again: nothing is kept on the server to ask about)."""
    views = []
    for number, message in enumerate(messages, 1):
        if message.error is not None:
            views.append(MessageView(number, message.source, error=message.error,
                                     exit_code=message.exit_code))  # fmt: skip
            continue
        pages: dict[str, Page] = {}
        try:
            report = analyze(message.raw, resolver, now=now, source=message.source,
                             headers_only=headers_only)  # fmt: skip
            for lang in langs:
                pages[lang] = page(report, localized(report, lang), lang)
        except NotAMessageError as e:
            views.append(MessageView(number, message.source, error=str(e), exit_code=e.exit_code))
            continue
        except Exception as e:  # a bug: that message's error on the page, never a log line
            error = f"internal error: {type(e).__name__}: {e}"[:300]
            views.append(MessageView(number, message.source, error=error, exit_code=EXIT_INTERNAL))
            continue
        views.append(MessageView(number, message.source, pages))
    return views


def page(report: Report, doc: dict[str, Any], lang: str, *, downloads: bool = True) -> Page:
    """The page of one analyzed message; `downloads=False` (the scan report, which has no
    copy or download buttons) leaves out the JSON document."""
    hops = route(report.message)
    text = text_render.render([report], lang=lang, routes=[hops])
    return Page(
        lang,
        doc,
        answer=text.splitlines()[0],
        text=text,
        json=document_text([doc]) if downloads else "",
        route=route_view(hops, _boundary_hop(report, len(hops))),
        changes=tuple(changes(doc)),
    )


def document_text(docs: Sequence[dict[str, Any]]) -> str:
    """The `check --format json` document of these messages, byte for byte."""
    from analyzer import __version__

    body = {"schema_version": SCHEMA_VERSION, "tool_version": __version__, "messages": list(docs)}
    return json_render.dumps(body, indent=2) + "\n"


def _boundary_hop(report: Report, hops: int) -> int | None:
    """The route's hop number of the trusted receiver's boundary Received field, if any.

    route() numbers the Received fields oldest (lowest in the header) first."""
    rx = report.receiver
    if rx is None or rx.boundary is None or rx.boundary_index < 0:
        return None
    above = sum(1 for h in report.message.headers[: rx.boundary_index] if h.lname == "received")
    number = hops - above
    return number if 1 <= number <= hops else None


def route_view(hops: Sequence[Hop], boundary: int | None) -> tuple[HopView, ...]:
    longest = max((abs(h.delay) for h in hops if h.delay is not None), default=0.0)
    views = []
    for h in hops:
        share = abs(h.delay) / longest if h.delay is not None and longest > 0 else 0.0
        views.append(HopView(h.number, h.sender, h.receiver, h.protocol, h.when, h.delay,
                             share=share, boundary=h.number == boundary))  # fmt: skip
    return tuple(views)


def changes(doc: dict[str, Any]) -> Iterator[Change]:
    """The document's proven changes in transit, with the two sides of a header change."""
    for f in doc.get("findings", ()):
        if f["code"] not in PROVEN_CHANGES:
            continue
        sides = {"received": None, "original": None}
        rest = []
        for line in f["evidence"]:
            name, _, value = line.partition(": ")
            if name in sides and sides[name] is None:
                sides[name] = value
            else:
                rest.append(line)
        yield Change(
            f["code"], f["summary"], f["signature_index"], sides["received"], sides["original"],
            tuple(rest),
        )  # fmt: skip
