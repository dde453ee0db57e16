"""Member names from archives: decoded, made safe, and judged.

A member's name is evidence (where the file sat in the leak), never a path we
write to: children are stored under generated names. Still, a name that climbs
out of the archive (``../``, ``/etc/x``, ``C:\\x``) is itself a sign of a hostile
archive and is reported as such. Written here because the rules (which names
escape, how GBK names hide inside zips flagged as CP437) are this tool's policy,
not something a library decides for us.
"""

from __future__ import annotations

import re
import struct
import zlib

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME = 4096


def _cjk_only(text: str) -> bool:
    """True when every non-ASCII character is CJK (ideographs, punctuation, full-width forms)."""
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            continue
        if not (0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
                or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0xF900 <= o <= 0xFAFF
                or 0x3100 <= o <= 0x312F or 0x2E80 <= o <= 0x2FDF):
            return False
    return True


def decode_name(raw: bytes, fallback: str = "cp437") -> tuple[str, str]:
    """Decode a member name whose encoding is not declared: UTF-8, then GBK/GB18030, then ``fallback``.

    GB18030 is only accepted when every non-ASCII character it yields is CJK, so
    Western accented names written in CP437 or Latin-1 are not turned into hanzi.
    Returns (name, encoding used).
    """
    if raw.isascii():
        return raw.decode("ascii"), "ascii"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _cjk_only(text):
        return text, "gb18030"
    return raw.decode(fallback, errors="replace"), fallback


def zip_unicode_path(extra: bytes, raw_name: bytes) -> str | None:
    """The Info-ZIP Unicode Path extra field (0x7075), if present and matching the raw name.

    zipfile does not read this field; writers such as 7-Zip and WinRAR use it to
    carry the UTF-8 name next to a legacy-encoded one.
    """
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4:pos + 4 + size]
        pos += 4 + size
        if tag == 0x7075 and len(body) >= 5 and body[0] == 1:
            (crc,) = struct.unpack_from("<I", body, 1)
            if crc == zlib.crc32(raw_name) & 0xFFFFFFFF:
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def safe_name(name: str) -> tuple[str, str | None]:
    """Make a member name safe and '/'-separated; second value says why it was hostile, or None.

    Backslashes count as separators (Windows archives), ``.`` and empty parts are
    dropped silently; ``..`` parts, a leading ``/`` and drive letters are dropped
    and make the name hostile. Control characters become ``_``.
    """
    text = _CONTROL.sub("_", name.replace("\\", "/"))
    hostile = False
    if text.startswith("/") or _DRIVE.match(text):
        hostile = True
        text = _DRIVE.sub("", text)
    parts = []
    for part in text.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            hostile = True
            continue
        parts.append(part)
    safe = "/".join(parts)[:MAX_NAME] or "unnamed"
    reason = f"member name escapes the archive: {name!r}" if hostile else None
    return safe, reason


def link_verdict(member: str, target: str, kind: str = "symbolic link") -> tuple[str, str]:
    """Status and error for a link member (never followed): hostile when it points outside the archive."""
    shown = target if len(target) <= 300 else target[:300] + "…"
    message = f"{kind} to {shown} not followed"
    text = target.replace("\\", "/")
    if text.startswith("/") or _DRIVE.match(text):
        return "hostile", message
    depth = len([p for p in member.replace("\\", "/").split("/")[:-1] if p not in ("", ".")])
    for part in text.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return "hostile", message
        elif part not in ("", "."):
            depth += 1
    return "unsupported", message
