"""The catalog's tables: what was found, where it came from, and what was read from it.

Everything derived from content (extractions, pages, rows, members) is keyed by
the blob's SHA-256, so identical files are read once however many paths hold them.
Items carry the provenance: source root, logical path, parent item.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
-- One stored original per distinct content.
CREATE TABLE IF NOT EXISTS blobs (
    sha256    TEXT PRIMARY KEY,
    size      INTEGER NOT NULL,
    kind      TEXT NOT NULL,          -- content-detected kind (unsealed.ingest.detect.KINDS)
    mime      TEXT NOT NULL,
    stored_at TEXT NOT NULL
);
-- Every file and every archive member or attachment.
CREATE TABLE IF NOT EXISTS items (
    id           INTEGER PRIMARY KEY,
    root         TEXT NOT NULL,        -- the source root given to ingest (absolute path)
    path         TEXT NOT NULL,        -- logical path below the root: photos.zip/2018-03/x.jpg
    parent_id    INTEGER REFERENCES items(id),
    sha256       TEXT REFERENCES blobs(sha256),   -- NULL when the content could not be read
    size         INTEGER,
    ext_mismatch INTEGER NOT NULL DEFAULT 0,      -- the name's extension disagrees with the content
    depth        INTEGER NOT NULL DEFAULT 0,      -- 0 for files, 1 for members of a file, ...
    status       TEXT NOT NULL DEFAULT 'ok',      -- 'ok' or why the item itself could not be read
    error        TEXT,
    mtime_ns     INTEGER,              -- for files: lets a re-run skip unchanged files without reading them
    modified     TEXT,                 -- time recorded by the file system or the container
    first_seen   TEXT NOT NULL,
    UNIQUE (root, path)
);
CREATE INDEX IF NOT EXISTS items_sha ON items(sha256);
CREATE INDEX IF NOT EXISTS items_parent ON items(parent_id);
-- What was read from a blob, once per extractor version.
CREATE TABLE IF NOT EXISTS extractions (
    sha256    TEXT PRIMARY KEY REFERENCES blobs(sha256),
    version   INTEGER NOT NULL,
    extractor TEXT NOT NULL,
    status    TEXT NOT NULL,           -- ok | partial | encrypted | corrupt | unsupported | hostile | timeout | error
    error     TEXT,
    metadata  TEXT NOT NULL,           -- JSON object
    pages     INTEGER NOT NULL DEFAULT 0,
    rows      INTEGER NOT NULL DEFAULT 0,
    seconds   REAL,
    done_at   TEXT NOT NULL,
    ocr       TEXT                     -- signature of the OCR settings applied (unsealed.ocr), NULL: none
);
CREATE TABLE IF NOT EXISTS pages (
    sha256     TEXT NOT NULL,
    number     INTEGER NOT NULL,
    source     TEXT NOT NULL DEFAULT 'text',   -- 'text' or 'ocr'
    text       TEXT NOT NULL,
    confidence REAL,
    PRIMARY KEY (sha256, number, source)
);
CREATE TABLE IF NOT EXISTS table_rows (
    sha256 TEXT NOT NULL,
    sheet  TEXT NOT NULL,
    number INTEGER NOT NULL,
    cells  TEXT NOT NULL,              -- JSON array of cell texts as shown
    PRIMARY KEY (sha256, sheet, number)
);
-- Members of a container blob, so a second copy of an archive gets its child items without unpacking.
CREATE TABLE IF NOT EXISTS members (
    parent_sha256 TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    name          TEXT NOT NULL,
    sha256        TEXT,
    size          INTEGER,
    status        TEXT NOT NULL DEFAULT 'ok',
    error         TEXT,
    modified      TEXT,
    PRIMARY KEY (parent_sha256, seq)
);
CREATE TABLE IF NOT EXISTS runs (
    id       INTEGER PRIMARY KEY,
    started  TEXT NOT NULL,
    finished TEXT,
    roots    TEXT NOT NULL,            -- JSON list
    summary  TEXT                      -- JSON: the --json output of the run
);
"""


# Columns added after a table was first released: (table, column, declaration).
ADDED_COLUMNS = (("extractions", "ocr", "TEXT"),)


def create(conn: sqlite3.Connection) -> None:
    """Create the tables if they are missing, add newer columns, and record the schema version."""
    conn.executescript(SCHEMA)
    for table, column, decl in ADDED_COLUMNS:
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in have:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
    conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    conn.commit()
