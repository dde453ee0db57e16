"""Which person each photo shows, from an ID number in its file name, folder names or metadata.

The detainee photos of the real leak carry the person's 18-digit ID (and a timestamp) in
their file names. A photo is linked on the most specific evidence present: its own file
name first, then its metadata, then the nearest folder named with an ID; every distinct
usable number at that level is a link (a photo may show several people). Images with no
usable number anywhere are listed as unlinked.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from unsealed.records import dates, idnumber
from unsealed.store.catalog import metadata_of

IMAGE_KINDS = ("jpeg", "png", "gif", "tiff", "webp", "heic", "bmp", "jp2")
# Metadata keys never worth scanning for an ID number.
_SKIP_KEYS = {"width", "height", "exif_gps_lat", "exif_gps_lon", "exif_has_thumbnail", "page_count"}


@dataclass(frozen=True)
class PhotoIds:
    item_id: int
    path: str
    ids: tuple[idnumber.IdNumber, ...]  # usable numbers at the most specific level found
    basis: str  # 'filename' | 'metadata:<key>' | 'folder' | '' (none)
    taken: dt.datetime | None


def ids_in_path(path: str) -> tuple[list[idnumber.IdNumber], str]:
    """Usable ID numbers in a logical path: the file name's, else the nearest folder's; with the basis."""
    parts = path.split("/")
    found = idnumber.find_in_text(parts[-1].rsplit(".", 1)[0] if "." in parts[-1] else parts[-1])
    if found:
        return found, "filename"
    for folder in reversed(parts[:-1]):
        found = idnumber.find_in_text(folder)
        if found:
            return found, "folder"
    return [], ""


def ids_in_metadata(metadata: dict) -> tuple[list[idnumber.IdNumber], str]:
    """Usable ID numbers in string metadata values (an image description, a comment, XMP)."""
    for key in sorted(metadata):
        value = metadata[key]
        if key in _SKIP_KEYS or not isinstance(value, str) or len(value) < 15:
            continue
        found = idnumber.find_in_text(value[:10000])
        if found:
            return found, f"metadata:{key}"
    return [], ""


def taken_at(path: str, metadata: dict, ids: list[idnumber.IdNumber]) -> dt.datetime | None:
    """When the photo was taken: EXIF DateTimeOriginal, else EXIF DateTime, else a time in its file name."""
    for key in ("exif_datetime_original", "exif_datetime"):
        when = dates.parse_datetime(metadata.get(key))
        if when:
            return when.replace(tzinfo=None)
    name = path.rsplit("/", 1)[-1]
    for parsed in ids:  # the birth date inside the ID is no timestamp
        for form in (parsed.number, parsed.raw):
            if form:
                name = name.replace(form, " ")
    return dates.stamp_in_name(name)


def scan(conn: sqlite3.Connection) -> Iterator[PhotoIds]:
    """Every image item in the catalog with the ID numbers found for it (possibly none)."""
    marks = ",".join("?" * len(IMAGE_KINDS))
    rows = conn.execute(
        "SELECT i.id, i.path, e.metadata FROM items i JOIN blobs b ON b.sha256 = i.sha256"
        f" LEFT JOIN extractions e ON e.sha256 = i.sha256 WHERE b.kind IN ({marks}) ORDER BY i.id",
        IMAGE_KINDS,
    )
    for item_id, path, meta_text in rows:
        metadata = metadata_of(meta_text)
        found, basis = ids_in_path(path)
        if basis == "folder" or not found:
            meta_found, meta_basis = ids_in_metadata(metadata)
            if meta_found:
                found, basis = meta_found, meta_basis
        yield PhotoIds(item_id, path, tuple(found), basis, taken_at(path, metadata, found))

