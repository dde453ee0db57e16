"""Admin pages: the audit log (read only: there is no way to change it) and the team."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from unsealed.web import audit, auth
from unsealed.web.guard import Ctx, page
from unsealed.web.schema import ROLES

PER_PAGE = 100


@page("admin")
def audit_page(request: Request, ctx: Ctx) -> Response:
    q = request.query_params
    params = {k: q.get(k, "").strip()[:100] for k in ("user", "since", "action") if q.get(k, "").strip()}
    try:
        number = max(1, int(q.get("page") or 1))
    except ValueError:
        number = 1
    error, result = None, {"total": 0, "events": []}
    try:
        result = audit.query(
            ctx.case.conn,
            user=params.get("user"),
            since=params.get("since"),
            action=params.get("action"),
            limit=PER_PAGE,
            offset=(number - 1) * PER_PAGE,
        )
    except audit.AuditError as exc:
        error = str(exc)
    ctx.audit("view_audit", None, params or None)
    pages = max(1, (result["total"] + PER_PAGE - 1) // PER_PAGE)
    return ctx.page(
        "audit.html",
        result=result,
        params=params,
        error=error,
        number=number,
        pages=pages,
        actions=audit.ACTIONS,
    )


@page("admin")
def team_page(request: Request, ctx: Ctx) -> Response:
    message, status = "", 200
    if request.method == "POST":
        name, role = ctx.form.get("name", ""), ctx.form.get("role", "")
        try:
            with ctx.store.writer() as conn:
                user = auth.add_user(conn, name, role, ctx.form.get("password", ""))
                audit.record(conn, ctx.user.name, "user_add", user.name, {"role": user.role}, ctx.ip)
            return RedirectResponse("/admin/team", status_code=303)
        except auth.AuthError as exc:
            message, status = str(exc), 400
    return ctx.page(
        "team.html", users=auth.list_users(ctx.case.conn), roles=ROLES, message=message, status=status
    )


ROUTES = [
    Route("/admin/audit", audit_page),
    Route("/admin/team", team_page, methods=["GET", "POST"]),
]
