"""Team annotations: notes and tags on items and persons (editors write, everyone reads), and the
page listing everything that carries a tag."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from unsealed.people.query import find_person_id
from unsealed.web import audit, notes
from unsealed.web.guard import Ctx, error_page, page
from unsealed.web.routes_items import has_people, item_row


@page("editor")
def annotate(request: Request, ctx: Ctx) -> Response:
    """Add a note or a tag (or remove a tag) on an item or a person; editors and admins only."""
    ref = str(request.path_params["ref"])
    if request.url.path.startswith("/items/"):
        kind, back = "item", f"/items/{ref}"
        exists = item_row(ctx, int(ref)) is not None
    else:
        kind, back = "person", f"/people/{ref}"
        exists = has_people(ctx) and find_person_id(ctx.case.conn, ref) == ref
    if not exists:
        return error_page(request, 404, f"There is no {kind} {ref} in this case.", ctx.user)
    what = ctx.form.get("action")
    if what not in ("note", "tag", "untag"):
        return error_page(request, 400, "Unknown action: choose note, tag or untag.", ctx.user)
    try:
        with ctx.store.writer() as conn:
            if what == "note":
                notes.add_note(conn, kind, ref, ctx.user.name, ctx.form.get("text", ""))
                detail = {"text": ctx.form.get("text", "")[:200]}
            elif what == "tag":
                detail = {"tag": notes.add_tag(conn, kind, ref, ctx.user.name, ctx.form.get("tag", ""))}
            else:
                notes.remove_tag(conn, kind, ref, ctx.form.get("tag", ""))
                detail = {"tag": ctx.form.get("tag", "")}
            audit.record(conn, ctx.user.name, what, f"{kind}:{ref}", detail, ctx.ip)
    except notes.NoteError as exc:
        return error_page(request, 400, str(exc), ctx.user)
    return RedirectResponse(back + "#notes", status_code=303)


@page("viewer")
def tag_page(request: Request, ctx: Ctx) -> Response:
    """Everything carrying one tag, or every tag with its count."""
    tag = request.query_params.get("tag", "").strip()
    conn = ctx.case.conn
    if not tag:
        counts = conn.execute("SELECT tag, COUNT(*) FROM web_tags GROUP BY tag ORDER BY tag").fetchall()
        return ctx.page("tags.html", tag=None, counts=counts, rows=[])
    try:
        rows = notes.tagged(conn, tag)
    except notes.NoteError as exc:
        return error_page(request, 400, str(exc), ctx.user)
    for row in rows:
        if row["target"] == "item":
            found = item_row(ctx, int(row["ref"])) if row["ref"].isdigit() else None
            row["label"], row["link"] = (found[1] if found else row["ref"]), f"/items/{row['ref']}"
        else:
            found = conn.execute("SELECT name, id_number FROM persons WHERE id = ?", (row["ref"],)).fetchone()
            label = " ".join(x for x in (found or ()) if x) or row["ref"]
            row["label"], row["link"] = label, f"/people/{row['ref']}"
    return ctx.page("tags.html", tag=tag, counts=[], rows=rows)


ROUTES = [
    Route("/items/{ref:int}/annotate", annotate, methods=["POST"]),
    Route("/people/{ref:str}/annotate", annotate, methods=["POST"]),
    Route("/tags", tag_page),
]
