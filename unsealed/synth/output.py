"""Writing the cache to disk, byte-for-byte reproducibly.

Files are written as they are made (nothing large is held in memory), every
file gets a fixed modification time, and every zip container (our own archives
and the OOXML files written by openpyxl and python-docx, which stamp members
with the current time) is rewritten with fixed member timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

CHINA = dt.timezone(dt.timedelta(hours=8))
ZIP_EPOCH = dt.datetime(1980, 1, 1)


def china_timestamp(when: dt.datetime) -> float:
    """POSIX time of a naive local (UTC+8) datetime."""
    return when.replace(tzinfo=CHINA).timestamp()


def zip_info(name: str, when: dt.datetime, compression: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """A zip member header with a fixed time and fixed permissions."""
    info = zipfile.ZipInfo(name, date_time=max(when, ZIP_EPOCH).timetuple()[:6])
    info.compress_type = compression
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def fixed_zip(data: bytes, when: dt.datetime, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a zip (an .xlsx or .docx) so every member carries the time ``when``.

    ``replace`` swaps the content of named members (e.g. docProps/app.xml).
    """
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = replace.get(item.filename) or src.read(item)
            dst.writestr(zip_info(item.filename, when, item.compress_type), content)
    return out.getvalue()


def zip_bytes(members: list[tuple[str, bytes, dt.datetime]]) -> bytes:
    """A small zip built in memory (for an archive nested inside another)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data, when in members:
            z.writestr(zip_info(name, when), data)
    return out.getvalue()


def _write_file(path: Path, data: bytes, ts: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (ts, ts))


class CacheWriter:
    """Writes files under the cache root and counts them (archive members too).

    Loose files are written by a few threads: creating a file on the project's
    ext4 volume waits about 1 ms on the journal, not on the CPU, and eight
    concurrent writers cut that to 0.2 ms. Content never depends on the order.
    At most ``MAX_PENDING`` files wait in memory.
    """

    THREADS = 8
    MAX_PENDING = 256

    def __init__(self, root: Path, progress: Callable[[int, int], None] | None = None) -> None:
        self.root = root
        self.files = 0
        self.members = 0
        self.expected = 0
        self._progress = progress
        self._pool = ThreadPoolExecutor(self.THREADS, thread_name_prefix="synth-write")
        self._pending: deque[Future[None]] = deque()

    def _tick(self, n: int = 1) -> None:
        before = self.files + self.members - n
        done = before + n
        if self._progress and (done // 200 != before // 200):
            self._progress(done, max(self.expected, done))

    def close(self) -> None:
        """Wait for every pending write (re-raising the first failure) and stop the writer threads."""
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def finish(self) -> None:
        """Flush all writes and report completion to the progress callback."""
        self.close()
        if self._progress:
            done = self.files + self.members
            self._progress(done, done)

    def path(self, rel: str) -> Path:
        """The filesystem path of a cache-relative '/'-separated path, with its folder created."""
        path = self.root.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def stamp(self, rel: str, when: dt.datetime) -> None:
        """Give an already written file its fixed modification time and count it."""
        ts = china_timestamp(when)
        os.utime(self.root.joinpath(*rel.split("/")), (ts, ts))
        self.files += 1
        self._tick()

    def write(self, rel: str, data: bytes, when: dt.datetime) -> str:
        """Write one file (in the background); returns its cache-relative path."""
        path = self.root.joinpath(*rel.split("/"))
        self._pending.append(self._pool.submit(_write_file, path, data, china_timestamp(when)))
        while len(self._pending) > self.MAX_PENDING:
            self._pending.popleft().result()
        self.files += 1
        self._tick()
        return rel

    def zip(self, rel: str, when: dt.datetime, compression: int = zipfile.ZIP_DEFLATED) -> ZipBuilder:
        """Open a zip archive to add members to (use as a context manager)."""
        return ZipBuilder(self, rel, when, compression)


class ZipBuilder:
    """A zip archive being written member by member, with fixed member times."""

    def __init__(self, writer: CacheWriter, rel: str, when: dt.datetime, compression: int) -> None:
        self.writer = writer
        self.rel = rel
        self.when = when
        self.compression = compression
        self._zip = zipfile.ZipFile(writer.path(rel), "w", allowZip64=True)

    def add(self, member: str, data: bytes, when: dt.datetime, compression: int | None = None) -> str:
        """Add a member; returns its logical path ``archive/member``."""
        self._zip.writestr(zip_info(member, when, self.compression if compression is None else compression), data)
        self.writer.members += 1
        self.writer._tick()
        return f"{self.rel}/{member}"

    def add_stream(self, member: str, chunks: int, chunk: bytes, when: dt.datetime) -> str:
        """Add a large member by repeating ``chunk`` (used for the compression-bomb sample)."""
        with self._zip.open(zip_info(member, when, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as out:
            for _ in range(chunks):
                out.write(chunk)
        self.writer.members += 1
        return f"{self.rel}/{member}"

    def close(self) -> None:
        self._zip.close()
        self.writer.stamp(self.rel, self.when)

    def __enter__(self) -> ZipBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
