"""Every route goes through one of these decorators: they check the session (pages) or the token (API),
the role, and the CSRF token of every form, then run the handler in a worker thread with a
read-only case. Nothing is reachable around them except the login page and the static files.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from unsealed.store.case import Case
from unsealed.web import audit, auth, sessions
from unsealed.web.auth import User
from unsealed.web.db import CaseStore
from unsealed.web.render import render

MAX_FORM_BYTES = 256 * 1024
MAX_FIELDS = 50
log = logging.getLogger("unsealed.web")


@dataclass
class Ctx:
    """What a handler gets: the request's user, a read-only case, and how to write the audit log."""

    request: Request
    store: CaseStore
    case: Case
    user: User
    session: sessions.Session | None
    ip: str
    form: dict[str, str] = field(default_factory=dict)
    via: str = "web"

    def audit(self, action: str, target: Any = None, detail: Any = None) -> None:
        if self.via == "api":
            detail = {**(detail or {}), "via": "api"} if isinstance(detail, dict | None) else detail
        with self.store.writer() as conn:
            audit.record(conn, self.user.name, action, target, detail, self.ip)

    def page(self, template: str, status: int = 200, **context) -> HTMLResponse:
        """Render a page of the workbench for this user."""
        return HTMLResponse(
            render(
                template,
                user=self.user,
                csrf=self.session.csrf if self.session else "",
                case_name=self.store.root.name,
                path=self.request.url.path,
                **context,
            ),
            status_code=status,
        )


def client_ip(request: Request) -> str:
    """The peer address (a proxy in front should pass its own; we never trust X-Forwarded-For blindly)."""
    return request.client.host if request.client else "unknown"


class JSON(JSONResponse):
    """JSON exactly as the CLI prints it (``ensure_ascii=False``, non-JSON values as text)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=str).encode("utf-8")


def error_page(request: Request, status: int, message: str, user: User | None = None) -> HTMLResponse:
    return HTMLResponse(
        render(
            "error.html",
            user=user,
            csrf="",
            case_name="",
            path=request.url.path,
            status=status,
            message=message,
        ),
        status_code=status,
    )


async def read_form(request: Request) -> dict[str, str] | Response:
    """A POST's form fields, or an error page when it cannot be read.

    Every form here is small and URL-encoded, so the body is read with a hard size cap (also when
    it comes chunked, without a Content-Length) and parsed by the standard library.
    """
    if request.method != "POST":
        return {}
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return error_page(request, 413, "The form is too large.")
    if not body:
        return {}
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return error_page(request, 415, "Forms are sent URL-encoded.")
    try:
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return error_page(request, 400, "The form has too many fields.")
    return dict(pairs)


def page(role: str = "viewer") -> Callable:
    """A browser page: needs a live session (else to the login page) and ``role``; a POST also needs
    the session's CSRF token."""

    def wrap(fn: Callable[[Request, Ctx], Response]) -> Callable:
        @functools.wraps(fn)
        async def endpoint(request: Request) -> Response:
            form = await read_form(request)
            if isinstance(form, Response):
                return form
            return await run_in_threadpool(_run_page, fn, request, form, role)

        return endpoint

    return wrap


def _run_page(fn, request: Request, form: dict, role: str) -> Response:
    store: CaseStore = request.app.state.store
    with store.reader() as case:
        session = sessions.load(case.conn, request.cookies.get(sessions.SESSION_COOKIE))
        if session is None:
            if request.method != "GET":
                return error_page(request, 401, "Your session has ended: log in again.")
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
        if request.method == "POST" and not sessions.csrf_ok(session, form.get("csrf")):
            return error_page(
                request,
                403,
                "This form has expired or did not come from this workbench: reload the page and try again.",
                session.user,
            )
        if not session.user.may(role):
            return error_page(
                request, 403, f"This needs the {role} role; you are a {session.user.role}.", session.user
            )
        ctx = Ctx(request, store, case, session.user, session, client_ip(request), form)
        try:
            return fn(request, ctx)
        except Exception:  # the page says so, with the security headers; the log has the trace
            log.exception("error serving %s", request.url.path)
            return error_page(
                request,
                500,
                "Something went wrong on the server; the log says what. Nothing was changed.",
                session.user,
            )


def api(role: str = "viewer") -> Callable:
    """A JSON route: needs ``Authorization: Bearer TOKEN`` (``unsealed user token NAME``) and ``role``."""

    def wrap(fn: Callable[[Request, Ctx], Any]) -> Callable:
        @functools.wraps(fn)
        async def endpoint(request: Request) -> Response:
            return await run_in_threadpool(_run_api, fn, request, role)

        return endpoint

    return wrap


def _run_api(fn, request: Request, role: str) -> Response:
    store: CaseStore = request.app.state.store
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    with store.reader() as case:
        user = auth.user_for_token(case.conn, token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            return JSON(
                {
                    "error": "authentication required: send 'Authorization: Bearer TOKEN' "
                    "(a token from 'unsealed user token NAME')"
                },
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="unsealed"'},
            )
        if not user.may(role):
            return JSON(
                {"error": f"this needs the {role} role; {user.name} is a {user.role}"}, status_code=403
            )
        ctx = Ctx(request, store, case, user, None, client_ip(request), via="api")
        try:
            result = fn(request, ctx)
        except Exception:
            log.exception("error serving %s", request.url.path)
            return JSON({"error": "internal error: see the server log"}, status_code=500)
        return result if isinstance(result, Response) else JSON(result)
