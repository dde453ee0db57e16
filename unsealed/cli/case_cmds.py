"""Commands that build and inspect a case: ingest, status, show, fsck."""

from __future__ import annotations

import sys

from unsealed.cli.output import add_case, add_json, human_bytes, print_json


def register(sub) -> None:
    p = sub.add_parser("ingest", help="preserve, identify and read every file under PATH(s)",
                       description="Store every original (content-addressed), open every file and archive "
                                   "member, extract text, metadata and tables, and update the search index. "
                                   "Safe to re-run: unchanged files are skipped, an interrupted run resumes.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to ingest")
    add_case(p)
    p.add_argument("--workers", type=int, default=0,
                   help="worker processes (default: one per core, fewer when free memory is short)")
    p.add_argument("--password", action="append", default=[], metavar="PW",
                   help="password for encrypted archives and documents (repeat for several)")
    p.add_argument("--ocr", choices=("auto", "always", "never"), default="auto",
                   help="OCR scanned pages and images with text: auto (pages without a text layer, images that "
                        "hold text; the default), always (every page and image), never")
    p.add_argument("--ocr-lang", default="chi_sim+uig+eng", metavar="LANGS",
                   help="OCR languages, Tesseract codes joined by + (default chi_sim+uig+eng)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S",
                   help="seconds allowed to read one file before it is recorded as timed out (default 300)")
    add_json(p)
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser("status", help="what the case holds: counts by type, failures by reason")
    add_case(p)
    add_json(p)
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("show", help="one item: metadata, provenance, text by page, table preview")
    p.add_argument("item", metavar="ITEM", help="item id or logical path")
    add_case(p)
    p.add_argument("--rows", type=int, default=20, help="table rows to show (default 20)")
    add_json(p)
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("fsck", help="re-hash every stored original; exit 1 if any is missing or altered")
    add_case(p)
    add_json(p)
    p.set_defaults(handler=cmd_fsck)


def cmd_ingest(args) -> int:
    from unsealed.cli import UserError
    from unsealed.extract.base import Limits
    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.ingest.walk import resolve_roots
    from unsealed.store.case import Case

    resolve_roots(args.paths)  # a missing path is an error before the case is created
    if args.workers < 0:
        raise UserError("--workers must be 0 (one per core, as memory allows) or more")
    from unsealed.ocr import OcrOptions

    try:
        ocr = OcrOptions(mode=args.ocr, langs=args.ocr_lang)
        if ocr.mode != "never":
            ocr.check()
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    with Case.open(args.case, create=True) as case:
        summary = ingest(case, args.paths, IngestOptions(workers=args.workers, passwords=tuple(args.password),
                                                         limits=Limits(seconds=args.timeout), ocr=ocr))
    if args.json:
        print_json(summary.as_dict())
    else:
        s = summary
        rate = s.files / s.seconds if s.seconds else 0
        print(f"{s.files} items ({s.new} new, {s.skipped} skipped as unchanged, {s.duplicates} duplicates, "
              f"{s.failed} could not be read) from {human_bytes(s.bytes)} in {s.seconds:.1f} s "
              f"({rate:.0f} items/s)")
        if s.failed:
            print("  see why with: unsealed status" + (f" --case {args.case}" if args.case else ""))
    return 0


def cmd_status(args) -> int:
    from unsealed.store.case import Case
    from unsealed.store.inspect import status

    with Case.open(args.case, readonly=True) as case:
        st = status(case)
    if args.json:
        print_json(st)
        return 0
    print(f"case {st['case']}: {st['items']} items, {st['blobs']} distinct originals "
          f"({human_bytes(st['bytes'])}), {st['duplicates']} duplicate copies")
    for fam, n in st["by_type"].items():
        print(f"  {fam:<8} {n}")
    if st["failures"]:
        print(f"{st['failed']} items could not be read (originals preserved):")
        for reason, g in sorted(st["failures"].items(), key=lambda kv: -kv[1]["count"]):
            print(f"  {g['count']:>6}  {reason}")
            for ex in g["examples"][:2]:
                print(f"          e.g. {ex}")
    last = st["last_ingest"]
    if last:
        print(f"last ingest: {last['started']} → {last['finished'] or 'did not finish'}")
    return 0


def cmd_show(args) -> int:
    from unsealed.cli import UserError
    from unsealed.store.case import Case
    from unsealed.store.inspect import show

    with Case.open(args.case, readonly=True) as case:
        item = show(case, args.item, max_rows=args.rows)
    if item is None:
        raise UserError(f"no item {args.item!r} in this case: give an item id or a logical path "
                        "(see 'unsealed search' or 'unsealed status')")
    if args.json:
        print_json(item)
        return 0
    _print_item(item)
    return 0


def _print_item(item: dict) -> None:
    print(f"[{item['id']}] {item['path']}")
    print(f"  type      {item.get('kind', '?')} ({item.get('mime', '?')})"
          + ("  — extension disagrees with content" if item["ext_mismatch"] else ""))
    print(f"  sha256    {item['sha256']}\n  size      {human_bytes(item['size'])}")
    ex = item.get("extraction")
    status, error = (item["status"], item["error"]) if item["status"] != "ok" or not ex else (ex["status"],
                                                                                              ex["error"])
    print(f"  status    {status}" + (f": {error}" if error else ""))
    print("  from      " + " ← ".join(
        [item["path"]] + [c.get("path") or f"source {c.get('source_root')}" for c in item["provenance"]]))
    if item.get("duplicates"):
        print(f"  same content also at: {', '.join(item['duplicates'][:5])}")
    for key, value in sorted((item.get("metadata") or {}).items()):
        print(f"  {key:<24} {value}")
    for page in item.get("pages", []):
        if not page["text"].strip():
            continue  # a scanned page's empty text layer: its OCR text is shown
        label = f"page {page['number']}" + (" (OCR)" if page["source"] == "ocr" else "")
        print(f"--- {label} ---")
        print(page["text"][:4000])
    if item.get("rows"):
        print("--- table preview ---")
        for row in item["rows"]:
            print(f"  {row['sheet']}:{row['row']}  " + " | ".join(row["cells"]))
    for child in item.get("children", [])[:50]:
        print(f"  member [{child['id']}] {child['path']}" + (f"  ({child['error']})" if child["error"] else ""))


def cmd_fsck(args) -> int:
    from unsealed.store.case import Case
    from unsealed.store.fsck import fsck

    with Case.open(args.case, readonly=True) as case:
        report = fsck(case)
    if args.json:
        print_json(report)
    else:
        print(f"{report['checked']} originals re-hashed: {report['ok']} intact")
        for m in report["missing"]:
            print(f"  MISSING  {m['sha256']}  {', '.join(m['paths'][:3])}", file=sys.stdout)
        for m in report["mismatch"]:
            print(f"  ALTERED  {m['sha256']} now hashes to {m['actual']}  {', '.join(m['paths'][:3])}")
    return 1 if report["missing"] or report["mismatch"] else 0
