"""Commands for the story's figures: ``stats`` (numbers, drill-down, charts) and ``mosaic`` (all faces)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from unsealed.cli.output import add_case, add_json, print_json

SHOW_PARTS = 12


def register(sub) -> None:
    p = sub.add_parser(
        "stats", help="the figures a reporter would quote, each with its definition and evidence",
        description="People, detained, photographed, minors at detention, youngest and oldest, ages, gender, "
        "ethnicity, reasons, sentences, facilities, detentions and photos by month, documents by type and "
        "year. Every figure is printed with its definition; --explain lists the persons or files behind it.")
    add_case(p)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--explain", metavar="FIGURE[:KEY]",
                      help="list the persons or files behind one figure (e.g. detained, minors_at_detention, "
                      "detained:female, reasons:宗教极端, detentions_by_month:2018-03), each with its sources")
    what.add_argument("--charts", metavar="DIR", type=Path,
                      help="write PNG and SVG charts (age pyramid, detentions and photos by month, reasons, "
                      "sentences, facilities) into DIR")
    add_json(p)
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser(
        "mosaic", help="one image of every photographed person's face, with a clickable map",
        description="Tile one photo per photographed person (the earliest taken) into one image, in a stable "
        "order, and write beside it NAME.html (an image map linking each tile to the person) and NAME.json "
        "(every tile's person, ID number, photo and position).")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the composite image (.jpg or .png)")
    add_case(p)
    p.add_argument("--detained", action="store_true", help="only persons counted as detained")
    p.add_argument("--tile", type=int, default=64, metavar="PX", help="tile width in pixels (height is 4/3 of it)")
    p.add_argument("--cols", type=int, default=None, metavar="N", help="tiles per row (default: a square image)")
    p.add_argument("--link", default="people/{person_id}.html", metavar="PATTERN",
                   help="where each tile links, relative to the HTML: {person_id} and {id_number} are filled in "
                   "(default people/{person_id}.html)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N persons in mosaic order")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="decoding processes (default 2)")
    add_json(p)
    p.set_defaults(handler=cmd_mosaic)


def _case(args):
    from unsealed.cli.people_cmds import _open  # builds or refreshes the people tables when needed

    return _open(args)


def cmd_stats(args) -> int:
    from unsealed.cli import UserError
    from unsealed.figures import compute_stats, explain_figure, write_charts
    from unsealed.figures.charts import ChartError
    from unsealed.figures.explain import UnknownFigure

    with _case(args) as case:
        if args.explain:
            try:
                result = explain_figure(case, args.explain)
            except UnknownFigure as exc:
                raise UserError(str(exc)) from exc
            if args.json:
                print_json(result)
            else:
                _print_explain(result)
            return 0
        stats = compute_stats(case)
    if args.charts:
        try:
            drawn = write_charts(stats, args.charts)
        except ChartError as exc:
            raise UserError(str(exc)) from exc
        for warning in drawn["warnings"]:
            print(f"unsealed stats: {warning}", file=sys.stderr)
        if args.json:
            print_json(drawn)
        else:
            print(f"{len(drawn['files'])} chart files in {args.charts}" + (f" (font {drawn['font']})"
                                                                        if drawn["font"] else ""))
            for path in drawn["files"]:
                print(f"  {path}")
        return 0
    if args.json:
        print_json(stats)
    else:
        _print_stats(stats)
    return 0


def _num(value) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value}"


def _wrap(text: str, indent: str = "      ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def _print_stats(stats: dict) -> None:
    if not stats["built"]:
        print("the people tables are not built: ingest files first ('unsealed ingest PATH')")
    for f in stats["figures"]:
        unit = f" {f['unit']}" if f["unit"] != "persons" or f["value"] is None else ""
        print(f"{f['title']:<34} {_num(f['value']):>9}{unit}   [{f['id']}]")
        print(_wrap(f["definition"]))
        if f["id"] in ("youngest_age", "oldest_age"):
            for p in f.get("persons", []):
                src = p.get("sources") or [{}]
                print(f"      {p['id_number'] or p['person']} {p['name']} ({p['gender'] or '?'}), born "
                      f"{p['birth_date']}, detained {p['detention_date'] or '(photo date)'} ← {_where(src[0])}")
            continue
        parts = f["breakdown"]
        if parts:
            shown = "; ".join(f"{b['key']} {_num(b['value'])}" for b in parts[:SHOW_PARTS])
            more = f"; … {len(parts) - SHOW_PARTS} more (see --json)" if len(parts) > SHOW_PARTS else ""
            print(_wrap(f"by {f['dimension']}: {shown}{more}" + (f"; unknown {_num(f['unknown'])}"
                                                                    if f.get("unknown") else "")))
        summary = f.get("summary")
        if summary:
            print(_wrap(", ".join(f"{k.replace('_', ' ')} " + (
                "(" + ", ".join(f"{kk} {_num(vv)}" for kk, vv in v.items()) + ")" if isinstance(v, dict) else _num(v))
                for k, v in summary.items())))


def _where(src: dict) -> str:
    if not src:
        return "(no source recorded)"
    place = src.get("path", "")
    if src.get("sheet"):
        place += f" [{src['sheet']}]"
    if src.get("row") is not None:
        place += f" row {src['row']}"
    if src.get("column"):
        place += f" col {src['column']}"
    if src.get("header") and src["header"] != "derived":
        place += f" ({src['header']})"
    if src.get("raw") not in (None, "") and src.get("header") != "derived":
        place += f": {src['raw']}"
    if src.get("taken"):
        place += f" taken {src['taken']}"
    return place


def _print_explain(result: dict) -> None:
    key = f" — {result['key']}" if result["key"] else ""
    print(f"{result['title']}{key}: {result['value']:,}")
    print(_wrap(result["definition"], ""))
    for row in result["rows"]:
        if "person" in row:
            print(f"{row['id_number'] or row['person']}  {row['name'] or '(no name)'}  {row.get('value', '')}"
                  + (f"  «{row['wording']}»" if row.get("wording") else ""))
            for src in row["sources"]:
                print(f"    ← {_where(src)}")
        else:
            print(f"[{row['item']}] {row['path']}  " + "  ".join(
                f"{k}={v}" for k, v in row.items() if k not in ("item", "path", "persons") and v is not None))
            for p in row.get("persons", []):
                print(f"    shows {p['id_number'] or p['person']}")


def cmd_mosaic(args) -> int:
    from unsealed.cli import UserError
    from unsealed.figures import make_mosaic
    from unsealed.figures.mosaic import MosaicError

    if args.workers < 0:
        raise UserError("--workers must be 0 or more")

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total} photos", end="", file=sys.stderr, flush=True)

    with _case(args) as case:
        try:
            result = make_mosaic(case, args.out, detained=args.detained, tile=args.tile, cols=args.cols,
                                 link=args.link, limit=args.limit, workers=args.workers, progress=progress)
        except MosaicError as exc:
            raise UserError(str(exc)) from exc
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print_json(result)
        return 0
    print(f"{result['count']} faces in {result['width']} x {result['height']} px ({result['cols']} per row) "
          f"in {result['seconds']} s")
    for kind, path in result["files"].items():
        print(f"  {kind:<5} {path}")
    for s in result["skipped"]:
        print(f"  skipped {s['id_number'] or s['person']}: {'; '.join(s['errors'])}")
    return 0
