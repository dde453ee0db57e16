"""What every check shares: findings, results, the check registry, and the data several checks read.

A check is a module under ``unsealed.verify`` exposing ``CHECK`` (a :class:`Check`): an id, a title,
a version (bumped whenever its findings could change) and ``run(ctx) -> Result``. ``CHECKS`` lists
the modules in report order; adding a check is one module and one line here.

Findings name their evidence by logical path, ID number, sheet and row, never by item id or
case path, so two people verifying the same cache get the same report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from unsealed.people.photos import IMAGE_KINDS  # noqa: F401  (re-exported for the checks)
from unsealed.store.catalog import metadata_of

# Report order. Each name is a module under unsealed.verify exposing CHECK.
CHECKS = (
    "checksums",
    "gender",
    "ages",
    "photo_times",
    "editing",
    "doc_metadata",
    "duplicates",
    "consistency",
    "horizon",
)

PASS, WARN, FAIL = "pass", "warn", "fail"
INFO = "info"  # a finding worth knowing that is no red flag (a full-width ID, an exact copy)
SEVERITIES = (FAIL, WARN, INFO)
# A check fails when more than this share of what it looked at is wrong: a genuine cache has a few
# typing errors, a fabricated one (random check digits, invented genders) gets many more.
FAIL_SHARE = 0.05


@dataclass
class Finding:
    """One piece of evidence: where it is and what was compared."""

    kind: str  # machine name within the check, e.g. "bad_checksum"
    severity: str  # fail | warn | info
    detail: str  # one sentence for a reader
    path: str | None = None  # logical path of the item
    id_number: str | None = None
    sheet: str | None = None
    row: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # the values compared

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "id_number": self.id_number,
            "sheet": self.sheet,
            "row": self.row,
            "detail": self.detail,
            "kind": self.kind,
            "severity": self.severity,
            "values": self.values,
        }

    def sort_key(self) -> tuple:
        return (
            SEVERITIES.index(self.severity),
            self.kind,
            self.path or "",
            self.sheet or "",
            self.row or 0,
            self.id_number or "",
            self.detail,
        )


@dataclass
class Result:
    """What a check returns."""

    status: str  # pass | warn | fail
    summary: str  # one line with counts
    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)  # counts and shares behind the summary
    chart: dict[str, Any] | None = None  # {"title": str, "bars": [[label, value], ...]} for the HTML page


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    version: int
    run: Callable[[Context], Result]


def status_of(findings: list[Finding], checked: int = 0, bad: int = 0) -> str:
    """fail when more than FAIL_SHARE of ``checked`` is ``bad`` or a finding is a failure; warn on any
    warning; else pass."""
    if any(f.severity == FAIL for f in findings) or (checked and bad / checked > FAIL_SHARE):
        return FAIL
    if any(f.severity == WARN for f in findings):
        return WARN
    return PASS


def share(part: int, whole: int) -> float:
    """part / whole rounded to 4 places (1.0 for nothing to check): stable across machines."""
    return round(part / whole, 4) if whole else 1.0


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def sheet_name(sheet: str | None) -> str | None:
    """The sheet as reported: None for a CSV (stored as '')."""
    return sheet or None


def camera_name(meta: dict) -> str:
    """'Make Model' from EXIF, without repeating the make ('Canon EOS 6D', not 'Canon Canon EOS 6D')."""
    make = str(meta.get("exif_make") or "").strip()
    model = str(meta.get("exif_model") or "").strip()
    if make and model and model.lower().split()[0] == make.lower().split()[0]:
        return model
    return " ".join(x for x in (make, model) if x)


@lru_cache(maxsize=65536)
def id_in_path(path: str) -> str | None:
    """The ID number a photo's name (or folder) carries, as the people tables link it; None if none."""
    from unsealed.people.photos import ids_in_path

    ids, _basis = ids_in_path(path)
    return ids[0].number if ids else None


@dataclass(frozen=True)
class ItemMeta:
    """One readable item with its extraction metadata."""

    path: str
    sha256: str
    kind: str
    depth: int
    modified: str | None  # time the container recorded (members) or the file system (files)
    metadata: dict


@dataclass
class TableRecord:
    """What one table row says about one person (from the people tables), cells as written."""

    path: str
    sheet: str | None
    row: int
    cells: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # field -> [(raw, header)]

    def first(self, fld: str) -> tuple[str, str] | None:
        vals = self.cells.get(fld)
        return vals[0] if vals else None


class Context:
    """The case being verified and the data several checks read, loaded once and kept in a stable order."""

    def __init__(self, case, horizon=None, progress: Callable[[str], None] | None = None):
        self.case = case
        self.conn = case.conn
        self.given_horizon = horizon
        self.progress = progress or (lambda _msg: None)

    @cached_property
    def items(self) -> list[ItemMeta]:
        """Every readable item (content stored), sorted by path; metadata as extracted."""
        out = []
        seen: set[tuple[str, str]] = set()
        for path, sha, kind, depth, modified, meta in self.conn.execute(
            "SELECT i.path, i.sha256, b.kind, i.depth, i.modified, e.metadata FROM items i"
            " JOIN blobs b ON b.sha256 = i.sha256 LEFT JOIN extractions e ON e.sha256 = i.sha256"
            " WHERE i.sha256 IS NOT NULL"
        ):
            if (path, sha) in seen:  # the same logical path under two source roots
                continue
            seen.add((path, sha))
            out.append(ItemMeta(path, sha, kind, depth, modified, metadata_of(meta)))
        out.sort(key=lambda m: (m.path, m.sha256))
        return out

    @cached_property
    def canonical_paths(self) -> dict[str, str]:
        """Path -> the first path (in sort order) holding the same content, so that which copy of a
        duplicated file the people tables cite (the first ingested) does not change the report."""
        first: dict[str, str] = {}
        for m in self.items:  # sorted by path
            first.setdefault(m.sha256, m.path)
        return {m.path: first[m.sha256] for m in self.items}

    @cached_property
    def images(self) -> list[ItemMeta]:
        return [m for m in self.items if m.kind in IMAGE_KINDS]

    @cached_property
    def records(self) -> list[TableRecord]:
        """Every person record of every table row, sorted by path, sheet, row."""
        fields = ("id_number", "gender", "birth_date", "age", "detention_date", "name")
        marks = ",".join("?" * len(fields))
        groups: dict[tuple, TableRecord] = {}
        canonical = self.canonical_paths
        for pid, path, sheet, row, fld, raw, header in self.conn.execute(
            "SELECT person_id, path, sheet, row, field, raw, header FROM person_values"
            f" WHERE row IS NOT NULL AND basis = 'as written' AND field IN ({marks})"
            " ORDER BY rowid",
            fields,
        ):
            path = canonical.get(path, path)
            key = (path, sheet or "", row, pid)
            rec = groups.get(key)
            if rec is None:
                rec = groups[key] = TableRecord(path, sheet_name(sheet), row)
            rec.cells.setdefault(fld, []).append((raw, header or ""))
        return [groups[k] for k in sorted(groups, key=lambda k: (k[0], k[1], k[2], _id_sort(groups[k])))]

    @cached_property
    def horizon(self):
        """The expected horizon (a date): the one given, else the cache's dominant horizon."""
        from unsealed.verify.horizon import dominant_horizon

        return self.given_horizon or dominant_horizon(self)

    @cached_property
    def image_hashes(self) -> dict:
        """Perceptual hash and JPEG facts of every image blob (computed once, cached in the catalog)."""
        from unsealed.verify.imagehash_cache import image_facts

        return image_facts(self.case, sorted({m.sha256 for m in self.images}), self.progress)


def _id_sort(rec: TableRecord) -> str:
    first = rec.first("id_number") or rec.first("name")
    return first[0] if first else ""

