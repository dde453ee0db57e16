"""Safe reading of office containers: zip members, XML parts, properties, embedded objects.

Office files are zip archives of XML parts, and leaked files may be built to harm:
a member that inflates to gigabytes (zip bomb) or XML whose entities expand
without end ("billion laughs"). Every read of a zip member here checks its
declared size and compression ratio against :class:`Limits` first; an XML part
that could declare entities (it has a DOCTYPE) is parsed by defusedxml, which
refuses them. The child helpers write embedded files under generated names, never
the member's own name, so a hostile name cannot escape ``ctx.workdir``. OLE
embedded objects (Ole10Native, Package, CONTENTS) are unwrapped here too, for
.doc/.ppt/oleObject.bin (doc.py) and RTF \\objdata (rtf.py).
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree
from xml.etree.ElementTree import Element, ParseError

import olefile
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from unsealed.extract.base import Child, Context, Corrupt, Hostile, Limits

_EMBEDDINGS = re.compile(r"^(word|ppt|xl)/embeddings/[^/]+$")
# An XML part larger than this is refused outright: no real document.xml comes near it.
MAX_XML_BYTES = 512 * 1024**2


def check_member(info: zipfile.ZipInfo, limits: Limits, cap: int | None = None) -> None:
    """Raise Hostile when a zip member declares a size or ratio that marks a zip bomb."""
    size = info.file_size
    limit = min(limits.max_member_bytes, cap) if cap else limits.max_member_bytes
    if size > limit:
        raise Hostile(f"zip bomb: {info.filename} would unpack to {size:,} bytes (limit {limit:,})")
    if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
        ratio = size / max(info.compress_size, 1)
        raise Hostile(f"zip bomb: {info.filename} compresses {ratio:,.0f}:1 "
                      f"(limit {limits.max_ratio:,.0f}:1)")


def read_member(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo, limits: Limits,
                cap: int | None = None) -> bytes:
    """Read one member after the bomb checks; also stop if it inflates past what it declared."""
    info = name if isinstance(name, zipfile.ZipInfo) else zf.getinfo(name)
    check_member(info, limits, cap)
    try:
        with zf.open(info) as fh:
            # The declared size can lie; never read more than it (plus one byte to notice).
            data = fh.read(info.file_size + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise Corrupt(f"damaged part {info.filename}: {exc}") from exc
    except RuntimeError as exc:  # zipfile raises this for encrypted members
        raise Corrupt(f"cannot read part {info.filename}: {exc}") from exc
    if len(data) > info.file_size:
        raise Hostile(f"zip bomb: {info.filename} unpacks to more than the "
                      f"{info.file_size:,} bytes it declares")
    return data


def parse_xml(data: bytes, part: str) -> Element:
    """Parse an XML part; entity bombs raise Hostile, broken XML raises Corrupt.

    Entities can only be declared in a DOCTYPE, which real office parts never have. Parts
    without one (in an ASCII-compatible encoding, so the check can see it) go to the C
    parser, 5-10x faster than defusedxml's pure-Python one; anything else goes through
    defusedxml, which refuses entity declarations.
    """
    try:
        if b"<!DOCTYPE" not in data and data[:2] not in (b"\xff\xfe", b"\xfe\xff") and b"\x00" not in data[:64]:
            return ElementTree.fromstring(data)
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Hostile(f"XML entity bomb in {part}: {type(exc).__name__}") from exc
    except ParseError as exc:
        raise Corrupt(f"damaged XML in {part}: {exc}") from exc


def read_xml(zf: zipfile.ZipFile, name: str, limits: Limits) -> Element:
    """Read and parse one XML member with every guard above."""
    return parse_xml(read_member(zf, name, limits, cap=MAX_XML_BYTES), name)


_UNSAFE = re.compile(r"[\x00-\x1f\\:*?\"<>|]")


def safe_name(name: str) -> str:
    """A logical '/'-separated child name without '..', absolute roots or control characters."""
    parts = [_UNSAFE.sub("_", p).strip() for p in PurePosixPath(name.replace("\\", "/")).parts]
    parts = [p for p in parts if p and p not in (".", "..", "/")]
    return "/".join(parts) or "unnamed"


def write_child(ctx: Context, name: str, data: bytes | bytearray | memoryview) -> Child:
    """Write an embedded file into ``ctx.workdir`` under a generated name and describe it."""
    Path(ctx.workdir).mkdir(parents=True, exist_ok=True)
    fd, raw = tempfile.mkstemp(prefix="child-", dir=ctx.workdir)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return Child(name=safe_name(name), path=Path(raw))


def failed_child(name: str, status: str, error: str) -> Child:
    """Record an embedded file that could not be taken out, so nothing is lost silently."""
    return Child(name=safe_name(name), path=None, status=status, error=error)


# ---- names, document properties and embedded files of office containers ---------------

def local_name(tag: str) -> str:
    """An XML tag without its namespace."""
    return tag[tag.rfind("}") + 1:]


def attr(el: Element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace prefix."""
    for key, value in el.attrib.items():
        if local_name(key) == name:
            return value
    return None


_CORE = {"title": "title", "subject": "subject", "creator": "author", "keywords": "keywords",
         "description": "description", "lastModifiedBy": "last_modified_by", "revision": "revision",
         "created": "created", "modified": "modified", "lastPrinted": "last_printed",
         "category": "category", "language": "language", "contentStatus": "content_status"}
_APP = {"Application": "application", "AppVersion": "app_version", "Company": "company",
        "Manager": "manager", "Template": "template", "TotalTime": "total_edit_minutes",
        "Pages": "page_count", "Words": "word_count", "Characters": "character_count"}
_DATE_KEYS = ("created", "modified", "last_printed")


def ooxml_properties(zf: zipfile.ZipFile, names: set[str], limits: Limits) -> dict:
    """docProps/core.xml, app.xml and custom.xml as our metadata keys."""
    meta: dict = {}
    if "docProps/core.xml" in names:
        for el in read_xml(zf, "docProps/core.xml", limits):
            key = _CORE.get(local_name(el.tag))
            if key and (el.text or "").strip():
                meta[key] = el.text.strip()
    if "docProps/app.xml" in names:
        for el in read_xml(zf, "docProps/app.xml", limits):
            key = _APP.get(local_name(el.tag))
            if key and (el.text or "").strip():
                meta[key] = el.text.strip()
    if "docProps/custom.xml" in names:
        custom = {}
        for prop in read_xml(zf, "docProps/custom.xml", limits):
            values = [v.text for v in prop if v.text]
            if prop.get("name") and values:
                custom[prop.get("name")] = values[0].strip()
        if custom:
            meta["custom_properties"] = custom
    for key in ("page_count", "word_count", "character_count", "total_edit_minutes"):
        if key in meta:
            try:
                meta[key] = int(meta[key])
            except ValueError:
                meta.pop(key)
    return _dates(meta)


def _dates(meta: dict) -> dict:
    """Normalise W3CDTF / ODF dates to ISO 8601; keep unreadable ones under ``<key>_raw``."""
    for key in _DATE_KEYS:
        if key in meta:
            iso = iso_date(meta[key])
            if iso is None:
                meta[f"{key}_raw"] = meta.pop(key)
            else:
                meta[key] = iso
    return meta


def iso_date(value: str) -> str | None:
    """'2018-03-14T09:30:00Z' / '2018-03-14T09:30:00.123456789' -> ISO 8601 to the second."""
    value = value.strip()
    value = re.sub(r"(\.\d{1,6})\d*", r"\1", value)  # ODF allows nanoseconds; Python takes micro
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(value).isoformat(timespec="seconds")
    except ValueError:
        return None


_ODF_META = {"title": "title", "subject": "subject", "description": "description", "keyword": "keywords",
             "initial-creator": "author", "creator": "last_modified_by", "creation-date": "created",
             "date": "modified", "generator": "application", "editing-cycles": "revision",
             "language": "language", "print-date": "last_printed", "editing-duration": "editing_duration"}


def odf_properties(zf: zipfile.ZipFile, names: set[str], limits: Limits) -> dict:
    """OpenDocument meta.xml as our metadata keys."""
    meta: dict = {}
    if "meta.xml" not in names:
        return meta
    for el in read_xml(zf, "meta.xml", limits).iter():
        name = local_name(el.tag)
        if name == "document-statistic":
            for stat, key in (("page-count", "page_count"), ("word-count", "word_count")):
                value = attr(el, stat)
                if value and value.isdigit():
                    meta.setdefault(key, int(value))
        elif name == "user-defined" and (el.text or "").strip() and attr(el, "name"):
            meta.setdefault("custom_properties", {})[attr(el, "name")] = el.text.strip()
        key = _ODF_META.get(name)
        if key and (el.text or "").strip():
            meta[key] = el.text.strip() if key != "keywords" else ", ".join(
                filter(None, [meta.get("keywords"), el.text.strip()]))
    return _dates(meta)


def embedded_children(zf: zipfile.ZipFile, ctx: Context) -> list[Child]:
    """Files under word/, ppt/ or xl/ embeddings/ written out as children (bomb-checked)."""
    children: list[Child] = []
    total = 0
    for info in zf.infolist():
        if not _EMBEDDINGS.match(info.filename) or info.is_dir():
            continue
        total += info.file_size
        if total > ctx.limits.max_unpacked_bytes:
            error = "embedded files together exceed the unpacked-size limit"
            children.append(failed_child(info.filename, "hostile", error))
            continue
        try:
            data = read_member(zf, info, ctx.limits)
        except Exception as exc:  # noqa: BLE001 - one bad member is recorded, the rest go on
            status = getattr(exc, "status", "corrupt")
            children.append(failed_child(info.filename, status, str(exc)))
            continue
        child = write_child(ctx, info.filename, data)
        child.modified = _zip_time(info)
        children.append(child)
    return children


def _zip_time(info: zipfile.ZipInfo) -> str | None:
    try:
        if info.date_time[0] <= 1980:
            return None  # Office writes 1980-01-01, meaning "no time"
        return datetime(*info.date_time).isoformat()
    except ValueError:
        return None


# ---- embedded objects of OLE files (.doc, .ppt, .xls, oleObject.bin) ------------------

_STORAGE_TYPES = {"worddocument": "Word document", "workbook": "Excel workbook", "book": "Excel workbook",
                  "powerpoint document": "PowerPoint presentation"}
_PAYLOADS = ("\x01ole10native", "package", "contents")


def ole_children(ole: olefile.OleFileIO, ctx: Context) -> list[Child]:
    """Payloads of embedded objects (Ole10Native, Package, CONTENTS) written out as children."""
    children: list[Child] = []
    total = 0
    try:
        entries = ole.listdir(streams=True, storages=False)
    except Exception:  # noqa: BLE001
        return children
    storages_seen: set[tuple[str, ...]] = set()
    for entry in entries:
        low = entry[-1].lower()
        parent = tuple(entry[:-1])
        if low in _STORAGE_TYPES and parent and parent not in storages_seen:
            storages_seen.add(parent)
            name = "/".join(parent)
            children.append(failed_child(f"{name}/{entry[-1]}", "unsupported",
                                         f"embedded {_STORAGE_TYPES[low]} kept inside the original file only"))
            continue
        if low not in _PAYLOADS:
            continue
        if low != "\x01ole10native" and not _is_file(ole, entry):
            continue  # e.g. Publisher's or Visio's own "Contents" stream: part of the format
        size = ole.get_size(entry)
        total += size
        name = "/".join(entry)
        if size > ctx.limits.max_member_bytes or total > ctx.limits.max_unpacked_bytes:
            children.append(failed_child(name, "hostile", "embedded object over the size limit"))
            continue
        try:
            data = ole.openstream(entry).read()
        except Exception as exc:  # noqa: BLE001
            children.append(failed_child(name, "corrupt", f"embedded object unreadable: {exc}"))
            continue
        if low == "\x01ole10native":
            label, data = ole10native(data)
            name = "/".join(entry[:-1] + [label or "Ole10Native"])
        if data:
            children.append(write_child(ctx, name, data))
    return children


_FILE_MAGICS = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"{\\rtf", b"\xff\xd8\xff", b"\x89PNG", b"GIF8",
                b"II*\x00", b"MM\x00*", b"7z\xbc\xaf", b"Rar!", b"BM")


def _is_file(ole: olefile.OleFileIO, entry: list[str]) -> bool:
    """Whether a Package/CONTENTS stream holds a whole file of a known type (by its magic)."""
    try:
        head = ole.openstream(entry).read(16)
    except Exception:  # noqa: BLE001
        return False
    return head.startswith(_FILE_MAGICS) or b"%PDF-" in head


def ole10native(data: bytes) -> tuple[str | None, bytes]:
    """Unwrap an Ole10Native stream: the original file name and bytes of a packaged file.

    Hand-written: the layout is tiny (size, flags, label, path, temp path, data) and no
    maintained library on PyPI exposes it without pulling in a large toolkit (oletools).
    """
    try:
        pos = 6  # uint32 total size, uint16 flags
        end = data.index(b"\x00", pos)
        label = data[pos:end].decode("cp1252", errors="replace")
        pos = data.index(b"\x00", end + 1) + 1  # source path
        pos += 4  # uint16 reserved x2
        (temp_len,) = struct.unpack_from("<I", data, pos)
        pos += 4 + temp_len
        (size,) = struct.unpack_from("<I", data, pos)
        pos += 4
        if 0 < size <= len(data) - pos:
            return os.path.basename(label.replace("\\", "/")) or None, data[pos:pos + size]
    except (ValueError, struct.error):
        pass
    return None, data[4:]  # not a packaged file: keep the native data as it is
