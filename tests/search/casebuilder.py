"""Build a case for search tests by writing catalog rows directly (as ingest would)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from unsealed.store.case import Case


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


class CaseBuilder:
    """Add files (blob + item + extraction + pages/rows) to a fresh case."""

    def __init__(self, root: Path, source: str = "/leak"):
        self.case = Case.open(root, create=True)
        self.conn = self.case.conn
        self.source = source
        self._n = 0

    def add(self, path: str, *, kind: str = "pdf", pages: Sequence[str | tuple[str, str]] = (),
            rows: dict[str, Iterable[Sequence[str]]] | None = None, metadata: dict | None = None,
            modified: str | None = None, sha: str | None = None, status: str = "ok") -> str:
        """Add a file at ``path``; pages are texts or (text, source); rows map sheet -> rows of cells.

        Returns the blob's sha256. Passing an existing ``sha`` adds another item for that blob.
        """
        self._n += 1
        new_blob = sha is None
        if sha is None:
            sha = hashlib.sha256(f"{path}|{self._n}".encode()).hexdigest()
        c = self.conn
        if new_blob:
            c.execute("INSERT INTO blobs(sha256, size, kind, mime, stored_at) VALUES (?, ?, ?, ?, ?)",
                      (sha, 100, kind, "application/octet-stream", _now()))
        c.execute("INSERT INTO items(root, path, sha256, size, modified, first_seen) VALUES (?, ?, ?, ?, ?, ?)",
                  (self.source, path, sha, 100, modified, _now()))
        if new_blob:
            self.extract(sha, pages=pages, rows=rows, metadata=metadata, status=status)
        return sha

    def extract(self, sha: str, *, pages: Sequence[str | tuple[str, str]] = (),
                rows: dict[str, Iterable[Sequence[str]]] | None = None, metadata: dict | None = None,
                status: str = "ok", version: int = 1) -> None:
        """(Re)write the extraction of a blob, replacing its pages and rows."""
        c = self.conn
        c.execute("DELETE FROM pages WHERE sha256 = ?", (sha,))
        c.execute("DELETE FROM table_rows WHERE sha256 = ?", (sha,))
        numbers: dict[str, int] = {}
        for i, page in enumerate(pages, 1):
            text, source = (page, "text") if isinstance(page, str) else page
            number = i if source == "text" else numbers.get("last", i)
            c.execute("INSERT INTO pages(sha256, number, source, text) VALUES (?, ?, ?, ?)",
                      (sha, number, source, text))
            numbers["last"] = number
        nrows = 0
        for sheet, sheet_rows in (rows or {}).items():
            for number, cells in enumerate(sheet_rows, 1):
                c.execute("INSERT INTO table_rows(sha256, sheet, number, cells) VALUES (?, ?, ?, ?)",
                          (sha, sheet, number, json.dumps(list(cells), ensure_ascii=False)))
                nrows += 1
        c.execute("INSERT OR REPLACE INTO extractions(sha256, version, extractor, status, metadata, pages, rows,"
                  " done_at) VALUES (?, ?, 'test', ?, ?, ?, ?, ?)",
                  (sha, version, status, json.dumps(metadata or {}, ensure_ascii=False), len(pages), nrows, _now()))
