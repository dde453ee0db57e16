"""The item viewer: text by page (OCR marked), spreadsheet grid with the hit row, metadata and EXIF,
provenance chain, duplicates, members, notes; and the original itself (download) and its image.

Originals are found by the SHA-256 the catalog holds for the item id in the URL, never by a path
a user sends, so no request can reach a file outside the case's blob store. They are always
downloaded as ``application/octet-stream`` attachments; an image is shown inline only when its
content was detected as a raster format, under ``Content-Security-Policy: sandbox``.
"""

from __future__ import annotations

import io
import json
import re

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from unsealed.search import SearchError
from unsealed.search.query import parse, positive_terms
from unsealed.store.inspect import show
from unsealed.web import notes
from unsealed.web.guard import Ctx, error_page, page

INLINE_IMAGES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "bmp": "image/bmp",
}
CONVERTED_IMAGES = ("tiff", "heic", "jp2")  # browsers cannot show these: a JPEG preview is made
PREVIEW_PIXELS = 1600
GRID_CONTEXT = 12  # rows shown before and after the hit row
GRID_ROWS = 60  # rows per grid page without a hit row
HEADER_ROWS = 2  # first rows of a sheet shown above any window of it
MAX_PAGES = 200  # pages shown on one screen
MAX_CHILDREN = 500
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
_SHA = re.compile(r"^[0-9a-f]{64}$")


def item_row(ctx: Ctx, item_id: int):
    return ctx.case.conn.execute(
        "SELECT i.id, i.path, i.sha256, b.kind FROM items i LEFT JOIN blobs b ON b.sha256 = i.sha256"
        " WHERE i.id = ?",
        (item_id,),
    ).fetchone()


def _sheets(ctx: Ctx, sha: str) -> list[dict]:
    return [
        {"sheet": r[0], "rows": r[1], "first": r[2], "last": r[3]}
        for r in ctx.case.conn.execute(
            "SELECT sheet, COUNT(*), MIN(number), MAX(number) FROM table_rows WHERE sha256 = ? GROUP BY sheet"
            " ORDER BY MIN(rowid)",
            (sha,),
        )
    ]


def _grid(ctx: Ctx, sha: str, sheet: str, hit: int | None, start: int | None) -> dict:
    """One window of a sheet: around the hit row, or from ``start``; its first rows above it as headers."""
    conn = ctx.case.conn
    if hit is not None:
        first = conn.execute(
            "SELECT MIN(number) FROM table_rows WHERE sha256 = ? AND sheet = ?", (sha, sheet)
        ).fetchone()
        lo = max(hit - GRID_CONTEXT, first[0] if first and first[0] is not None else 0)
        hi = max(hit + GRID_CONTEXT, lo + 2 * GRID_CONTEXT)
    else:
        lo = start if start is not None else -1
        first = conn.execute(
            "SELECT number FROM table_rows WHERE sha256 = ? AND sheet = ? AND number >= ?"
            " ORDER BY number LIMIT 1",
            (sha, sheet, lo),
        ).fetchone()
        lo = first[0] if first else 0
        last = conn.execute(
            "SELECT number FROM table_rows WHERE sha256 = ? AND sheet = ? AND number >= ?"
            " ORDER BY number LIMIT 1 OFFSET ?",
            (sha, sheet, lo, GRID_ROWS - 1),
        ).fetchone()
        hi = last[0] if last else lo + GRID_ROWS
    rows = [
        {"row": r[0], "cells": json.loads(r[1])}
        for r in conn.execute(
            "SELECT number, cells FROM table_rows WHERE sha256 = ? AND sheet = ? AND number BETWEEN ? AND ?"
            " ORDER BY number",
            (sha, sheet, lo, hi),
        )
    ]
    first_shown = rows[0]["row"] if rows else None
    header = [  # a title row and the column headers usually come first: keep them in view
        {"row": r[0], "cells": json.loads(r[1])}
        for r in conn.execute(
            "SELECT number, cells FROM table_rows WHERE sha256 = ? AND sheet = ? ORDER BY number LIMIT ?",
            (sha, sheet, HEADER_ROWS),
        )
        if first_shown is None or r[0] < first_shown
    ]
    nxt = conn.execute(
        "SELECT number FROM table_rows WHERE sha256 = ? AND sheet = ? AND number > ? ORDER BY number LIMIT 1",
        (sha, sheet, hi),
    ).fetchone()
    before = conn.execute(
        "SELECT COUNT(*) FROM table_rows WHERE sha256 = ? AND sheet = ? AND number < ?", (sha, sheet, lo)
    ).fetchone()[0]
    prev = conn.execute(
        "SELECT number FROM table_rows WHERE sha256 = ? AND sheet = ? AND number < ?"
        " ORDER BY number DESC LIMIT 1 OFFSET ?",
        (sha, sheet, lo, GRID_ROWS - 1),
    ).fetchone()
    width = max((len(r["cells"]) for r in rows + header), default=0)
    return {
        "sheet": sheet,
        "rows": rows,
        "header": header,
        "hit": hit,
        "width": width,
        "next": nxt[0] if nxt else None,
        "prev": (prev[0] if prev else -1) if rows and before > len(header) else None,
    }


def _ids_for_paths(ctx: Ctx, paths: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for path in paths[:1000]:
        row = ctx.case.conn.execute(
            "SELECT id FROM items WHERE path = ? ORDER BY id LIMIT 1", (path,)
        ).fetchone()
        if row:
            out[path] = row[0]
    return out


def _persons(ctx: Ctx, item_id: int) -> list[dict]:
    """Persons this item (a photo) is linked to by the people tables."""
    conn = ctx.case.conn
    if not has_people(ctx):
        return []
    return [
        {"id": r[0], "name": r[1], "id_number": r[2], "basis": r[3]}
        for r in conn.execute(
            "SELECT DISTINCT p.id, p.name, p.id_number, l.basis FROM person_links l"
            " JOIN persons p ON p.id = l.person_id WHERE l.item_id = ? ORDER BY p.id",
            (item_id,),
        )
    ]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@page("viewer")
def item_page(request: Request, ctx: Ctx) -> Response:
    item_id = request.path_params["item_id"]
    item = show(ctx.case, str(item_id), max_rows=0)
    if item is None or item["id"] != item_id:
        return error_page(request, 404, f"There is no item {item_id} in this case.", ctx.user)
    ctx.audit("view_item", item_id, {"path": item["path"]})
    q = request.query_params
    sheets = _sheets(ctx, item["sha256"]) if item.get("sha256") else []
    grid = None
    if sheets:
        names = [s["sheet"] for s in sheets]
        sheet = q.get("sheet") if q.get("sheet") in names else names[0]
        grid = _grid(ctx, item["sha256"], sheet, _int(q.get("row")), _int(q.get("from")))
    ocr_read = {pg["number"] for pg in item.get("pages", []) if pg["source"] == "ocr"}
    shown_pages = [  # an empty text layer says nothing beside the OCR reading of the same page
        pg for pg in item.get("pages", []) if pg["text"].strip() or pg["number"] not in ocr_read
    ][:MAX_PAGES]
    terms = None
    if q.get("q"):
        try:
            terms = positive_terms(parse(q["q"][:2000]))
        except SearchError:
            terms = None
    meta = item.get("metadata") or {}
    exif = {k: v for k, v in meta.items() if k.startswith("exif_") or k in ("width", "height")}
    others = {k: v for k, v in meta.items() if k not in exif}
    kind = item.get("kind") or ""
    dup_ids = _ids_for_paths(ctx, item.get("duplicates", []))
    chain_ids = [c for c in item["provenance"] if c.get("id") is not None]
    return ctx.page(
        "item.html",
        item=item,
        sheets=sheets,
        grid=grid,
        pages=shown_pages,
        more_pages=max(0, len(item.get("pages", [])) - MAX_PAGES),
        exif=exif,
        meta=others,
        image=kind in INLINE_IMAGES or kind in CONVERTED_IMAGES,
        dup_ids=dup_ids,
        chain=list(reversed(chain_ids)),
        children=item.get("children", [])[:MAX_CHILDREN],
        more_children=max(0, len(item.get("children", [])) - MAX_CHILDREN),
        persons=_persons(ctx, item_id),
        notes=notes.annotations(ctx.case.conn, "item", item_id),
        target="item",
        ref=item_id,
        terms=terms,
    )


def has_people(ctx: Ctx) -> bool:
    """Whether the people tables have been built in this case."""
    sql = "SELECT 1 FROM sqlite_master WHERE type='table' AND name='persons'"
    return ctx.case.conn.execute(sql).fetchone() is not None


def _blob(ctx: Ctx, request: Request):
    row = item_row(ctx, request.path_params["item_id"])
    if row is None or not row[2] or not _SHA.match(row[2]):
        return None, None
    path = ctx.case.blobs.path(row[2])
    return row, (path if path.is_file() else None)


@page("viewer")
def download(request: Request, ctx: Ctx) -> Response:
    row, path = _blob(ctx, request)
    if path is None:
        return error_page(request, 404, "This item has no stored original.", ctx.user)
    ctx.audit("download", row[0], {"path": row[1], "sha256": row[2]})
    name = row[1].rsplit("/", 1)[-1] or row[2]
    return FileResponse(
        path,
        media_type="application/octet-stream",
        filename=name,
        headers={"Content-Security-Policy": SANDBOX, "Cache-Control": "no-store"},
    )


@page("viewer")
def image(request: Request, ctx: Ctx) -> Response:
    row, path = _blob(ctx, request)
    if path is None or row[3] not in INLINE_IMAGES and row[3] not in CONVERTED_IMAGES:
        return error_page(request, 404, "This item is not an image that can be shown.", ctx.user)
    ctx.audit("view_image", row[0], {"path": row[1]})
    headers = {"Content-Security-Policy": SANDBOX, "Cache-Control": "private, max-age=3600"}
    if row[3] in INLINE_IMAGES:
        return FileResponse(
            path, media_type=INLINE_IMAGES[row[3]], headers=headers, content_disposition_type="inline"
        )
    try:
        data = _preview(path)
    except Exception:  # a broken image: say so rather than fail the page
        return error_page(
            request, 415, "This image could not be decoded for display; download the original.", ctx.user
        )
    return Response(data, media_type="image/jpeg", headers=headers)


def _preview(path) -> bytes:
    """A JPEG of a TIFF/HEIC/JPEG 2000 image, at most PREVIEW_PIXELS on a side (Pillow's bomb limit
    applies)."""
    from PIL import Image, ImageOps

    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:
        pass
    with Image.open(path) as im:
        im.draft("RGB", (PREVIEW_PIXELS, PREVIEW_PIXELS))
        im = ImageOps.exif_transpose(im)
        im.thumbnail((PREVIEW_PIXELS, PREVIEW_PIXELS))
        out = io.BytesIO()
        im.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


ROUTES = [
    Route("/items/{item_id:int}", item_page),
    Route("/items/{item_id:int}/download", download),
    Route("/items/{item_id:int}/image", image),
]
