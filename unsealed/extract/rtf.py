"""RTF documents: text with striprtf, decoded in the file's own code page; \\info metadata.

RTF is 7-bit text whose non-ASCII characters are ``\\'hh`` bytes in the code page
named by ``\\ansicpg`` (936 = GBK for Chinese Word), or ``\\uN`` escapes. striprtf
decodes both once it is told the code page; the ``\\info`` group (author, operator,
dates) is read here because striprtf drops it.
"""

from __future__ import annotations

import codecs
import re
import struct
from datetime import datetime
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from unsealed.extract.base import Child, Context, Corrupt, Extraction, Page, Probe
from unsealed.extract.xmlsafe import failed_child, ole10native, write_child

_ANSICPG = re.compile(rb"\\ansicpg(\d+)")
_INFO_TEXT = {"title": "title", "subject": "subject", "author": "author", "operator": "last_modified_by",
              "keywords": "keywords", "doccomm": "description", "comment": "description",
              "company": "company", "manager": "manager", "category": "category"}
_INFO_DATES = {"creatim": "created", "revtim": "modified", "printim": "last_printed"}
_INFO_NUMBERS = {"version": "revision", "nofpages": "page_count", "nofwords": "word_count",
                 "nofchars": "character_count", "edmins": "total_edit_minutes"}
_DATE_PARTS = re.compile(r"\\(yr|mo|dy|hr|min|sec)(-?\d+)")
_GENERATOR = re.compile(r"\{\\\*\\generator\s+([^{}]*?);?\}")
# Plain byte->text decoding of the whole file: every byte stays one character, so striprtf
# sees the RTF control words untouched and decodes \'hh itself with the right code page.
_RAW = "latin-1"
# "\bin" without its byte count (pandoc writes it before hex pictures) crashes striprtf 0.0.35.
_BARE_BIN = re.compile(r"\\bin(?![-\d])")


def accepts(probe: Probe) -> bool:
    """RTF files, by content."""
    return probe.kind == "rtf"


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """Text and \\info metadata of one RTF file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Corrupt(f"cannot read the RTF file: {exc}") from exc
    if b"{\\rtf" not in data[:1024]:
        raise Corrupt("not an RTF document: no {\\rtf header")
    encoding = code_page(data)
    raw = _BARE_BIN.sub("", data.decode(_RAW))
    try:
        text = rtf_to_text(_without_binary(raw), encoding=encoding, errors="replace")
    except (IndexError, ValueError, LookupError) as exc:
        raise Corrupt(f"damaged RTF the reader cannot follow: {type(exc).__name__}: {exc}") from exc
    text = re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n").replace("\x00", "")).strip()
    meta = info_metadata(raw, encoding)
    meta["encoding"] = encoding
    status, error = "ok", None
    if len(text) > ctx.limits.max_text_chars:
        text = text[: ctx.limits.max_text_chars]
        status, error = "partial", f"text cut at {ctx.limits.max_text_chars:,} characters"
    children = embedded_objects(raw, ctx) if "\\objdata" in raw else []
    return Extraction(pages=[Page(1, text)], metadata=meta, children=children, status=status, error=error)


def code_page(data: bytes) -> str:
    """The Python codec for the document's ``\\ansicpg`` (cp1252 when absent or unknown)."""
    match = _ANSICPG.search(data[:4096])
    name = "cp1252"
    if match:
        number = int(match.group(1))
        name = {65001: "utf-8", 10000: "mac-roman", 0: "cp1252"}.get(number, f"cp{number}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


_BINARY_GROUP = re.compile(r"\{\\\*\\objdata|\{\\pict|\{\\\*\\blipuid|\{\\\*\\datastore")
_TOKEN = re.compile(r"\\.|[{}]", re.S)


def _group(raw: str, start: int) -> str | None:
    """The text of the brace group opening at ``start`` (escaped braces respected)."""
    depth = 0
    for match in _TOKEN.finditer(raw, start):  # regex hops over hex runs at C speed
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return raw[start:match.end()]
    return None


def _without_binary(raw: str) -> str:
    """Drop picture and object data groups: never text, and megabytes of hex slow striprtf."""
    parts, pos = [], 0
    for match in _BINARY_GROUP.finditer(raw):
        if match.start() < pos:
            continue  # inside a group already dropped
        group = _group(raw, match.start())
        if group is None:
            break
        parts.append(raw[pos:match.start()])
        pos = match.start() + len(group)
    parts.append(raw[pos:])
    return "".join(parts)


def _info_groups(info: str):
    """(control word, rest of the group) for each direct sub-group of the \\info group."""
    i = 1
    while True:
        start = info.find("{\\", i)
        if start < 0:
            return
        group = _group(info, start)
        if group is None:
            return
        word = re.match(r"\{(?:\\\*)?\\([a-z]+)", group)
        if word:
            yield word.group(1), group[word.end():-1]
        i = start + len(group)


def info_metadata(raw: str, encoding: str) -> dict:
    """Author, operator, title, dates and counts from the ``{\\info ...}`` group."""
    meta: dict = {}
    generator = _GENERATOR.search(raw[:65536])
    if generator:
        meta["application"] = generator.group(1).strip()
    start = raw.find("{\\info")
    info = _group(raw, start) if start >= 0 else None
    if not info:
        return meta
    for word, body in _info_groups(info):
        if word in _INFO_TEXT:
            value = _group_text(body, encoding)
            if value:
                meta.setdefault(_INFO_TEXT[word], value)
        elif word in _INFO_DATES:
            value = _info_date(body)
            if value:
                meta[_INFO_DATES[word]] = value
        elif word in _INFO_NUMBERS:
            number = re.match(r"\s*(-?\d+)", body)
            if number:
                meta[_INFO_NUMBERS[word]] = int(number.group(1))
    if "revision" in meta:
        meta["revision"] = str(meta["revision"])
    return meta


def _group_text(body: str, encoding: str) -> str:
    try:
        return rtf_to_text("{\\rtf1 " + body + "}", encoding=encoding, errors="replace").strip()
    except (IndexError, ValueError, LookupError):
        return ""


def _info_date(body: str) -> str | None:
    parts = {k: int(v) for k, v in _DATE_PARTS.findall(body)}
    try:
        moment = datetime(parts["yr"], parts.get("mo", 1), parts.get("dy", 1), parts.get("hr", 0),
                          parts.get("min", 0), parts.get("sec", 0))
    except (KeyError, ValueError):
        return None
    return moment.isoformat()  # RTF dates carry no time zone: local time of the writer


def embedded_objects(raw: str, ctx: Context) -> list[Child]:
    """Objects embedded with ``{\\*\\objdata <hex>}`` (OLE1 wrappers) written out as children."""
    children: list[Child] = []
    total = 0
    for number, match in enumerate(re.finditer(r"\{\\\*\\objdata", raw), 1):
        name = f"objects/{number}"
        group = _group(raw, match.start())
        if group is None:
            children.append(failed_child(name, "corrupt", "embedded object cut off: its group never closes"))
            continue
        digits = re.sub(r"[^0-9a-fA-F]", "", group[match.end() - match.start():])
        total += len(digits) // 2
        if len(digits) // 2 > ctx.limits.max_member_bytes or total > ctx.limits.max_unpacked_bytes:
            children.append(failed_child(name, "hostile", "embedded object over the size limit"))
            continue
        data = bytes.fromhex(digits[: len(digits) // 2 * 2])
        try:
            kind, payload = _ole1(data)
        except LinkedObject as exc:
            children.append(failed_child(name, "unsupported", str(exc)))
            continue
        except (ValueError, struct.error) as exc:
            children.append(failed_child(name, "corrupt", f"embedded object unreadable: {exc}"))
            continue
        label = None
        if kind == "Package":
            label, payload = ole10native(b"\0\0\0\0" + payload)  # RTF leaves out the size field
        if payload:
            children.append(write_child(ctx, f"{name}/{label or kind or 'object'}", payload))
    return children


class LinkedObject(ValueError):
    """An OLE object that only points at a file elsewhere (its path is evidence)."""


def _ole1(data: bytes) -> tuple[str, bytes]:
    """(class name, native data) of an OLE 1.0 embedded object ([MS-OLEDS] 2.2.4)."""
    _version, format_id = struct.unpack_from("<II", data, 0)
    pos, fields = 8, []
    for _ in range(3):  # class name, topic name (a linked file's path), item name
        if pos + 4 > len(data):
            break
        (length,) = struct.unpack_from("<I", data, pos)
        fields.append(data[pos + 4:pos + 4 + length].split(b"\0")[0].decode("cp1252", errors="replace"))
        pos += 4 + length
    if format_id != 2:
        where = fields[1] if len(fields) > 1 and fields[1] else "a place this file does not record"
        raise LinkedObject(f"linked {fields[0] if fields else ''} object, not embedded: the file stayed "
                           f"outside, at {where}")
    (size,) = struct.unpack_from("<I", data, pos)
    return fields[0], data[pos + 4:pos + 4 + size]
