"""People: the filtered list, and one person's page (photos, every value with its sources and conflicts,
relatives as a graph, the documents and rows that mention them, team notes)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from unsealed.people import get_person, list_people
from unsealed.records.headers import FIELDS
from unsealed.search import SearchError, search
from unsealed.web import graph, notes
from unsealed.web.guard import Ctx, error_page, page
from unsealed.web.routes_search import hit_link

PER_PAGE = 50
MAX_PAGE = 400
MENTIONS = 10  # the page links to the full search for the rest


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return min(hi, max(lo, int(value or default)))
    except ValueError:
        return default


@page("viewer")
def people_page(request: Request, ctx: Ctx) -> Response:
    q = request.query_params
    text = q.get("q", "").strip()[:200]
    detained, minors = q.get("detained") == "1", q.get("minors") == "1"
    number = _int(q.get("page"), 1, 1, MAX_PAGE)
    result = list_people(ctx.case, detained=detained, minors=minors, q=text or None, limit=number * PER_PAGE)
    people = result["people"][(number - 1) * PER_PAGE :]
    for person in people:  # the list flags disagreements on identity and detention, not on extra columns
        person["key_conflicts"] = [c for c in person["conflicts"] if c in FIELDS]
    if text:
        ctx.audit(
            "search",
            text,
            {
                "people": True,
                "detained": detained,
                "minors": minors,
                "page": number,
                "total": result["total"],
            },
        )
    params = {"q": text, "detained": "1" if detained else "", "minors": "1" if minors else ""}
    pages = min(MAX_PAGE, (result["total"] + PER_PAGE - 1) // PER_PAGE)
    return ctx.page("people.html", result=result, people=people, params=params, number=number, pages=pages)


def item_ids(ctx: Ctx, paths: set[str]) -> dict[str, int]:
    """Item ids for logical paths (the lowest id per path), from a map kept until the catalog changes.

    The catalog indexes paths only together with their source root, so a lookup by path alone
    would scan every item; one pass builds the whole map instead (about 1 s per 100,000 items).
    """
    table = ctx.store.cached("path_ids", ctx.store.stamp(ctx.case), lambda: _path_map(ctx.case.conn))
    return {p: table[p] for p in paths if p in table}


def _path_map(conn) -> dict[str, int]:
    table: dict[str, int] = {}
    for item_id, path in conn.execute("SELECT id, path FROM items ORDER BY id DESC"):
        table[path] = item_id
    return table


def person_item_ids(ctx: Ctx, pid: str) -> dict[str, int]:
    """Item ids of every file naming one person, from the people tables (indexed by person)."""
    out: dict[str, int] = {}
    for table in ("person_values", "person_links", "relations"):
        for path, item_id in ctx.case.conn.execute(
            f"SELECT DISTINCT path, item_id FROM {table} WHERE person_id = ? AND item_id IS NOT NULL", (pid,)
        ):
            out.setdefault(path, item_id)
    return out


def source_link(ids: dict[str, int], src: dict) -> str | None:
    """The item page at a source cell: the sheet and row highlighted."""
    item = ids.get(src.get("path"))
    if item is None:
        return None
    if src.get("row") is not None:
        query = {"row": src["row"]} | ({"sheet": src["sheet"]} if src.get("sheet") else {})
        return f"/items/{item}?{urlencode(query)}#table"
    return f"/items/{item}"


def mentions(ctx: Ctx, person: dict) -> tuple[dict | None, str | None]:
    """Pages and rows whose text holds the person's ID number or name (one search: ``ID OR "name"``)."""
    parts = []
    if person.get("id_number"):
        parts.append(person["id_number"])
    name = (person.get("name") or "").replace('"', " ").strip()
    if name:
        parts.append(f'"{name}"')
    if not parts:
        return None, None
    query = " OR ".join(parts)
    try:
        found = search(ctx.case, query, limit=MENTIONS, facets=False)
    except SearchError as exc:
        return None, str(exc)
    for hit in found["hits"]:
        hit["link"] = hit_link(hit, query)
    return {"query": query, "total": found["total"], "hits": found["hits"]}, None


@page("viewer")
def person_page(request: Request, ctx: Ctx) -> Response:
    ref = request.path_params["ref"]
    person = get_person(ctx.case, ref[:100])
    if person is None:
        return error_page(request, 404, "There is no such person in this case.", ctx.user)
    ctx.audit("view_person", person["id"], {"name": person["name"], "id_number": person["id_number"]})
    paths = {link["path"] for link in person["photo_links"]} | {r["path"] for r in person["relations"]}
    for entries in person["values"].values():
        for entry in entries:
            paths.update(src["path"] for src in entry["sources"])
    ids = person_item_ids(ctx, person["id"])
    missing = paths - set(ids)
    if missing:
        ids |= item_ids(ctx, missing)
    for entries in person["values"].values():
        for entry in entries:
            for src in entry["sources"]:
                src["link"] = source_link(ids, src)
    for rel in person["relations"]:
        rel["link"] = source_link(ids, rel)
    photos = [{**link, "item": ids.get(link["path"])} for link in person["photo_links"]]
    found, error = mentions(ctx, person)
    return ctx.page(
        "person.html",
        person=person,
        photos=photos,
        graph=graph.layout(person),
        mentions=found,
        mention_error=error,
        notes=notes.annotations(ctx.case.conn, "person", person["id"]),
        target="person",
        ref=person["id"],
    )


ROUTES = [
    Route("/people", people_page),
    Route("/people/{ref:str}", person_page),
]
