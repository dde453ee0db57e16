"""The people tables: persons, every value with its source, photo links, relations.

They are derived entirely from the catalog and rebuilt in one transaction by
``build_people``; nothing here is edited by hand, so a rebuild loses nothing.
Person ids are stable across rebuilds: a hash of the ID number, or (for a person
known without one) of the first row naming them.
"""

from __future__ import annotations

import json
import sqlite3

PEOPLE_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS persons (
    id               TEXT PRIMARY KEY,     -- 'p' + 10 hex digits
    id_number        TEXT,                 -- canonical 18-character number, NULL when none is usable
    name             TEXT NOT NULL DEFAULT '',
    gender           TEXT,                 -- 'male' / 'female'
    birth_date       TEXT,                 -- YYYY-MM-DD
    ethnicity        TEXT,
    detained         INTEGER NOT NULL DEFAULT 0,
    detention_date   TEXT,
    age_at_detention INTEGER,
    minor            INTEGER NOT NULL DEFAULT 0,
    staff            INTEGER NOT NULL DEFAULT 0,
    search           TEXT NOT NULL DEFAULT '',   -- name keys and pinyin, '|'-separated, lower-case
    fields           TEXT NOT NULL DEFAULT '{}', -- JSON: the chosen value of every other field
    conflicts        TEXT NOT NULL DEFAULT '[]', -- JSON: fields whose sources disagree
    sources          INTEGER NOT NULL DEFAULT 0, -- number of rows / photos naming this person
    first_source     TEXT                          -- sort key: path, sheet, row of the first source
);
CREATE INDEX IF NOT EXISTS persons_idn ON persons(id_number);
CREATE INDEX IF NOT EXISTS persons_first ON persons(first_source);
CREATE TABLE IF NOT EXISTS person_values (
    person_id TEXT NOT NULL,
    field     TEXT NOT NULL,      -- canonical field (name, id_number, ...) or an extra column's header
    value     TEXT NOT NULL,      -- normalised, comparable form
    raw       TEXT NOT NULL,      -- exactly as written
    basis     TEXT NOT NULL,      -- 'as written', 'derived from the ID number', 'check', 'derived: ...'
    item_id   INTEGER,
    path      TEXT NOT NULL,      -- logical path of the item
    sheet     TEXT,               -- NULL for values not from a table (photo file names)
    row       INTEGER,
    "column"  INTEGER,            -- 0-based column index
    header    TEXT                -- the column's header as written, or where in a photo the value was found
);
CREATE INDEX IF NOT EXISTS person_values_person ON person_values(person_id);
CREATE TABLE IF NOT EXISTS person_links (
    person_id TEXT NOT NULL,
    item_id   INTEGER NOT NULL,
    path      TEXT NOT NULL,
    kind      TEXT NOT NULL,      -- 'photo'
    basis     TEXT NOT NULL,      -- 'filename' | 'folder' | 'metadata:<key>'
    id_number TEXT NOT NULL,      -- the number found
    taken     TEXT                -- when the photo was taken (EXIF, else the time in its name)
);
CREATE INDEX IF NOT EXISTS person_links_person ON person_links(person_id);
CREATE INDEX IF NOT EXISTS person_links_item ON person_links(item_id);
CREATE TABLE IF NOT EXISTS relations (
    person_id TEXT NOT NULL,
    other_id  TEXT NOT NULL,
    relation  TEXT NOT NULL,      -- what other is to person: 父亲, 母亲, 儿子, ...
    basis     TEXT NOT NULL,      -- 'as written' or 'inverse of <relation>'
    item_id   INTEGER,
    path      TEXT NOT NULL,
    sheet     TEXT,
    row       INTEGER,
    "column"  INTEGER
);
CREATE INDEX IF NOT EXISTS relations_person ON relations(person_id);
CREATE TABLE IF NOT EXISTS unlinked_photos (
    item_id INTEGER PRIMARY KEY,
    path    TEXT NOT NULL
);
"""

TABLES = ("persons", "person_values", "person_links", "relations", "unlinked_photos")


def create(conn: sqlite3.Connection) -> None:
    """Create the people tables if missing (outside any transaction: executescript commits)."""
    conn.executescript(SCHEMA)


def exists(conn: sqlite3.Connection) -> bool:
    """Whether the people tables have been built in this catalog."""
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='persons'").fetchone()
        is not None
    )


def catalog_state(conn: sqlite3.Connection) -> list:
    """A cheap fingerprint of what the people tables are built from (items and extractions)."""
    row = conn.execute(
        "SELECT (SELECT max(id) FROM items), (SELECT count(*) FROM items),"
        " (SELECT count(*) FROM extractions), (SELECT max(done_at) FROM extractions)"
    ).fetchone()
    return list(row)


def is_current(conn: sqlite3.Connection) -> bool:
    """Whether the people tables exist and were built from the catalog as it is now."""
    if not exists(conn):
        return False
    row = conn.execute("SELECT value FROM meta WHERE key = 'people'").fetchone()
    try:
        built = json.loads(row[0]) if row else {}
    except ValueError:
        return False
    return built.get("version") == PEOPLE_VERSION and built.get("catalog") == catalog_state(conn)
