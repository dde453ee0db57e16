"""Re-hash every stored original and report any that is missing or altered."""

from __future__ import annotations

from collections.abc import Callable

from unsealed.store.case import Case


def fsck(case: Case, progress: Callable[[int], None] | None = None) -> dict:
    """Check every blob the catalog knows: {"checked", "ok", "missing": [...], "mismatch": [...]}."""
    missing, mismatch = [], []
    checked = 0
    rows = case.conn.execute("SELECT sha256 FROM blobs ORDER BY sha256").fetchall()
    for (sha,) in rows:
        actual = case.blobs.rehash(sha)
        checked += 1
        if actual is None:
            missing.append(_where(case, sha))
        elif actual != sha:
            mismatch.append({**_where(case, sha), "actual": actual})
        if progress:
            progress(1)
    return {"checked": checked, "ok": checked - len(missing) - len(mismatch), "missing": missing,
            "mismatch": mismatch}


def _where(case: Case, sha: str) -> dict:
    paths = [r[0] for r in case.conn.execute("SELECT path FROM items WHERE sha256=? ORDER BY id", (sha,))]
    return {"sha256": sha, "blob": str(case.blobs.path(sha)), "paths": paths}
