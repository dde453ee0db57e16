"""What text each search document holds, built the same way for indexing and for snippets.

A blob gives one document per page (long pages are cut into overlapping
chunks), one per table row (cells joined by `` | ``, a punctuation token, so a
phrase never runs from one cell into the next), and one for the file itself:
its logical paths and descriptive metadata, so that a photo whose file name
holds an ID number, or a document whose author field names a reviewer, is found
even without any text inside.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

CELL_SEPARATOR = " | "
CHUNK_CHARS = 200_000  # a page longer than this is indexed as several documents
CHUNK_OVERLAP = 200  # so a phrase across a chunk boundary is still found
# Metadata values searched with the file document (the rest are numbers, dates or technical).
META_KEYS = ("title", "subject", "author", "last_modified_by", "keywords", "description", "comments",
             "category", "company", "manager", "from", "to", "cc", "exif_make", "exif_model", "exif_software")


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return CELL_SEPARATOR.join(_value_text(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return CELL_SEPARATOR.join(_value_text(v) for v in value.values())
    return str(value).strip()


def file_text(paths: list[str], metadata: dict[str, Any]) -> str:
    """The file document: one path per line, then the descriptive metadata values."""
    lines = list(paths)
    for key in META_KEYS:
        text = _value_text(metadata.get(key))
        if text:
            lines.append(text)
    return "\n".join(lines)


def row_text(cells: Any) -> str:
    """A table row as one line: non-empty cells joined by `` | ``."""
    if isinstance(cells, str):
        try:
            cells = json.loads(cells)
        except ValueError:
            return cells
    if not isinstance(cells, list):
        return _value_text(cells)
    return CELL_SEPARATOR.join(t for t in (_value_text(c) for c in cells) if t)


def chunks(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` of a page's text, whole when it is short."""
    if len(text) <= CHUNK_CHARS:
        yield 0, text
        return
    step = CHUNK_CHARS - CHUNK_OVERLAP
    for start in range(0, len(text), step):
        yield start, text[start:start + CHUNK_CHARS]
        if start + CHUNK_CHARS >= len(text):
            break


def load_metadata(raw: str | None) -> dict[str, Any]:
    """An extraction's metadata JSON as a dict (empty when missing or unreadable)."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
