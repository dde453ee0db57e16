"""Export: the case for partners, as FollowTheMoney entities (Aleph/OpenAleph) or people as CSV/JSON lines.

``export_case(case, fmt, out)`` writes one file; ``fmt`` is ``ftm``, ``csv`` or ``jsonl``. The export
is internal and NOT redacted: it holds full ID numbers, addresses and every source. Use
``unsealed publish`` for anything public.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

FORMATS = ("ftm", "csv", "jsonl")


class ExportError(Exception):
    """The export cannot be written as asked; the message says what to do."""


def export_case(case, fmt: str, out: Path | str) -> dict:
    """Write the export to ``out`` (atomically: a temporary file renamed at the end); returns a summary."""
    from unsealed.people import schema as people_schema

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of " + ", ".join(FORMATS))
    if not people_schema.exists(case.conn):
        raise ExportError(f"the case has no people tables yet: run 'unsealed people --rebuild --case {case.root}'")
    out = Path(out)
    if out.is_dir():
        raise ExportError(f"{out} is a folder: give a file name for --out")
    started = time.perf_counter()
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
            if fmt == "ftm":
                from unsealed.export.ftm import write_ftm

                counts = write_ftm(case, fh)
            elif fmt == "csv":
                from unsealed.export.tabular import write_csv

                counts = {"people": write_csv(case, fh)}
            else:
                from unsealed.export.tabular import write_jsonl

                counts = {"people": write_jsonl(case, fh)}
        os.replace(tmp, out)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return {"out": str(out), "format": fmt, "counts": counts, "entities": sum(counts.values()),
            "bytes": out.stat().st_size, "redacted": False, "seconds": round(time.perf_counter() - started, 2)}


__all__ = ["FORMATS", "ExportError", "export_case"]
