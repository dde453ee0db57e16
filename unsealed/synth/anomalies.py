"""The register of planted anomalies: each one written into a file on purpose.

Every entry names its kind, the file (path relative to ``cache/``; archive
members as ``archive.zip/member``), the sheet and row where relevant, and the
values involved, so a verification step can be scored against it.
"""

from __future__ import annotations

from typing import Any

# kind -> (severity, what it is). "info" kinds are quirks a parser must survive, not red flags.
KINDS: dict[str, tuple[str, str]] = {
    "invalid_check_digit": ("warning", "an ID number in a table cell with a wrong check character"),
    "id_float_corrupted": ("warning", "an ID number stored as a number, so Excel rounded it to a float"),
    "gender_contradicts_id": ("warning", "the gender cell disagrees with the ID's 17th digit"),
    "birth_date_contradicts_id": ("warning", "the birth-date cell disagrees with the date inside the ID"),
    "age_contradicts_id": ("warning", "the age cell disagrees with the age derived from the ID at the detention date"),
    "id_fullwidth": ("info", "an ID number typed in full-width digits"),
    "id_15_digit": ("info", "an ID number in the old 15-digit form"),
    "exif_time_mismatch": ("warning", "a photo's EXIF DateTimeOriginal disagrees with the time in its file name"),
    "edited_photo": ("warning", "a photo re-saved by an editor: EXIF Software set, DateTime later than taken"),
    "duplicate_photo": ("info", "the same photo bytes at two paths"),
    "near_duplicate_photo": ("info", "the same picture re-encoded or resized at another path"),
    "modified_before_created": ("warning", "a document's metadata says it was modified before it was created"),
    "date_after_horizon": ("warning", "a document's metadata date is after 2018-12-31, the cache's horizon"),
    "reviewer_author": ("warning", "an outside reviewer's name in a document's author metadata"),
}


class Anomalies:
    """Collects planted anomalies; ``to_json`` returns them in a stable order."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, kind: str, path: str, *, sheet: str | None = None, row: int | None = None, **values: Any) -> None:
        """Record one anomaly; ``values`` hold what was written and what would be right."""
        if kind not in KINDS:
            raise ValueError(f"unknown anomaly kind {kind!r}")
        entry: dict[str, Any] = {"kind": kind, "severity": KINDS[kind][0], "path": path}
        if sheet is not None or row is not None:
            entry["sheet"], entry["row"] = sheet, row
        entry.update(values)
        self.items.append(entry)

    def to_json(self) -> list[dict[str, Any]]:
        return sorted(self.items, key=lambda a: (a["kind"], a["path"], a.get("sheet") or "", a.get("row") or 0))

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in KINDS}
        for a in self.items:
            out[a["kind"]] += 1
        return out
