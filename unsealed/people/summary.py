"""One person's values from every source → the values shown, the conflicts, and derived facts.

Choice of the value shown for a field: for birth date and gender the one the ID number
encodes, when there is one; otherwise the value most sources give (ties: the first
source). Every other value stays in ``person_values``; a field whose sources give
different values is listed in ``conflicts``.

Definitions written into the JSON output (``DEFINITIONS``) so readers know what the
flags mean.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from unsealed.records import dates, names
from unsealed.records.rows import FROM_ID, derived

DEFINITIONS = {
    "detained": "named in a row of a detention list (a person table with a detention date, status, sentence, "
    "facility or cell column, not a staff roster) that gives a detention date, status, sentence, facility "
    "or cell for this person",
    "detention_date": "the detention date most sources give (earliest on a tie)",
    "age_at_detention": "derived, never copied: completed years from the birth date (the ID number's, "
    "else as written) to the detention date, or to the earliest photo date when no list gives one",
    "minor": "detained and under 18 at detention (age_at_detention < 18)",
    "staff": "named in a roster of police or staff (badge or post column)",
}
TOP = ("name", "id_number", "gender", "birth_date", "ethnicity")
NO_CONFLICT = {"seq", "id_problem"}


@dataclass(slots=True)
class Val:
    field: str
    value: str
    basis: str
    order: int  # the value's rowid in person_values: earlier sources win ties


@dataclass
class Facts:
    """What the build knows about a person besides the values: list kinds and photo dates."""

    detained: bool = False
    staff: bool = False
    photo_dates: list[tuple[dt.datetime, tuple]] = field(default_factory=list)  # (taken, (item_id, path))


def choose(vals: list[Val]) -> str | None:
    """The value most sources give (the first source's on a tie)."""
    if not vals:
        return None
    head = vals[0].value
    if all(v.value == head for v in vals):
        return head
    counts = Counter(v.value for v in vals)
    first: dict[str, int] = {}
    for v in vals:
        first.setdefault(v.value, v.order)
    return max(counts, key=lambda x: (counts[x], -first[x]))


def summarise(id_number: str | None, vals: list[Val], facts: Facts) -> dict:
    """The person row: shown values, fields, conflicts, detention facts and search text."""
    by_field: dict[str, list[Val]] = {}
    for v in vals:
        if v.value != "":
            by_field.setdefault(v.field, []).append(v)
    for fld, value in derived(id_number):
        by_field.setdefault(fld, []).append(Val(fld, value, FROM_ID, 0))
    shown: dict[str, str | None] = {}
    for fld, vs in by_field.items():
        if fld in ("birth_date", "gender"):
            from_id = [v for v in vs if v.basis == FROM_ID]
            shown[fld] = choose(from_id or vs)
        elif fld == "name":
            shown[fld] = choose([Val(v.field, names.normalise(v.value), v.basis, v.order) for v in vs])
        else:
            shown[fld] = choose(vs)
    if id_number:
        shown["id_number"] = id_number
    elif "id_number" in shown:
        shown["id_number"] = None  # only unusable numbers: kept in the values, not shown as the number
    conflicts = sorted(
        f
        for f, vs in by_field.items()
        if f not in NO_CONFLICT and len({_comparable(f, v.value) for v in vs}) > 1
    )
    gender = shown.get("gender")
    if gender not in ("male", "female"):
        gender = None
    birth = dates.parse_date(shown.get("birth_date"))
    detention, detention_val = _detention_date(by_field.get("detention_date", []))
    fields: dict[str, object] = {k: v for k, v in sorted(shown.items()) if k not in TOP and k != "seq"}
    if "id_problem" in by_field:
        fields["id_problem"] = sorted({v.value for v in by_field["id_problem"]})
    age, basis, age_source, derivation = None, None, None, None
    birth_basis = (
        "the ID number's"
        if by_field.get("birth_date") and any(v.basis == FROM_ID for v in by_field["birth_date"])
        else "the written"
    )
    photo = min(facts.photo_dates, key=lambda p: p[0]) if facts.photo_dates else None
    if facts.detained and birth:
        if detention:
            age, basis, age_source = dates.age_on(birth, detention), "detention date", detention_val.order
            derivation = (
                f"derived: completed years from {birth_basis} birth date {birth.isoformat()} "
                f"to the detention date {detention.isoformat()} written here"
            )
        elif photo:
            age, basis = dates.age_on(birth, photo[0].date()), "photo date"
            age_source = photo[1]
            derivation = (
                f"derived: completed years from {birth_basis} birth date {birth.isoformat()} "
                f"to the date this photo was taken, {photo[0].date().isoformat()}"
            )
    fields["detained"] = facts.detained
    if detention:
        fields["detention_date"] = detention.isoformat()
    if age is not None:
        fields["age_at_detention"] = age
        fields["age_basis"] = basis
    minor = age is not None and age < 18
    fields["minor"] = minor
    if photo and birth:
        fields["age_at_photo"] = dates.age_on(birth, photo[0].date())
    if facts.staff:
        fields["staff"] = True
    name_values = {names.normalise(v.value) for v in by_field.get("name", [])}
    search = {names.key(n) for n in name_values} | {names.pinyin(n) for n in name_values}
    search.discard("")
    return {
        "id_number": shown.get("id_number"),
        "name": shown.get("name") or "",
        "gender": gender,
        "birth_date": birth.isoformat() if birth else None,
        "ethnicity": shown.get("ethnicity"),
        "detained": facts.detained,
        "detention_date": detention.isoformat() if detention else None,
        "age_at_detention": age,
        "minor": minor,
        "staff": facts.staff,
        "fields": fields,
        "conflicts": conflicts,
        "search": "|" + "|".join(sorted(search)) + "|" if search else "",
        "age_source": age_source,  # rowid of the detention-date value, or (item_id, path) of the photo
        "age_derivation": derivation,
    }


def _comparable(fld: str, value: str) -> str:
    return names.key(value) if fld == "name" else value


def _detention_date(vals: list[Val]) -> tuple[dt.date | None, Val | None]:
    days = [(v, dates.parse_date(v.value)) for v in vals]
    days = [(v, d) for v, d in days if d]
    if not days:
        return None, None
    counts = Counter(d for _v, d in days)
    best = max(counts, key=lambda d: (counts[d], -d.toordinal()))
    return best, next(v for v, d in days if d == best)
