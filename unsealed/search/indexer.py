"""Keep the search index in step with the catalog, incrementally and crash-safely.

Which blobs are indexed is recorded in the catalog table ``search_indexed``,
written only after the index commit that made their documents durable. A run
killed between the two re-adds those blobs next time, deleting their documents
by SHA-256 first, so nothing is lost and nothing is doubled. A blob is indexed
again when its extraction changes (new extractor version, re-extraction) or when
a new item (another copy, another path) points at it.

Rows are streamed from SQLite in batches, so memory stays bounded however big
the catalog is; the engine's writer heap bounds the rest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from unsealed.ingest.detect import family_of
from unsealed.search import documents, normalize
from unsealed.search.dates import document_day
from unsealed.search.engine import BlobInfo, Engine, IndexMissing, IndexOutdated, Part, SearchError
from unsealed.search.feed import BlobJob, feed
from unsealed.search.tantivy_engine import TantivyEngine

INDEX_DIR = "index"
BATCH_BLOBS = 500  # blobs read from the catalog per query
COMMIT_DOCS = 50_000  # documents per index commit
MAX_PATHS = 1000  # paths of one blob carried by its documents (a blob held by more items still counts them)

Progress = Callable[[int, int], None]

TABLES = """
CREATE TABLE IF NOT EXISTS search_indexed (
    sha256  TEXT PRIMARY KEY,
    version INTEGER,        -- normalize.INDEX_VERSION it was indexed with
    stamp   TEXT            -- the extraction it was indexed from: version|done_at
);
CREATE TABLE IF NOT EXISTS search_state (
    key   TEXT PRIMARY KEY,
    value TEXT
);
"""

_PENDING = """
FROM extractions e
LEFT JOIN blobs b ON b.sha256 = e.sha256
LEFT JOIN search_indexed s ON s.sha256 = e.sha256
WHERE (s.sha256 IS NULL OR s.version IS NOT ? OR s.stamp IS NOT (e.version || '|' || e.done_at))
"""


def index_folder(case) -> Path:
    return Path(case.root) / INDEX_DIR


@contextmanager
def _tx(conn: sqlite3.Connection):
    if conn.in_transaction:  # the caller's transaction: let it commit
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def ensure_tables(conn: sqlite3.Connection) -> None:
    """Create the search bookkeeping tables (adding ``stamp`` to an older ``search_indexed``)."""
    for statement in TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    cols = {r[1] for r in conn.execute("PRAGMA table_info(search_indexed)")}
    if "stamp" not in cols:
        conn.execute("ALTER TABLE search_indexed ADD COLUMN stamp TEXT")


def _forget_all(conn: sqlite3.Connection) -> None:
    with _tx(conn):
        conn.execute("DELETE FROM search_indexed")
        conn.execute("DELETE FROM search_state")


def _writable(case) -> None:
    if getattr(case, "readonly", False):
        raise SearchError("the case is open read-only: the search index cannot be updated")


def open_for_writing(case) -> TantivyEngine:
    """The case's index, created afresh (and every blob marked for indexing) when missing or outdated."""
    folder = index_folder(case)
    try:
        return TantivyEngine.open(folder)
    except (IndexMissing, IndexOutdated):
        _forget_all(case.conn)  # first, so a crash right after leaves everything marked for indexing
        return TantivyEngine.create(folder)


def sync_index(case, progress: Progress | None = None) -> int:
    """Index every extracted blob not yet indexed (pages, table rows, file); returns documents added.

    ``progress(done, total)`` is called with counts of blobs. Safe to interrupt:
    the next call picks up where this one stopped.
    """
    _writable(case)
    conn = case.conn
    ensure_tables(conn)
    engine = open_for_writing(case)
    try:
        engine.lock()  # before touching the catalog: another process may be indexing
        _reset_blobs_with_new_items(conn)
        added = _index_pending(conn, engine, progress)
    finally:
        engine.rollback()  # nothing is pending after a normal finish; after an error, drop the half batch
        engine.close()
    return added


def rebuild_index(case, progress: Progress | None = None) -> int:
    """Drop the index and build it again from the catalog; returns documents added."""
    _writable(case)
    ensure_tables(case.conn)
    try:
        current = TantivyEngine.open(index_folder(case))
    except (IndexMissing, IndexOutdated):
        pass
    else:
        current.lock()  # IndexBusy rather than pulling the index from under another process's writer
        current.close()
    _forget_all(case.conn)
    TantivyEngine.create(index_folder(case)).close()
    return sync_index(case, progress)


def _state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM search_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _reset_blobs_with_new_items(conn: sqlite3.Connection) -> None:
    """Blobs that gained an item since the last run are indexed again (their paths changed)."""
    seen = int(_state(conn, "items_seen") or 0)
    top = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0
    if top == seen:
        return
    with _tx(conn):
        if top > seen:
            conn.execute("DELETE FROM search_indexed WHERE sha256 IN "
                         "(SELECT sha256 FROM items WHERE id > ? AND sha256 IS NOT NULL)", (seen,))
        conn.execute("INSERT OR REPLACE INTO search_state(key, value) VALUES ('items_seen', ?)", (str(top),))


def _index_pending(conn: sqlite3.Connection, engine: Engine, progress: Progress | None) -> int:
    version = normalize.INDEX_VERSION
    total = conn.execute("SELECT count(*) " + _PENDING, (version,)).fetchone()[0]
    if progress:
        progress(0, total)
    state = {"done": 0, "pending_docs": 0}
    marks: list[tuple[str, int, str]] = []

    def done(job: BlobJob, n: int) -> None:
        marks.append(job.mark)
        state["pending_docs"] += n + 1
        state["done"] += 1
        if state["pending_docs"] >= COMMIT_DOCS:
            _commit(conn, engine, marks)
            marks.clear()
            state["pending_docs"] = 0
        if progress:
            progress(state["done"], total)

    # an empty index holds no old documents to delete first (a third faster for a first build)
    added = feed(engine, _pending_jobs(conn, version), done, replace_existing=engine.num_docs() > 0)
    if marks:
        _commit(conn, engine, marks)
    return added


def _pending_jobs(conn: sqlite3.Connection, version: int) -> Iterator[BlobJob]:
    """The blobs to index, read from the catalog in batches (each with the mark to record once durable)."""
    last = ""
    while True:
        batch = conn.execute(
            "SELECT e.sha256, e.version, e.done_at, e.metadata, b.kind " + _PENDING
            + " AND e.sha256 > ? ORDER BY e.sha256 LIMIT ?", (version, last, BATCH_BLOBS)).fetchall()
        if not batch:
            return
        for sha, ext_version, done_at, metadata, kind in batch:
            last = sha
            job = _blob_job(conn, sha, kind or "unknown", documents.load_metadata(metadata))
            job.mark = (sha, version, f"{ext_version}|{done_at}")
            yield job


def _commit(conn: sqlite3.Connection, engine: Engine, marks: list[tuple[str, int, str]]) -> None:
    engine.commit()
    _mark_indexed(conn, marks)  # only now: the documents are durable


def _mark_indexed(conn: sqlite3.Connection, marks: list[tuple[str, int, str]]) -> None:
    with _tx(conn):
        conn.executemany("INSERT OR REPLACE INTO search_indexed(sha256, version, stamp) VALUES (?, ?, ?)", marks)


def _blob_job(conn: sqlite3.Connection, sha: str, kind: str, metadata: dict) -> BlobJob:
    items = conn.execute("SELECT id, path, modified FROM items WHERE sha256 = ? ORDER BY id LIMIT ?",
                         (sha, MAX_PATHS)).fetchall()
    if not items:  # no item holds it (yet): nothing to show a hit as
        return BlobJob(sha, None)
    count = len(items)
    if count == MAX_PATHS:
        count = conn.execute("SELECT count(*) FROM items WHERE sha256 = ?", (sha,)).fetchone()[0]
    paths = [r[1] for r in items]
    blob = BlobInfo(sha256=sha, item_id=items[0][0], duplicates=count, kind=kind, family=family_of(kind),
                    paths=paths, day=document_day(metadata, items[0][2]))
    # a PDF's table rows are also in its page text: indexed once, as the page
    return BlobJob(sha, blob, _parts(conn, sha, paths, metadata, rows=kind != "pdf"))


def _parts(conn: sqlite3.Connection, sha: str, paths: list[str], metadata: dict, rows: bool = True) -> Iterator[Part]:
    yield Part(documents.file_text(paths, metadata))
    for number, source, text in conn.execute(
            "SELECT number, source, text FROM pages WHERE sha256 = ? ORDER BY number, source", (sha,)):
        for offset, piece in documents.chunks(text or ""):
            yield Part(piece, page=number, source=source or "text", offset=offset)
    if not rows:
        return
    for sheet, number, cells in conn.execute(
            "SELECT sheet, number, cells FROM table_rows WHERE sha256 = ? ORDER BY sheet, number", (sha,)):
        yield Part(documents.row_text(cells), sheet=sheet, row=number)
