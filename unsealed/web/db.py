"""Catalog connections for the web server: a small pool of read-only cases and one guarded writer.

The catalog is shared with ``unsealed ingest`` running at the same time. Pages read through
read-only connections (one per request, taken from a pool), so no page can change the
catalog; the workbench's own tables (users, sessions, notes, tags, audit) are written through
one writable connection behind a lock, in short transactions.
"""

from __future__ import annotations

import json
import queue
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from unsealed.store.case import Case, CaseError, connect
from unsealed.web import schema
from unsealed.web.jobs import Jobs

STAMP_SECONDS = 2.0


class CaseStore:
    """Connections to one case for a multi-threaded server."""

    def __init__(self, root: Path | str, readers: int = 8):
        self.root = Path(root)
        writable = Case.open(self.root)  # refuses a missing or read-only case with a clear message
        self._writer = writable.conn
        self._wlock = threading.Lock()
        schema.create(self._writer)
        self.secret = schema.secret(self._writer)
        self._pool: queue.LifoQueue[Case] = queue.LifoQueue()
        self._size = max(1, readers)
        self._opened = 0
        self._plock = threading.Lock()
        self._cache: dict[str, tuple[Any, Any]] = {}
        self._cache_lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._stamp: tuple[float, str] | None = None
        self.workdir = Path(tempfile.mkdtemp(prefix="unsealed-web-"))  # charts and the composite
        self.jobs = Jobs()

    @contextmanager
    def reader(self) -> Iterator[Case]:
        """A read-only :class:`Case` for the duration of one request."""
        case = self._take()
        try:
            yield case
        finally:
            if case.conn.in_transaction:
                case.conn.execute("ROLLBACK")
            self._pool.put(case)

    def _take(self) -> Case:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            pass
        with self._plock:
            if self._opened < self._size:
                self._opened += 1
                try:
                    return Case.open(self.root, readonly=True)
                except CaseError:
                    self._opened -= 1
                    raise
        return self._pool.get(timeout=120)

    def fresh_case(self) -> Case:
        """A read-only case of its own, for a background job (the caller closes it)."""
        return Case.open(self.root, readonly=True)

    @contextmanager
    def writer(self) -> Iterator[sqlite3.Connection]:
        """The writable connection inside one transaction (committed at the end, rolled back on error)."""
        with self._wlock:
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
                self._writer.execute("COMMIT")
            except BaseException:
                self._writer.execute("ROLLBACK")
                raise

    def stamp(self, case: Case) -> str:
        """A fingerprint of the catalog and people tables: cached figures are redone when it moves.

        Computing it reads every extraction row (about 50 ms at 90,000 items), so it is itself kept
        for STAMP_SECONDS: a page shows figures at most that much older than the catalog.
        """
        from unsealed.people.schema import catalog_state

        now = time.monotonic()
        if self._stamp is not None and now - self._stamp[0] < STAMP_SECONDS:
            return self._stamp[1]
        row = None
        try:
            row = case.conn.execute("SELECT value FROM meta WHERE key = 'people'").fetchone()
        except sqlite3.OperationalError:
            pass
        value = json.dumps([catalog_state(case.conn), row[0] if row else None])
        self._stamp = (now, value)
        return value

    def cached(self, key: str, stamp: str, compute: Callable[[], Any]) -> Any:
        """``compute()``'s value, kept until ``stamp`` changes (figures, reports)."""
        with self._cache_lock:
            hit = self._cache.get(key)
            lock = self._key_locks.setdefault(key, threading.Lock())
        if hit is not None and hit[0] == stamp:
            return hit[1]
        with lock:  # one thread computes; the others wait for its value
            with self._cache_lock:
                hit = self._cache.get(key)
            if hit is not None and hit[0] == stamp:
                return hit[1]
            value = compute()
            with self._cache_lock:
                self._cache[key] = (stamp, value)
        return value

    def peek(self, key: str, stamp: str) -> Any:
        """The cached value for ``key`` if it is current, else None."""
        with self._cache_lock:
            hit = self._cache.get(key)
        return hit[1] if hit is not None and hit[0] == stamp else None

    def close(self) -> None:
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                break
        with self._wlock:
            self._writer.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def open_writable(root: Path | str) -> sqlite3.Connection:
    """A writable catalog connection with the workbench tables, for the CLI's user and audit commands."""
    case = Case.open(root)
    schema.create(case.conn)
    return case.conn


def read_connection(root: Path | str) -> sqlite3.Connection:
    """A read-only connection (``unsealed audit`` on a case the user may only read)."""
    path = Path(root) / "catalog.sqlite"
    if not path.exists():
        raise CaseError(f"no case at {root}: run 'unsealed ingest PATH --case {root}' first")
    return connect(path, readonly=True)
