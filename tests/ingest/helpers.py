"""Small builders of source folders for ingest tests."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path


def make_source(root: Path, n_text: int = 40) -> Path:
    """A folder with text files, a duplicate, a zip holding a nested zip, and a subfolder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    for i in range(n_text):
        (root / "docs" / f"note{i:03d}.txt").write_text(f"报告 {i} 收押 report number {i}\n", encoding="utf-8")
    (root / "copy-of-note000.txt").write_bytes((root / "docs" / "note000.txt").read_bytes())
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep/inner.txt", "内层 inner text")
    with zipfile.ZipFile(root / "photos.zip", "w") as z:
        z.writestr("2018-03/a.txt", "成员 member a")
        z.writestr("2018-03/b.txt", "成员 member b")
        z.writestr("nested.zip", inner.getvalue())
    return root


def catalog_state(case_dir: Path) -> dict:
    """What a case holds, without autoincrement ids or times: for comparing two runs."""
    conn = sqlite3.connect(case_dir / "catalog.sqlite")
    items = sorted(conn.execute(
        "SELECT i.path, i.sha256, i.status, i.depth, p.path FROM items i LEFT JOIN items p ON p.id=i.parent_id"))
    extractions = sorted(conn.execute("SELECT sha256, extractor, status, pages, rows FROM extractions"))
    pages = conn.execute("SELECT COUNT(*), COALESCE(SUM(LENGTH(text)),0) FROM pages").fetchone()
    members = sorted(conn.execute("SELECT parent_sha256, seq, name, sha256 FROM members"))
    blobs = sorted(conn.execute("SELECT sha256, size, kind FROM blobs"))
    conn.close()
    return json.loads(json.dumps({"items": items, "extractions": extractions, "pages": pages,
                                  "members": members, "blobs": blobs}))
