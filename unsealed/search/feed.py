"""Feed a stream of blobs and their parts to an engine, with the text analysis done ahead in parallel.

The stream is read in this process (it usually comes from the catalog), cut
into chunks of parts whose texts go to an :class:`~unsealed.search.analysis.Analyser`;
while workers analyse the next chunks, this process hands the analysed parts of
the oldest chunk to the engine, in the stream's order. At most a few chunks are
in flight, so memory stays bounded however large the stream or a single blob
(a spreadsheet of a million rows goes through in many chunks).

For each blob, ``done(job, documents)`` is called once every one of its
documents has been given to the engine, which is when the caller may count it
as indexed after the next commit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from unsealed.search.analysis import Analyser, Work
from unsealed.search.engine import BlobInfo, Engine, Part

CHUNK_PARTS = 512  # parts per unit of work sent to a worker
CHUNK_CHARS = 1_000_000  # or fewer when the texts (and paths) are long
CHUNK_EVENTS = 4 * CHUNK_PARTS  # or fewer when many jobs have no parts (blobs whose documents go)
MAX_IN_FLIGHT = 6  # chunks submitted and not yet given to the engine


@dataclass
class BlobJob:
    """One blob to (re)index: ``blob`` None means its documents are only deleted."""

    sha256: str
    blob: BlobInfo | None
    parts: Iterable[Part] = ()
    mark: Any = None  # anything the caller wants back in ``done``


@dataclass
class _Chunk:
    events: list = field(default_factory=list)  # ("start", job) / ("part", part) / ("end", job)
    texts: list[str] = field(default_factory=list)
    path_lists: list[list[str]] = field(default_factory=list)  # of the blobs started in this chunk
    chars: int = 0
    handle: Any = None


class _Writer:
    """Applies the events of analysed chunks to the engine, in order."""

    def __init__(self, engine: Engine, done: Callable[[BlobJob, int], None], replace_existing: bool):
        self.engine = engine
        self.done = done
        self.replace_existing = replace_existing
        self.job: BlobJob | None = None
        self.parts: list[Part] = []
        self.first = True
        self.count = 0
        self.added = 0

    def apply(self, chunk: _Chunk, work: Work) -> None:
        texts, path_lists = work
        it, paths_it = iter(texts), iter(path_lists)
        for kind, value in chunk.events:
            if kind == "start":
                self.job, self.parts, self.first, self.count = value, [], True, 0
                if value.blob is not None:
                    value.blob.analysed_paths = next(paths_it)
            elif kind == "part":
                value.analysed = next(it)
                self.parts.append(value)
            else:
                self._flush()
                if value.blob is None:
                    self.engine.delete_blob(value.sha256)
                self.done(value, self.count)
                self.job = None
        self._flush()  # a blob continued in the next chunk: its parts so far go in now

    def _flush(self) -> None:
        job = self.job
        if job is None or job.blob is None or (not self.parts and not self.first):
            return
        n = self.engine.add_blob(job.blob, self.parts, replace=self.first and self.replace_existing)
        self.count += n
        self.added += n
        self.parts, self.first = [], False


def feed(engine: Engine, jobs: Iterable[BlobJob], done: Callable[[BlobJob, int], None],
         analyser: Analyser | None = None, replace_existing: bool = True) -> int:
    """Give every job's parts to ``engine`` in order; returns how many documents were added.

    ``replace_existing=False`` skips deleting each blob's old documents first: only
    for an index known to hold none of them, and jobs with distinct blobs.
    """
    own = analyser is None
    analyser = analyser or Analyser()
    writer = _Writer(engine, done, replace_existing)
    in_flight: deque[_Chunk] = deque()
    chunk = _Chunk()

    def submit(chunk: _Chunk) -> _Chunk:
        chunk.handle = analyser.submit(chunk.texts, chunk.path_lists)
        in_flight.append(chunk)
        while len(in_flight) > (MAX_IN_FLIGHT if analyser.parallel else 0):
            oldest = in_flight.popleft()
            writer.apply(oldest, analyser.result(oldest.handle, oldest.texts, oldest.path_lists))
        return _Chunk()

    try:
        for job in jobs:
            chunk.events.append(("start", job))
            if job.blob is not None:
                chunk.path_lists.append(job.blob.paths)
                chunk.chars += sum(map(len, job.blob.paths))
            for part in job.parts if job.blob is not None else ():
                chunk.events.append(("part", part))
                chunk.texts.append(part.text)
                chunk.chars += len(part.text)
                if len(chunk.texts) >= CHUNK_PARTS or chunk.chars >= CHUNK_CHARS:
                    chunk = submit(chunk)
            chunk.events.append(("end", job))
            if len(chunk.events) >= CHUNK_EVENTS:
                chunk = submit(chunk)
        if chunk.events:
            chunk = submit(chunk)
        while in_flight:
            oldest = in_flight.popleft()
            writer.apply(oldest, analyser.result(oldest.handle, oldest.texts, oldest.path_lists))
    finally:
        if own:
            analyser.close()
    return writer.added
