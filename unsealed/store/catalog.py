"""Write ingest results into the catalog: blobs, items with provenance, extractions.

The main process is the only writer. Each result is written inside the caller's
transaction, so a killed run leaves every file either fully recorded or absent.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from unsealed.extract.base import Extraction
from unsealed.extract.registry import VERSION
from unsealed.ingest.detect import empty_problem, extension_disagrees

FAILED = ("encrypted", "corrupt", "unsupported", "hostile", "timeout", "error")


_clock: list = [0, ""]


def now_iso() -> str:
    """The current UTC time to the second (formatted once per second: ingest calls this per item)."""
    second = int(time.time())
    if second != _clock[0]:
        _clock[0], _clock[1] = second, datetime.fromtimestamp(second, UTC).isoformat()
    return _clock[1]


@dataclass
class ItemRef:
    """An item just written, with what the pipeline needs to continue from it."""

    id: int
    root: str
    path: str
    depth: int
    sha256: str | None
    is_new: bool
    changed: bool  # new, or its content differs from last time


def record_blob(conn: sqlite3.Connection, sha: str, size: int, kind: str, mime: str) -> None:
    conn.execute("INSERT OR IGNORE INTO blobs(sha256, size, kind, mime, stored_at) VALUES (?,?,?,?,?)",
                 (sha, size, kind, mime, now_iso()))


def upsert_item(conn: sqlite3.Connection, *, root: str, path: str, parent_id: int | None, sha: str | None,
                size: int | None, depth: int, status: str = "ok", error: str | None = None,
                ext_mismatch: bool = False, mtime_ns: int | None = None, modified: str | None = None) -> ItemRef:
    """Insert or update the item at (root, path); a changed content drops its old children."""
    row = conn.execute("SELECT id, sha256 FROM items WHERE root=? AND path=?", (root, path)).fetchone()
    if row is None:
        cur = conn.execute(
            "INSERT INTO items(root, path, parent_id, sha256, size, ext_mismatch, depth, status, error, mtime_ns,"
            " modified, first_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (root, path, parent_id, sha, size, int(ext_mismatch), depth, status, error, mtime_ns, modified,
             now_iso()))
        return ItemRef(cur.lastrowid, root, path, depth, sha, True, True)
    item_id, old_sha = row[0], row[1]
    changed = old_sha != sha
    if changed:
        delete_descendants(conn, item_id)
    conn.execute(
        "UPDATE items SET parent_id=?, sha256=?, size=?, ext_mismatch=?, depth=?, status=?, error=?,"
        " mtime_ns=COALESCE(?, mtime_ns), modified=COALESCE(?, modified) WHERE id=?",
        (parent_id, sha, size, int(ext_mismatch), depth, status, error, mtime_ns, modified, item_id))
    return ItemRef(item_id, root, path, depth, sha, False, changed)


def delete_descendants(conn: sqlite3.Connection, item_id: int) -> None:
    conn.execute(
        "WITH RECURSIVE d(id) AS (SELECT id FROM items WHERE parent_id=? "
        "UNION ALL SELECT i.id FROM items i JOIN d ON i.parent_id=d.id) "
        "DELETE FROM items WHERE id IN (SELECT id FROM d)", (item_id,))


def clean(text: str | None) -> str | None:
    """Text safe to store: lone surrogates and NULs (from broken files) become U+FFFD."""
    if text is None:
        return None
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)


def metadata_of(text: str | None) -> dict:
    """An extraction's stored metadata JSON as a dict ({} when missing or not an object)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _json(obj) -> str:
    return clean(json.dumps(obj, ensure_ascii=False, default=str))


def record_extraction(conn: sqlite3.Connection, sha: str, ex: Extraction, children: list,
                      ocr: str | None = None, replaces: bool = True) -> None:
    """Store what was read from a blob; ``ocr``: OCR settings used.

    ``replaces`` says an older extraction of this blob may exist, whose output is removed first
    (False when the caller knows there is none: three statements fewer per file).
    """
    if replaces:
        for table in ("pages", "table_rows"):
            conn.execute(f"DELETE FROM {table} WHERE sha256=?", (sha,))
        conn.execute("DELETE FROM members WHERE parent_sha256=?", (sha,))
    if ex.pages:
        conn.executemany("INSERT OR REPLACE INTO pages(sha256, number, source, text, confidence)"
                         " VALUES (?,?,?,?,?)", [(sha, p.number, p.source, clean(p.text), p.confidence)
                                                  for p in ex.pages])
    if ex.rows:
        conn.executemany("INSERT OR REPLACE INTO table_rows(sha256, sheet, number, cells) VALUES (?,?,?,?)",
                         [(sha, clean(r.sheet), r.number, _json(r.cells)) for r in ex.rows])
    if children:
        conn.executemany(
            "INSERT OR REPLACE INTO members(parent_sha256, seq, name, sha256, size, status, error, modified)"
            " VALUES (?,?,?,?,?,?,?,?)",
            [(sha, i, clean(c.name), c.sha256, c.size, c.status, clean(c.error), c.modified)
             for i, c in enumerate(children)])
    seconds = ex.metadata.pop("extract_seconds", None)
    conn.execute(
        "INSERT OR REPLACE INTO extractions(sha256, version, extractor, status, error, metadata, pages, rows,"
        " seconds, done_at, ocr) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (sha, VERSION, ex.extractor, ex.status, clean(ex.error), _json(ex.metadata),
         len({p.number for p in ex.pages}), len(ex.rows), seconds, now_iso(), ocr))


def record_ocr(conn: sqlite3.Connection, sha: str, pages: list, errors: list[str], ocr: str) -> None:
    """Replace a blob's OCR pages (read with the settings ``ocr``); failed pages make it partial."""
    conn.execute("DELETE FROM pages WHERE sha256=? AND source='ocr'", (sha,))
    conn.executemany("INSERT OR REPLACE INTO pages(sha256, number, source, text, confidence) VALUES (?,?,?,?,?)",
                     [(sha, p.number, p.source, clean(p.text), p.confidence) for p in pages])
    row = conn.execute("SELECT status, error FROM extractions WHERE sha256=?", (sha,)).fetchone()
    status, error = (row[0], row[1]) if row else ("ok", None)
    if errors:
        message = "OCR: " + "; ".join(errors)
        status = "partial" if status == "ok" else status
        error = f"{error}; {message}" if error and "OCR: " not in error else (error or message)
    pages_total = conn.execute("SELECT COUNT(DISTINCT number) FROM pages WHERE sha256=?", (sha,)).fetchone()[0]
    # a new done_at tells the search index (which keys on it) to read this blob again
    conn.execute("UPDATE extractions SET ocr=?, status=?, error=?, pages=?, done_at=? WHERE sha256=?",
                 (ocr, status, clean(error), pages_total, datetime.now(UTC).isoformat(), sha))


def extraction_done(conn: sqlite3.Connection, sha: str) -> bool:
    row = conn.execute("SELECT version FROM extractions WHERE sha256=?", (sha,)).fetchone()
    return row is not None and row[0] == VERSION


def materialize_children(conn: sqlite3.Connection, parent: ItemRef) -> list[ItemRef]:
    """Create the child items of ``parent`` from its blob's members; returns the children written."""
    if parent.sha256 is None:
        return []
    members = conn.execute(
        "SELECT m.name, m.sha256, m.size, m.status, m.error, m.modified, b.kind FROM members m "
        "LEFT JOIN blobs b ON b.sha256 = m.sha256 WHERE m.parent_sha256=? ORDER BY m.seq", (parent.sha256,)
    ).fetchall()
    out = []
    for name, sha, size, status, error, modified, kind in members:
        if status == "ok" and kind and (problem := empty_problem(kind, name)):
            status, error = "corrupt", problem
        out.append(upsert_item(
            conn, root=parent.root, path=f"{parent.path}/{name}", parent_id=parent.id, sha=sha, size=size,
            depth=parent.depth + 1, status=status,
            error=error, ext_mismatch=bool(kind) and extension_disagrees(kind, name), modified=modified))
    return out
