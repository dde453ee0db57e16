"""Check 3, age and birth date: the birth-date and age columns against the birth date inside the ID.

A birth-date cell must give the ID's date (a year-month cell its year and month; an old 15-digit
ID has no century, so its two-digit year is compared). An age cell
is compared at the row's own date (its detention date) and accepted in any of the three ways
Chinese lists count age: completed years (周岁), the difference of years, or nominal age (虚岁,
one more). Without a date in the row, the list's date is unknown: the age is accepted when it
fits any day of the five years before the horizon.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter

from unsealed.records import dates, idnumber
from unsealed.verify.base import WARN, Check, Context, Finding, Result, pct, share, status_of

_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
UNDATED_YEARS = 5


def birth_of(parsed: idnumber.IdNumber, rec) -> dt.date:
    """The ID's birth date; for an old 15-digit number (no century in it) the century of the row's
    birth-date cell when day, month and two-digit year agree, else 19YY."""
    birth = parsed.birth_date
    if parsed.status == idnumber.OLD15:
        for raw, _header in rec.cells.get("birth_date", [])[:1]:
            day = dates.parse_date(raw, serials=True)
            if (
                day
                and day != birth
                and (day.year % 100, day.month, day.day) == (birth.year % 100, birth.month, birth.day)
            ):
                return day
    return birth


def _birth_finding(rec, parsed, birth: dt.date, cell, counts: Counter) -> Finding | None:
    raw, header = cell
    day = dates.parse_date(raw, serials=True)
    if day is None:
        m = _YEAR_MONTH.match(unicodedata.normalize("NFKC", raw).strip())
        if not m:
            counts["birth_unreadable"] += 1
            return None
        counts["birth_compared"] += 1
        if (int(m.group(1)), int(m.group(2))) == (birth.year, birth.month):
            return None
    else:
        counts["birth_compared"] += 1
        if day == birth:
            return None
    counts["birth_mismatch"] += 1
    return Finding(
        "birth_date_mismatch",
        WARN,
        f"{header} says {raw} but the ID number gives {birth.isoformat()}",
        path=rec.path,
        sheet=rec.sheet,
        row=rec.row,
        id_number=parsed.number,
        values={"column": header, "written": raw, "from_id": birth.isoformat()},
    )


def _accepted(birth: dt.date, day: dt.date) -> set[int]:
    years = day.year - birth.year
    return {dates.age_on(birth, day), years, years + 1}


def _age_finding(ctx: Context, rec, parsed, birth: dt.date, cell, counts: Counter) -> Finding | None:
    raw, header = cell
    age = dates.parse_age(raw)
    if age is None:
        counts["age_unreadable"] += 1
        return None
    row_date = next(
        (
            d
            for d in (dates.parse_date(r, serials=True) for r, _h in rec.cells.get("detention_date", []))
            if d
        ),
        None,
    )
    counts["age_compared"] += 1
    if row_date is not None:
        ok = _accepted(birth, row_date)
        if age in ok:
            return None
        expected, at = dates.age_on(birth, row_date), f"on the row's date {row_date.isoformat()}"
    else:
        counts["age_undated"] += 1
        last = ctx.horizon
        first = last.replace(year=last.year - UNDATED_YEARS)
        low, high = dates.age_on(birth, first), last.year - birth.year + 1
        if low <= age <= high:
            return None
        expected, at = (
            dates.age_on(birth, last),
            f"on {last.isoformat()} (the row gives no date; accepted {low}–{high})",
        )
    counts["age_mismatch"] += 1
    return Finding(
        "age_mismatch",
        WARN,
        f"{header} says {raw} but the ID's birth date {birth.isoformat()} gives {expected} {at}",
        path=rec.path,
        sheet=rec.sheet,
        row=rec.row,
        id_number=parsed.number,
        values={
            "column": header,
            "written": raw,
            "from_id": expected,
            "birth_date": birth.isoformat(),
            "row_date": row_date.isoformat() if row_date else None,
        },
    )


def run(ctx: Context) -> Result:
    counts: Counter = Counter()
    findings = []
    for rec in ctx.records:
        birth_cells, age_cells = rec.cells.get("birth_date", []), rec.cells.get("age", [])
        if not birth_cells and not age_cells:
            continue
        id_cell = rec.first("id_number")
        parsed = idnumber.parse(id_cell[0]) if id_cell else None
        if parsed is None or not parsed.usable:
            counts["no_valid_id"] += 1
            continue
        birth = birth_of(parsed, rec)
        for cell in birth_cells[:1]:
            if (f := _birth_finding(rec, parsed, birth, cell, counts)) is not None:
                findings.append(f)
        for cell in age_cells[:1]:
            if (f := _age_finding(ctx, rec, parsed, birth, cell, counts)) is not None:
                findings.append(f)
    bc, bm, ac, am = (counts[k] for k in ("birth_compared", "birth_mismatch", "age_compared", "age_mismatch"))
    summary = (
        f"birth dates: {bc - bm:,} of {bc:,} agree with the ID ({pct(bc - bm, bc)}), {bm} disagree; "
        f"ages: {ac - am:,} of {ac:,} agree ({pct(ac - am, ac)}), {am} disagree"
        f" ({counts['age_undated']} without a date in the row); not compared: {counts['no_valid_id']} "
        f"rows without a valid ID, {counts['birth_unreadable'] + counts['age_unreadable']} unreadable cells"
    )
    figures = {
        k: counts[k]
        for k in (
            "birth_compared",
            "birth_mismatch",
            "age_compared",
            "age_mismatch",
            "age_undated",
            "no_valid_id",
            "birth_unreadable",
            "age_unreadable",
        )
    }
    figures["birth_agree_share"], figures["age_agree_share"] = share(bc - bm, bc), share(ac - am, ac)
    chart = {
        "title": "Cells compared with the ID",
        "bars": [
            ["birth date agrees", bc - bm],
            ["birth date differs", bm],
            ["age agrees", ac - am],
            ["age differs", am],
        ],
    }
    return Result(status_of(findings, bc + ac, bm + am), summary, findings, figures, chart)


CHECK = Check("ages", "Age and birth date against the ID", 1, run)
