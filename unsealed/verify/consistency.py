"""Check 8, cross-file consistency: do the photos, lists and sheets describe the same people?

Figures: the share of photos whose ID number resolves to a person named in some table, and the
share of detainees with a photo (the real files: 2,884 of 5,074 photographed people found in the
lists). Findings: the same valid ID number written with different names (compared by characters,
separators ignored) or different birth dates in different rows. The value most rows give is taken
as right (for birth dates, the ID's own date when some row gives it); each row giving another
value is a finding, with every source of every value.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from unsealed.records import dates, idnumber, names
from unsealed.verify.base import WARN, Check, Context, Finding, Result, pct, share, status_of


def _photo_figures(ctx: Context) -> dict:
    conn = ctx.conn
    in_tables = {
        pid for (pid,) in conn.execute("SELECT DISTINCT person_id FROM person_values WHERE row IS NOT NULL")
    }
    linked: dict[str, set[str]] = defaultdict(set)
    for path, pid in conn.execute("SELECT path, person_id FROM person_links"):
        linked[path].add(pid)
    photos = len({m.path for m in ctx.images})
    resolved = sum(1 for pids in linked.values() if pids & in_tables)
    detained = {pid for (pid,) in conn.execute("SELECT id FROM persons WHERE detained = 1")}
    photographed = {pid for pids in linked.values() for pid in pids}
    return {
        "images": photos,
        "photos_with_id": len(linked),
        "photos_in_tables": resolved,
        "photos_in_tables_share": share(resolved, len(linked)),
        "photos_without_id": photos - len(linked),
        "detained": len(detained),
        "detained_with_photo": len(detained & photographed),
        "detained_with_photo_share": share(len(detained & photographed), len(detained)),
        "photographed_people": len(photographed),
    }


def _conflicts(ctx: Context, counts: Counter) -> list[Finding]:
    by_id: dict[str, list] = defaultdict(list)
    for rec in ctx.records:
        cell = rec.first("id_number")
        parsed = idnumber.parse(cell[0]) if cell else None
        if parsed is not None and parsed.usable:
            by_id[parsed.number].append(rec)
    findings = []
    for number in sorted(by_id):
        recs = by_id[number]
        if len(recs) < 2:
            continue
        counts["ids_in_several_rows"] += 1
        birth = idnumber.parse(number).birth_date
        for fld, read in (
            ("name", lambda raw: names.key(raw) or None),
            ("birth_date", lambda raw: dates.parse_date(raw, serials=True)),
        ):
            written = [(rec, cell, read(cell[0])) for rec in recs for cell in rec.cells.get(fld, [])[:1]]
            written = [(rec, cell, v) for rec, cell, v in written if v]
            tally = Counter(v for _r, _c, v in written)
            if len(tally) < 2:
                continue
            counts[f"{fld}_conflicts"] += 1
            right = (
                birth
                if fld == "birth_date" and birth in tally
                else max(
                    tally, key=lambda v: (tally[v], -next(i for i, w in enumerate(written) if w[2] == v))
                )
            )
            sources = sorted({(r.path, r.sheet or "", r.row, c[0]) for r, c, _v in written})
            for rec, cell, v in written:
                if v == right:
                    continue
                shown = (
                    right.isoformat()
                    if fld == "birth_date"
                    else next(c[0] for _r, c, w in written if w == right)
                )
                findings.append(
                    Finding(
                        f"{fld}_conflict",
                        WARN,
                        f"{cell[1]} says {cell[0]} but {tally[right]} other row(s) for this ID say {shown}",
                        path=rec.path,
                        sheet=rec.sheet,
                        row=rec.row,
                        id_number=number,
                        values={
                            "field": fld,
                            "written": cell[0],
                            "usual": shown,
                            "sources": [
                                {"path": p, "sheet": s or None, "row": n, "value": raw}
                                for p, s, n, raw in sources
                            ],
                        },
                    )
                )
    return findings


def run(ctx: Context) -> Result:
    figures = _photo_figures(ctx)
    counts: Counter = Counter()
    findings = _conflicts(ctx, counts)
    figures.update(
        ids_in_several_rows=counts["ids_in_several_rows"],
        name_conflicts=counts["name_conflicts"],
        birth_date_conflicts=counts["birth_date_conflicts"],
    )
    f = figures
    summary = (
        f"{f['photos_in_tables']:,} of {f['photos_with_id']:,} photos named with an ID show a person found "
        f"in the tables ({pct(f['photos_in_tables'], f['photos_with_id'])}); {f['detained_with_photo']:,} of "
        f"{f['detained']:,} detainees have a photo ({pct(f['detained_with_photo'], f['detained'])}); "
        f"of {counts['ids_in_several_rows']:,} ID numbers in several rows, {counts['name_conflicts']} carry "
        f"different names and {counts['birth_date_conflicts']} different birth dates"
    )
    conflicted = counts["name_conflicts"] + counts["birth_date_conflicts"]
    chart = {
        "title": "Photos and lists",
        "bars": [
            ["photos found in the tables", f["photos_in_tables"]],
            ["photos not in any table", f["photos_with_id"] - f["photos_in_tables"]],
            ["detainees with a photo", f["detained_with_photo"]],
            ["detainees without", f["detained"] - f["detained_with_photo"]],
        ],
    }
    return Result(
        status_of(findings, counts["ids_in_several_rows"], conflicted), summary, findings, figures, chart
    )


CHECK = Check("consistency", "Cross-file consistency", 1, run)
