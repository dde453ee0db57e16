"""The figures dashboard (every number with its definition and parts), its charts, the drill-down
behind each number, and the composite of all faces with one link per tile."""

from __future__ import annotations

import hashlib
import time

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from unsealed.web.guard import Ctx, error_page, page
from unsealed.web.routes_people import item_ids, source_link

ROWS_PER_PAGE = 100
CHART_FIGURE = {"age_pyramid": "age_at_detention"}  # other charts are named after their figure
CHART_WAIT = 90.0
MOSAIC_TILE = 48


def stats_of(ctx: Ctx) -> dict:
    """``compute_stats`` for the case as it is now (kept until the catalog changes)."""
    from unsealed.figures import compute_stats

    return ctx.store.cached("stats", ctx.store.stamp(ctx.case), lambda: compute_stats(ctx.case))


def _folder(ctx: Ctx, name: str, stamp: str):
    return ctx.store.workdir / name / hashlib.sha256(stamp.encode()).hexdigest()[:16]


def _charts_job(ctx: Ctx, stats: dict, wait: float = 0.0):
    from unsealed.figures import write_charts

    stamp = ctx.store.stamp(ctx.case)
    folder = _folder(ctx, "charts", stamp)
    return ctx.store.jobs.get(
        "charts", stamp, lambda: write_charts(stats, folder, formats=("png",)), wait=wait
    )


@page("viewer")
def figures_page(request: Request, ctx: Ctx) -> Response:
    from unsealed.figures.charts import CHARTS

    stats = stats_of(ctx)
    job = _charts_job(ctx, stats, wait=0.0)
    drawn = set(CHARTS)
    if job.done and job.value:
        drawn = {f.rsplit("/", 1)[-1].removesuffix(".png") for f in job.value["files"]}
    charts = [{"name": c, "figure": CHART_FIGURE.get(c, c)} for c in CHARTS if c in drawn]
    return ctx.page(
        "figures.html",
        stats=stats,
        charts=charts,
        chart_error=job.error or "; ".join((job.value or {}).get("warnings", [])[:1]),
    )


@page("viewer")
def chart(request: Request, ctx: Ctx) -> Response:
    from unsealed.figures.charts import CHARTS

    name = request.path_params["name"]
    if name not in CHARTS:
        return error_page(request, 404, "No such chart.", ctx.user)
    job = _charts_job(ctx, stats_of(ctx), wait=CHART_WAIT)
    files = {f.rsplit("/", 1)[-1]: f for f in (job.value or {}).get("files", [])}
    path = files.get(f"{name}.png")
    if path is None:
        return error_page(request, 404, job.error or "This chart has nothing to draw in this case.", ctx.user)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=600"})


@page("viewer")
def explain_page(request: Request, ctx: Ctx) -> Response:
    from unsealed.figures import explain_figure
    from unsealed.figures.explain import UnknownFigure

    fid = request.path_params["fid"][:100]
    key = request.query_params.get("key", "")[:200]
    ref = f"{fid}:{key}" if key else fid
    try:
        result = ctx.store.cached(
            f"explain:{ref}", ctx.store.stamp(ctx.case), lambda: explain_figure(ctx.case, ref)
        )
    except UnknownFigure as exc:
        return error_page(request, 404, str(exc), ctx.user)
    ctx.audit("view_figure", ref, {"value": result["value"]})
    try:
        number = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        number = 1
    rows = result["rows"][(number - 1) * ROWS_PER_PAGE : number * ROWS_PER_PAGE]
    paths = {s["path"] for r in rows for s in r.get("sources", []) if s.get("path")}
    paths |= {r["path"] for r in rows if r.get("path")}
    ids = item_ids(ctx, paths)
    for r in rows:
        r["item_link"] = f"/items/{r['item']}" if r.get("item") else None
        for s in r.get("sources", []):
            s["link"] = source_link(ids, s)
    pages = (len(result["rows"]) + ROWS_PER_PAGE - 1) // ROWS_PER_PAGE
    return ctx.page("explain.html", result=result, rows=rows, number=number, pages=pages, fid=fid, key=key)


def _mosaic_job(ctx: Ctx, wait: float = 0.0):
    from unsealed.figures import make_mosaic

    stamp = ctx.store.stamp(ctx.case)
    out = _folder(ctx, "composite", stamp) / "composite.jpg"

    def make():
        case = ctx.store.fresh_case()
        try:
            return make_mosaic(case, out, tile=MOSAIC_TILE, link="/people/{person_id}", workers=1)
        finally:
            case.close()

    return ctx.store.jobs.get("composite", stamp, make, wait=wait)


@page("viewer")
def composite_page(request: Request, ctx: Ctx) -> Response:
    job = _mosaic_job(ctx, wait=2.0)
    elapsed = round(time.monotonic() - job.started)
    return ctx.page("composite.html", job=job, doc=job.value, elapsed=elapsed)


@page("viewer")
def composite_image(request: Request, ctx: Ctx) -> Response:
    job = _mosaic_job(ctx, wait=CHART_WAIT)
    if not job.done or not job.value:
        return error_page(request, 404, job.error or "The composite is not ready yet.", ctx.user)
    return FileResponse(
        job.value["files"]["image"],
        media_type="image/jpeg",
        headers={"Cache-Control": "private, max-age=600"},
    )


ROUTES = [
    Route("/figures", figures_page),
    Route("/figures/charts/{name:str}.png", chart),
    Route("/figures/{fid:str}", explain_page),
    Route("/composite", composite_page),
    Route("/composite/image.jpg", composite_image),
]
