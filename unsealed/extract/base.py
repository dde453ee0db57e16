"""The contract every extractor follows, and the outcome it returns.

An extractor is a module with a cheap content-based ``accepts(probe)`` and an
``extract(path, ctx)`` that returns an :class:`Extraction` or raises one of the
:class:`ExtractionError` subclasses below. The registry (``registry.py``) tries
extractors in priority order and turns every exception into a recorded failure,
so one bad file never stops a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Probe:
    """What an extractor may look at to decide cheaply whether it handles a file."""

    kind: str  # content-detected kind, see unsealed.ingest.detect.KINDS
    mime: str
    name: str  # file name, a hint only: content decides
    size: int
    head: bytes  # the first bytes of the content (up to 8 KiB)


@dataclass
class Limits:
    """Limits that contain hostile input. Each breach is recorded with its reason."""

    max_depth: int = 8  # archives inside archives
    max_members: int = 200_000  # members of one archive
    max_member_bytes: int = 8 * 1024**3  # one unpacked member
    max_unpacked_bytes: int = 64 * 1024**3  # all members of one archive together
    max_ratio: float = 200.0  # unpacked / packed for a member larger than ratio_floor
    ratio_floor: int = 8 * 1024**2
    max_image_pixels: int = 180_000_000  # decompression-bomb images
    max_text_chars: int = 50_000_000  # text kept per file
    max_rows: int = 2_000_000  # table rows kept per file
    seconds: float = 300.0  # wall time for one file's extraction


@dataclass
class Context:
    """What an extractor gets besides the file: passwords, limits and a scratch folder.

    ``workdir`` is an empty folder owned by this extraction; children (archive
    members, attachments) are written there as files and handed back as
    :class:`Child` entries. The caller stores them and removes the folder.
    """

    workdir: Path
    passwords: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    depth: int = 0  # how deep this file sits inside containers


@dataclass
class Page:
    """Text of one page (1-based); formats without pages have a single page 1."""

    number: int
    text: str
    source: str = "text"  # "text" (from the file) or "ocr"
    confidence: float | None = None  # OCR confidence 0..1


@dataclass
class Row:
    """One row of a table, cell values as text exactly as shown (IDs never become floats)."""

    sheet: str
    number: int  # 1-based row number as the spreadsheet shows it
    cells: list[str]


@dataclass
class Child:
    """An embedded file: an archive member or an e-mail attachment.

    ``path`` is a file inside ``Context.workdir`` holding its content, or None when
    it could not be extracted; then ``status``/``error`` say why.
    """

    name: str  # path inside the parent, '/'-separated, already made safe
    path: Path | None
    status: str = "ok"  # "ok" or one of STATUSES
    error: str | None = None
    modified: str | None = None  # ISO 8601 time the container records for it


@dataclass
class Extraction:
    """Everything read from one blob."""

    pages: list[Page] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    status: str = "ok"  # "ok", or "partial" when some of it failed (see error)
    error: str | None = None
    extractor: str = ""


# Outcome statuses, as stored and reported.
STATUSES = ("ok", "partial", "encrypted", "corrupt", "unsupported", "hostile", "timeout", "error")


class ExtractionError(Exception):
    """A file could not be read; the subclass names the reason, the message says what to do."""

    status = "error"


class Encrypted(ExtractionError):
    status = "encrypted"


class Corrupt(ExtractionError):
    status = "corrupt"


class Unsupported(ExtractionError):
    status = "unsupported"


class Hostile(ExtractionError):
    """Input built to harm: a zip bomb, an XML entity bomb, a decompression-bomb image."""

    status = "hostile"


class TimedOut(ExtractionError):
    status = "timeout"
