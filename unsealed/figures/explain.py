"""Drill-down: the persons or files behind a figure (or one part of it), each with its sources.

``explain_figure(case, "detained")`` lists every detained person with the list rows that make
them detained; ``"reasons:宗教极端"`` only those under that reason group; ``"detained:female"``
the detained women. The list is built from the same selection as the figure
(``population.members`` / ``parts``), so its length always equals the number shown.
"""

from __future__ import annotations

from unsealed.figures import population as popmod
from unsealed.figures.definitions import BY_ID, COUNT_FIGURES
from unsealed.people.query import column_letter

_CHUNK = 500
DETENTION_FIELDS = ("detention_date", "status", "sentence", "facility", "building", "cell")
# Which person_values fields are a figure's evidence (beside photos and derived ages).
_FIELDS = {
    "detained": DETENTION_FIELDS,
    "photographed_and_detained": DETENTION_FIELDS,
    "ethnicity": ("ethnicity",),
    "reasons": ("reason",),
    "sentences": ("sentence",),
    "statuses": ("status",),
    "facilities": ("facility",),
    "detentions_by_month": ("detention_date",),
}
_AGE_FIGURES = ("minors_at_detention", "youngest_age", "oldest_age", "age_at_detention")
_PHOTO_FIGURES = ("photographed", "photographed_and_detained", "photographed_in_no_table")


class UnknownFigure(KeyError):
    """No figure (or no part of it) by that name; the message lists what exists."""

    def __str__(self) -> str:
        return str(self.args[0])


def explain_figure(case, ref: str) -> dict:
    """The items behind figure ``ID`` or ``ID:KEY``: ``{"figure", "key", "title", "definition", "value", "rows"}``.

    ``value`` is the figure's (or the part's) number and equals ``len(rows)``.
    """
    fid, _, key = (ref or "").strip().partition(":")
    if fid not in BY_ID:
        raise UnknownFigure(f"no figure {fid!r}: choose one of {', '.join(BY_ID)}")
    pop = popmod.load(case, documents=fid == "documents")
    if key:
        groups = popmod.parts(pop, fid)
        if key not in groups:
            shown = ", ".join(list(groups)[:30]) or "(none)"
            raise UnknownFigure(f"figure {fid!r} has no part {key!r}: its parts are {shown}")
        items = groups[key]
    else:
        items = popmod.members(pop, fid)
    fig = BY_ID[fid]
    rows = _rows(case.conn, pop, fid, items)
    return {"figure": fid, "key": key or None, "title": fig.title, "definition": fig.definition,
            "value": len(rows), "rows": rows}


def _rows(conn, pop: popmod.Population, fid: str, items: list) -> list[dict]:
    if fid == "photos_by_month":
        return [{"item": ph.item_id, "path": ph.path, "taken": ph.taken,
                 "persons": [{"person": pid, "id_number": pop.persons[pid].id_number} for pid in ph.persons]}
                for ph in items]
    if fid == "documents":
        return [{"item": d.item_id, "path": d.path, "kind": d.kind, "type": d.type, "year": d.year,
                 "basis": d.basis or None} for d in items]
    pids = [p.id for p in items]
    if fid in _AGE_FIGURES:
        found = age_sources(conn, pids)
    elif fid in _FIELDS:
        found = value_sources(conn, pids, _FIELDS[fid])
    elif fid in ("people", "staff"):
        found = row_sources(conn, pids)
    else:
        found = {}
    if fid in _PHOTO_FIGURES:
        for p in items:
            found.setdefault(p.id, [])[:0] = [{"path": path, "taken": taken or None, "basis": f"photo ({basis})"}
                                              for taken, path, _item, basis in p.photos]
    return [{**_person(p, fid), "sources": found.get(p.id, [])} for p in items]


def _person(p: popmod.Person, fid: str) -> dict:
    row = {"person": p.id, "id_number": p.id_number, "name": p.name, "gender": p.gender}
    if fid in _AGE_FIGURES:
        row.update(value=p.age, birth_date=p.birth_date, detention_date=p.detention_date,
                   age_basis=p.fields.get("age_basis"))
    elif fid in COUNT_FIGURES:
        row["value"] = popmod.gender_of(p)
    else:
        row["value"] = popmod.attribute(p, fid)
        wording = {"reasons": "reason", "sentences": "sentence"}.get(fid)
        if wording:
            row["wording"] = p.fields.get(wording)
    return row


def _chunks(ids: list[str]):
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _source(path, sheet, row, column, header, raw=None, basis=None) -> dict:
    out = {"path": path, "sheet": sheet or None, "row": row, "column": column_letter(column), "header": header}
    if raw is not None:
        out["raw"] = raw
    if basis is not None:
        out["basis"] = basis
    return out


def value_sources(conn, pids: list[str], fields: tuple[str, ...]) -> dict[str, list[dict]]:
    """Every cell giving one of ``fields`` for each person: path, sheet, row, column, header, raw."""
    out: dict[str, list[dict]] = {}
    marks_f = ",".join("?" * len(fields))
    for chunk in _chunks(pids):
        for pid, fld, raw, path, sheet, row, col, header in conn.execute(
            f'SELECT person_id, field, raw, path, sheet, row, "column", header FROM person_values'
            f" WHERE person_id IN ({','.join('?' * len(chunk))}) AND field IN ({marks_f})"
            f" AND basis != 'check' AND header IS NOT 'derived' ORDER BY person_id, rowid",
            [*chunk, *fields],
        ):
            src = _source(path, sheet, row, col, header, raw)
            src["field"] = fld
            out.setdefault(pid, []).append(src)
    return out


def age_sources(conn, pids: list[str]) -> dict[str, list[dict]]:
    """The derived age of each person: the detention-date cell or photo it was taken from, and how."""
    out: dict[str, list[dict]] = {}
    for chunk in _chunks(pids):
        for pid, raw, basis, path, sheet, row, col in conn.execute(
            f'SELECT person_id, value, basis, path, sheet, row, "column" FROM person_values'
            f" WHERE person_id IN ({','.join('?' * len(chunk))}) AND field = 'age_at_detention'"
            f" AND header = 'derived' ORDER BY person_id, rowid",
            chunk,
        ):
            out.setdefault(pid, []).append(_source(path, sheet, row, col, "derived", raw, basis))
    return out


def row_sources(conn, pids: list[str]) -> dict[str, list[dict]]:
    """Every table row and photo naming each person (path, sheet, row), in source order."""
    out: dict[str, list[dict]] = {}
    for chunk in _chunks(pids):
        for pid, path, sheet, row in conn.execute(
            f"SELECT person_id, path, sheet, row FROM person_values WHERE person_id IN"
            f" ({','.join('?' * len(chunk))}) AND basis != 'check' AND header IS NOT 'derived'"
            f" GROUP BY person_id, path, sheet, row ORDER BY person_id, MIN(rowid)",
            chunk,
        ):
            out.setdefault(pid, []).append({"path": path, "sheet": sheet or None, "row": row})
    return out
