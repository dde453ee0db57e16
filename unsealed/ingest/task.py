"""One unit of ingest work, done in a worker process: store, identify and read one file.

A task is either a source file (hashed and copied into the blob store) or a blob
already in the store (an archive member or attachment). The worker detects the
type, extracts unless this content was extracted before by the same extractor
version, and moves children into the blob store. The main process records the
result in the catalog, so workers never write to it.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from unsealed.extract.base import Context, Extraction, Limits, Page, Probe, TimedOut
from unsealed.extract.registry import VERSION, run_extractor
from unsealed.ingest.detect import HEAD_BYTES, detect
from unsealed.ocr import OcrOptions, ocr_pages
from unsealed.ocr import apply as ocr_apply
from unsealed.store.blobs import BlobStore
from unsealed.store.case import CATALOG, connect


@dataclass(frozen=True)
class Task:
    """What to process. ``source`` is a file path for files, None for blobs already stored."""

    key: int  # the main process's handle for this task
    name: str  # file name, for the extension check and hints
    depth: int
    source: str | None = None
    sha256: str | None = None


@dataclass
class ChildResult:
    name: str
    sha256: str | None
    size: int | None
    status: str
    error: str | None
    modified: str | None


@dataclass
class Result:
    key: int
    sha256: str | None = None
    size: int = 0
    kind: str = "unknown"
    mime: str = "application/octet-stream"
    ext_mismatch: bool = False
    extraction: Extraction | None = None  # None: already extracted (skipped) or unreadable
    children: list[ChildResult] = field(default_factory=list)
    status: str = "ok"  # for the item: 'ok' or why it could not be read at all
    error: str | None = None
    seconds: float = 0.0
    replaces: bool = True  # an older extraction of this content may exist in the catalog
    ocr: str | None = None  # signature of the OCR settings applied
    ocr_pages: list[Page] | None = None  # OCR done now on content extracted earlier
    ocr_errors: list[str] = field(default_factory=list)


# kinds whose content OCR can read: PDF pages and images
OCR_KINDS = frozenset({"pdf", "jpeg", "png", "gif", "tiff", "webp", "heic", "bmp", "jp2"})


class Worker:
    """State a worker process keeps between tasks: the blob store and a read-only catalog."""

    def __init__(self, case_root: str, passwords: tuple[str, ...], limits: Limits, ocr: OcrOptions | None = None):
        self.root = Path(case_root)
        self.blobs = BlobStore(self.root / "blobs")
        self.passwords = passwords
        self.limits = limits
        self.ocr = ocr if ocr is not None and ocr.mode != "never" else None
        self.ocr_signature = self.ocr.signature() if self.ocr else None
        self.scratch = self.root / "tmp"
        self.scratch.mkdir(parents=True, exist_ok=True)
        # one scratch folder per worker, emptied after each file: creating and removing a folder
        # per file costs milliseconds on some file systems
        self.workdir = Path(tempfile.mkdtemp(dir=self.scratch, prefix=f"w{os.getpid()}-"))
        self._conn: sqlite3.Connection | None = None
        self._replaces = True
        signal.signal(signal.SIGALRM, _alarm)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.root / CATALOG, readonly=True)
        return self._conn

    def work_needed(self, sha: str, kind: str) -> str | None:
        """'extract', 'ocr' (extracted, but not yet OCR'd with these settings) or None."""
        row = self.conn.execute("SELECT version, ocr FROM extractions WHERE sha256=?", (sha,)).fetchone()
        if row is None or row[0] != VERSION:
            self._replaces = row is not None
            return "extract"
        if self.ocr and row[1] != self.ocr_signature and kind in OCR_KINDS:
            return "ocr"
        return None

    def _stored_extraction(self, sha: str) -> Extraction:
        pages = [Page(n, text, source) for n, text, source in self.conn.execute(
            "SELECT number, text, source FROM pages WHERE sha256=? AND source != 'ocr' ORDER BY number", (sha,))]
        return Extraction(pages=pages)

    def _ocr(self, blob_path: Path, probe: Probe, extraction: Extraction) -> tuple[list[Page], list[str]]:
        """OCR the pages and images that need it, within its own time window."""
        signal.setitimer(signal.ITIMER_REAL, self.limits.seconds)
        try:
            return ocr_pages(blob_path, probe, extraction, self.ocr)
        except TimedOut:
            return [], ["not OCR'd: the time limit for this file ran out (re-run ingest with a larger --timeout)"]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def run(self, task: Task) -> Result:
        """Do one task; failures come back in the result, never as an exception."""
        if _FAULT and task.name.endswith(_FAULT[1]):
            _inject(_FAULT[0])
        result = Result(task.key)
        try:
            if task.source is not None:
                sha, size, _ = self.blobs.put_file(task.source)
            else:
                sha, size = task.sha256, os.path.getsize(self.blobs.path(task.sha256))
        except OSError as exc:
            result.status, result.error = "error", f"cannot read: {exc.strerror or exc}"
            return result
        result.sha256, result.size = sha, size
        blob_path = self.blobs.path(sha)
        with open(blob_path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        found = detect(blob_path, name=task.name, head=head)
        result.kind, result.mime, result.ext_mismatch = found.kind, found.mime, found.ext_mismatch
        need = self.work_needed(sha, found.kind)
        if need is None:
            return result
        probe = Probe(kind=found.kind, mime=found.mime, name=task.name, size=size, head=head)
        if need == "ocr":
            result.ocr_pages, result.ocr_errors = self._ocr(blob_path, probe, self._stored_extraction(sha))
            result.ocr = self.ocr_signature
            return result
        workdir = self.workdir
        try:
            ctx = Context(workdir=workdir, passwords=self.passwords, limits=self.limits, depth=task.depth)
            signal.setitimer(signal.ITIMER_REAL, self.limits.seconds)
            try:
                extraction = run_extractor(blob_path, probe, ctx)
            except TimedOut as exc:  # raised by the alarm outside an extractor's own handling
                extraction = Extraction(status="timeout", error=str(exc))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            result.children = [self._store_child(child) for child in extraction.children]
            extraction.children = []
            if self.ocr and extraction.status not in ("encrypted", "timeout", "hostile"):
                pages, errors = self._ocr(blob_path, probe, extraction) if found.kind in OCR_KINDS else ([], [])
                extraction = ocr_apply(extraction, pages, errors)
            result.extraction = extraction
            result.replaces = self._replaces
            result.ocr = self.ocr_signature
        finally:
            _empty(workdir)
        return result

    def _store_child(self, child) -> ChildResult:
        if child.path is None:
            return ChildResult(child.name, None, None, child.status or "error", child.error, child.modified)
        try:
            sha, size, _ = self.blobs.adopt(child.path)
        except OSError as exc:
            return ChildResult(child.name, None, None, "error", f"cannot store member: {exc}", child.modified)
        return ChildResult(child.name, sha, size, child.status, child.error, child.modified)


# Fault injection for the tests of the worker pool: UNSEALED_FAULT=crash:NAME or hang:NAME makes the
# worker die or hang on files whose name ends with NAME, as a hostile file could make a parser do.
_FAULT = tuple(os.environ["UNSEALED_FAULT"].split(":", 1)) if ":" in os.environ.get("UNSEALED_FAULT", "") else ()


def _inject(kind: str) -> None:
    if kind == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "hang":
        signal.setitimer(signal.ITIMER_REAL, 0)
        while True:
            time.sleep(1)


def _empty(folder: Path) -> None:
    """Remove whatever an extraction left in its scratch folder (children were moved out already)."""
    with os.scandir(folder) as entries:
        leftovers = list(entries)
    for entry in leftovers:
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def _alarm(signum, frame):
    raise TimedOut("reading took longer than the time limit: skipped (the original is preserved)")
