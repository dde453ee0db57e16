"""Logical paths for search: the folder facet and path globs.

A path glob follows :mod:`fnmatch` (``*`` also crosses ``/``, ``?``, ``[seq]``,
``[!seq]``) on the whole logical path, case-insensitively (journalists type
``*.PDF`` and mean ``*.pdf``). A pattern without wildcards also matches
everything below it, so ``path="photos.zip"`` finds the photos inside the zip.
The translation to a regular expression is written here because engines take
regular expressions, not globs, and :func:`fnmatch.translate` emits Python-only
syntax.
"""

from __future__ import annotations

import fnmatch
import unicodedata

ROOT_FOLDER = "."  # folder facet value of files directly in a source root
_WILDCARDS = set("*?[")


def path_key(path: str) -> str:
    """The form paths are compared in: NFC and case-folded."""
    return unicodedata.normalize("NFC", path).casefold()


def folder_of(path: str) -> str:
    """The first component of a logical path (``.`` for a file at the top)."""
    head, sep, _ = path.partition("/")
    return head if sep and head else ROOT_FOLDER


def has_wildcards(pattern: str) -> bool:
    return any(ch in _WILDCARDS for ch in pattern)


def patterns(glob: str) -> list[str]:
    """The glob in comparison form, plus ``glob/*`` when it has no wildcards (a folder)."""
    key = path_key(glob.strip().strip("/"))
    if not key:
        return ["*"]
    return [key] if has_wildcards(key) else [key, key + "/*"]


def matches(glob: str, path: str) -> bool:
    """Whether ``path`` matches the path filter ``glob``."""
    key = path_key(path)
    return any(fnmatch.fnmatchcase(key, p) for p in patterns(glob))


def _lit(ch: str) -> str:
    return f"\\x{{{ord(ch):x}}}" if ch.isascii() and not ch.isalnum() else ch


def glob_to_regex(pattern: str) -> str:
    """A full-match regular expression (Rust ``regex`` syntax, as tantivy takes) for one fnmatch pattern."""
    out = ["(?s)"]
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            while i < n and pattern[i] == "*":
                i += 1
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[":
            j = i
            if j < n and pattern[j] == "!":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:  # no closing bracket: a literal '['
                out.append(_lit("["))
                continue
            body = pattern[i:j]
            i = j + 1
            negate = body.startswith("!")
            if negate:
                body = body[1:]
            out.append("[^" if negate else "[")
            k = 0
            while k < len(body):
                if k + 2 < len(body) and body[k + 1] == "-":
                    lo, hi = body[k], body[k + 2]
                    if lo <= hi:
                        out.append(f"{_lit(lo)}-{_lit(hi)}")
                    k += 3
                else:
                    out.append(_lit(body[k]))
                    k += 1
            out.append("]")
        else:
            out.append(_lit(ch))
    regex = "".join(out)
    return regex.replace("[]", "[^\\x{0}-\\x{10ffff}]").replace("[^]", "[\\x{0}-\\x{10ffff}]")
