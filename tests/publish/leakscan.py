"""An independent byte-level scan of a published site for the truth's ID numbers and addresses.

Written apart from unsealed.publish.guard on purpose, so a bug in the publisher's own check cannot
hide a leak: every file is read as bytes and searched for each secret in UTF-8, GBK/GB18030, UTF-16
(both byte orders), JSON ``\\uXXXX`` escapes and HTML numeric entities; ID numbers also in full-width
digits and with every separator removed (only digits and X kept).
"""

from __future__ import annotations

import re
from pathlib import Path

_NOT_ID = re.compile(rb"[^0-9Xx]")


def _forms(secret: str) -> set[bytes]:
    forms = {secret.encode("utf-8"), secret.encode("gb18030"), secret.encode("utf-16-le"), secret.encode("utf-16-be")}
    forms.add("".join(f"\\u{ord(c):04x}" for c in secret).encode())
    forms.add("".join(f"\\u{ord(c):04X}" for c in secret).encode())
    forms.add("".join(f"&#{ord(c)};" for c in secret).encode())
    forms.add("".join(f"&#x{ord(c):x};" for c in secret).encode())
    return forms


def _fullwidth(number: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)


def scan(root: Path, ids: set[str], addresses: set[str]) -> list[str]:
    """Every (file, secret kind) where a secret of the truth occurs; [] when the site is clean."""
    needles: list[tuple[bytes, str]] = []
    for a in addresses:
        needles += [(f, f"address {a}") for f in _forms(a)]
    for n in ids:
        needles += [(f, f"id {n}") for f in _forms(n) | _forms(_fullwidth(n))]
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        stripped = _NOT_ID.sub(b"", data).upper()
        rel = path.relative_to(root).as_posix()
        for needle, what in needles:
            if needle in data:
                found.append(f"{rel}: {what}")
        for n in ids:
            if n.encode() in stripped:
                found.append(f"{rel}: id {n} (separators removed)")
    return found
