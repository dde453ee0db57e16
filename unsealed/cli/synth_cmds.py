"""Commands that make a synthetic police-files cache: synth, demo."""

from __future__ import annotations

from pathlib import Path

from unsealed.cli.output import add_case, human_bytes


def register(sub) -> None:
    p = sub.add_parser("synth", help="write a synthetic police-files cache with its known truth",
                       description="Write DIR/cache/ (photos, spreadsheets, documents, archives shaped like the "
                                   "Xinjiang Police Files, every person invented) and DIR/truth.json.")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--people", type=int, default=500, help="persons to invent (default 500)")
    p.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    p.set_defaults(handler=cmd_synth)

    p = sub.add_parser("demo", help="synthesise a small cache, ingest it and show what to look at next")
    add_case(p)
    p.add_argument("--people", type=int, default=300, help="persons in the synthetic cache (default 300)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="where to write the synthetic cache (default: beside the case, in demo-cache/)")
    p.add_argument("--port", type=int, default=8000, help="port of the web workbench (default 8000)")
    p.add_argument("--no-serve", action="store_true", help="stop after the ingest; do not start the workbench")
    p.set_defaults(handler=cmd_demo)


def _synthesize(out: Path, people: int, seed: int):
    from unsealed.ingest.progress import Progress
    from unsealed.synth import synthesize

    bar = Progress("synth", unit="file")
    last = [0]

    def progress(done: int, total: int) -> None:
        if bar._bar is not None and bar._bar.total != total:
            bar.add_total(total - (bar._bar.total or 0))
        bar.update(done - last[0])
        last[0] = done

    try:
        return synthesize(out, people=people, seed=seed, progress=progress)
    finally:
        bar.close()


def _same_demo_cache(truth_path: Path, people: int) -> bool:
    """True when a previous demo wrote this very cache (same generator, seed and size): reuse it."""
    import json

    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return truth.get("generator") == "unsealed.synth" and truth.get("seed") == 1 and \
        len(truth.get("persons", ())) == people


def cmd_synth(args) -> int:
    from unsealed.cli import UserError

    if args.people < 10:
        raise UserError("--people must be at least 10")
    result = _synthesize(args.out, args.people, args.seed)
    print(f"wrote {result.files} files to {result.cache} and the truth to {result.truth_path} "
          f"in {result.seconds:.1f} s")
    print(f"next: unsealed ingest {result.cache}")
    return 0


def cmd_demo(args) -> int:
    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.store.case import Case, default_case_dir
    from unsealed.store.inspect import status

    case_dir = args.case or default_case_dir()
    out = args.out or case_dir.parent / "demo-cache"
    truth_path = out / "truth.json"
    if _same_demo_cache(truth_path, args.people):
        print(f"1. using the synthetic cache of {args.people} invented people already in {out}")
        cache = out / "cache"
    else:
        print(f"1. writing a synthetic police-files cache of {args.people} invented people to {out} ...")
        result = _synthesize(out, args.people, seed=1)
        cache = result.cache
        print(f"   {result.files} files in {result.seconds:.1f} s; the known truth is in {truth_path}")
    print(f"2. ingesting it into the case {case_dir} ...")
    with Case.open(case_dir, create=True) as case:
        summary = ingest(case, [cache], IngestOptions())
        st = status(case)
    print(f"   {summary.files} items ({summary.duplicates} duplicates, {summary.failed} unreadable, each with its "
          f"reason) from {human_bytes(summary.bytes)} in {summary.seconds:.1f} s")
    print("   by type: " + ", ".join(f"{k} {v}" for k, v in st["by_type"].items()))
    with Case.open(case_dir) as case:
        people = case.conn.execute("SELECT COUNT(*), SUM(detained) FROM persons").fetchone()
    print(f"   {people[0]} persons resolved from the tables and photos, {people[1] or 0} of them detained")
    case_opt = f" --case {case_dir}" if args.case else ""
    print("\nWhat to look at next (in another terminal):")
    for cmd, what in (
        ("status", "what the case holds, and why some files could not be read"),
        ("search 收押", "search in Chinese (no spaces needed), Uyghur or English"),
        ("search 653121", "every ID number from Shufu county (prefix search)"),
        ("people --minors", "the detained minors, each value with its source"),
        ("stats", "the story's figures; --explain FIGURE lists the rows behind one"),
        ("verify --html report.html", "the authenticity report anyone can re-run"),
        ("publish --out site", "a redacted public archive (ID numbers masked)"),
        ("fsck", "re-hash every preserved original"),
    ):
        print(f"  unsealed {cmd}{case_opt}".ljust(44) + what)
    print(f"  (the known truth of this invented cache is in {truth_path})")
    if args.no_serve:
        return 0
    from unsealed.cli import UserError
    from unsealed.web import demo_login, port_problem, serve

    if problem := port_problem("127.0.0.1", args.port):
        raise UserError(f"{problem} (e.g. --port 8001), or skip the workbench with --no-serve")
    user, password = demo_login(case_dir)
    print(f"\n3. the web workbench: log in as {user!r} with the password {password}")
    serve(case_dir, host="127.0.0.1", port=args.port, open_browser=True)
    return 0
