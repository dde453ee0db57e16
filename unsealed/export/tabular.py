"""People as CSV or JSON lines, each with every source that names them (internal: not redacted).

JSON lines: one person per line, the object ``unsealed people --json`` gives for each person
(``id, name, id_number, gender, birth_date, ethnicity, detained, minor, age_at_detention, fields,
conflicts, photos, relatives, sources``). CSV: one row per person with the common fields as columns
and the lists joined with " | " (UTF-8 with a byte-order mark, so Excel reads the Chinese; open it
with Data > From Text and set the id_number column to Text, or Excel turns the numbers into floats).
"""

from __future__ import annotations

import csv
import json

COLUMNS = ("person_id", "name", "id_number", "gender", "birth_date", "ethnicity", "detained", "minor",
           "age_at_detention", "detention_date", "reason", "status", "sentence", "facility", "building", "cell",
           "address", "phone", "conflicts", "photos", "relatives", "sources")
FROM_FIELDS = ("detention_date", "reason", "status", "sentence", "facility", "building", "cell", "address", "phone")


def _people(case) -> list[dict]:
    from unsealed.people import list_people

    return list_people(case)["people"]


def _where(src: dict) -> str:
    return src["path"] + (f" [{src['sheet']}]" if src.get("sheet") else "") + (
        f" row {src['row']}" if src.get("row") is not None else "")


def write_jsonl(case, fh) -> int:
    """One JSON object per person and line; returns the number written."""
    n = 0
    for p in _people(case):
        fh.write(json.dumps(p, ensure_ascii=False, sort_keys=True))
        fh.write("\n")
        n += 1
    return n


def write_csv(case, fh) -> int:
    """One row per person (write to a stream opened with newline=''); returns the number of rows."""
    w = csv.writer(fh)
    w.writerow(COLUMNS)
    n = 0
    for p in _people(case):
        f = p["fields"]
        w.writerow([
            p["id"], p["name"], p["id_number"] or "", p["gender"] or "", p["birth_date"] or "", p["ethnicity"] or "",
            "yes" if p["detained"] else "", "yes" if p["minor"] else "",
            "" if p["age_at_detention"] is None else p["age_at_detention"],
            *[("" if f.get(k) is None else str(f[k])) for k in FROM_FIELDS],
            " | ".join(p["conflicts"]), " | ".join(p["photos"]),
            " | ".join(f"{r['relation']}: {r['name']} {r['id_number'] or ''}".strip() for r in p["relatives"]),
            " | ".join(_where(s) for s in p["sources"]),
        ])
        n += 1
    return n
