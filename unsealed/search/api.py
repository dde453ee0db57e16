"""The public search function: query + filters in, JSON-ready hits and facets out."""

from __future__ import annotations

import threading
from pathlib import Path as FsPath
from typing import Any

from unsealed.search import documents, paths, snippets
from unsealed.search.dates import DateError, parse_bound
from unsealed.search.engine import Engine, Filters, Hit, IndexMissing, IndexOutdated, SearchError
from unsealed.search.indexer import MAX_PATHS, index_folder
from unsealed.search.query import Terms, parse, positive_terms
from unsealed.search.tantivy_engine import VERSION_FILE, TantivyEngine
from unsealed.search.tantivy_query import expand_types

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000
MAX_QUERY_CHARS = 10_000

_cache: dict[str, tuple[tuple[int, int], Engine]] = {}
_cache_lock = threading.Lock()


def _engine(case) -> Engine:
    """The case's index, opened once per process and reopened when it was rebuilt."""
    folder = index_folder(case)
    try:
        st = (folder / VERSION_FILE).stat()
        stamp = (st.st_ino, st.st_mtime_ns)
    except OSError:
        stamp = (0, 0)
    key = str(FsPath(folder).resolve())
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            engine = TantivyEngine.open(folder)
        except IndexMissing as exc:
            raise IndexMissing(f"no search index in the case {case.root}: run 'unsealed reindex --case "
                               f"{case.root}' (ingest builds it too)") from exc
        except IndexOutdated as exc:
            raise IndexOutdated(f"{exc}: run 'unsealed reindex --case {case.root}'") from exc
        _cache[key] = (stamp, engine)
        return engine


def _types(type_: Any) -> tuple[str, ...]:
    if type_ is None or type_ == "":
        return ()
    values = [type_] if isinstance(type_, str) else list(type_)
    out = tuple(v.strip() for value in values for v in str(value).replace("|", ",").split(",") if v.strip())
    expand_types(out)  # unknown names fail here with a clear message
    return out


def _int(value: Any, name: str, lo: int, hi: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SearchError(f"{name} must be a whole number, not {value!r}") from None
    if not lo <= number <= hi:
        raise SearchError(f"{name} must be between {lo} and {hi}, not {number}")
    return number


def search(case, query: str, *, type: Any = None, path: str | None = None, date_from: str | None = None,
           date_to: str | None = None, limit: int = 20, offset: int = 0, facets: bool = True) -> dict:
    """Search the case; returns ``{"total", "hits": [...], "facets": {"type", "year", "folder"}}``.

    ``query`` uses the language of :mod:`unsealed.search.query`. ``type`` takes
    family names (pdf, doc, sheet, image, email, archive, text, html, other) or
    kinds (a string, comma-separated, or a list); ``path`` is a glob on the
    logical path (see :mod:`unsealed.search.paths`); ``date_from``/``date_to``
    (YYYY, YYYY-MM or YYYY-MM-DD) bound the document date; ``facets=False`` leaves
    the facet counts out (empty) when they will not be shown. Raises
    :class:`SearchError` with a message for the user when the search cannot run.
    """
    limit = _int(limit, "limit", 0, MAX_LIMIT)
    offset = _int(offset, "offset", 0, MAX_OFFSET)
    try:
        day_from = parse_bound(date_from, end=False, name="date_from")
        day_to = parse_bound(date_to, end=True, name="date_to")
    except DateError as exc:
        raise SearchError(str(exc)) from None
    if day_from is not None and day_to is not None and day_from > day_to:
        raise SearchError(f"date_from ({date_from}) is after date_to ({date_to})")
    if path is not None and not isinstance(path, str):
        raise SearchError(f"path must be a glob such as 'photos/*.jpg', not {path!r}")
    filters = Filters(types=_types(type), path=path.strip() or None if path else None,
                      day_from=day_from, day_to=day_to)
    if not isinstance(query, str):
        raise SearchError(f"the query must be text, not {query.__class__.__name__}")
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(f"the query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    node = parse(query)
    engine = _engine(case)
    result = engine.search(node, filters, limit=max(limit, 1), offset=offset, facets=facets)
    terms = positive_terms(node)
    hits = [_hit(case, h, terms, filters.path) for h in result.hits[:limit]]
    return {"total": result.total, "hits": hits, "facets": result.facets}


def _hit(case, hit: Hit, terms: list[Terms], path_filter: str | None) -> dict:
    item_id, path = _item(case.conn, hit, path_filter)
    out = {
        "id": item_id,
        "path": path,
        "type": hit.family,
        "kind": hit.kind,
        "page": hit.page,
        "sheet": hit.sheet,
        "row": hit.row,
        "snippet": snippets.make(_text(case.conn, hit), terms),
        "score": round(hit.score, 4),
        "ocr": hit.source == "ocr",
        "sha256": hit.sha256,
    }
    if hit.duplicates > 1:
        out["duplicates"] = hit.duplicates
    return out


def _item(conn, hit: Hit, path_filter: str | None) -> tuple[int, str | None]:
    """The item to show the hit as: the lowest id, or the lowest whose path matches the path filter."""
    if path_filter is None:
        row = conn.execute("SELECT path FROM items WHERE id = ?", (hit.item_id,)).fetchone()
        if row is not None:
            return hit.item_id, row[0]
    rows = conn.execute("SELECT id, path FROM items WHERE sha256 = ? ORDER BY id LIMIT 1000",
                        (hit.sha256,)).fetchall()
    if path_filter is not None:
        for item_id, p in rows:
            if paths.matches(path_filter, p):
                return item_id, p
    if rows:
        return rows[0][0], rows[0][1]
    return hit.item_id, None


def _text(conn, hit: Hit) -> str:
    """The original text of the hit's document, as it was indexed."""
    if hit.sheet is not None:
        row = conn.execute("SELECT cells FROM table_rows WHERE sha256 = ? AND sheet = ? AND number = ?",
                           (hit.sha256, hit.sheet, hit.row)).fetchone()
        return documents.row_text(row[0]) if row else ""
    if hit.page is not None:
        row = conn.execute("SELECT text FROM pages WHERE sha256 = ? AND number = ? AND source = ?",
                           (hit.sha256, hit.page, hit.source or "text")).fetchone()
        if not row:
            return ""
        text = row[0] or ""
        if hit.offset or len(text) > documents.CHUNK_CHARS:
            text = text[hit.offset:hit.offset + documents.CHUNK_CHARS]
        return text
    all_paths = [r[0] for r in conn.execute("SELECT path FROM items WHERE sha256 = ? ORDER BY id LIMIT ?",
                                            (hit.sha256, MAX_PATHS))]
    meta = conn.execute("SELECT metadata FROM extractions WHERE sha256 = ?", (hit.sha256,)).fetchone()
    return documents.file_text(all_paths, documents.load_metadata(meta[0] if meta else None))
