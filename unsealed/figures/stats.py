"""The story's figures as one JSON-ready dict: each number with its title, unit, definition and parts.

Shape (stable; the CLI's ``--json`` and the web workbench print exactly this)::

    {"case": str, "built": bool, "current": bool,
     "figures": [{"id", "title", "value", "unit", "definition", "dimension",
                  "breakdown": [{"key", "value", ...}], "unknown"?, ...details}]}

``value`` is the figure's number (an int, or None when nothing is known). For count figures the
breakdown is the gender split (male, female, unknown) and sums to ``value``. For distributions
the breakdown sums to ``value`` and ``unknown`` counts the persons (or photos) of the base lacking
the attribute. Every breakdown key works in ``explain_figure(case, "ID:KEY")``.
"""

from __future__ import annotations

import statistics
from collections import Counter

from unsealed.figures import population as popmod
from unsealed.figures.definitions import BY_ID, COUNT_FIGURES, FIGURES
from unsealed.figures.explain import age_sources
from unsealed.figures.sentences import parse_sentence


def compute_stats(case) -> dict:
    """Every figure of the case (see the module docstring for the shape)."""
    pop = popmod.load(case)
    stats = stats_of(pop, str(getattr(case, "root", "")))
    for fid in ("youngest_age", "oldest_age"):  # who, with the source of the date their age is taken to
        persons = figure(stats, fid)["persons"]
        found = age_sources(case.conn, [p["person"] for p in persons]) if persons else {}
        for p in persons:
            p["sources"] = found.get(p["person"], [])
    return stats


def stats_of(pop: popmod.Population, case_name: str = "") -> dict:
    """The figures of an already loaded population."""
    figures = []
    for fig in FIGURES:
        entry = {"id": fig.id, "title": fig.title, "value": None, "unit": fig.unit,
                 "definition": fig.definition, "dimension": fig.dimension, "breakdown": []}
        _fill(pop, fig.id, entry)
        figures.append(entry)
    return {"case": case_name, "built": pop.built, "current": pop.current, "figures": figures}


def figure(stats: dict, fid: str) -> dict:
    """One figure of a ``compute_stats`` result by id (KeyError when there is none)."""
    for entry in stats["figures"]:
        if entry["id"] == fid:
            return entry
    raise KeyError(fid)


def _fill(pop: popmod.Population, fid: str, entry: dict) -> None:
    counted = popmod.members(pop, fid)
    groups = popmod.parts(pop, fid)
    if fid in COUNT_FIGURES:
        entry["value"] = len(counted)
        entry["breakdown"] = [{"key": k, "value": len(v)} for k, v in groups.items()]
        return
    if fid in ("youngest_age", "oldest_age"):
        entry["value"] = counted[0].age if counted else None
        entry["persons"] = [_who(p) for p in counted]
        entry["breakdown"] = [{"key": k, "value": len(v)} for k, v in groups.items()]
        return
    entry["value"] = len(counted)
    if fid == "documents":
        rows = [{"key": k, "type": k.split("/")[0], "year": k.split("/")[1], "value": len(v)}
                for k, v in groups.items()]
        entry["breakdown"] = sorted(rows, key=lambda r: (r["type"], r["year"]))
        return
    entry["unknown"] = len(popmod.unknown(pop, fid))
    if fid in ("detentions_by_month", "photos_by_month"):
        entry["breakdown"] = [{"key": k, "value": len(groups[k])} for k in sorted(groups)]
    elif fid == "age_at_detention":
        entry["breakdown"] = [_age_row(k, groups[k]) for k in sorted(groups, key=lambda k: int(k.split("-")[0]))]
        ages = [p.age for p in counted]
        entry["summary"] = {"mean": round(statistics.fmean(ages), 1) if ages else None,
                            "median": statistics.median(ages) if ages else None,
                            "by_basis": dict(sorted(Counter(p.fields.get("age_basis") or "unknown"
                                                            for p in counted).items()))}
    elif fid == "sentences":
        entry["breakdown"] = sorted((_sentence_row(k, v) for k, v in groups.items()),
                                    key=lambda r: (popmod.SENTENCE_ORDER[r["kind"]], r["months"] or 0, r["key"]))
        entry["summary"] = popmod.sentence_summary(pop)
    elif fid == "reasons":
        entry["breakdown"] = _ranked(groups, lambda k, v: {"variants": _variants(v, "reason")})
    elif fid == "ethnicity":
        entry["breakdown"] = _ranked(groups, lambda k, v: {"detained": sum(1 for p in v if p.detained)})
    else:
        entry["breakdown"] = _ranked(groups, lambda k, v: {})


def _ranked(groups: dict[str, list], extra) -> list[dict]:
    """Breakdown rows by count (largest first), then key."""
    rows = [{"key": k, "value": len(v), **extra(k, v)} for k, v in groups.items()]
    return sorted(rows, key=lambda r: (-r["value"], r["key"]))


def _variants(persons: list, fld: str) -> list[dict]:
    counts = Counter(" ".join(str(p.fields.get(fld) or "").split()) for p in persons)
    return [{"wording": w, "value": n} for w, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _age_row(key: str, persons: list) -> dict:
    g = Counter(popmod.gender_of(p) for p in persons)
    return {"key": key, "value": len(persons), "male": g["male"], "female": g["female"], "unknown": g["unknown"]}


def _sentence_row(key: str, persons: list) -> dict:
    s = parse_sentence(" ".join(str(persons[0].fields.get("sentence")).split()))
    return {"key": key, "kind": s.kind, "months": s.months, "value": len(persons),
            "variants": _variants(persons, "sentence")}


def _who(p: popmod.Person) -> dict:
    return {"person": p.id, "id_number": p.id_number, "name": p.name, "gender": p.gender,
            "birth_date": p.birth_date, "detention_date": p.detention_date, "age": p.age,
            "age_basis": p.fields.get("age_basis")}


def definitions() -> dict[str, str]:
    """Figure id → definition text."""
    return {f.id: f.definition for f in BY_ID.values()}
