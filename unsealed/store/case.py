"""A case: one folder holding the catalog (SQLite) and the content-addressed originals."""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from unsealed.store import schema
from unsealed.store.blobs import BlobStore

CATALOG = "catalog.sqlite"


class CaseError(Exception):
    """The case folder cannot be used; the message says what to do."""


def default_case_dir() -> Path:
    """``$UNSEALED_CASE`` if set, else ``./case``."""
    return Path(os.environ.get("UNSEALED_CASE") or "case")


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """Open a catalog connection with the settings every part of unsealed uses."""
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60, check_same_thread=False,
                               isolation_level=None)
    else:
        conn = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.row_factory = sqlite3.Row
    return conn


class Case:
    """An open case folder."""

    def __init__(self, root: Path, conn: sqlite3.Connection, readonly: bool):
        self.root = root
        self.conn = conn
        self.readonly = readonly
        self.blobs = BlobStore(root / "blobs")

    @classmethod
    def open(cls, root: Path | str | None = None, create: bool = False, readonly: bool = False) -> Case:
        """Open the case at ``root`` (default: see :func:`default_case_dir`).

        With ``create`` the folder and catalog are made when missing; otherwise a
        missing case is an error that tells the user to ingest first.
        """
        root = Path(root) if root is not None else default_case_dir()
        catalog = root / CATALOG
        if not catalog.exists():
            if not create:
                raise CaseError(f"no case at {root}: run 'unsealed ingest PATH --case {root}' first")
            try:
                root.mkdir(parents=True, exist_ok=True)
                (root / "blobs").mkdir(exist_ok=True)
            except OSError as exc:
                raise CaseError(f"cannot create the case folder {root}: {exc.strerror}") from exc
        if not readonly and not os.access(root, os.W_OK):
            raise CaseError(f"the case folder {root} is not writable: choose another with --case")
        try:
            conn = connect(catalog, readonly=readonly)
            if not readonly:
                schema.create(conn)
        except sqlite3.DatabaseError as exc:
            raise CaseError(f"cannot open the catalog {catalog}: {exc}") from exc
        return cls(root, conn, readonly)

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG

    @contextmanager
    def transaction(self):
        """Commit everything inside the block at once, or nothing."""
        try:
            self.conn.execute("BEGIN")
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
