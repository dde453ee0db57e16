"""The workbench as an ASGI application (Starlette): routes, security headers, error pages.

Every response carries a strict Content-Security-Policy (only this server's own scripts, styles
and images; no plugins; no framing), ``nosniff`` and ``no-referrer``; pages are not cached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unsealed.web import (
    routes_admin,
    routes_api,
    routes_auth,
    routes_figures,
    routes_items,
    routes_notes,
    routes_people,
    routes_search,
    routes_verify,
)
from unsealed.web.db import CaseStore
from unsealed.web.guard import JSON, error_page

STATIC = Path(__file__).with_name("static")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" '
    'fill="#23272f"/><path d="M9 8v10a7 7 0 0 0 14 0V8" fill="none" stroke="#e8e6e1" '
    'stroke-width="3.5"/></svg>'
)
log = logging.getLogger("unsealed.web")


async def favicon(request: Request) -> Response:
    """The workbench's own icon (public, like the style sheet; it holds nothing from the case)."""
    return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


class SecurityHeaders:
    """Adds the security headers to every response (a route may set a stricter CSP of its own), and
    ``Server-Timing: app;dur=MS``, the time the server took to start answering (``bench/web.py`` reads it)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in HEADERS]
                names = {k.lower() for k, _ in headers}
                headers += list(HEADERS.items())
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"private, max-age=3600" if static else b"no-store"))
                headers.append(
                    (b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode())
                )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if request.url.path.startswith("/api/"):
        return JSON({"error": exc.detail}, status_code=exc.status_code)
    return error_page(
        request, exc.status_code, "There is no such page." if exc.status_code == 404 else exc.detail
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("error serving %s", request.url.path, exc_info=exc)
    if request.url.path.startswith("/api/"):
        return JSON({"error": "internal error: see the server log"}, status_code=500)
    return error_page(
        request, 500, "Something went wrong on the server; the log says what. Nothing was changed."
    )


def create_app(
    case_dir: Path | str, *, allowed_hosts: Sequence[str] | None = None, readers: int = 8
) -> Starlette:
    """The workbench for the case at ``case_dir``.

    ``allowed_hosts``: Host header values accepted (None: any). :func:`unsealed.web.serve` passes
    the loopback names when it binds 127.0.0.1, so a web page elsewhere cannot reach the workbench
    through DNS rebinding.
    """
    store = CaseStore(case_dir, readers=readers)

    @asynccontextmanager
    async def lifespan(app):
        yield
        store.close()

    routes = [
        *routes_auth.ROUTES,
        *routes_search.ROUTES,
        *routes_items.ROUTES,
        *routes_notes.ROUTES,
        *routes_people.ROUTES,
        *routes_figures.ROUTES,
        *routes_verify.ROUTES,
        *routes_admin.ROUTES,
        *routes_api.ROUTES,
        Route("/favicon.svg", favicon),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.store = store
    return app
