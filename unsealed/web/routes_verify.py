"""The verification report: every authenticity check with its status, summary and evidence.

The report (``unsealed verify``) re-reads the whole case, so it is made once in the background
and kept until the catalog changes; the page refreshes itself while it is being made.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from unsealed.web.guard import Ctx, error_page, page
from unsealed.web.jobs import Job

FINDINGS_SHOWN = 25
FINDINGS_PER_PAGE = 200


def verify_job(ctx: Ctx, wait: float = 0.0) -> Job:
    """The report job for the case as it is now (``run_verify`` on a read-only case: it stores nothing)."""
    from unsealed.verify import run_verify

    def make():
        case = ctx.store.fresh_case()
        try:
            return run_verify(case)
        finally:
            case.close()

    return ctx.store.jobs.get("verify", ctx.store.stamp(ctx.case), make, wait=wait)


def _paths(report: dict, checks: list[dict], limit: int) -> set[str]:
    return {f["path"] for c in checks for f in c["findings"][:limit] if f.get("path")}


@page("viewer")
def verify_page(request: Request, ctx: Ctx) -> Response:
    from unsealed.web.routes_people import item_ids

    job = verify_job(ctx, wait=1.0)
    if not job.done or job.error:
        return ctx.page(
            "verify.html",
            job=job,
            report=None,
            checks=[],
            ids={},
            one=None,
            number=1,
            pages=1,
            elapsed=round(time.monotonic() - job.started),
            shown=FINDINGS_SHOWN,
        )
    report = job.value
    one = request.query_params.get("check")
    checks = report["checks"]
    number, pages = 1, 1
    if one is not None:
        checks = [c for c in checks if c["id"] == one]
        if not checks:
            return error_page(request, 404, f"There is no check {one!r} in the report.", ctx.user)
        try:
            number = max(1, int(request.query_params.get("page") or 1))
        except ValueError:
            number = 1
        findings = checks[0]["findings"]
        pages = max(1, (len(findings) + FINDINGS_PER_PAGE - 1) // FINDINGS_PER_PAGE)
        window = findings[(number - 1) * FINDINGS_PER_PAGE : number * FINDINGS_PER_PAGE]
        checks = [{**checks[0], "findings": window}]
        shown = FINDINGS_PER_PAGE
    else:
        shown = FINDINGS_SHOWN
    ctx.audit("view_verify", one, {"status": report["manifest"].get("status")})
    ids = item_ids(ctx, _paths(report, checks, shown))
    return ctx.page(
        "verify.html",
        job=job,
        report=report,
        checks=checks,
        ids=ids,
        one=one,
        number=number,
        pages=pages,
        elapsed=0,
        shown=shown,
    )


ROUTES = [Route("/verify", verify_page)]
