"""Run every check and assemble the report: manifest (versions, every original's SHA-256), checks, digest.

The digest is the SHA-256 of the report in canonical JSON (sorted keys, no spaces) without the
digest itself and the ``environment`` block (library versions, which may differ between two
honest runs). Nothing in it depends on where the case or cache lives, on item ids, on the time of
the run or on ingest order: paths are logical, lists are sorted. Two people running
``unsealed verify`` on the same cache with the same unsealed version get the same digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import platform
import sys
import traceback
from collections.abc import Callable
from importlib import metadata as importlib_metadata

from unsealed import __version__
from unsealed.verify.base import CHECKS, FAIL, Check, Context, Finding, Result
from unsealed.verify.horizon import horizon_basis

REPORT_VERSION = 1
DIGEST_EXCLUDES = ("digest", "digest_covers", "environment")


def parse_horizon(value: object) -> dt.date | None:
    """A horizon given as a date or 'YYYY-MM-DD' (None: use the cache's own)."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError(f"horizon {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2018-12-31") from exc


def load_checks(ids: list[str] | None = None) -> list[Check]:
    """The registered checks (all, or those named), in report order."""
    names = CHECKS if not ids else [c for c in CHECKS if c in ids]
    unknown = sorted(set(ids or ()) - set(CHECKS))
    if unknown:
        raise ValueError(f"unknown check(s) {', '.join(unknown)}: choose from {', '.join(CHECKS)}")
    return [importlib.import_module(f"unsealed.verify.{name}").CHECK for name in names]


def _ensure_people(case, progress: Callable[[str], None]) -> None:
    from unsealed.people import build_people
    from unsealed.people.schema import exists, is_current
    from unsealed.store.case import CaseError

    if is_current(case.conn):
        return
    if getattr(case, "readonly", False):
        if exists(case.conn):
            progress("the people tables are older than the catalog; open the case writable to rebuild them")
            return
        raise CaseError(
            "the people tables are not built yet: run 'unsealed people --rebuild' on this case first"
        )
    progress("building the people tables")
    build_people(case)


def _run_one(check: Check, ctx: Context) -> Result:
    try:
        return check.run(ctx)
    except Exception as exc:  # one broken check must not take the others down
        print(traceback.format_exc(), file=sys.stderr)
        return Result(
            FAIL,
            f"the check could not run: {type(exc).__name__}: {exc}",
            [Finding("check_error", FAIL, f"{type(exc).__name__}: {exc}")],
        )


def check_dict(check: Check, result: Result) -> dict:
    findings = sorted(result.findings, key=Finding.sort_key)
    by_severity = {s: sum(1 for f in findings if f.severity == s) for s in ("fail", "warn", "info")}
    return {
        "id": check.id,
        "title": check.title,
        "version": check.version,
        "status": result.status,
        "summary": result.summary,
        "counts": by_severity,
        "figures": result.figures,
        "chart": result.chart,
        "findings": [f.as_dict() for f in findings],
    }


def originals(case) -> dict:
    """Every item's logical path with its SHA-256 and size (items that could not be stored: sha256 null)."""
    rows = sorted(
        {
            (path, sha or "", size or 0, status)
            for path, sha, size, status in case.conn.execute("SELECT path, sha256, size, status FROM items")
        }
    )
    files = [
        {"path": p, "sha256": s or None, "size": n} | ({"status": st} if not s else {})
        for p, s, n, st in rows
    ]
    listing = "".join(f"{f['sha256'] or '-'}  {f['path']}\n" for f in files)
    return {
        "count": len(files),
        "distinct": len({f["sha256"] for f in files if f["sha256"]}),
        "listing_sha256": hashlib.sha256(listing.encode("utf-8")).hexdigest(),
        "files": files,
    }


def _environment() -> dict:
    env = {"python": platform.python_version()}
    for dist in ("Pillow", "ImageHash", "python-stdnum", "numpy", "scipy"):
        try:
            env[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            env[dist] = None
    return env


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode(
        "utf-8"
    )


def digest_of(report: dict) -> str:
    """The report's digest (see the module docstring); recomputable from the JSON by anyone."""
    manifest = {k: v for k, v in report["manifest"].items() if k not in DIGEST_EXCLUDES}
    return hashlib.sha256(canonical({"manifest": manifest, "checks": report["checks"]})).hexdigest()


def run_verify(
    case,
    horizon: object = None,
    checks: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Verify an ingested case; returns ``{"manifest": {...}, "checks": [...]}`` (the --json output).

    ``horizon``: the expected horizon (date or 'YYYY-MM-DD'); default: the cache's dominant horizon.
    ``checks``: ids of the checks to run (default: all). A writable case caches image hashes and
    rebuilds stale people tables; a read-only one computes what it must and stores nothing.
    """
    say = progress or (lambda _msg: None)
    given = parse_horizon(horizon)
    selected = load_checks(checks)
    _ensure_people(case, say)
    ctx = Context(case, given, say)
    results = []
    for check in selected:
        say(f"check {check.id}")
        results.append(check_dict(check, _run_one(check, ctx)))
    manifest = {
        "tool": "unsealed",
        "tool_version": __version__,
        "report_version": REPORT_VERSION,
        "checks": {c.id: c.version for c in selected},
        "horizon": {"date": ctx.horizon.isoformat(), "basis": horizon_basis(ctx)},
        "status": _overall(results),
        "originals": originals(case),
    }
    report = {"manifest": manifest, "checks": results}
    manifest["digest"] = digest_of(report)
    manifest["digest_covers"] = (
        "SHA-256 of this report as canonical JSON (sorted keys, no whitespace, UTF-8) "
        "without manifest.digest, manifest.digest_covers and manifest.environment"
    )
    manifest["environment"] = _environment()
    return report


def _overall(results: list[dict]) -> str:
    statuses = {r["status"] for r in results}
    return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
