"""Check a case built from ../shared/corpora against what the files' own projects assert (expected.jsonl)."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

from tests.corpora import CORPORA

FAILED = {"encrypted", "corrupt", "unsupported", "hostile", "timeout", "error"}

# expected mime -> our kinds that mean the same content
MIME_KINDS = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpeg"}, "image/png": {"png"}, "image/tiff": {"tiff"}, "image/gif": {"gif"},
    "image/webp": {"webp"}, "image/bmp": {"bmp"}, "image/heic": {"heic"}, "image/heif": {"heic"},
    "image/jp2": {"jp2"}, "image/svg+xml": {"svg", "xml"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx", "xlsb"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.ms-excel": {"xls"}, "application/msword": {"doc"}, "application/vnd.ms-powerpoint": {"ppt"},
    "application/vnd.oasis.opendocument.text": {"odt"}, "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "message/rfc822": {"eml"}, "application/mbox": {"mbox"}, "text/html": {"html"}, "text/rtf": {"rtf"},
    "application/zip": {"zip"}, "application/x-tar": {"tar"}, "application/gzip": {"gzip"},
    "application/x-bzip2": {"bzip2"}, "application/x-7z-compressed": {"7z"}, "application/x-rar": {"rar"},
    "application/vnd.ms-outlook": {"msg"}, "text/csv": {"csv", "text"}, "text/plain": {"text", "csv"},
    "application/x-tika-ooxml-protected": {"ooxml-encrypted"},
}


@dataclass
class Mismatch:
    path: str
    check: str
    detail: str

    def key(self) -> str:
        return f"{self.path} :: {self.check}"


def load_expectations() -> list[dict]:
    with open(CORPORA / "expected.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


_TREE = "WITH RECURSIVE d(id) AS (SELECT ? UNION ALL SELECT i.id FROM items i JOIN d ON i.parent_id=d.id) "


def _texts(conn: sqlite3.Connection, item_id: int) -> str:
    """All text and metadata values of an item and of everything inside it, whitespace removed."""
    pages = conn.execute(_TREE + "SELECT p.text FROM d JOIN items i ON i.id=d.id JOIN pages p ON p.sha256=i.sha256",
                         (item_id,))
    metas = conn.execute(_TREE + "SELECT e.metadata FROM d JOIN items i ON i.id=d.id"
                         " JOIN extractions e ON e.sha256=i.sha256", (item_id,))
    values = [str(v) for (m,) in metas for v in json.loads(m).values()]
    return _squash("\n".join([r[0] for r in pages] + values))


def _hostile_inside(conn: sqlite3.Connection, item_id: int) -> bool:
    """True when something inside the item was refused as hostile (a bomb one layer down)."""
    return conn.execute(_TREE + "SELECT 1 FROM d JOIN items i ON i.id=d.id LEFT JOIN extractions e"
                        " ON e.sha256=i.sha256 WHERE i.status='hostile' OR e.status='hostile' LIMIT 1",
                        (item_id,)).fetchone() is not None


def check(conn: sqlite3.Connection, root: str, expectations: list[dict], ocr: bool) -> tuple[int, list[Mismatch]]:
    """Compare every expectation with the catalog; returns (checks made, mismatches)."""
    out: list[Mismatch] = []
    checks = 0
    for exp in expectations:
        path = exp["path"]
        row = conn.execute(
            "SELECT i.id, i.status, i.error, b.kind, e.status, e.error, e.pages, e.metadata FROM items i"
            " LEFT JOIN blobs b ON b.sha256=i.sha256 LEFT JOIN extractions e ON e.sha256=i.sha256"
            " WHERE i.root=? AND i.path=?", (root, path)).fetchone()
        checks += 1
        if row is None:
            out.append(Mismatch(path, "item", "not in the case"))
            continue
        item_id, item_status, item_error, kind, ex_status, ex_error, pages, metadata = row
        status = item_status if item_status != "ok" else (ex_status or "ok")
        error = item_error if item_status != "ok" else ex_error
        if status in FAILED and not error:
            out.append(Mismatch(path, "reason", f"{status} without a recorded reason"))
        if exp.get("expect_error") is True and not exp.get("password"):
            checks += 1
            if status not in FAILED and status != "partial" and not _hostile_inside(conn, item_id):
                out.append(Mismatch(path, "expect_error", f"expected a failure, got {status}"))
        if exp.get("expect_error") is False:
            checks += 1
            if status in FAILED:
                out.append(Mismatch(path, "expect_ok", f"{status}: {error}"))
        mime = exp.get("mime")
        if mime in MIME_KINDS:
            checks += 1
            if kind not in MIME_KINDS[mime]:
                out.append(Mismatch(path, "type", f"expected {mime}, detected {kind}"))
        needs_ocr = "OCR" in (exp.get("note") or "")
        if exp.get("text_contains") and (ocr or not needs_ocr) and not exp.get("password"):
            text = _texts(conn, item_id)
            for snippet in exp["text_contains"]:
                checks += 1
                if _squash(snippet) not in text:
                    out.append(Mismatch(path, "text", f"missing {snippet!r}"))
        if exp.get("pages") and kind == "pdf" and not exp.get("password"):
            checks += 1
            if pages != exp["pages"]:
                out.append(Mismatch(path, "pages", f"expected {exp['pages']}, got {pages}"))
    return checks, out
