"""Read-only views of a case: its status, and one item with its provenance and content."""

from __future__ import annotations

import json
from typing import Any

from unsealed.ingest.detect import KINDS, family_of
from unsealed.store.case import Case

FAILED_SQL = "('encrypted','corrupt','unsupported','hostile','timeout','error')"


def status(case: Case) -> dict[str, Any]:
    """Counts by type, failures grouped by reason, bytes, last ingest."""
    conn = case.conn
    items, blobs_bytes = conn.execute(
        "SELECT (SELECT COUNT(*) FROM items), (SELECT COALESCE(SUM(size),0) FROM blobs)").fetchone()
    by_kind = {k: n for k, n in conn.execute(
        "SELECT COALESCE(b.kind, 'unread'), COUNT(*) FROM items i LEFT JOIN blobs b ON b.sha256=i.sha256"
        " GROUP BY 1 ORDER BY 2 DESC")}
    by_family: dict[str, int] = {}
    for kind, n in by_kind.items():
        fam = family_of(kind) if kind in KINDS else "other"
        by_family[fam] = by_family.get(fam, 0) + n
    failures: dict[str, dict[str, Any]] = {}
    rows = conn.execute(
        f"SELECT CASE WHEN i.status != 'ok' THEN i.status ELSE e.status END AS st,"
        f" CASE WHEN i.status != 'ok' THEN i.error ELSE e.error END AS err, i.path FROM items i"
        f" LEFT JOIN extractions e ON e.sha256=i.sha256"
        f" WHERE i.status != 'ok' OR e.status IN {FAILED_SQL} ORDER BY i.id")
    for st, err, path in rows:
        reason = _reason(st, err)
        group = failures.setdefault(reason, {"status": st, "count": 0, "examples": []})
        group["count"] += 1
        if len(group["examples"]) < 5:
            group["examples"].append(path)
    last = conn.execute("SELECT started, finished, roots, summary FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    distinct, dup_items = conn.execute(
        "SELECT COUNT(DISTINCT sha256), COUNT(sha256) - COUNT(DISTINCT sha256) FROM items").fetchone()
    return {
        "case": str(case.root),
        "items": items,
        "blobs": distinct,
        "duplicates": dup_items,
        "bytes": blobs_bytes,
        "by_type": by_family,
        "by_kind": by_kind,
        "partial": conn.execute("SELECT COUNT(*) FROM items i JOIN extractions e ON e.sha256=i.sha256"
                                " WHERE e.status='partial'").fetchone()[0],
        "failed": sum(g["count"] for g in failures.values()),
        "failures": failures,
        "last_ingest": None if last is None else {
            "started": last["started"], "finished": last["finished"], "roots": json.loads(last["roots"]),
            "summary": json.loads(last["summary"]) if last["summary"] else None},
    }


def _reason(status: str, error: str | None) -> str:
    """Group failures by reason: the message up to its first detail (a colon or a quote)."""
    text = (error or status).strip()
    for sep in (" '", ': "', " (", ":"):
        head = text.split(sep, 1)[0]
        if len(head) >= 8:
            text = head
            break
    return f"{status}: {text}" if not text.startswith(status) else text


def find_item(case: Case, ref: str) -> dict | None:
    """The item named by an id or a logical path (exact, else the unique path ending with it)."""
    conn = case.conn
    row = None
    if ref.isdigit():
        row = conn.execute("SELECT * FROM items WHERE id=?", (int(ref),)).fetchone()
    if row is None:
        row = conn.execute("SELECT * FROM items WHERE path=? ORDER BY id LIMIT 1", (ref,)).fetchone()
    if row is None:
        rows = conn.execute("SELECT * FROM items WHERE path LIKE ? ESCAPE '\\' ORDER BY id LIMIT 2",
                            ("%/" + ref.replace("%", "\\%").replace("_", "\\_"),)).fetchall()
        row = rows[0] if len(rows) == 1 else None
    return dict(row) if row is not None else None


def show(case: Case, ref: str, max_rows: int = 20, max_chars: int | None = None) -> dict[str, Any] | None:
    """Metadata, provenance chain, text by page and a table preview of one item."""
    item = find_item(case, ref)
    if item is None:
        return None
    conn = case.conn
    chain = []
    parent = item["parent_id"]
    while parent is not None:
        p = conn.execute("SELECT id, path, parent_id, sha256 FROM items WHERE id=?", (parent,)).fetchone()
        if p is None:
            break
        chain.append({"id": p["id"], "path": p["path"], "sha256": p["sha256"]})
        parent = p["parent_id"]
    chain.append({"source_root": item["root"]})
    out: dict[str, Any] = {
        "id": item["id"], "path": item["path"], "root": item["root"], "sha256": item["sha256"],
        "size": item["size"], "status": item["status"], "error": item["error"], "depth": item["depth"],
        "ext_mismatch": bool(item["ext_mismatch"]), "modified": item["modified"],
        "first_seen": item["first_seen"], "provenance": chain,
    }
    sha = item["sha256"]
    if sha is None:
        return out
    blob = conn.execute("SELECT kind, mime FROM blobs WHERE sha256=?", (sha,)).fetchone()
    if blob:
        out.update(kind=blob["kind"], mime=blob["mime"], type=family_of(blob["kind"]))
    out["original"] = str(case.blobs.path(sha))
    out["duplicates"] = [r[0] for r in conn.execute(
        "SELECT path FROM items WHERE sha256=? AND id != ? ORDER BY id", (sha, item["id"]))]
    ex = conn.execute("SELECT * FROM extractions WHERE sha256=?", (sha,)).fetchone()
    if ex is not None:
        out["extraction"] = {"extractor": ex["extractor"], "status": ex["status"], "error": ex["error"],
                             "pages": ex["pages"], "rows": ex["rows"]}
        out["metadata"] = json.loads(ex["metadata"])
    out["pages"] = [
        {"number": r["number"], "source": r["source"], "confidence": r["confidence"],
         "text": r["text"] if max_chars is None else r["text"][:max_chars]}
        for r in conn.execute("SELECT number, source, text, confidence FROM pages WHERE sha256=?"
                              " ORDER BY number, source", (sha,))]
    out["rows"] = [{"sheet": r["sheet"], "row": r["number"], "cells": json.loads(r["cells"])}
                   for r in conn.execute("SELECT sheet, number, cells FROM table_rows WHERE sha256=?"
                                         " ORDER BY sheet, number LIMIT ?", (sha, max_rows))]
    out["children"] = [{"id": r["id"], "path": r["path"], "status": r["status"], "error": r["error"]}
                       for r in conn.execute("SELECT id, path, status, error FROM items WHERE parent_id=?"
                                             " ORDER BY id", (item["id"],))]
    return out
