"""Commands about people: ``people`` (a filtered list) and ``person`` (one card, every value's source)."""

from __future__ import annotations

from unsealed.cli.output import add_case, add_json, print_json

FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "ethnicity",
    "address",
    "reason",
    "status",
    "sentence",
    "facility",
    "building",
    "cell",
    "detention_date",
)
SHOW_SOURCES = 5

DETAINED_HELP = (
    "only people named in a detention list (a person table with a detention date, status, sentence, facility "
    "or cell column, not a staff roster) in a row giving one of those"
)


def register(sub) -> None:
    p = sub.add_parser(
        "people",
        help="people found in the case's spreadsheets and photos",
        description="List the people resolved from every person table and photo: one row per "
        "person, however many files name them. The same valid ID number is the same "
        "person everywhere; see 'unsealed person' for every value and its source.",
    )
    add_case(p)
    p.add_argument("--detained", action="store_true", help=DETAINED_HELP)
    p.add_argument(
        "--minors",
        action="store_true",
        help="only people detained under 18 (age at detention derived from the ID's birth date and the "
        "detention date, or the photo date)",
    )
    p.add_argument(
        "--q",
        metavar="TEXT",
        help="a name in characters or pinyin (separators, spaces and tones ignored), "
        "or an ID number or its first digits",
    )
    p.add_argument("--limit", type=int, default=None, metavar="N", help="show at most N people")
    p.add_argument("--rebuild", action="store_true", help="rebuild the people tables from the catalog first")
    add_json(p)
    p.set_defaults(handler=cmd_people)

    p = sub.add_parser(
        "person",
        help="one person: every value with its source (file, sheet, row, column)",
        description="Show one person by person id (p...) or ID number (any way it is written), "
        "with every value each source gives, conflicts included, photos and relatives.",
    )
    p.add_argument("ref", metavar="ID_OR_NUMBER", help="person id (from 'unsealed people') or ID number")
    add_case(p)
    add_json(p)
    p.set_defaults(handler=cmd_person)


def _open(args, rebuild: bool = False):
    """The case, with its people tables (re)built first when asked, missing or older than the catalog."""
    import sys

    from unsealed.people import build_people
    from unsealed.people.schema import exists, is_current
    from unsealed.store.case import Case, CaseError

    case = Case.open(args.case, readonly=True)
    built = exists(case.conn)
    if not rebuild and not is_current(case.conn):
        rebuild = True
        print("unsealed: " + ("the catalog changed; rebuilding" if built else "building")
              + " the people tables", file=sys.stderr)
    if rebuild:
        try:
            writable = Case.open(args.case)
        except CaseError:
            if not built:
                raise
            print("unsealed: the case is read-only; showing the people tables as last built", file=sys.stderr)
            return case
        case.close()
        case = writable
        build_people(case)
    return case


def cmd_people(args) -> int:
    from unsealed.cli import UserError
    from unsealed.people import list_people

    if args.limit is not None and args.limit < 0:
        raise UserError("--limit must be 0 or more")
    with _open(args, rebuild=args.rebuild) as case:
        result = list_people(case, detained=args.detained, minors=args.minors, q=args.q, limit=args.limit)
    if args.json:
        print_json(result)
        return 0
    _print_table(result)
    return 0


def _print_table(result: dict) -> None:
    people = result["people"]
    if not people:
        print("no people match" if result["total"] or result.get("built") else "no people in this case")
        return
    print(
        f"{'ID NUMBER':<18}  {'NAME':<16}  {'SEX':<3}  {'BORN':<10}  {'DET':<3}  {'AGE':>3}  "
        f"{'PHOTOS':>6}  {'RELS':>4}  {'SOURCES':>7}  PERSON"
    )
    for p in people:
        name = p["name"] or "(no name)"
        pad = 16 - _width(name) + len(name)
        sex = {"male": "M", "female": "F"}.get(p["gender"] or "", "?")
        age = p["age_at_detention"] if p["age_at_detention"] is not None else ""
        known = [c for c in p["conflicts"] if c in FIELDS]
        number, born, det = p["id_number"] or "(none)", p["birth_date"] or "", "yes" if p["detained"] else ""
        print(
            f"{number:<18}  {name:<{max(pad, 1)}}  {sex:<3}  {born:<10}  {det:<3}  {age!s:>3}  "
            f"{len(p['photos']):>6}  {len(p['relatives']):>4}  {len(p['sources']):>7}  {p['id']}"
            + ("  ⚠ " + ",".join(known) if known else "")
        )
    shown, total = len(people), result["total"]
    print(f"{shown} of {total} people" if shown < total else f"{total} people")
    if result.get("unlinked_photos"):
        print(f"{len(result['unlinked_photos'])} photos show no ID number (unlinked); see --json")


def _width(text: str) -> int:
    """Terminal columns of a string (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cmd_person(args) -> int:
    from unsealed.cli import UserError
    from unsealed.people import get_person

    with _open(args) as case:
        person = get_person(case, args.ref)
    if person is None:
        raise UserError(
            f"no person {args.ref!r} in this case: give a person id or an ID number "
            "(see 'unsealed people --q TEXT')"
        )
    if args.json:
        print_json(person)
        return 0
    _print_card(person)
    return 0


def _where(src: dict) -> str:
    place = src["path"]
    if src.get("sheet"):
        place += f" [{src['sheet']}]"
    if src.get("row") is not None:
        place += f" row {src['row']}"
    if src.get("column"):
        place += f" col {src['column']}"
    if src.get("header"):
        place += f" ({src['header']})"
    return place


def _print_card(p: dict) -> None:
    sex = {"male": "male", "female": "female"}.get(p["gender"] or "", "unknown sex")
    print(f"{p['name'] or '(no name)'}  {p['id_number'] or '(no usable ID number)'}  [{p['id']}]")
    line = f"  {sex}, born {p['birth_date'] or 'unknown'}"
    if p["ethnicity"]:
        line += f", {p['ethnicity']}"
    if p["detained"]:
        line += (
            f"; detained{' ' + p['fields']['detention_date'] if p['fields'].get('detention_date') else ''}"
        )
        if p["age_at_detention"] is not None:
            line += f" aged {p['age_at_detention']} ({p['fields'].get('age_basis')})"
        if p["minor"]:
            line += ", a MINOR"
    print(line)
    print("values (⚠ = sources disagree):")
    for field, entries in p["values"].items():
        mark = "⚠" if field in p["conflicts"] else " "
        for entry in entries:
            basis = "" if entry["basis"] == "as written" else f"  [{entry['basis']}]"
            print(f" {mark} {field:<18} {entry['value']}{basis}")
            if entry["basis"] == "derived from the ID number":
                print(f"      ← the ID number in {len(entry['sources'])} source(s)")
                continue
            for src in entry["sources"][:SHOW_SOURCES]:
                raw = f"  written {src['raw']!r}" if src.get("raw") and src["raw"] != entry["value"] else ""
                print(f"      ← {_where(src)}{raw}")
            if len(entry["sources"]) > SHOW_SOURCES:
                print(f"      ← ... and {len(entry['sources']) - SHOW_SOURCES} more (see --json)")
    if p["photo_links"]:
        print("photos:")
        for link in p["photo_links"]:
            print(
                f"  {link['path']}  (ID in {link['basis']}"
                + (f", taken {link['taken']})" if link["taken"] else ")")
            )
    if p["relations"]:
        print("relatives:")
        for r in p["relations"]:
            print(
                f"  {r['relation']:<6} {r['name'] or '(no name)'}  {r['id_number'] or ''}  [{r['id']}]"
                f"  ← {_where(r)}" + ("" if r["basis"] == "as written" else f" ({r['basis']})")
            )
