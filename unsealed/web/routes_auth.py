"""Logging in and out. The only pages reachable without a session are the login form and its POST."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from unsealed.web import audit, auth, sessions
from unsealed.web.db import CaseStore
from unsealed.web.guard import Ctx, client_ip, page, read_form
from unsealed.web.render import render


def _safe_next(target: str | None) -> str:
    """Only a path on this server (never ``//host`` or a scheme) may be where a login leads."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/search"
    return target


def _set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int, path: str = "/"
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _login_page(
    request: Request, store: CaseStore, message: str = "", status: int = 200, name: str = ""
) -> Response:
    cookie, signed = sessions.login_form_token(store.secret)
    response = HTMLResponse(
        render(
            "login.html",
            user=None,
            csrf="",
            case_name=store.root.name,
            path="/login",
            login_csrf=signed,
            message=message,
            name=name,
            next=_safe_next(request.query_params.get("next")),
        ),
        status_code=status,
    )
    _set_cookie(request, response, sessions.LOGIN_COOKIE, cookie, sessions.LOGIN_FORM_SECONDS, path="/login")
    return response


async def login(request: Request) -> Response:
    store: CaseStore = request.app.state.store
    if request.method == "GET":
        return _login_page(request, store)
    form = await read_form(request)
    if isinstance(form, Response):
        return form
    return await run_in_threadpool(_login_post, request, store, form)


def _login_post(request: Request, store: CaseStore, form: dict) -> Response:
    ip = client_ip(request)
    name = (form.get("user") or "").strip()[:100]
    password = form.get("password") or ""
    if not sessions.login_form_ok(store.secret, request.cookies.get(sessions.LOGIN_COOKIE), form.get("csrf")):
        return _login_page(request, store, "The login form expired: please try again.", 403, name)
    with store.writer() as conn:
        wait = sessions.blocked(conn, name, ip)
        if wait:
            audit.record(conn, None, "login_blocked", name, {"wait_seconds": wait}, ip)
    if wait:
        minutes = max(1, round(wait / 60))
        return _login_page(
            request,
            store,
            f"Too many failed logins: try again in {minutes} minute{'s' if minutes != 1 else ''}.",
            429,
            name,
        )
    with store.reader() as case:  # argon2 takes ~50 ms: outside the writer's lock
        user = auth.verify_password(case.conn, name, password)
    with store.writer() as conn:
        if user is None:
            sessions.failed(conn, name, ip)
            audit.record(conn, None, "login_failed", name, None, ip)
        else:
            sessions.succeeded(conn, name)
            token = sessions.start(conn, user, ip)
            audit.record(conn, user.name, "login", None, None, ip)
    if user is None:
        return _login_page(request, store, "Wrong user name or password.", 401, name)
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    _set_cookie(request, response, sessions.SESSION_COOKIE, token, sessions.SESSION_SECONDS)
    response.delete_cookie(sessions.LOGIN_COOKIE, path="/login")
    return response


@page("viewer")
def logout(request: Request, ctx: Ctx) -> Response:
    with ctx.store.writer() as conn:
        sessions.end(conn, request.cookies.get(sessions.SESSION_COOKIE))
        audit.record(conn, ctx.user.name, "logout", None, None, ctx.ip)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(sessions.SESSION_COOKIE, path="/")
    return response


ROUTES = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
]
