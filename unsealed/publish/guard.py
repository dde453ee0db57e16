"""The last check before a site is released: no unmasked ID number, known address or photo metadata in it.

Every text file the site holds (HTML, JS, JSON, CSS, SVG) is read as UTF-8, HTML entities and JS
``\\uXXXX`` escapes undone, and searched for (a) any 18-character ID number of the case, written with
or without separators, (b) any other 18-character number with a valid check character and a real birth
date, and (c) any address the case holds. Every JPEG or PNG the site made must carry no EXIF block.
Published originals (``files/``) are checked before they are chosen (see ``documents``), not here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

from stdnum.cn import ric

from unsealed.publish.redact import AddressBook

TEXT_SUFFIXES = {".html", ".js", ".json", ".css", ".svg", ".txt", ".csv", ".map"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
_RUN = re.compile(r"\d(?:[ \u00a0\u3000\-－_.]?\d)*(?:[ \-－]?[XxＸｘ])?")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _numbers(text: str) -> Iterable[str]:
    for m in _RUN.finditer(text):
        digits = "".join(c for c in m.group(0) if c.isalnum())
        digits = "".join(str(int(c)) if c.isdigit() else "X" for c in digits)
        for i in range(0, len(digits) - 17):
            yield digits[i : i + 18]


def _looks_like_id(w: str) -> bool:
    if not w[:17].isdigit() or w[0] == "0":
        return False
    y, m, d = int(w[6:10]), int(w[10:12]), int(w[12:14])
    if not (1880 <= y <= 2099 and 1 <= m <= 12 and 1 <= d <= 31):
        return False
    try:
        return ric.calc_check_digit(w[:17]) == w[17]
    except Exception:  # noqa: BLE001 - stdnum raises on odd input; then it is not an ID
        return False


def scan_text(text: str, known_ids: set[str], addresses: AddressBook) -> list[str]:
    """What in ``text`` would leak: ['id 6531211971…', 'address ...'] (values shortened)."""
    text = html.unescape(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
    found = []
    for w in _numbers(text):
        if w in known_ids or _looks_like_id(w):
            found.append(f"ID number {w[:10]}… unmasked")
            break
    if len(addresses) and addresses.remove(text, "\0") != text:
        found.append("an address of the case")
    return found


def scan_site(root: Path, known_ids: set[str], addresses: AddressBook, check_ids: bool = True,
              check_addresses: bool = True) -> list[str]:
    """Every leak in the site folder, as 'relative/path: what'; [] when clean."""
    leaks = []
    empty = AddressBook()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if rel.startswith("files/"):
            continue
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            for what in scan_text(text, known_ids if check_ids else set(), addresses if check_addresses else empty):
                if what.startswith("ID") and not check_ids:
                    continue
                leaks.append(f"{rel}: {what}")
        elif suffix in IMAGE_SUFFIXES:
            head = path.read_bytes()
            if b"Exif\x00\x00" in head or b"eXIf" in head or b"XML:com.adobe.xmp" in head:
                leaks.append(f"{rel}: image metadata (EXIF/XMP)")
    return leaks
