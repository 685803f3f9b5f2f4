"""`dkim-analyzer serve`: the local page, on Starlette and uvicorn (README, "serve").

Safety (issue 16): nothing pasted is stored or logged (no access log; uploads spooled in
memory, never to disk; responses `Cache-Control: no-store`); a request larger than the
check's limit is refused with 413; the Host header must name this server (DNS rebinding:
a rebinding page's requests carry the attacker's host name); every POST must come from
this page (its Origin, else its Referer); every response carries a strict
Content-Security-Policy, and the page has no inline script.
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import threading
import webbrowser
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from analyzer.dns import Resolver
from analyzer.errors import UsageError
from analyzer.message import MAX_MESSAGE_BYTES
from analyzer.model import Clock
from analyzer.web import routes
from analyzer.web.pages import STATIC, error_page, request_lang

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'; object-src 'none'",
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: with no-referrer Chrome sends "Origin: null" on the
    # page's own form POST (the Origin check below needs the real origin).
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True, slots=True)
class Settings:
    """What `serve` was started with: the resolver and clock of `check`, where it listens."""

    open_dns: Callable[[], AbstractContextManager[Resolver]]  # one per request (cli: open_resolver)
    clock: Callable[[], Clock]  # --now, read at each request
    host: str = "127.0.0.1"
    port: int = 8025
    limit: int = MAX_MESSAGE_BYTES  # the message's size limit: the same as `check`


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def host_allowed(host_header: str, bound: str) -> bool:
    """Whether a request's Host names this server (DNS rebinding, OWASP).

    The bound name itself is allowed; on loopback also the loopback names; bound to every
    address (0.0.0.0, ::), any IP address literal and this machine's names. A name that
    merely resolves here (an attacker's rebinding domain) is refused."""
    name = urlsplit("//" + host_header).hostname if host_header else None
    if not name:
        return False
    name = name.lower().rstrip(".")
    bound = bound.lower().strip("[]").rstrip(".")
    if name == bound:
        return True
    if is_loopback(bound) and is_loopback(name):
        return True
    if bound in ("0.0.0.0", "::"):
        return _is_ip(name) or name in _LOOPBACK_NAMES or name in _machine_names()
    return False


def _machine_names() -> set[str]:
    names = {socket.gethostname().lower()}
    with suppress(OSError):
        names.add(socket.getfqdn().lower())
    return names


def same_origin(headers: Headers, scheme: str) -> bool:
    """A POST's Origin (else Referer) is this page's origin; none at all is refused.

    Browsers send Origin with every POST form submission; a cross-site form or fetch
    carries its own origin (or "null"), so a page elsewhere cannot submit mail here."""
    here = f"{scheme}://{headers.get('host', '')}".lower()
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is not None:
        return origin.lower() == here
    referer = headers.get("referer")
    if referer is not None:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}".lower() == here
    return False


class Guard:
    """ASGI middleware: the Host and Origin checks before the app runs, and the security
    headers on every response (error pages included)."""

    def __init__(self, app: ASGIApp, bound: str) -> None:
        self.app = app
        self.bound = bound

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() not in SECURITY_HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        headers = Headers(scope=scope)
        problem = None
        if not host_allowed(headers.get("host", ""), self.bound):
            problem = (400, "web.error.host")
        elif scope["method"] == "POST" and not same_origin(headers, scope.get("scheme", "http")):
            problem = (403, "web.error.origin")
        if problem is not None:
            request = Request(scope, receive)
            response = error_page(request, problem[0], problem[1], request_lang(request))
            await response(scope, receive, send_secured)
            return
        await self.app(scope, receive, send_secured)


def create_app(settings: Settings) -> ASGIApp:
    """The page's application (tests drive it through Starlette's TestClient)."""

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        key = routes.ERROR_KEYS.get(exc.status_code, "web.error.other")
        return error_page(request, exc.status_code, key, request_lang(request), exc.detail)

    app = Starlette(
        routes=[
            Route("/", routes.index, methods=["GET"]),
            Route("/check", routes.check, methods=["POST"]),
            Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={HTTPException: on_http_error},
    )
    app.state.settings = settings
    return Guard(app, settings.host)


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1" if host == "0.0.0.0" else "[::1]"
    return f"http://{shown}:{port}/"


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the URL is printed (so --port 0 prints the port
    chosen). Raises OSError (address in use, no such address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(infos[0][4])
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve_command(settings: Settings, *, open_browser: bool, say: Callable[[str], None]) -> None:
    """`serve`: listen, print the URL (and a warning when not on loopback), serve until
    Ctrl-C. An address that cannot be listened on is a UsageError (one line, exit 2)."""
    import uvicorn

    try:
        sock = listen(settings.host, settings.port)
    except OSError as e:
        where = f"{settings.host}:{settings.port}"
        raise UsageError(f"--host/--port: cannot listen on {where}: {e.strerror or e}") from e
    port = sock.getsockname()[1]
    settings = Settings(settings.open_dns, settings.clock, settings.host, port, settings.limit)
    url = url_for(settings.host, port)
    config = uvicorn.Config(
        create_app(settings), log_level="warning", access_log=False, lifespan="off",
        server_header=False,
    )  # fmt: skip
    server = uvicorn.Server(config)
    # Ctrl-C from the moment the URL is printed until uvicorn's own handler is in place (it
    # is set inside its event loop): without this, one arriving in between broke the start
    # half-way ("coroutine 'Server.serve' was never awaited" on stderr) or was caught by
    # asyncio.run's own handler instead of uvicorn's. Here it asks uvicorn to stop as soon
    # as it has started, and the command then ends as interrupted.
    interrupted: list[int] = []

    def stop_early(sig: int, frame: object) -> None:
        interrupted.append(sig)
        server.should_exit = True

    previous = signal.signal(signal.SIGINT, stop_early)
    try:
        if not is_loopback(settings.host):
            say(
                f"warning: listening on {settings.host}, not loopback: anyone who can reach "
                "this machine can use the page and the DNS it asks"
            )
        say(f"dkim-analyzer: serving on {url} (Ctrl-C to stop)")
        if open_browser:
            threading.Timer(0.5, webbrowser.open, args=(url,)).start()
        with sock:
            server.run(sockets=[sock])
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt
