"""Person ↔ person links from "relatives of the detained" lists.

A row says: this person (姓名, 公民身份号码) is the detainee's 父亲 / 妻子 / 儿子 ...
(与在押人员关系), naming the detainee (在押人员姓名, 在押人员身份证号). That becomes two
links: the relative is the detainee's 父亲 (as written) and the detainee is the
relative's 儿子 or 女儿 (the inverse, by the detainee's gender). A household-style list
(a relation column, 本人 rows heading their relatives) is read the same way, the 本人 row
standing for the detainee.
"""

from __future__ import annotations

from dataclasses import dataclass

from unsealed.records import values

SELF = "本人"


@dataclass(frozen=True, slots=True)
class Edge:
    """The person of record ``other`` is the ``relation`` of the person of record ``ref``."""

    ref: int
    other: int
    relation: str
    item_id: int
    path: str
    sheet: str
    row: int
    column: int


def links(edges: list[Edge], person_of: dict[int, str], gender_of: dict[str, str | None]) -> list[tuple]:
    """Rows for the relations table, both directions, each with the cell it was read from.

    ``person_of`` maps record ids to person ids; ``gender_of`` person ids to 'male'/'female'/None.
    A link of a person to themself (a list naming someone as their own relative) is dropped.
    """
    out: list[tuple] = []
    seen: set[tuple] = set()
    for e in edges:
        a, b = person_of.get(e.ref), person_of.get(e.other)
        if a is None or b is None or a == b or e.relation == SELF:
            continue
        rel = values.specific(e.relation, gender_of.get(b))
        back = values.inverse(rel, gender_of.get(a))
        src = (e.item_id, e.path, e.sheet, e.row, e.column)
        for row in ((a, b, rel, "as written") + src, (b, a, back, f"inverse of {rel}") + src):
            if row not in seen:
                seen.add(row)
                out.append(row)
    return out
