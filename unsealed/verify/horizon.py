"""Check 9, date horizon: the latest date anywhere in the cache, and what lies beyond the horizon.

Dates are read from extraction metadata (document times, EXIF times), the times archives record
for their members, sheet cells and page text. File-system times of the files as given are left
out: they belong to the copy, not to the cache, and would change with every download.

The expected horizon is ``--horizon`` or the cache's dominant horizon: the last day of the latest
year holding at least ``DOMINANT_SHARE`` of the dated items (counting each item once, by its
latest timestamp). Leaks are described that way ("nothing dated after the end of 2018"), and a
few late items cannot move it. Timestamps and detention dates beyond it are warnings; other
dates in text and cells are information (a text may name a future date: a plan, a sentence's end).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter

from unsealed.records import dates
from unsealed.verify.base import INFO, WARN, Check, Context, Finding, Result, id_in_path, status_of

DOMINANT_SHARE = 0.05
MAX_YEAR = 2100
NO_HORIZON = dt.date(MAX_YEAR - 1, 12, 31)  # nothing is dated: nothing can be after the horizon
_TEXT_DATE = re.compile(
    r"(?<![0-9])((?:19|20)[0-9]{2})\s*(?:年\s*([01]?[0-9])\s*月\s*([0-3]?[0-9])\s*日|"
    r"[-/.]([01]?[0-9])[-/.]([0-3]?[0-9])(?![0-9]))"
)
_CELL = re.compile(r"^[0-9０-９]{4}")


def timestamp_keys(meta: dict) -> list[tuple[str, dt.datetime]]:
    """(key, time) for every timestamp in an item's metadata."""
    out = []
    for key, value in meta.items():
        if not isinstance(value, str) or not (
            key in ("created", "modified", "date", "printed", "last_printed")
            or key.startswith("exif_datetime")
            or key.endswith("_date")
        ):
            continue
        t = dates.parse_datetime(value)
        if t is not None and 1900 < t.year < MAX_YEAR:
            out.append((key, t))
    return out


def _item_times(ctx: Context) -> list[tuple[str, str, dt.datetime, str]]:
    """(path, field, time, raw) for every timestamp of every item, member times included (read once)."""
    cached = ctx.__dict__.get("_horizon_item_times")
    if cached is not None:
        return cached
    out = []
    for m in ctx.items:
        for key, t in timestamp_keys(m.metadata):
            out.append((m.path, key, t, m.metadata[key]))
        if m.depth > 0 and m.modified:
            t = dates.parse_datetime(m.modified)
            if t is not None and 1900 < t.year < MAX_YEAR:
                out.append((m.path, "time recorded by the archive", t, m.modified))
    ctx.__dict__["_horizon_item_times"] = out
    return out


def dominant_horizon(ctx: Context) -> dt.date:
    """The last day of the latest year holding at least DOMINANT_SHARE of the dated items."""
    latest: dict[str, dt.date] = {}
    for path, _key, t, _raw in _item_times(ctx):
        if path not in latest or t.date() > latest[path]:
            latest[path] = t.date()
    years = Counter(d.year for d in latest.values())
    total = sum(years.values())
    if not total:
        return NO_HORIZON
    year = max(y for y, n in years.items() if n / total >= DOMINANT_SHARE)
    return dt.date(year, 12, 31)


def horizon_basis(ctx: Context) -> str:
    """'given', 'dominant', or 'none' when no file carries a date (the horizon is then a far-off day)."""
    if ctx.given_horizon:
        return "given"
    return "none" if ctx.horizon == NO_HORIZON else "dominant"


def _text_dates(text: str):
    for m in _TEXT_DATE.finditer(unicodedata.normalize("NFKC", text)):
        y, mo, d = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
        try:
            yield dt.date(int(y), int(mo), int(d)), m.group(0)
        except ValueError:
            continue


def _page_dates(ctx: Context):
    """(path, where, date, as written) for dates in page text (OCR included), one item path per blob."""
    first = {}
    for m in ctx.items:
        first.setdefault(m.sha256, m.path)
    for sha, number, source, text in ctx.conn.execute("SELECT sha256, number, source, text FROM pages"):
        if sha in first and text:
            for day, raw in _text_dates(text):
                yield first[sha], f"page {number}" + (" (OCR)" if source == "ocr" else ""), day, raw


def _cell_dates(ctx: Context):
    """(path, sheet, row, date, as written) for every cell that is a full date."""
    first = {}
    for m in ctx.items:
        first.setdefault(m.sha256, m.path)
    for sha, sheet, number, cells in ctx.conn.execute("SELECT sha256, sheet, number, cells FROM table_rows"):
        if sha not in first or not any(c.isdigit() for c in cells[:200]):
            continue
        try:
            values = json.loads(cells)
        except ValueError:
            continue
        for cell in values if isinstance(values, list) else ():
            if isinstance(cell, str) and 6 <= len(cell) <= 24 and _CELL.match(cell):
                day = dates.parse_date(cell)
                if day is not None and 1900 < day.year < MAX_YEAR:
                    yield first[sha], sheet or None, number, day, cell


def run(ctx: Context) -> Result:
    horizon = ctx.horizon
    basis = {"given": "given", "dominant": "the cache's dominant horizon"}.get(
        horizon_basis(ctx), "no dated file"
    )
    findings: list[Finding] = []
    latest: dict[str, tuple] = {}  # source kind -> (date, path, where)

    def note(kind: str, day: dt.date, path: str, where: str) -> None:
        if kind not in latest or (day, path) > latest[kind][:2]:
            latest[kind] = (day, path, where)

    late_items: dict[str, list[tuple[dt.datetime, str, str]]] = {}
    for path, key, t, raw in _item_times(ctx):
        note("metadata", t.date(), path, key)
        if t.date() > horizon:
            late_items.setdefault(path, []).append((t, key, raw))
    for path, entries in sorted(late_items.items()):
        t, key, raw = max(entries)
        findings.append(
            Finding(
                "timestamp_after_horizon",
                WARN,
                f"{key} {raw} is after the horizon {horizon}"
                + (f" ({len(entries)} timestamps)" if len(entries) > 1 else ""),
                path=path,
                id_number=id_in_path(path),
                values={"field": key, "value": raw, "horizon": horizon.isoformat()},
            )
        )
    detention = {
        (r.path, r.sheet, r.row)
        for r in ctx.records
        for raw, _h in r.cells.get("detention_date", [])
        if (d := dates.parse_date(raw, serials=True)) and d > horizon
    }
    late_cells: dict[tuple, tuple[dt.date, str]] = {}
    for path, sheet, row, day, raw in _cell_dates(ctx):
        note("sheet cells", day, path, f"{sheet or ''} row {row}".strip())
        if day > horizon and (path, sheet, row) not in late_cells:
            late_cells[(path, sheet, row)] = (day, raw)
    for (path, sheet, row), (_day, raw) in sorted(
        late_cells.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])
    ):
        severe = (path, sheet, row) in detention
        findings.append(
            Finding(
                "cell_after_horizon",
                WARN if severe else INFO,
                f"{'detention date' if severe else 'cell'} {raw} is after the horizon {horizon}",
                path=path,
                sheet=sheet,
                row=row,
                values={"value": raw, "horizon": horizon.isoformat()},
            )
        )
    late_text: dict[str, tuple[dt.date, str, str]] = {}
    for path, where, day, raw in _page_dates(ctx):
        note("text", day, path, where)
        if day > horizon and (path not in late_text or day > late_text[path][0]):
            late_text[path] = (day, where, raw)
    for path, (_day, where, raw) in sorted(late_text.items()):
        findings.append(
            Finding(
                "text_after_horizon",
                INFO,
                f"{where} mentions {raw}, after the horizon {horizon}",
                path=path,
                values={"value": raw, "where": where, "horizon": horizon.isoformat()},
            )
        )
    overall = max(latest.values(), default=None)
    counts = Counter(f.kind for f in findings)
    summary = (
        f"expected horizon {horizon} ({basis}); latest date anywhere: "
        + (f"{overall[0]} ({overall[2]}, {overall[1]})" if overall else "none found")
        + f"; beyond the horizon: {counts['timestamp_after_horizon']} items' timestamps, "
        f"{counts['cell_after_horizon']} sheet rows, {counts['text_after_horizon']} texts"
    )
    figures = {
        "horizon": horizon.isoformat(),
        "horizon_basis": basis,
        "latest": {
            k: {"date": v[0].isoformat(), "path": v[1], "where": v[2]} for k, v in sorted(latest.items())
        },
        "timestamps_after": counts["timestamp_after_horizon"],
        "cells_after": counts["cell_after_horizon"],
        "texts_after": counts["text_after_horizon"],
    }
    years = Counter()
    for _path, _key, t, _raw in _item_times(ctx):
        years[t.year] += 1
    chart = {"title": "Timestamps by year", "bars": [[str(y), n] for y, n in sorted(years.items())]}
    return Result(status_of(findings), summary, findings, figures, chart)


CHECK = Check("horizon", "Date horizon", 1, run)
