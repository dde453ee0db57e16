"""Team notes and tags on items and persons: visible to everyone, written by editors, signed and dated."""

from __future__ import annotations

import sqlite3
import unicodedata

from unsealed.web.auth import now_iso
from unsealed.web.schema import TARGETS

MAX_NOTE = 10_000
MAX_TAG = 40


class NoteError(ValueError):
    """An empty or oversized note, or a malformed tag."""


def _target(target: str) -> str:
    if target not in TARGETS:
        raise NoteError(f"notes are kept on {' or '.join(TARGETS)}s, not {target!r}")
    return target


def clean_tag(tag: str) -> str:
    """A tag as stored: NFC, trimmed, inner whitespace collapsed to one space."""
    text = " ".join(unicodedata.normalize("NFC", tag or "").split())
    if not text:
        raise NoteError("a tag needs at least one letter")
    if len(text) > MAX_TAG:
        raise NoteError(f"tags are at most {MAX_TAG} characters")
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise NoteError("tags cannot hold control characters")
    return text


def add_note(conn: sqlite3.Connection, target: str, ref: str, author: str, text: str) -> int:
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        raise NoteError("the note is empty")
    if len(body) > MAX_NOTE:
        raise NoteError(f"notes are at most {MAX_NOTE:,} characters")
    cur = conn.execute(
        "INSERT INTO web_notes(target, ref, author, created, text) VALUES (?, ?, ?, ?, ?)",
        (_target(target), str(ref), author, now_iso(), body),
    )
    return cur.lastrowid


def add_tag(conn: sqlite3.Connection, target: str, ref: str, author: str, tag: str) -> str:
    tag = clean_tag(tag)
    conn.execute(
        "INSERT OR IGNORE INTO web_tags(target, ref, tag, author, created) VALUES (?, ?, ?, ?, ?)",
        (_target(target), str(ref), tag, author, now_iso()),
    )
    return tag


def remove_tag(conn: sqlite3.Connection, target: str, ref: str, tag: str) -> bool:
    return (
        conn.execute(
            "DELETE FROM web_tags WHERE target = ? AND ref = ? AND tag = ?",
            (_target(target), str(ref), clean_tag(tag)),
        ).rowcount
        > 0
    )


def annotations(conn: sqlite3.Connection, target: str, ref: str) -> dict:
    """``{"notes": [{"id", "author", "created", "text"}], "tags": [{"tag", "author", "created"}]}``."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='web_notes'").fetchone():
        return {"notes": [], "tags": []}
    notes = [
        {"id": r[0], "author": r[1], "created": r[2], "text": r[3]}
        for r in conn.execute(
            "SELECT id, author, created, text FROM web_notes WHERE target = ? AND ref = ? ORDER BY id",
            (target, str(ref)),
        )
    ]
    tags = [
        {"tag": r[0], "author": r[1], "created": r[2]}
        for r in conn.execute(
            "SELECT tag, author, created FROM web_tags WHERE target = ? AND ref = ? ORDER BY tag",
            (target, str(ref)),
        )
    ]
    return {"notes": notes, "tags": tags}


def tagged(conn: sqlite3.Connection, tag: str, limit: int = 500) -> list[dict]:
    """Everything carrying a tag: ``[{"target", "ref", "author", "created"}]``."""
    return [
        {"target": r[0], "ref": r[1], "author": r[2], "created": r[3]}
        for r in conn.execute(
            "SELECT target, ref, author, created FROM web_tags WHERE tag = ? ORDER BY target, ref LIMIT ?",
            (clean_tag(tag), limit),
        )
    ]
