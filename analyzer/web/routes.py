"""The page's two requests: GET / (the form) and POST /check (the reports).

Nothing is kept between requests: the reports of every language come back in the one
response, and the input is dropped when it is sent.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from analyzer.errors import NotAMessageError
from analyzer.web import view
from analyzer.web.pages import render, request_lang

FORM_SLACK = 64 * 1024  # the form's other fields and multipart framing, beside the message
ERROR_KEYS = {
    400: "web.error.empty",
    404: "web.error.not_found",
    405: "web.error.method",
    413: "web.error.too_large",
    415: "web.error.form",
    422: "web.error.not_a_message",
}


class _InMemory(MultiPartParser):
    """An upload stays in memory up to the size limit: nothing pasted reaches the disk."""

    spool_max_size = 2**62


async def index(request: Request) -> Response:
    lang = request_lang(request)
    return HTMLResponse(render("index.html", lang=lang, views=[], headers_only=False))


async def check(request: Request) -> Response:
    settings = request.app.state.settings
    limit: int = settings.limit
    form = await _form(request, limit + FORM_SLACK)
    lang = request_lang(request, _text(form.get("lang")))
    data, source = await _input(form, limit)
    headers_only = form.get("headers_only") not in (None, "")
    try:
        messages = list(view.split_messages(data, source))
    except NotAMessageError as e:
        raise HTTPException(422, str(e)) from None
    clock = settings.clock()  # one clock for the whole input, as `check` reads --now once

    def analyze_all() -> list[view.MessageView]:
        # One resolver per request (its cache: every language sees the same DNS answers).
        with settings.open_dns() as resolver:
            return view.build(messages, resolver, now=clock, headers_only=headers_only)

    views = await run_in_threadpool(analyze_all)
    if len(views) == 1 and views[0].error is not None:
        raise HTTPException(422, views[0].error)
    body = render("index.html", lang=lang, views=views, headers_only=headers_only,
                  all_json=_all_json(views))  # fmt: skip
    return HTMLResponse(body)


def _all_json(views: list[view.MessageView]) -> dict[str, str]:
    """Per language, the `check --format json` document of every message of the input."""
    out = {}
    for lang in view.LANGUAGES:
        docs: list[dict[str, Any]] = []
        for v in views:
            if v.error is not None:
                docs.append({"source": v.source, "error": v.error, "exit_code": v.exit_code})
            else:
                docs.append(v.pages[lang].doc)
        out[lang] = view.document_text(docs)
    return out


async def _form(request: Request, cap: int) -> FormData:
    """The submitted form, read up to `cap` bytes (413 beyond, before any more is read)."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > cap:
        raise HTTPException(413, f"the request is {int(length):,} bytes")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()

    async def capped() -> AsyncGenerator[bytes, None]:
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > cap:
                raise HTTPException(413, f"the request is over {cap:,} bytes")
            yield chunk

    try:
        if kind == "multipart/form-data":
            parser = _InMemory(request.headers, capped(), max_files=1, max_fields=8,
                               max_part_size=cap)  # fmt: skip
            return await parser.parse()
        if kind == "application/x-www-form-urlencoded":
            return await FormParser(request.headers, capped()).parse()
    except MultiPartException as e:
        raise HTTPException(400, e.message) from None
    raise HTTPException(415, "expected a form (multipart/form-data)")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


async def _input(form: FormData, limit: int) -> tuple[bytes, str]:
    """The message bytes: the file chosen or dropped, else the pasted text."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
        data = await upload.read(limit + 1)
        await upload.close()
        source = upload.filename or "upload"
    else:
        pasted = _text(form.get("message")) or ""
        data = pasted.encode("utf-8", "surrogateescape")
        source = "<pasted>"
    if len(data) > limit:
        raise HTTPException(413, f"the message is over the {limit:,}-byte limit of check")
    if not data.strip():
        raise HTTPException(400, "nothing was pasted or chosen")
    return data, source
