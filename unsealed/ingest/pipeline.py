"""Ingest: walk the sources, store every original, read every file, record it all.

The main process walks and writes the catalog; worker processes hash, identify
and extract (see ``workers.py`` and ``task.py``). Work is keyed by content: a
file whose size and modification time are unchanged since the last run is not
read again, and content already extracted by the current extractor version is
never extracted twice. Writes are grouped in short transactions, so a run killed
at any moment leaves whole files recorded or nothing of them, and the next run
picks up where it stopped.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from unsealed.extract.base import Extraction, Limits
from unsealed.extract.registry import VERSION
from unsealed.ingest.detect import HEAD_BYTES, detect, empty_problem, extension_disagrees
from unsealed.ingest.progress import Progress
from unsealed.ingest.task import OCR_KINDS, Result, Task
from unsealed.ingest.walk import SourceFile, resolve_roots, walk
from unsealed.ingest.workers import WorkerPool, default_workers
from unsealed.ocr import OcrOptions
from unsealed.store import catalog
from unsealed.store.case import Case

COMMIT_EVERY = 0.5  # seconds between commits
COMMIT_ITEMS = 500


@dataclass
class IngestOptions:
    workers: int = 0  # 0: one per core, fewer when memory is short (see workers.default_workers)
    passwords: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    ocr: OcrOptions = field(default_factory=OcrOptions)  # --ocr auto|always|never, --ocr-lang
    progress: bool | None = None  # None: only when stderr is a terminal
    index: bool = True  # update the search index at the end
    people: bool = True  # rebuild person records from the tables and photos at the end


@dataclass
class IngestSummary:
    """What ``unsealed ingest --json`` prints."""

    files: int = 0  # items seen in this run: files and the members inside them
    new: int = 0  # items not in the case before
    skipped: int = 0  # items whose content needed no reading (unchanged, or already read)
    failed: int = 0  # items that could not be read, each with a recorded reason
    duplicates: int = 0  # items whose content another item already holds
    bytes: int = 0  # bytes of the source files walked
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Pending:
    file: SourceFile | None  # a source file, or None for a stored blob
    name: str
    depth: int


class _Run:
    """State of one ingest run, driven by the worker pool's loop."""

    def __init__(self, case: Case, roots, options: IngestOptions, progress: Progress):
        self.case = case
        self.conn = case.conn
        self.options = options
        self.progress = progress
        self.walkers: Iterator[SourceFile] = (f for root in roots for f in walk(root))
        self.queue: deque[Task] = deque()  # blobs waiting: members and attachments first
        self.pending: dict[int, _Pending] = {}
        self.scheduled: set[str] = set()
        self.recorded: set[str] = set()  # blobs whose extraction this run wrote
        self.touched: set[int] = set()
        self.new = 0
        self.bytes = 0
        self._key = 0
        self._last_pending: _Pending | None = None
        self._in_tx = False
        self._writes = 0
        self._last_commit = time.monotonic()

    # -- tasks -------------------------------------------------------------------------------------
    def _task(self, pending: _Pending, source: str | None = None, sha: str | None = None) -> Task:
        self._key += 1
        self.pending[self._key] = pending
        return Task(key=self._key, name=pending.name, depth=pending.depth, source=source, sha256=sha)

    def schedule_blob(self, sha: str, name: str, depth: int) -> None:
        if sha in self.scheduled:
            return
        self.scheduled.add(sha)
        self.queue.append(self._task(_Pending(None, name, depth), sha=sha))

    def resume_unfinished(self) -> None:
        """Members and attachments stored by an earlier run that was stopped before reading them."""
        rows = self.conn.execute(
            "SELECT i.sha256, MIN(i.path), MIN(i.depth) FROM items i LEFT JOIN extractions e ON e.sha256=i.sha256"
            " WHERE i.sha256 IS NOT NULL AND i.depth > 0 AND (e.sha256 IS NULL OR e.version != ?)"
            " GROUP BY i.sha256", (VERSION,)).fetchall()
        for sha, path, depth in rows:
            self.schedule_blob(sha, path.rsplit("/", 1)[-1], depth)
        if self.options.ocr.mode != "never":
            kinds = sorted(OCR_KINDS)
            rows = self.conn.execute(
                "SELECT i.sha256, MIN(i.path), MIN(i.depth) FROM items i JOIN extractions e ON e.sha256=i.sha256"
                f" JOIN blobs b ON b.sha256=i.sha256 WHERE b.kind IN ({','.join('?' * len(kinds))})"
                " AND COALESCE(e.ocr, '') != ? GROUP BY i.sha256", (*kinds, self.options.ocr.signature())).fetchall()
            for sha, path, depth in rows:  # read before without OCR, or with other OCR settings
                self.schedule_blob(sha, path.rsplit("/", 1)[-1], depth)

    def next_tasks(self, n: int) -> list[Task]:
        out: list[Task] = []
        while self.queue and len(out) < n:
            out.append(self.queue.popleft())
        while len(out) < n:
            source = next(self.walkers, None)
            if source is None:
                break
            self.bytes += source.size
            if source.status != "ok":
                self._write(self._record_unreadable, source)
            elif not self._unchanged(source):
                out.append(self._task(_Pending(source, source.path.rsplit("/", 1)[-1], 0), source=source.abspath))
        return out

    def _unchanged(self, source: SourceFile) -> bool:
        row = self.conn.execute(
            "SELECT i.id FROM items i JOIN extractions e ON e.sha256=i.sha256 WHERE i.root=? AND i.path=?"
            " AND i.size=? AND i.mtime_ns=? AND e.version=?",
            (source.root, source.path, source.size, source.mtime_ns, VERSION)).fetchone()
        if row is None:
            return False
        ids = [r[0] for r in self.conn.execute(
            "WITH RECURSIVE d(id) AS (SELECT ? UNION ALL SELECT i.id FROM items i JOIN d ON i.parent_id=d.id)"
            " SELECT id FROM d", (row[0],))]
        self.touched.update(ids)
        self.progress.update(1)
        if len(ids) > 1:
            self.progress.add_total(len(ids) - 1)
            self.progress.update(len(ids) - 1)
        return True

    # -- results -----------------------------------------------------------------------------------
    def record(self, result: Result) -> None:
        self._write(self._record_safely, result)

    def _record_safely(self, result: Result) -> None:
        """Record a result; if the catalog refuses what was read, record the failure instead."""
        self.conn.execute("SAVEPOINT result")
        try:
            self._record_result(result)
        except Exception as exc:  # noqa: BLE001 - one file's odd output must not stop the run
            self.conn.execute("ROLLBACK TO result")
            self.pending.setdefault(result.key, self._last_pending)
            reason = f"could not record what was read ({type(exc).__name__}: {exc})"[:400]
            result.extraction = Extraction(status="error", error=reason, extractor="none")
            result.children = []
            self._record_result(result)
        finally:
            self.conn.execute("RELEASE result")

    def failure(self, task: Task, status: str, reason: str) -> Result:
        """A task whose worker died or overran: store the original here and record why."""
        result = Result(task.key, status="ok", extraction=Extraction(status=status, error=reason, extractor="none"))
        try:
            if task.source is not None:
                result.sha256, result.size, _ = self.case.blobs.put_file(task.source)
            else:
                result.sha256 = task.sha256
                result.size = os.path.getsize(self.case.blobs.path(task.sha256))
            path = self.case.blobs.path(result.sha256)
            with open(path, "rb") as fh:
                found = detect(path, name=task.name, head=fh.read(HEAD_BYTES))
            result.kind, result.mime, result.ext_mismatch = found.kind, found.mime, found.ext_mismatch
        except OSError as exc:
            result.status, result.error, result.extraction = "error", f"cannot read: {exc.strerror or exc}", None
        return result

    def _record_unreadable(self, source: SourceFile) -> None:
        item = catalog.upsert_item(self.conn, root=source.root, path=source.path, parent_id=None, sha=None,
                                   size=source.size or None, depth=0, status=source.status, error=source.error,
                                   mtime_ns=source.mtime_ns, modified=_iso(source.mtime_ns))
        self._touch(item)

    def _record_result(self, result: Result) -> None:
        pending = self._last_pending = self.pending.pop(result.key)
        if result.sha256 is not None:
            catalog.record_blob(self.conn, result.sha256, result.size, result.kind, result.mime)
        if result.extraction is not None:
            catalog.record_extraction(self.conn, result.sha256, result.extraction, result.children, result.ocr,
                                      replaces=result.replaces or result.sha256 in self.recorded)
            self.recorded.add(result.sha256)
        elif result.ocr_pages is not None:
            catalog.record_ocr(self.conn, result.sha256, result.ocr_pages, result.ocr_errors, result.ocr)
        if pending.file is not None:
            source = pending.file
            status, error = result.status, result.error
            if status == "ok" and (problem := empty_problem(result.kind, source.path)):
                status, error = "corrupt", problem
            item = catalog.upsert_item(
                self.conn, root=source.root, path=source.path, parent_id=None, sha=result.sha256,
                size=result.size if result.sha256 else source.size, depth=0, status=status,
                error=error, ext_mismatch=result.ext_mismatch, mtime_ns=source.mtime_ns,
                modified=_iso(source.mtime_ns))
            self._touch(item)
            self._expand(item)
            return
        # a stored member: every item holding this content gets its extension checked and its children
        for item_id, root, path, depth in self.conn.execute(
                "SELECT id, root, path, depth FROM items WHERE sha256=?", (result.sha256,)).fetchall():
            name = path.rsplit("/", 1)[-1]
            self.conn.execute("UPDATE items SET ext_mismatch=? WHERE id=?",
                              (int(extension_disagrees(result.kind, name)), item_id))
            if problem := empty_problem(result.kind, name):
                self.conn.execute("UPDATE items SET status='corrupt', error=? WHERE id=? AND status='ok'",
                                  (problem, item_id))
            self._expand(catalog.ItemRef(item_id, root, path, depth, result.sha256, False, True))

    def _expand(self, item: catalog.ItemRef) -> None:
        for child in catalog.materialize_children(self.conn, item):
            self._touch(child)
            self.progress.add_total(1)
            if child.sha256 is None:
                continue
            if catalog.extraction_done(self.conn, child.sha256):
                self._expand(child)
            else:
                self.schedule_blob(child.sha256, child.path.rsplit("/", 1)[-1], child.depth)

    def _touch(self, item: catalog.ItemRef) -> None:
        if item.id not in self.touched:
            self.touched.add(item.id)
            self.new += item.is_new
            self.progress.update(1)

    # -- transactions ------------------------------------------------------------------------------
    def _write(self, fn, arg) -> None:
        if not self._in_tx:
            self.conn.execute("BEGIN IMMEDIATE")
            self._in_tx = True
        fn(arg)
        self._writes += 1
        if self._writes >= COMMIT_ITEMS or time.monotonic() - self._last_commit > COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        if self._in_tx:
            self.conn.execute("COMMIT")
            self._in_tx = False
        self._writes = 0
        self._last_commit = time.monotonic()

    def rollback(self) -> None:
        if self._in_tx:
            self.conn.execute("ROLLBACK")
            self._in_tx = False

    def summary(self, extracted_now: set[str], started: float) -> IngestSummary:
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS run_items(id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM run_items")
        conn.executemany("INSERT INTO run_items(id) VALUES (?)", ((i,) for i in self.touched))
        marks = ",".join("?" * len(catalog.FAILED))
        failed = conn.execute(
            "SELECT COUNT(*) FROM run_items r JOIN items i ON i.id=r.id LEFT JOIN extractions e"
            f" ON e.sha256=i.sha256 WHERE i.status != 'ok' OR e.status IN ({marks})", catalog.FAILED).fetchone()[0]
        dups = conn.execute(
            "SELECT COUNT(*) FROM run_items r JOIN items i ON i.id=r.id WHERE i.sha256 IS NOT NULL AND"
            " EXISTS (SELECT 1 FROM items o WHERE o.sha256=i.sha256 AND o.id < i.id)").fetchone()[0]
        shas = conn.execute("SELECT i.sha256 FROM run_items r JOIN items i ON i.id=r.id").fetchall()
        skipped = sum(1 for (sha,) in shas if sha is not None and sha not in extracted_now)
        conn.execute("DROP TABLE run_items")
        return IngestSummary(files=len(self.touched), new=self.new, skipped=skipped, failed=failed,
                             duplicates=dups, bytes=self.bytes, seconds=round(time.monotonic() - started, 3))


def _iso(mtime_ns: int | None) -> str | None:
    if not mtime_ns:
        return None
    return datetime.fromtimestamp(mtime_ns / 1e9, UTC).replace(microsecond=0).isoformat()


def _count(roots) -> int:
    return sum(1 for root in roots for _ in walk(root))


def ingest(case: Case, paths: list, options: IngestOptions | None = None) -> IngestSummary:
    """Ingest every file under ``paths`` into ``case``; see the module docstring."""
    options = options or IngestOptions()
    started = time.monotonic()
    roots = resolve_roots(paths)
    show = options.progress if options.progress is not None else None
    progress = Progress("ingest", enabled=show)
    if progress._bar is not None:
        progress.add_total(_count(roots))
    run = _Run(case, roots, options, progress)
    run_id = case.conn.execute("INSERT INTO runs(started, roots) VALUES (?, ?)",
                               (catalog.now_iso(), json.dumps([str(r) for r in roots]))).lastrowid
    run.resume_unfinished()
    extracted_now: set[str] = set()
    workers = options.workers or default_workers(options.ocr.mode != "never")
    pool = WorkerPool(workers, str(case.root), options.passwords, options.limits, options.ocr)
    try:
        for result in pool.run(run.next_tasks, run.failure):
            if (result.extraction is not None or result.ocr_pages is not None) and result.sha256:
                extracted_now.add(result.sha256)
            run.record(result)
        run.commit()
    except BaseException:
        run.rollback()  # the half-recorded file is redone by the next run
        raise
    finally:
        pool.close()
        progress.close()
    if options.index:
        _sync_search_index(case)
    if options.people:
        from unsealed.people import build_people
        from unsealed.people.schema import is_current

        if not is_current(case.conn):  # nothing changed since the last build: keep it
            build_people(case)
    summary = run.summary(extracted_now, started)
    case.conn.execute("UPDATE runs SET finished=?, summary=? WHERE id=?",
                      (catalog.now_iso(), json.dumps(summary.as_dict()), run_id))
    return summary


def _sync_search_index(case: Case) -> None:
    try:
        from unsealed.search import sync_index
    except ImportError:
        return
    sync_index(case)
