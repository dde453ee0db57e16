"""Key documents: which files of the case are listed on the site, and which originals may be downloaded.

Every document, spreadsheet, text and e-mail is listed with its SHA-256, size, type and metadata, so
anyone holding a copy of the cache can check it is the same file. The original itself is published
(by default) only when nothing in it is personal data:

- it is not a source of the people tables (no person row, photo link or relation comes from it);
- its text and table cells (OCR included) hold no ID-like number, phone number, address (by pattern
  or any address known to the case) and no name of a person who is not staff (names of 3 or more
  characters: shorter ones are ordinary words too often);
- it could be read (a file whose text could not be extracted cannot be checked, so it is withheld);
- it is not an e-mail (correspondence carries addresses and names in its headers) or an image.

So speeches, protocols, notices and minutes are published; person lists, dossiers and visit notes
are not. ``--no-redact`` publishes every original; ``--redact documents`` none.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from unsealed.ingest.detect import KINDS, family_of
from unsealed.publish.redact import Redactor, contains_personal
from unsealed.records import names

LISTED_FAMILIES = ("pdf", "doc", "sheet", "text", "html", "email")
META_KEYS = ("title", "author", "last_modified_by", "created", "modified", "page_count", "application")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{3,}")
MAX_TEXT = 2_000_000  # characters of a document checked and shown; beyond that it is withheld as too long


@dataclass
class PublicDocument:
    sha256: str
    paths: list[str]  # redacted logical paths
    kind: str
    family: str
    size: int
    metadata: list[tuple[str, str]]
    publish: bool
    reasons: list[str] = field(default_factory=list)  # why withheld
    text: str = ""  # redacted text, for published documents only
    file: str = ""  # site-relative path of the original, set by the site
    ext: str = ""


def _person_sources(conn) -> set[int]:
    items: set[int] = set()
    for sql in (
        "SELECT DISTINCT item_id FROM person_values WHERE item_id IS NOT NULL",
        "SELECT DISTINCT item_id FROM person_links",
        "SELECT DISTINCT item_id FROM relations WHERE item_id IS NOT NULL",
    ):
        items.update(r[0] for r in conn.execute(sql))
    return items


def _name_keys(conn) -> frozenset[str]:
    keys = set()
    for (name,) in conn.execute("SELECT name FROM persons WHERE staff = 0 AND name != ''"):
        k = names.key(name)
        if len(k) >= 3:
            keys.add(k)
    return frozenset(keys)


def _names_in(text: str, keys: frozenset[str]) -> bool:
    if not keys:
        return False
    lengths = sorted({len(k) for k in keys})
    for run in _HAN_RUN.findall(text.replace("·", "")):
        for n in lengths:
            if n > len(run):
                break
            for i in range(len(run) - n + 1):
                if run[i : i + n] in keys:
                    return True
    return False


def _content(conn, sha: str) -> str:
    parts = [r[0] for r in conn.execute("SELECT text FROM pages WHERE sha256 = ? ORDER BY number, source", (sha,))]
    for (cells,) in conn.execute("SELECT cells FROM table_rows WHERE sha256 = ? ORDER BY sheet, number", (sha,)):
        try:
            parts.append("\t".join(str(c) for c in json.loads(cells)))
        except ValueError:
            parts.append(cells)
    return "\n".join(parts)


def collect_documents(conn, red: Redactor) -> list[PublicDocument]:
    """Every listed document (one entry per distinct content), published first, then by path."""
    cited = _person_sources(conn)
    name_keys = _name_keys(conn)
    by_sha: dict[str, dict] = {}
    rows = conn.execute(
        "SELECT i.id, i.path, i.sha256, b.kind, b.size, e.status AS est, e.metadata, e.pages, e.rows"
        " FROM items i JOIN blobs b ON b.sha256 = i.sha256 LEFT JOIN extractions e ON e.sha256 = i.sha256"
        " ORDER BY i.path"
    )
    for r in rows:
        if family_of(r["kind"]) not in LISTED_FAMILIES:
            continue
        entry = by_sha.setdefault(r["sha256"], {"row": r, "paths": [], "cited": False})
        entry["paths"].append(r["path"])
        entry["cited"] = entry["cited"] or r["id"] in cited
    docs = []
    for sha, entry in by_sha.items():
        r = entry["row"]
        family = family_of(r["kind"])
        try:
            meta = json.loads(r["metadata"] or "{}")
        except ValueError:
            meta = {}
        reasons: list[str] = []
        text = ""
        if entry["cited"]:
            reasons.append("names people (a source of the people tables)")
        elif family == "email":
            reasons.append("correspondence (headers name people)")
        elif r["est"] not in ("ok", "partial") or not (r["pages"] or r["rows"]):
            reasons.append("could not be read, so it cannot be checked for personal data")
        else:
            text = _content(conn, sha)
            if len(text) > MAX_TEXT:
                reasons.append("too long to check for personal data")
            else:
                found = contains_personal(text + "\n" + "\n".join(entry["paths"]), red.addresses)
                if found:
                    reasons.append("holds " + ", ".join(found))
                elif _names_in(text, name_keys):
                    reasons.append("names a person of the case")
        if red.on("documents"):
            reasons = reasons or ["documents withheld by the redaction policy"]
        publish = not red.fields or not reasons
        metadata = [(k, red.text(meta[k])) for k in META_KEYS if meta.get(k) not in (None, "")]
        exts = KINDS.get(r["kind"], KINDS["unknown"])[2]
        docs.append(
            PublicDocument(
                sha256=sha,
                paths=[red.text(p) for p in entry["paths"]],
                kind=r["kind"],
                family=family,
                size=r["size"],
                metadata=metadata,
                publish=publish,
                reasons=[] if publish else reasons,
                text=red.text(text or _content(conn, sha)) if publish else "",
                ext=exts[0] if exts else ".bin",
            )
        )
    docs.sort(key=lambda d: (not d.publish, d.paths[0]))
    return docs
