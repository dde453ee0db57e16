"""Plant cell-level anomalies into planned tables, and record where each person appears."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from . import idnumbers
from .anomalies import Anomalies
from .people import Person, StaffMember
from .rand import rng_for, scaled
from .tables import Sheet, TableFile, render_date

ID_KINDS = ("invalid_check_digit", "id_float_corrupted", "id_fullwidth", "id_15_digit")  # corrupt the ID cell
OLD_15_BORN_BEFORE = 1990


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _shift_birth(birth: dt.date, years: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February
        return birth.replace(year=birth.year + years, day=28)


def plant(seed: int, files: list[TableFile], persons: list[Person], anomalies: Anomalies) -> None:
    """Corrupt a few cells of detainee lists, each corruption recorded in ``anomalies``."""
    rng = rng_for(seed, "tables", "anomalies")
    slots: list[tuple[TableFile, Sheet, int]] = [
        (f, s, i) for f in files if f.kind == "detainees" for s in f.sheets for i in range(len(s.rows))
    ]
    used: set[tuple[str, str | None, int]] = set()
    dated = Counter(s.refs[i][0][1] for f, s, i in slots if "date" in s.keys)  # clean rows giving the date
    warn, info = scaled(len(persons), 300, 2), scaled(len(persons), 500, 1)
    plan = [("invalid_check_digit", warn), ("id_float_corrupted", warn), ("gender_contradicts_id", warn),
            ("birth_date_contradicts_id", warn), ("age_contradicts_id", warn), ("id_fullwidth", info),
            ("id_15_digit", info)]
    for kind, count in plan:
        eligible = [(f, s, i) for f, s, i in slots if (f.path, s.name, i) not in used]
        done = 0
        for f, s, i in rng.sample(eligible, len(eligible)):
            if done == count:
                break
            if not _fits(kind, s, persons, i, dated):  # checked here: a pick may use up a person's dated rows
                continue
            used.add((f.path, s.name, i))
            if kind in ID_KINDS and "date" in s.keys:
                dated[s.refs[i][0][1]] -= 1
            _apply(rng, kind, f, s, i, persons[s.refs[i][0][1]], anomalies)
            done += 1


def _fits(kind: str, s: Sheet, persons: list[Person], i: int, dated: Counter[int]) -> bool:
    p = persons[s.refs[i][0][1]]
    if kind in ID_KINDS and "date" in s.keys and dated[p.key] < 2:
        return False  # keep one row that links this person (by a clean ID) to the detention date
    if kind == "id_15_digit":
        # 15-digit numbers were replaced in 1999 and carry YYMMDD, read as 19YY: only older people hold one
        return p.birth_date.year < OLD_15_BORN_BEFORE
    if kind == "id_float_corrupted":
        return p.id_number.isdigit()
    if kind == "birth_date_contradicts_id":
        return "birth" in s.keys
    if kind == "age_contradicts_id":
        return "age" in s.keys
    return True


def _apply(rng, kind: str, f: TableFile, s: Sheet, i: int, p: Person, anomalies: Anomalies) -> None:
    key = {"gender_contradicts_id": "gender", "birth_date_contradicts_id": "birth",
           "age_contradicts_id": "age"}.get(kind, "id")
    col = s.keys.index(key)
    if kind == "invalid_check_digit":
        value: Any = idnumbers.wrong_check(rng, p.id_number)
        expected: Any = p.id_number
    elif kind == "id_float_corrupted":
        number = idnumbers.as_float(p.id_number)
        value = idnumbers.excel_text(number) if f.format == "csv" else number
        expected = p.id_number
    elif kind == "id_fullwidth":
        value, expected = idnumbers.fullwidth(p.id_number), p.id_number
    elif kind == "id_15_digit":
        value, expected = idnumbers.old_15(p.id_number), p.id_number
    elif kind == "gender_contradicts_id":
        value, expected = ("女" if p.gender == "男" else "男"), p.gender
    elif kind == "birth_date_contradicts_id":
        value = render_date(_shift_birth(p.birth_date, rng.choice((-3, -2, -1, 1, 2, 3))), f.birth_format)
        expected = render_date(p.birth_date, f.birth_format)
    else:
        value = max(10, p.age_at_detention + rng.choice((-8, -6, -4, -3, 3, 4, 6, 8)))
        expected = p.age_at_detention
    s.rows[i][col] = value
    anomalies.add(kind, f.path, sheet=s.name, row=s.row_number(i), column=s.header[col],
                  value=_json_value(value), expected=_json_value(expected), id_number=p.id_number)


def record_appearances(files: list[TableFile], persons: list[Person], staff: list[StaffMember]) -> None:
    """Add every table row naming a person to that person's ``appears_in``."""
    by_id = {s.id_number: s for s in staff}
    for f in files:
        for s in f.sheets:
            for i, refs in enumerate(s.refs):
                for role, who in refs:
                    entry = {"path": f.path, "sheet": s.name, "row": s.row_number(i), "table": role}
                    if role == "staff":
                        by_id[who].appears_in.append(entry)
                    else:
                        persons[who].appears_in.append(entry)
