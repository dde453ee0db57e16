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
    print(f"1. writing a synthetic police-files cache of {args.people} invented people to {out} ...")
    result = _synthesize(out, args.people, seed=1)
    print(f"   {result.files} files in {result.seconds:.1f} s; the known truth is in {result.truth_path}")
    print(f"2. ingesting it into the case {case_dir} ...")
    with Case.open(case_dir, create=True) as case:
        summary = ingest(case, [result.cache], IngestOptions())
        st = status(case)
    print(f"   {summary.files} items ({summary.duplicates} duplicates, {summary.failed} unreadable, each with its "
          f"reason) from {human_bytes(summary.bytes)} in {summary.seconds:.1f} s")
    print("   by type: " + ", ".join(f"{k} {v}" for k, v in st["by_type"].items()))
    case_opt = f" --case {case_dir}" if args.case else ""
    print("\nWhat to look at next:")
    print(f"  unsealed status{case_opt}                 what the case holds, and why some files could not be read")
    print(f"  unsealed search 收押{case_opt}             search in Chinese (no spaces needed), Uyghur or English")
    print(f"  unsealed search 653121{case_opt}           every ID number from Shufu county (prefix search)")
    print(f"  unsealed show ITEM{case_opt}               one file: metadata, where it came from, its text")
    print(f"  unsealed fsck{case_opt}                    re-hash every preserved original")
    return 0
