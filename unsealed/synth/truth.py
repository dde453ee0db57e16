"""truth.json: everything the generator knows, for scoring the tool (schema in docs/truth-schema.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .anomalies import Anomalies
from .people import Person, StaffMember
from .rand import HORIZON, PHOTO_FIRST, PHOTO_LAST
from .tables import TableFile
from .texts import PHRASES, SCAN_ONLY

SCHEMA_VERSION = 1
GENDER = {"男": "male", "女": "female"}


def person_json(p: Person, persons: list[Person]) -> dict[str, Any]:
    """One person's record."""
    return {
        "id_number": p.id_number, "name": p.name, "gender": p.gender, "birth_date": p.birth_date.isoformat(),
        "ethnicity": p.ethnicity, "address": p.address, "county": p.county.name, "region_code": p.county.region,
        "household": p.household, "detained": p.detained,
        "detention_date": p.detention_date.isoformat() if p.detention_date else None,
        "reason": p.reason, "status": p.status, "sentence": p.sentence, "facility": p.facility, "cell": p.cell,
        "age_at_detention": p.age_at_detention, "photos": p.photos,
        "relatives": [{"id_number": persons[k].id_number, "relation": rel} for k, rel in p.relatives],
        "appears_in": p.appears_in, "mentioned_in": sorted(p.mentioned_in),
    }


def staff_json(s: StaffMember) -> dict[str, Any]:
    return {
        "id_number": s.id_number, "name": s.name, "gender": s.gender, "birth_date": s.birth_date.isoformat(),
        "ethnicity": s.ethnicity, "role": s.role, "badge": s.badge, "facility": s.facility,
        "appears_in": s.appears_in,
    }


def table_json(f: TableFile) -> dict[str, Any]:
    return {
        "path": f.path, "format": f.format, "kind": f.kind, "encoding": f.encoding, "date_format": f.date_format,
        "birth_format": f.birth_format, "id_style": f.id_style, "name_separator": f.separator,
        "sheets": [
            {"name": s.name, "title_rows": len(s.titles), "header_row": len(s.titles) + 1 if s.header else None,
             "header": s.header, "columns": s.keys, "rows": len(s.rows)}
            for s in f.sheets
        ],
    }


def _by_gender(group: list[Person]) -> dict[str, int]:
    out = {"male": 0, "female": 0}
    for p in group:
        out[GENDER[p.gender]] += 1
    return out


def figures(persons: list[Person]) -> dict[str, Any]:
    """The numbers a reporter would quote, computed from the persons."""
    detained = [p for p in persons if p.detained]
    photographed = [p for p in persons if p.photos]
    both = [p for p in photographed if p.detained]
    minors = [p for p in detained if p.age_at_detention < 18]
    ages = [p.age_at_detention for p in detained]
    return {
        "people": len(persons),
        "detained": len(detained),
        "photographed": len(photographed),
        "photographed_and_detained": len(both),
        "photographed_in_no_table": sum(1 for p in photographed if not p.appears_in),
        "minors_at_detention": len(minors),
        "youngest_age": min(ages) if ages else None,
        "oldest_age": max(ages) if ages else None,
        "by_gender": {
            "people": _by_gender(persons),
            "detained": _by_gender(detained),
            "photographed": _by_gender(photographed),
            "photographed_and_detained": _by_gender(both),
            "minors_at_detention": _by_gender(minors),
        },
    }


def build(seed: int, persons: list[Person], staff: list[StaffMember], tables: list[TableFile],
          documents: list[dict[str, Any]], anomalies: Anomalies, broken: list[dict[str, Any]],
          files: int, members: int) -> dict[str, Any]:
    """The whole truth document."""
    return {
        "schema": SCHEMA_VERSION,
        "generator": "unsealed.synth",
        "seed": seed,
        "horizon": HORIZON.isoformat(),
        "photo_window": [PHOTO_FIRST.isoformat(), PHOTO_LAST.isoformat()],
        "files": {"on_disk": files, "archive_members": members},
        "figures": figures(persons),
        "persons": [person_json(p, persons) for p in persons],
        "staff": [staff_json(s) for s in staff],
        "tables": [table_json(f) for f in tables],
        "documents": sorted(documents, key=lambda d: d["path"]),
        "phrases": {"documents": list(PHRASES), "scan_only": list(SCAN_ONLY)},
        "anomalies": anomalies.to_json(),
        "anomaly_counts": anomalies.counts(),
        "broken": broken,
    }


def write(path: Path, truth: dict[str, Any]) -> None:
    """Write truth.json (UTF-8, stable key order, one space indent), streamed to keep memory low."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        json.dump(truth, out, ensure_ascii=False, indent=1)
        out.write("\n")
