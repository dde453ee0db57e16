"""The figures dashboard (every number with its definition and parts), its charts, the drill-down
behind each number, and the composite of all faces with one link per tile."""

from __future__ import annotations

import hashlib
import time

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from unsealed.web.guard import Ctx, error_page, page
from unsealed.web.jobs import Job
from unsealed.web.routes_people import item_ids, source_link

ROWS_PER_PAGE = 100
CHART_FIGURE = {"age_pyramid": "age_at_detention"}  # other charts are named after their figure
CHART_WAIT = 90.0
PAGE_WAIT = 3.0  # seconds a page waits for a background result before showing "being prepared"
MOSAIC_TILE = 48


def in_background(ctx: Ctx, name: str, compute, wait: float) -> Job:
    """``compute(case)`` on a read-only case of its own, in the background, kept until the catalog changes."""

    def run():
        case = ctx.store.fresh_case()
        try:
            return compute(case)
        finally:
            case.close()

    return ctx.store.jobs.get(name, ctx.store.stamp(ctx.case), run, wait=wait)


def stats_job(ctx: Ctx, wait: float = PAGE_WAIT) -> Job:
    """``compute_stats`` for the case as it is now (several seconds at 20,000 people: made once)."""
    from unsealed.figures import compute_stats

    return in_background(ctx, "stats", compute_stats, wait)


def _folder(ctx: Ctx, name: str, stamp: str):
    return ctx.store.workdir / name / hashlib.sha256(stamp.encode()).hexdigest()[:16]


def _charts_job(ctx: Ctx, stats: dict, wait: float = 0.0) -> Job:
    from unsealed.figures import write_charts

    stamp = ctx.store.stamp(ctx.case)
    folder = _folder(ctx, "charts", stamp)
    return ctx.store.jobs.get(
        "charts", stamp, lambda: write_charts(stats, folder, formats=("png",)), wait=wait
    )


def _pending(ctx: Ctx, job: Job, what: str) -> Response:
    if job.error:
        return ctx.page("pending.html", what=what, job=job, elapsed=0, status=500)
    return ctx.page("pending.html", what=what, job=job, elapsed=round(time.monotonic() - job.started))


@page("viewer")
def figures_page(request: Request, ctx: Ctx) -> Response:
    from unsealed.figures.charts import CHARTS

    job = stats_job(ctx)
    if not job.done or job.error:
        return _pending(ctx, job, "The figures are being counted")
    stats = job.value
    charts_job = _charts_job(ctx, stats, wait=0.0)
    drawn = set(CHARTS)
    if charts_job.done and charts_job.value:
        drawn = {f.rsplit("/", 1)[-1].removesuffix(".png") for f in charts_job.value["files"]}
    charts = [{"name": c, "figure": CHART_FIGURE.get(c, c)} for c in CHARTS if c in drawn]
    warnings = (charts_job.value or {}).get("warnings", [])
    return ctx.page(
        "figures.html", stats=stats, charts=charts, chart_error=charts_job.error or "; ".join(warnings[:1])
    )


@page("viewer")
def chart(request: Request, ctx: Ctx) -> Response:
    from unsealed.figures.charts import CHARTS

    name = request.path_params["name"]
    if name not in CHARTS:
        return error_page(request, 404, "No such chart.", ctx.user)
    stats = stats_job(ctx, wait=CHART_WAIT)
    if not stats.done or stats.error:
        return error_page(request, 503, stats.error or "The figures are still being counted.", ctx.user)
    job = _charts_job(ctx, stats.value, wait=CHART_WAIT)
    files = {f.rsplit("/", 1)[-1]: f for f in (job.value or {}).get("files", [])}
    path = files.get(f"{name}.png")
    if path is None:
        return error_page(request, 404, job.error or "This chart has nothing to draw in this case.", ctx.user)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=600"})


@page("viewer")
def explain_page(request: Request, ctx: Ctx) -> Response:
    from unsealed.figures import explain_figure
    from unsealed.figures.definitions import BY_ID

    fid = request.path_params["fid"][:100]
    if fid not in BY_ID:
        return error_page(request, 404, f"There is no figure {fid!r}.", ctx.user)
    key = request.query_params.get("key", "")[:200]
    ref = f"{fid}:{key}" if key else fid
    job = in_background(ctx, f"explain:{ref}", lambda case: explain_figure(case, ref), PAGE_WAIT)
    if job.error:
        return error_page(request, 404, job.error, ctx.user)
    if not job.done:
        return _pending(ctx, job, "The persons behind this figure are being listed")
    result = job.value
    ctx.audit("view_figure", ref, {"value": result["value"]})
    try:
        number = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        number = 1
    rows = result["rows"][(number - 1) * ROWS_PER_PAGE : number * ROWS_PER_PAGE]
    paths = {s["path"] for r in rows for s in r.get("sources", []) if s.get("path")}
    paths |= {r["path"] for r in rows if r.get("path")}
    ids = item_ids(ctx, paths)
    rows = [
        {
            **r,
            "item_link": f"/items/{r['item']}" if r.get("item") else None,
            "sources": [{**s, "link": source_link(ids, s)} for s in r.get("sources", [])],
        }
        for r in rows
    ]
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
