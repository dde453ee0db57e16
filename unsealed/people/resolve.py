"""Deciding which records are the same person.

Rules, in order:

1. The same usable ID number is the same person, in every file (an old 15-digit number
   counts as its 18-character form).
2. An ID number found only on a photo is a person too (known by that number alone).
3. A record without a usable ID (none, a wrong check character, an Excel float) joins the
   one person with a usable ID whose name and birth date both match it; with several
   such persons it stays apart (ambiguous). An Excel float's surviving digits must also
   agree with that person's number. Records that match nobody are grouped by name and
   birth date among themselves.
4. A detainee named in a relatives list without an ID joins the only person in the case
   with that name, if there is exactly one; otherwise one person per name per table.
5. Anything else (a name alone) is a person of its own.

Only compact keys are held in memory (no cell values), so this stays small at scale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from unsealed.records import idnumber


@dataclass(slots=True)
class Key:
    """What identity resolution needs from one record."""

    rid: int
    id_number: str | None  # usable canonical number
    id: idnumber.IdNumber | None
    name_key: str
    birth: dt.date | None
    role: str  # 'row' / 'reference' / 'photo'
    table: int
    sid: int  # the sheet or photo it comes from: ``places[sid]`` is 'path\tsheet'
    row: int


@dataclass(slots=True)
class Seed:
    """A resolved person before its values are summarised."""

    pid: str
    id_number: str | None
    first_source: str
    rids: list[int] = field(default_factory=list)
    basis: str = "ID number"


def person_id(text: str, taken: set[str]) -> str:
    """A stable person id: 'p' + 10 hex digits of a hash (lengthened on the rare collision)."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    for length in range(10, 41):
        pid = "p" + digest[:length]
        if pid not in taken:
            taken.add(pid)
            return pid
    raise RuntimeError("person id collision")  # pragma: no cover - 160 bits


def resolve(keys: list[Key], places: list[str]) -> tuple[list[Seed], dict[int, int], dict[str, int]]:
    """Group records into persons. Returns (seeds, record id → seed index, counts by matching rule).

    ``places[k.sid]`` names where a record comes from ('path\tsheet'); with the row it orders
    records and makes the stable ids of persons known without an ID number.
    """

    def source(k: Key) -> str:
        return f"{places[k.sid]}\t{k.row:09d}"

    taken: set[str] = set()
    seeds: list[Seed] = []
    where: dict[int, int] = {}
    counts: dict[str, int] = defaultdict(int)
    by_id: dict[str, int] = {}

    def new(identity: str, id_number: str | None, source: str, basis: str) -> int:
        seeds.append(Seed(person_id(identity, taken), id_number, source, basis=basis))
        return len(seeds) - 1

    def put(k: Key, index: int, rule: str) -> None:
        seeds[index].rids.append(k.rid)
        where[k.rid] = index
        counts[rule] += 1

    ordered = sorted(keys, key=lambda k: (k.role == "photo", places[k.sid], k.row, k.rid))
    for k in ordered:  # rules 1 and 2
        if k.id_number:
            index = by_id.get(k.id_number)
            if index is None:
                index = by_id[k.id_number] = new(
                    "id:" + k.id_number,
                    k.id_number,
                    source(k),
                    "ID number" if k.role != "photo" else "ID number on a photo",
                )
            put(k, index, "id_number" if k.role != "photo" else "photo_id")
    by_name_birth: dict[tuple[str, dt.date], set[int]] = defaultdict(set)
    by_name: dict[str, set[int]] = defaultdict(set)
    for k in ordered:
        if k.id_number and k.name_key:
            index = by_id[k.id_number]
            by_name_birth[(k.name_key, idnumber.parse(k.id_number).birth_date)].add(index)
            by_name[k.name_key].add(index)
    groups: dict[tuple, int] = {}
    pending_refs: list[Key] = []
    for k in ordered:  # rule 3
        if k.id_number:
            continue
        if k.name_key and k.birth:
            candidates = by_name_birth.get((k.name_key, k.birth), set())
            if k.id is not None and k.id.status == idnumber.EXCEL_FLOAT:
                candidates = {i for i in candidates if k.id.could_be(seeds[i].id_number)}
            if len(candidates) == 1:
                put(k, next(iter(candidates)), "name_and_birth_date")
                continue
            rule = "ambiguous_name_and_birth_date" if candidates else "grouped_name_and_birth_date"
            group = ("nb", k.name_key, k.birth) if not candidates else ("alone", k.rid)
            if group not in groups:
                groups[group] = new(f"rec:{source(k)}:{k.role}", None, source(k), rule.replace("_", " "))
                for name_key in (k.name_key,):
                    by_name[name_key].add(groups[group])
            put(k, groups[group], rule)
        elif k.role == "reference" and k.name_key:
            pending_refs.append(k)
        else:
            index = new(f"rec:{source(k)}:{k.role}", None, source(k), "a row of its own")
            if k.name_key:
                by_name[k.name_key].add(index)
            put(k, index, "alone")
    for k in pending_refs:  # rule 4
        candidates = by_name.get(k.name_key, set())
        if len(candidates) == 1:
            put(k, next(iter(candidates)), "reference_unique_name")
            continue
        group = ("ref", k.table, k.name_key)
        if group not in groups:
            groups[group] = new(f"rec:{source(k)}:{k.role}", None, source(k), "named in a relatives list")
        put(k, groups[group], "reference_by_name_in_table")
    return seeds, where, dict(counts)
