"""Building small catalogs by hand: tables and images inserted straight into a case's catalog, the ID numbers
and header the build tests share, and the built people keyed by ID number (or name)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from unsealed.people import list_people
from unsealed.store.case import Case

NOW = "2024-01-01T00:00:00"


def make_case(tmp_path: Path) -> Case:
    return Case.open(tmp_path / "case", create=True)


def _blob(case: Case, content: str, kind: str, mime: str) -> str:
    sha = hashlib.sha256(content.encode("utf-8")).hexdigest()
    case.conn.execute("INSERT OR IGNORE INTO blobs VALUES (?,?,?,?,?)", (sha, len(content), kind, mime, NOW))
    return sha


def _item(case: Case, path: str, sha: str) -> int:
    cur = case.conn.execute(
        "INSERT INTO items (root, path, sha256, size, first_seen) VALUES (?,?,?,?,?)",
        ("/src", path, sha, 1, NOW),
    )
    return cur.lastrowid


def add_table(case: Case, path: str, sheets: dict[str, list[list[object]]], kind: str = "xlsx") -> str:
    """A spreadsheet item whose sheets hold the given rows (row numbers 1.. in order, None skips a row)."""
    sha = _blob(case, path + json.dumps(sheets, ensure_ascii=False, default=str), kind, "application/x-test")
    for sheet, rows in sheets.items():
        for number, cells in enumerate(rows, 1):
            if cells is None:
                continue
            case.conn.execute(
                "INSERT INTO table_rows VALUES (?,?,?,?)",
                (
                    sha,
                    sheet,
                    number,
                    json.dumps(["" if c is None else str(c) for c in cells], ensure_ascii=False),
                ),
            )
    case.conn.execute(
        "INSERT OR REPLACE INTO extractions (sha256, version, extractor, status, metadata, rows,"
        " done_at) VALUES (?,1,'test','ok','{}',?,?)",
        (sha, sum(map(len, sheets.values())), NOW),
    )
    _item(case, path, sha)
    return sha


def add_image(
    case: Case, path: str, metadata: dict | None = None, kind: str = "jpeg", content: str = ""
) -> int:
    """An image item (a blob of the given kind) with extraction metadata."""
    sha = _blob(case, content or path, kind, "image/" + kind)
    case.conn.execute(
        "INSERT OR REPLACE INTO extractions (sha256, version, extractor, status, metadata, done_at)"
        " VALUES (?,1,'test','ok',?,?)",
        (sha, json.dumps(metadata or {}), NOW),
    )
    return _item(case, path, sha)


def make_id(region: str, birth: str, seq: int) -> str:
    """A valid 18-character ID number: region, YYYYMMDD, 3-digit sequence (odd = male), check character."""
    from stdnum.cn import ric

    body = f"{region}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


A = make_id("653121", "19900101", 123)  # male
B = make_id("653121", "19650505", 202)  # female
C = make_id("654027", "19850303", 12)  # female, Tekes before 2001
MINOR = make_id("653121", "20030702", 31)  # male, 14 on 2018-03-01
HEADER = ["序号", "姓名", "性别", "民族", "出生日期", "身份证号", "收押日期", "备注"]


def _people(case, **kw):
    """The built people keyed by ID number, or by name for those without one."""
    return {p["id_number"] or p["name"]: p for p in list_people(case, **kw)["people"]}


def add_document(case: Case, path: str, pages: list[str], kind: str = "docx") -> str:
    """A document item whose extraction holds the given page texts (tables as tab-separated lines)."""
    sha = _blob(case, path + "\n".join(pages), kind, "application/x-test")
    for number, text in enumerate(pages, 1):
        case.conn.execute(
            "INSERT INTO pages (sha256, number, source, text) VALUES (?,?,'text',?)", (sha, number, text)
        )
    case.conn.execute(
        "INSERT OR REPLACE INTO extractions (sha256, version, extractor, status, metadata, pages,"
        " done_at) VALUES (?,1,'test','ok','{}',?,?)",
        (sha, len(pages), NOW),
    )
    _item(case, path, sha)
    return sha
