"""Commands that take a case out of the machine: ``publish`` (a redacted public site) and ``export`` (internal)."""

from __future__ import annotations

import sys
from pathlib import Path

from unsealed.cli.output import add_case, add_json, human_bytes, print_json

REDACT_HELP = (
    "comma-separated fields to redact, replacing the default set; 'default' stands for it "
    "(id_number,birth_date,address,phone). Also: photo, name, relatives, cell, documents. "
    "Example: --redact default,photo"
)


def register(sub) -> None:
    p = sub.add_parser(
        "publish",
        help="write a redacted public archive of the case as a static site",
        description="Write a static site (plain files: any web server, or opened from a folder or USB stick): "
        "a page per person, the composite of faces with clickable tiles, the figures with charts, the "
        "documents with their SHA-256, and a search by name, pinyin or (masked) ID number. Redacted by "
        "default: ID numbers masked to region code + birth year, birth dates cut to the year, addresses and "
        "phone numbers removed (also from free text and file paths); notes and audit data are never "
        "published. Original documents are published only when they hold no personal data.",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="folder to write the site to (new or empty, or a site written here before: it is replaced)")
    add_case(p)
    p.add_argument("--detained-only", action="store_true", help="publish only the people named in a detention list")
    p.add_argument("--redact", metavar="FIELDS", default=None, help=REDACT_HELP)
    p.add_argument("--no-redact", action="store_true",
                   help="redact nothing: full ID numbers, addresses, phone numbers, every original (never put such a "
                   "copy online)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="processes for photos (default 2)")
    add_json(p)
    p.set_defaults(handler=cmd_publish)

    p = sub.add_parser(
        "export",
        help="export the case for partners (FollowTheMoney for Aleph, CSV, JSON lines) - NOT redacted",
        description="Write the case to one file for partners. NOT REDACTED: the export holds full ID numbers, "
        "addresses and every source; it is internal and must not be published (use 'unsealed publish'). "
        "ftm: FollowTheMoney entities, one JSON object per line, for Aleph/OpenAleph ('ftm' tools, "
        "'alephclient write-entities'): Person, the files (Image, Table, Pages, PlainText, Package, ...) "
        "with SHA-1 contentHash, Family between relatives, Documentation linking files to the persons "
        "they name. csv / jsonl: one row or object per person with every source.",
    )
    p.add_argument("--format", choices=("ftm", "csv", "jsonl"), required=True, help="what to write")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="the file to write (replaced if present)")
    add_case(p)
    add_json(p)
    p.set_defaults(handler=cmd_export)


def _open_with_people(case_dir):
    """The case, with its people tables built first when they are missing or older than the catalog."""
    from unsealed.people import build_people
    from unsealed.people.schema import exists, is_current
    from unsealed.store.case import Case, CaseError

    case = Case.open(case_dir, readonly=True)
    if is_current(case.conn):
        return case
    try:
        writable = Case.open(case_dir)
    except CaseError:
        if not exists(case.conn):
            raise
        print("unsealed: the case is read-only; using the people tables as last built", file=sys.stderr)
        return case
    case.close()
    print("unsealed: building the people tables", file=sys.stderr)
    build_people(writable)
    return writable


def cmd_publish(args) -> int:
    from unsealed.cli import UserError
    from unsealed.publish import PublishError, parse_fields, publish_site
    from unsealed.publish.redact import DEFAULT

    try:
        fields = parse_fields(args.redact, args.no_redact)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if args.workers < 1:
        raise UserError("--workers must be 1 or more")
    dropped = sorted(DEFAULT - fields)
    if dropped and not args.no_redact:
        print("unsealed publish: warning: not redacting " + ", ".join(dropped) + " (add 'default' to --redact to keep "
              "the default redaction)", file=sys.stderr)
    if args.no_redact:
        print("unsealed publish: warning: --no-redact: this site holds full ID numbers, addresses and phone numbers; "
              "do not put it online", file=sys.stderr)
    show = (lambda step: print(f"publish: {step}", file=sys.stderr)) if sys.stderr.isatty() else None
    with _open_with_people(args.case) as case:
        try:
            result = publish_site(case, args.out, detained_only=args.detained_only, redact=fields,
                                  workers=args.workers, progress=show)
        except PublishError as exc:
            raise UserError(str(exc)) from exc
    if args.json:
        print_json(result)
        return 0
    print(f"wrote {result['out']}: {result['people']} people, {result['photos']} photos, "
          f"{result['documents_published']} of {result['documents']} documents published in full, "
          f"{result['files']} files, {human_bytes(result['bytes'])} in {result['seconds']} s")
    print("redacted: " + (", ".join(result["redacted"]) or "nothing"))
    for w in result["warnings"]:
        print(f"warning: {w}")
    if result["photos_failed"]:
        print(f"{len(result['photos_failed'])} photos could not be decoded and were left out (see --json)")
    print(f"open {Path(result['out']) / 'index.html'} in a browser, or serve the folder with any web server")
    return 0


def cmd_export(args) -> int:
    from unsealed.cli import UserError
    from unsealed.export import ExportError, export_case

    with _open_with_people(args.case) as case:
        try:
            result = export_case(case, args.format, args.out)
        except ExportError as exc:
            raise UserError(str(exc)) from exc
    if args.json:
        print_json(result)
        return 0
    parts = ", ".join(f"{n} {k}" for k, n in result["counts"].items())
    print(f"wrote {result['out']} ({args.format}, {human_bytes(result['bytes'])}): {parts}")
    print("NOT REDACTED: full ID numbers and addresses; internal use only, do not publish")
    return 0
