"""Reading the people tables: lists with filters and search, and one person with every value's source.

Search text matches a name in characters (any separator, spaces ignored) or in toneless
pinyin, or an ID number or its prefix. Output keys are stable (see the README).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict

from unsealed.people import schema
from unsealed.people.summary import DEFINITIONS
from unsealed.records import idnumber, names
from unsealed.records.headers import FIELDS
from unsealed.records.rows import FROM_ID, derived

_CHUNK = 500
_ID_QUERY = re.compile(r"^[0-9０-９]{1,17}[0-9０-９XxＸｘ]?$")


def column_letter(index: int | None) -> str | None:
    """Spreadsheet column letters for a 0-based index (0 → A, 27 → AB); None stays None."""
    if index is None:
        return None
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _where(detained: bool, minors: bool, q: str | None) -> tuple[str, list]:
    clauses, params = [], []
    if detained:
        clauses.append("detained = 1")
    if minors:
        clauses.append("minor = 1")
    if q and q.strip():
        text = q.strip()
        if _ID_QUERY.match(text.replace(" ", "")):
            clauses.append("id_number LIKE ? ESCAPE '\\'")
            params.append(idnumber.clean(text) + "%")
        else:
            key = names.query_key(text)
            if not key:
                clauses.append("0")
            else:
                clauses.append("search LIKE ? ESCAPE '\\'")
                params.append("%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_people(
    case, *, detained: bool = False, minors: bool = False, q: str | None = None, limit: int | None = None
) -> dict:
    """People matching the filters, in the order of their first source: ``{"people": [...], ...}``."""
    conn = case.conn
    if not schema.exists(conn):
        return {"people": [], "total": 0, "built": False, "definitions": DEFINITIONS, "unlinked_photos": []}
    where, params = _where(detained, minors, q)
    total = conn.execute(f"SELECT COUNT(*) FROM persons{where}", params).fetchone()[0]
    sql = f"SELECT * FROM persons{where} ORDER BY first_source, id"
    if limit is not None:
        sql += f" LIMIT {max(0, int(limit))}"
    rows = conn.execute(sql, params).fetchall()
    people = _assemble(conn, rows)
    unlinked = [r[0] for r in conn.execute("SELECT path FROM unlinked_photos ORDER BY path")]
    return {
        "people": people,
        "total": total,
        "built": True,
        "definitions": DEFINITIONS,
        "unlinked_photos": unlinked,
    }


def _assemble(conn: sqlite3.Connection, rows: list) -> list[dict]:
    ids = [r["id"] for r in rows]
    photos: dict[str, list[str]] = defaultdict(list)
    rels: dict[str, list[dict]] = defaultdict(list)
    sources: dict[str, list[dict]] = defaultdict(list)
    for chunk in (ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)):
        marks = ",".join("?" * len(chunk))
        for pid, path in conn.execute(
            f"SELECT DISTINCT person_id, path FROM person_links WHERE person_id IN"
            f" ({marks}) ORDER BY person_id, path",
            chunk,
        ):
            photos[pid].append(path)
        seen: set[tuple] = set()
        for pid, other, relation, other_idn, other_name in conn.execute(
            f"SELECT r.person_id, r.other_id, r.relation, p.id_number, p.name FROM relations r"
            f" JOIN persons p ON p.id = r.other_id WHERE r.person_id IN ({marks})"
            f" ORDER BY r.person_id, r.rowid",
            chunk,
        ):
            if (pid, other, relation) not in seen:
                seen.add((pid, other, relation))
                rels[pid].append(
                    {"id": other, "id_number": other_idn, "name": other_name, "relation": relation}
                )
        for pid, path, sheet, row in conn.execute(
            f"SELECT person_id, path, sheet, row FROM person_values WHERE person_id IN ({marks})"
            f" AND basis != 'check' AND header IS NOT 'derived'"
            f" GROUP BY person_id, path, sheet, row ORDER BY person_id, MIN(rowid)",
            chunk,
        ):
            sources[pid].append({"path": path, "sheet": sheet or None, "row": row})
    return [_person(r, photos[r["id"]], rels[r["id"]], sources[r["id"]]) for r in rows]


def _person(r, photos: list[str], rels: list[dict], sources: list[dict]) -> dict:
    return {
        "id": r["id"],
        "name": r["name"],
        "id_number": r["id_number"],
        "gender": r["gender"],
        "birth_date": r["birth_date"],
        "ethnicity": r["ethnicity"],
        "detained": bool(r["detained"]),
        "minor": bool(r["minor"]),
        "age_at_detention": r["age_at_detention"],
        "fields": json.loads(r["fields"]),
        "conflicts": json.loads(r["conflicts"]),
        "photos": photos,
        "relatives": rels,
        "sources": sources,
    }


def find_person_id(conn: sqlite3.Connection, ref: str) -> str | None:
    """The person id for a person id or an ID number (any way it is written), or None."""
    ref = (ref or "").strip()
    if not ref:
        return None
    row = conn.execute("SELECT id FROM persons WHERE id = ?", (ref.lower(),)).fetchone()
    if row:
        return row[0]
    parsed = idnumber.parse(ref)
    number = parsed.number if parsed.usable else idnumber.clean(ref)
    row = conn.execute("SELECT id FROM persons WHERE id_number = ?", (number,)).fetchone()
    if row:
        return row[0]
    row = conn.execute(
        "SELECT person_id FROM person_values WHERE field = 'id_number' AND value = ? LIMIT 1", (number,)
    ).fetchone()
    return row[0] if row else None


_ORDER = ("name", "id_number", "gender", "birth_date", "ethnicity", "birth_region_code", "birth_county",
          "id_problem", *(f for f in FIELDS if f not in ("seq", "name", "id_number", "gender", "birth_date",
                                                          "ethnicity")), "age_at_detention", "seq")


def _field_rank(field: str) -> tuple[int, str]:
    """Known fields in a fixed, readable order; extra columns after them, by name."""
    return (_ORDER.index(field), "") if field in _ORDER else (len(_ORDER), field)


def get_person(case, ref: str) -> dict | None:
    """One person by person id or ID number, with every value and its sources (conflicts included)."""
    conn = case.conn
    if not schema.exists(conn):
        return None
    pid = find_person_id(conn, ref)
    if pid is None:
        return None
    row = conn.execute("SELECT * FROM persons WHERE id = ?", (pid,)).fetchone()
    person = _assemble(conn, [row])[0]
    values: dict[str, list[dict]] = {}
    index: dict[tuple[str, str, str], dict] = {}
    for v in conn.execute(
        'SELECT field, value, raw, basis, path, sheet, row, "column", header FROM person_values'
        " WHERE person_id = ? ORDER BY rowid",
        (pid,),
    ):
        k = (v["field"], v["value"], v["basis"])
        entry = index.get(k)
        if entry is None:
            entry = index[k] = {"value": v["value"], "basis": v["basis"], "sources": []}
            values.setdefault(v["field"], []).append(entry)
        entry["sources"].append(
            {
                "path": v["path"],
                "sheet": v["sheet"] or None,
                "row": v["row"],
                "column": column_letter(v["column"]),
                "header": v["header"],
                "raw": v["raw"],
            }
        )
    if person["id_number"]:  # what the number encodes; its sources are the cells holding the number
        held = [e["sources"] for e in values.get("id_number", []) if e["value"] == person["id_number"]]
        cells = held[0] if held else []
        for fld, value in derived(person["id_number"]):
            values.setdefault(fld, []).insert(0, {"value": value, "basis": FROM_ID, "sources": cells})
    person["values"] = dict(sorted(values.items(), key=lambda kv: _field_rank(kv[0])))
    person["photo_links"] = [
        dict(r)
        for r in conn.execute(
            "SELECT path, basis, id_number, taken FROM person_links WHERE person_id = ? ORDER BY path", (pid,)
        )
    ]
    person["relations"] = [
        dict(r)
        for r in conn.execute(
            "SELECT r.other_id AS id, p.name, p.id_number, r.relation, r.basis, r.path, r.sheet, r.row,"
            ' r."column" FROM relations r JOIN persons p ON p.id = r.other_id'
            " WHERE r.person_id = ? ORDER BY r.rowid",
            (pid,),
        )
    ]
    for rel in person["relations"]:
        rel["column"] = column_letter(rel["column"])
        rel["sheet"] = rel["sheet"] or None
    person["definitions"] = DEFINITIONS
    return person
