"""One table row → the person record(s) it states, every value with the column it came from.

A row of a person table gives one record (the row's own person). A row of a
"relatives of the detained" table gives two: the relative (the row's own person) and the
detainee it refers to (在押人员姓名 / 在押人员身份证号), linked by the relation cell.
Values are normalised for comparison (``value``) and kept as written (``raw``); a usable
ID number also yields the birth date, gender and birth county it encodes, each marked
as derived from that same cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from unsealed.records import dates, idnumber, names, values
from unsealed.records.headers import Header

AS_WRITTEN = "as written"
FROM_ID = "derived from the ID number"
# Fields that belong to the detainee a relatives row refers to, and what they are for that person.
REFERENCE_FIELDS = {"detainee_name": "name", "detainee_id": "id_number"}
DATE_FIELDS = ("birth_date", "detention_date")
MAX_NAME_CHARS = 40


class Value(NamedTuple):
    """One value a cell gives (a named tuple: rows make many of them)."""

    field: str
    value: str  # normalised: the form compared across sources
    raw: str  # the cell as written
    column: int | None  # 0-based column index (None: not from a table column)
    header: str  # the header cell as written ("" for a value not read from a column)
    basis: str = AS_WRITTEN


@dataclass
class Record:
    """What one row says about one person."""

    row: int
    role: str  # "row": the row's own person; "reference": the detainee a relatives row names
    values: list[Value] = field(default_factory=list)
    id: idnumber.IdNumber | None = None
    name: str = ""
    birth_date: dt.date | None = None  # as written in a birth-date column
    detention_date: dt.date | None = None
    detention_evidence: bool = False  # the row gives a detention date, status, sentence, facility or cell

    @property
    def name_key(self) -> str:
        return names.key(self.name)

    @property
    def birth_key(self) -> dt.date | None:
        """The birth date to match on without a usable ID: the written one, else a bad ID's."""
        if self.birth_date:
            return self.birth_date
        if self.id is not None and self.id.status == idnumber.BAD_CHECKSUM:
            return self.id.birth_date
        return None


@dataclass
class RowResult:
    records: list[Record]
    # (relation, the relation cell): what the row's own person is to the detainee it names
    relation: tuple[str, Value] | None = None


def normalise(field_name: str, raw: str) -> str:
    """The comparable form of one cell for a field."""
    if field_name in ("name", "detainee_name"):
        return names.normalise(raw)
    if field_name in ("id_number", "detainee_id"):
        parsed = idnumber.parse(raw)
        return parsed.number if parsed.usable else idnumber.clean(raw)
    if field_name == "gender":
        return values.gender(raw) or values.text(raw)
    if field_name == "ethnicity":
        return values.ethnicity(raw)
    if field_name in DATE_FIELDS:
        day = dates.parse_date(raw, serials=True)
        return day.isoformat() if day else values.text(raw)
    if field_name == "age":
        age = dates.parse_age(raw)
        return str(age) if age is not None else values.text(raw)
    if field_name == "relation":
        return values.relation(raw) or ""
    return values.text(raw)


def id_values(parsed: idnumber.IdNumber, raw: str, column: int | None, header: str) -> list[Value]:
    """The ID cell's own value, and why it is unusable when it is (see ``derived`` for what it encodes)."""
    number = parsed.number if parsed.usable else idnumber.clean(raw)
    out = [Value("id_number", number, raw, column, header)]
    if not parsed.usable:
        out.append(Value("id_problem", parsed.problem or parsed.status, raw, column, header, "check"))
    return out


def derived(number: str | None) -> list[tuple[str, str]]:
    """(field, value) pairs a usable ID number encodes: birth date, gender, region code and county.

    They are not stored per cell: every usable cell holding the number is their source.
    """
    parsed = idnumber.parse(number) if number else None
    if parsed is None or not parsed.usable:
        return []
    out = [("birth_date", parsed.birth_date.isoformat()), ("gender", parsed.gender),
           ("birth_region_code", parsed.region)]
    if parsed.county:
        out.append(("birth_county", parsed.county))
    return out


_EVIDENCE = frozenset(("detention_date", "status", "sentence", "facility", "cell", "building"))


@lru_cache(maxsize=1024)
def _plan(header: Header) -> tuple[tuple[int, str, str, str, bool], ...]:
    """Per column, worked out once per header: (index, header text, field, value key, for the reference)."""
    return tuple((c.index, c.header, REFERENCE_FIELDS.get(c.field, c.field),
                  c.key if c.field == "extra" else REFERENCE_FIELDS.get(c.field, c.field),
                  c.field in REFERENCE_FIELDS) for c in header.columns)


def parse_row(header: Header, number: int, cells: list[str], kind: str) -> RowResult | None:
    """The record(s) a data row states, or None for a blank, repeated-header, note or total row."""
    own = Record(number, "row")
    plan = _plan(header)
    ref = Record(number, "reference") if any(p[4] for p in plan) else own  # own: never written to
    relation: Value | None = None
    width = len(cells)
    if sum(1 for i, text, *_ in plan if i < width and cells[i] and cells[i].strip() == text) >= 2:
        return None  # the header repeated (page breaks in printed lists)
    for i, text, fld, key, for_ref in plan:
        raw = cells[i] if i < width else ""
        if not raw or not (raw := raw.strip()):
            continue
        if fld == "relation":
            relation = Value("relation", normalise(fld, raw), raw, i, text)
            continue
        target = ref if for_ref else own
        if fld == "id_number":
            parsed = idnumber.parse(raw)
            if target.id is None:
                target.id = parsed
            target.values.extend(id_values(parsed, raw, i, text))
            continue
        value = normalise(fld, raw)
        target.values.append(Value(key, value, raw, i, text))
        if fld == "name":
            if not target.name:
                target.name = value
        elif fld == "birth_date":
            target.birth_date = dates.parse_date(raw, serials=True)
        elif fld == "detention_date":
            target.detention_date = dates.parse_date(raw, serials=True)
        if fld in _EVIDENCE:
            target.detention_evidence = True
    if not _is_person(own):
        return None
    records = [own]
    if ref is own:
        pass
    elif kind == "relatives" and _is_person(ref):
        records.append(ref)
    elif ref.values:  # detainee columns in a table that is no relatives list: keep them as extra fields
        own.values.extend(Value(f"detainee_{v.field}", v.value, v.raw, v.column, v.header)
                          for v in ref.values if v.basis == AS_WRITTEN)
    return RowResult(records, (relation.value, relation) if relation and relation.value else None)


def _is_person(rec: Record) -> bool:
    """A record names someone: a name of sensible length or an ID-shaped number."""
    if rec.id is not None and rec.id.status not in (idnumber.EMPTY, idnumber.BAD_FORMAT):
        return True
    return 0 < len(rec.name) <= MAX_NAME_CHARS and not rec.name.isdigit() and rec.name not in _NOT_NAMES


_NOT_NAMES = {"合计", "总计", "小计", "备注", "说明", "total", "sum"}
