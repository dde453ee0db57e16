"""The workbench's own tables in the case catalog: users, tokens, sessions, notes, tags, audit.

They live beside the catalog's tables (one file to back up) but the workbench writes only
these; ingest and the people build never touch them. The audit table is append-only:
triggers RAISE on UPDATE and DELETE, so not even a bug in the app can rewrite history.
(A person with shell access to the file can still drop the table; SQLite has no
permissions. Keep backups of the case folder for that.)
"""

from __future__ import annotations

import secrets
import sqlite3

WEB_VERSION = 1
ROLES = ("viewer", "editor", "admin")  # each role may do everything the ones before it may
TARGETS = ("item", "person")

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_users (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role      TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password  TEXT NOT NULL,            -- argon2id hash in PHC form ($argon2id$v=19$...)
    created   TEXT NOT NULL,
    disabled  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS web_tokens (
    hash      TEXT PRIMARY KEY,         -- SHA-256 of the token; the token itself is shown once, never stored
    user_id   INTEGER NOT NULL REFERENCES web_users(id),
    created   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
    hash      TEXT PRIMARY KEY,         -- SHA-256 of the cookie value
    user_id   INTEGER NOT NULL REFERENCES web_users(id),
    csrf      TEXT NOT NULL,            -- the token every form of this session must send back
    created   REAL NOT NULL,            -- unix seconds
    expires   REAL NOT NULL,
    ip        TEXT
);
CREATE TABLE IF NOT EXISTS web_login_failures (
    at        REAL NOT NULL,            -- unix seconds
    name      TEXT NOT NULL COLLATE NOCASE,
    ip        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS web_login_failures_at ON web_login_failures(at);
CREATE TABLE IF NOT EXISTS web_notes (
    id        INTEGER PRIMARY KEY,
    target    TEXT NOT NULL CHECK (target IN ('item', 'person')),
    ref       TEXT NOT NULL,            -- item id or person id
    author    TEXT NOT NULL,
    created   TEXT NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS web_notes_ref ON web_notes(target, ref);
CREATE TABLE IF NOT EXISTS web_tags (
    target    TEXT NOT NULL CHECK (target IN ('item', 'person')),
    ref       TEXT NOT NULL,
    tag       TEXT NOT NULL,
    author    TEXT NOT NULL,
    created   TEXT NOT NULL,
    PRIMARY KEY (target, ref, tag)
);
CREATE INDEX IF NOT EXISTS web_tags_tag ON web_tags(tag);
CREATE TABLE IF NOT EXISTS web_audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,            -- UTC, YYYY-MM-DDTHH:MM:SSZ
    user      TEXT,                     -- NULL: someone not logged in (a failed login names who was tried)
    action    TEXT NOT NULL,
    target    TEXT,
    detail    TEXT,
    ip        TEXT
);
CREATE INDEX IF NOT EXISTS web_audit_user ON web_audit(user, at);
CREATE INDEX IF NOT EXISTS web_audit_at ON web_audit(at);
CREATE TRIGGER IF NOT EXISTS web_audit_no_update BEFORE UPDATE ON web_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: records cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS web_audit_no_delete BEFORE DELETE ON web_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: records cannot be deleted'); END;
CREATE TABLE IF NOT EXISTS web_settings (
    key       TEXT PRIMARY KEY,
    value     TEXT NOT NULL
);
"""


def create(conn: sqlite3.Connection) -> None:
    """Create the workbench tables when missing, and the server secret on first use."""
    conn.executescript(SCHEMA)
    conn.execute("INSERT OR IGNORE INTO web_settings(key, value) VALUES ('version', ?)", (str(WEB_VERSION),))
    conn.execute(
        "INSERT OR IGNORE INTO web_settings(key, value) VALUES ('secret', ?)", (secrets.token_hex(32),)
    )


def exists(conn: sqlite3.Connection) -> bool:
    """Whether this catalog has the workbench tables (a read-only case without them has no users)."""
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='web_users'").fetchone()
        is not None
    )


def secret(conn: sqlite3.Connection) -> bytes:
    """The server secret stored in the case (signs the login form's CSRF token)."""
    return bytes.fromhex(conn.execute("SELECT value FROM web_settings WHERE key='secret'").fetchone()[0])


def role_at_least(role: str, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may (admin > editor > viewer)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)
