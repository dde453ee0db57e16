"""The search page: query box, facets (type, year, folder), highlighted snippets, paging."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from unsealed.search import SearchError, search
from unsealed.search.paths import ROOT_FOLDER
from unsealed.store.inspect import status
from unsealed.web.guard import Ctx, page

PER_PAGE = 20
MAX_PAGE = 500


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return min(hi, max(lo, int(value or default)))
    except ValueError:
        return default


def search_params(request: Request) -> dict:
    """The search form's fields as given (empty ones dropped)."""
    q = request.query_params
    keys = ("q", "type", "path", "from", "to")
    return {k: q.get(k, "").strip()[:2000] for k in keys if q.get(k, "").strip()}


def hit_link(hit: dict, q: str | None = None) -> str:
    """The item page at the hit: its page (matches of ``q`` marked), or its row highlighted in the grid."""
    url = f"/items/{hit['id']}"
    query = {"q": q} if q else {}
    if hit.get("sheet") is not None and hit.get("row") is not None:
        query |= {"sheet": hit["sheet"], "row": hit["row"]}
        return f"{url}?{urlencode(query)}#table"
    suffix = f"?{urlencode(query)}" if query else ""
    if hit.get("page") and hit["page"] > 1:
        return f"{url}{suffix}#page-{hit['page']}"
    return url + suffix


@page("viewer")
def search_page(request: Request, ctx: Ctx) -> Response:
    params = search_params(request)
    number = _int(request.query_params.get("page"), 1, 1, MAX_PAGE)
    result, error = None, None
    if params.get("q"):
        try:
            result = search(
                ctx.case,
                params["q"],
                type=params.get("type"),
                path=params.get("path"),
                date_from=params.get("from"),
                date_to=params.get("to"),
                limit=PER_PAGE,
                offset=(number - 1) * PER_PAGE,
            )
        except SearchError as exc:
            error = str(exc)
        ctx.audit(
            "search",
            params["q"],
            {k: v for k, v in params.items() if k != "q"}
            | {"page": number}
            | ({"total": result["total"]} if result else {"error": error}),
        )
    overview = None
    if result is None and not error:
        overview = ctx.store.cached("status", ctx.store.stamp(ctx.case), lambda: status(ctx.case))
    pages = 0
    if result:
        pages = min(MAX_PAGE, (result["total"] + PER_PAGE - 1) // PER_PAGE)
        for hit in result["hits"]:
            hit["link"] = hit_link(hit, params["q"])
    return ctx.page(
        "search.html",
        params=params,
        result=result,
        error=error,
        overview=overview,
        number=number,
        pages=pages,
        per_page=PER_PAGE,
        root_folder=ROOT_FOLDER,
    )


@page("viewer")
def home(request: Request, ctx: Ctx) -> Response:
    return RedirectResponse("/search", status_code=303)


ROUTES = [
    Route("/", home),
    Route("/search", search_page),
]
