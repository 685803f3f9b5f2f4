"""The templates (Jinja2, autoescaped) and the helpers every page uses.

Every value a template prints passes `shown` first: the text report's escaping
(render/escape.py: control, bidi and invisible characters written as \\xNN / \\uNNNN, never
interpreted), then HTML escaping. Only values a template marks as Markup skip it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from analyzer import explain
from analyzer.render.escape import safe

STATIC = Path(__file__).parent / "static"
LANGUAGES = explain.LANGUAGES


def shown(value: object) -> object:
    """Jinja's finalize: every printed value escaped as the text report escapes it."""
    if isinstance(value, Markup) or value is None:
        return "" if value is None else value
    if isinstance(value, str):
        return safe(value)
    return value


def lines(text: str) -> Markup:
    """A multi-line text (the text report, a JSON document): each line escaped, line feeds
    kept (its renderer already escaped every value in it)."""
    return Markup("\n").join(escape(safe(line)) for line in text.split("\n"))


def phrase(key: str, lang: str, **fields: object) -> str:
    return explain.phrase(key, lang, **fields)


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("analyzer.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=shown,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(p=phrase, langs=LANGUAGES)
    env.filters["lines"] = lines
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def negotiate(accept_language: str) -> str:
    """The catalogue language the browser prefers most (Accept-Language, RFC 9110 §12.5.4)."""
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        lang = explain.normalize_lang(tag) if tag and tag != "*" else None
        if lang is not None and q > 0 and (best is None or (q, -position) > best[:2]):
            best = (q, -position, lang)
    return best[2] if best else "en"


def request_lang(request: Request, asked: str | None = None) -> str:
    """?lang= (or the form's lang), else the browser's language, else English."""
    for value in (asked, request.query_params.get("lang")):
        if value and (lang := explain.normalize_lang(value)) is not None:
            return lang
    return negotiate(request.headers.get("accept-language", ""))


def error_page(
    request: Request, status: int, key: str, lang: str, detail: str | None = None
) -> HTMLResponse:
    """A readable page for a refused request: what went wrong, in the page's languages."""
    body = render("error.html", lang=lang, status=status, key=key, detail=detail)
    return HTMLResponse(body, status_code=status)
