"""Commands that search the case: search, reindex."""

from __future__ import annotations

import html
import re

from unsealed.cli.output import add_case, add_json, print_json

TYPES = "pdf|image|sheet|doc|email|archive|text|html"


def register(sub) -> None:
    p = sub.add_parser("search", help="search the case in Chinese, Uyghur and English",
                       description='Search text, OCR and spreadsheet rows. Chinese needs no spaces; '
                                   '"exact phrases", OR, NOT or -word, prefix*, and fields name:, path:, type: '
                                   'work as in a web search engine.')
    p.add_argument("query", metavar="QUERY")
    add_case(p)
    p.add_argument("--type", help=f"only this type ({TYPES}) or kind (jpeg, docx, ...)")
    p.add_argument("--path", metavar="GLOB", help="only logical paths matching this glob, e.g. 'photos.zip/*'")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="only documents dated from DATE (YYYY[-MM-DD])")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="only documents dated up to DATE (YYYY[-MM-DD])")
    p.add_argument("--limit", type=int, default=20, help="hits to show (default 20)")
    p.add_argument("--offset", type=int, default=0, help="hits to skip, for paging")
    add_json(p)
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("reindex", help="rebuild the search index from the catalog")
    add_case(p)
    p.set_defaults(handler=cmd_reindex)


def cmd_search(args) -> int:
    from unsealed.cli import UserError
    from unsealed.search import SearchError, search
    from unsealed.store.case import Case

    with Case.open(args.case, readonly=False) as case:
        try:
            result = search(case, args.query, type=args.type, path=args.path, date_from=args.date_from,
                            date_to=args.date_to, limit=args.limit, offset=args.offset)
        except SearchError as exc:
            raise UserError(str(exc)) from exc
    if args.json:
        print_json(result)
        return 0
    total = result["total"]
    shown = len(result["hits"])
    print(f"{total} hit{'s' if total != 1 else ''}" + (f", showing {args.offset + 1}–{args.offset + shown}"
                                                          if shown else ""))
    for hit in result["hits"]:
        where = ""
        if hit.get("sheet") is not None or hit.get("row") is not None:
            where = f"  sheet {hit.get('sheet') or '-'} row {hit.get('row')}"
        elif hit.get("page"):
            where = f"  page {hit['page']}"
        ocr = " (OCR)" if hit.get("ocr") else ""
        print(f"[{hit['id']}] {hit['path']}{where}{ocr}  · {hit['type']} · {hit['score']:.2f}")
        print(f"    {_terminal_snippet(hit['snippet'])}")
    facets = result.get("facets") or {}
    for name in ("type", "year", "folder"):
        counts = facets.get(name) or {}
        if counts:
            print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in list(counts.items())[:8]))
    return 0


def _terminal_snippet(snippet: str) -> str:
    """Turn the HTML snippet into terminal text, matches in bold when it is a terminal."""
    import sys

    on, off = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("»", "«")
    text = snippet.replace("<mark>", on).replace("</mark>", off)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\n", " ")


def cmd_reindex(args) -> int:
    from unsealed.cli import UserError
    from unsealed.search import SearchError, rebuild_index
    from unsealed.store.case import Case

    with Case.open(args.case) as case:
        try:
            n = rebuild_index(case)
        except SearchError as exc:
            raise UserError(str(exc)) from exc
    print(f"search index rebuilt: {n} documents (pages, table rows and one per file)")
    return 0
