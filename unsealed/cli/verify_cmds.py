"""The ``verify`` command: a reproducible authenticity report (text, ``--json`` or ``--html FILE``)."""

from __future__ import annotations

import sys
from pathlib import Path

from unsealed.cli.output import add_case, add_json, print_json

SHOW = 5  # findings printed per check in the text output


def register(sub) -> None:
    p = sub.add_parser(
        "verify",
        help="authenticity checks with evidence: IDs, genders, ages, photo times, editing, metadata, "
        "duplicates, consistency, date horizon",
        description="Run every authenticity check on an ingested case and report each one's status "
        "(pass / warn / fail), a summary with counts, and the findings with their evidence "
        "(item path, ID number, sheet, row). The report starts with a manifest (versions, the "
        "SHA-256 of every original) and a digest: anyone running it on the same cache gets the "
        "same digest. Exit status 1 when a check fails.",
    )
    add_case(p)
    p.add_argument(
        "--horizon",
        metavar="YYYY-MM-DD",
        help="expected horizon: dates after it are findings (default: the cache's dominant horizon, "
        "the end of the latest year holding a real share of its dated files)",
    )
    p.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="ID",
        help="run only this check (repeat for several): checksums, gender, ages, photo_times, "
        "editing, doc_metadata, duplicates, consistency, horizon",
    )
    p.add_argument("--html", type=Path, metavar="FILE", help="also write a self-contained HTML page to FILE")
    add_json(p)
    p.set_defaults(handler=cmd_verify)


def _open_case(path):
    """The case, writable when possible (caches image hashes, refreshes people tables), else read-only."""
    from unsealed.store.case import Case, CaseError

    try:
        return Case.open(path)
    except CaseError as exc:
        if "not writable" not in str(exc):
            raise
        return Case.open(path, readonly=True)


def cmd_verify(args) -> int:
    from unsealed.cli import UserError
    from unsealed.verify import render_html, run_verify

    if args.html is not None and args.html.is_dir():
        raise UserError(f"--html {args.html} is a folder: give a file name, e.g. {args.html / 'report.html'}")
    with _open_case(args.case) as case:
        try:
            report = run_verify(
                case,
                horizon=args.horizon,
                checks=args.check or None,
                progress=lambda msg: print(msg, file=sys.stderr),
            )
        except ValueError as exc:
            raise UserError(str(exc)) from exc
    if args.html is not None:
        try:
            args.html.write_text(render_html(report), encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {args.html}: {exc.strerror}") from exc
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        print_json(report)
    else:
        _print(report)
    return 1 if report["manifest"]["status"] == "fail" else 0


def _print(report: dict) -> None:
    m = report["manifest"]
    horizon = f"{m['horizon']['date']} ({m['horizon']['basis']})"
    print(f"authenticity report: {m['status'].upper()}   horizon {horizon}")
    for c in report["checks"]:
        print(f"\n[{c['status'].upper():4}] {c['title']}\n       {c['summary']}")
        for f in c["findings"][:SHOW]:
            where = " ".join(
                str(x)
                for x in (f["path"], f["sheet"] and f"sheet {f['sheet']}", f["row"] and f"row {f['row']}")
                if x
            )
            print(f"       - {f['severity']}: {where}: {f['detail']}")
        if len(c["findings"]) > SHOW:
            print(f"       ... {len(c['findings']) - SHOW:,} more (see --json or --html)")
    print(f"\n{m['originals']['count']:,} originals hashed; report digest {m['digest']}")
