"""The JSON API: each route returns exactly what the matching CLI command prints with ``--json``,
from the same library call. Every route needs ``Authorization: Bearer TOKEN``.

=========================================  ==========================================
``GET /api/search?q=&type=&path=&from=&to=&limit=&offset=``  ``unsealed search Q --json``
``GET /api/items/{id or path}?rows=20``    ``unsealed show ITEM --json``
``GET /api/people?q=&detained=&minors=&limit=``  ``unsealed people --json``
``GET /api/people/{id or ID number}``      ``unsealed person REF --json``
``GET /api/stats[?explain=FIGURE[:KEY]]``  ``unsealed stats [--explain ..] --json``
``GET /api/verify``                        ``unsealed verify --json``
``GET /api/audit?user=&since=&action=&limit=``  ``unsealed audit --json`` (admin)
=========================================  ==========================================
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from unsealed.people import get_person, list_people
from unsealed.search import SearchError, search
from unsealed.store.inspect import show
from unsealed.web import audit
from unsealed.web.guard import JSON, Ctx, api
from unsealed.web.routes_figures import stats_job
from unsealed.web.routes_verify import verify_job

VERIFY_WAIT = 600.0


class BadRequest(ValueError):
    pass


def _int(request: Request, name: str, default: int | None) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value!r}") from None


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes", "on")


def _bad(exc: Exception, status: int = 400) -> JSON:
    return JSON({"error": str(exc)}, status_code=status)


@api("viewer")
def api_search(request: Request, ctx: Ctx):
    q = request.query_params
    try:
        result = search(
            ctx.case,
            q.get("q", ""),
            type=q.get("type"),
            path=q.get("path"),
            date_from=q.get("from"),
            date_to=q.get("to"),
            limit=_int(request, "limit", 20),
            offset=_int(request, "offset", 0),
        )
    except (SearchError, BadRequest) as exc:
        return _bad(exc)
    ctx.audit("search", q.get("q", ""), {k: v for k, v in q.items() if k != "q"} | {"total": result["total"]})
    return result


@api("viewer")
def api_item(request: Request, ctx: Ctx):
    ref = request.path_params["ref"]
    try:
        rows = _int(request, "rows", 20)
    except BadRequest as exc:
        return _bad(exc)
    item = show(ctx.case, ref, max_rows=max(0, rows))
    if item is None:
        return _bad(f"no item {ref!r} in this case", 404)
    ctx.audit("view_item", item["id"], {"path": item["path"]})
    return item


@api("viewer")
def api_people(request: Request, ctx: Ctx):
    try:
        limit = _int(request, "limit", None)
    except BadRequest as exc:
        return _bad(exc)
    if limit is not None and limit < 0:
        return _bad("limit must be 0 or more")
    q = request.query_params.get("q")
    result = list_people(
        ctx.case, detained=_flag(request, "detained"), minors=_flag(request, "minors"), q=q, limit=limit
    )
    if q:
        ctx.audit("search", q, {"people": True, "total": result["total"]})
    return result


@api("viewer")
def api_person(request: Request, ctx: Ctx):
    ref = request.path_params["ref"]
    person = get_person(ctx.case, ref)
    if person is None:
        return _bad(f"no person {ref!r} in this case", 404)
    ctx.audit("view_person", person["id"], {"name": person["name"], "id_number": person["id_number"]})
    return person


@api("viewer")
def api_stats(request: Request, ctx: Ctx):
    ref = request.query_params.get("explain")
    if not ref:
        job = stats_job(ctx, wait=VERIFY_WAIT)
        if job.error:
            return _bad(f"the figures could not be counted: {job.error}", 500)
        if not job.done:
            return JSON(
                {"error": "the figures are still being counted: ask again later"},
                status_code=503,
                headers={"Retry-After": "30"},
            )
        return job.value
    from unsealed.figures import explain_figure
    from unsealed.figures.explain import UnknownFigure

    try:
        result = explain_figure(ctx.case, ref)
    except UnknownFigure as exc:
        return _bad(exc, 404)
    ctx.audit("view_figure", ref, {"value": result["value"]})
    return result


@api("viewer")
def api_verify(request: Request, ctx: Ctx):
    job = verify_job(ctx, wait=VERIFY_WAIT)
    if job.error:
        return _bad(f"the verification could not run: {job.error}", 500)
    if not job.done:
        return JSON(
            {"error": "the verification is still running: ask again later"},
            status_code=503,
            headers={"Retry-After": "30"},
        )
    ctx.audit("view_verify", None, {"status": job.value["manifest"].get("status")})
    return job.value


@api("admin")
def api_audit(request: Request, ctx: Ctx):
    q = request.query_params
    try:
        return audit.query(
            ctx.case.conn,
            user=q.get("user"),
            since=q.get("since"),
            action=q.get("action"),
            limit=_int(request, "limit", 1000),
            offset=_int(request, "offset", 0) or 0,
        )
    except (audit.AuditError, BadRequest) as exc:
        return _bad(exc)


@api("viewer")
def api_missing(request: Request, ctx: Ctx):
    return JSON({"error": f"no API route {request.url.path}"}, status_code=404)


ROUTES = [
    Route("/api/search", api_search),
    Route("/api/items/{ref:path}", api_item),
    Route("/api/people", api_people),
    Route("/api/people/{ref:str}", api_person),
    Route("/api/stats", api_stats),
    Route("/api/verify", api_verify),
    Route("/api/audit", api_audit),
    Route("/api/{rest:path}", api_missing),
]
