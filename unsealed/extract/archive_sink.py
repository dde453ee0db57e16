"""Where archive members go: streamed into the workdir under generated names, within limits.

Every archive reader hands each member to one :class:`Sink`. The sink writes the
content in chunks (a member is never held whole in memory), counts the bytes that
really come out of the decompressor (headers lie), stops a member or the whole
archive when a limit from ``ctx.limits`` is crossed, and records one
:class:`Child` per member, failed or not, so nothing is silently dropped.
"""

from __future__ import annotations

import filecmp
import shutil
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from unsealed.extract.base import (
    Child,
    Context,
    Corrupt,
    Encrypted,
    Extraction,
    ExtractionError,
    Hostile,
    TimedOut,
)
from unsealed.extract.safe_names import safe_name

CHUNK = 1 << 20
# Never swallowed by our broad "a decoder failed" handlers: the worker's time-limit alarm
# (TimedOut), our own refusals, and exhaustion, which the registry reports as hostile.
PASS_THROUGH = (ExtractionError, MemoryError, RecursionError)
NEED_PASSWORD = "encrypted: re-run ingest with --password PW"


def wrong_passwords(count: int) -> str:
    """The error for an encrypted member none of the given passwords opened."""
    return f"encrypted: none of the {count} given password(s) opens it; re-run ingest with --password PW"


class MemberStopped(Exception):
    """A limit stopped this member; the archive may go on."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class ArchiveStopped(Exception):
    """A limit stopped the whole archive; members already written are kept."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def human(n: float) -> str:
    """A byte count for people: '8 MB', '1.5 GB'."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit in ("bytes", "KB", "MB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"


def iso_time(value: Any) -> str | None:
    """ISO 8601 for a (y, m, d, H, M, S) tuple, a datetime or a Unix time; None when absent or invalid."""
    try:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.replace(microsecond=0).isoformat()
        if isinstance(value, tuple):
            return datetime(*value[:6]).isoformat()
        if isinstance(value, int | float) and value > 0:
            return datetime.fromtimestamp(value, UTC).replace(microsecond=0).isoformat()
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    return None


def read_link_target(open_member) -> str:
    """The target a symbolic-link member names (its content), from ``open_member()``; never raises
    for damage: an unreadable target is reported as such."""
    try:
        with open_member() as fh:
            return fh.read(4096).decode("utf-8", "replace")
    except PASS_THROUGH:
        raise
    except Exception as exc:  # noqa: BLE001 - an unreadable link target is still reported
        return f"(unreadable target: {describe(exc)})"


def describe(exc: BaseException) -> str:
    """A short, readable reason from a library exception."""
    text = str(exc).strip() or type(exc).__name__
    if type(exc).__name__ not in text:
        text = f"{type(exc).__name__}: {text}"
    return text[:300]


class MemberWriter:
    """One member being written: feed it chunks with :meth:`write`, then :meth:`close`."""

    def __init__(self, sink: Sink, raw_name: str, packed: int | None, modified: str | None):
        self.sink, self.raw_name, self.packed, self.modified = sink, raw_name, packed, modified
        self.path, self._fh = sink.create()  # closed in close()/discard()/fail()
        self.size = 0

    def write(self, chunk: bytes) -> int:
        """Write a chunk; raises MemberStopped/ArchiveStopped when a limit is crossed."""
        n = len(chunk)
        self.size += n
        self.sink.total += n
        self.sink.check(self.size, self.packed)
        self._fh.write(chunk)
        return n

    def close(self) -> Child:
        """Finish the member and record it."""
        self._fh.close()
        if self.sink.is_self_copy(self.path, self.size):
            self.path.unlink()
            return self.sink.record(self.raw_name, "hostile",
                                    "member is an exact copy of the archive itself (a quine): not unpacked again",
                                    self.modified)
        name, hostile = safe_name(self.raw_name)
        child = Child(name, self.path, "hostile" if hostile else "ok", hostile, self.modified)
        self.sink.children.append(child)
        return child

    def discard(self, uncount: bool = True) -> None:
        """Drop what was written; ``uncount`` gives the bytes back to the archive's total."""
        self._fh.close()
        if uncount:
            self.sink.total -= self.size
        self.path.unlink(missing_ok=True)

    def fail(self, exc: BaseException) -> Child:
        """Record the member after an error: keep what was read as 'partial', or nothing as 'corrupt'."""
        if isinstance(exc, MemberStopped | ArchiveStopped):
            self.discard(uncount=False)  # the work was done: it still counts against the archive
            return self.sink.record(self.raw_name, exc.status, exc.reason, self.modified)
        self._fh.close()
        if isinstance(exc, NotImplementedError):
            self.discard()
            return self.sink.record(self.raw_name, "unsupported", describe(exc), self.modified)
        if self.size == 0:
            self.discard()
            return self.sink.record(self.raw_name, "corrupt", f"unreadable: {describe(exc)}", self.modified)
        name, _ = safe_name(self.raw_name)
        child = Child(name, self.path, "partial",
                      f"damaged after {human(self.size)}: {describe(exc)} (the part before it is kept)",
                      self.modified)
        self.sink.children.append(child)
        return child


class Sink:
    """Collects the members of one archive into ``ctx.workdir`` within ``ctx.limits``."""

    def __init__(self, ctx: Context, archive: Path):
        self.ctx, self.limits, self.archive = ctx, ctx.limits, archive
        self.archive_size = max(archive.stat().st_size, 1)
        self.children: list[Child] = []
        self.total = 0  # bytes written for all members
        self.members = 0  # member entries seen (directories not counted)
        self.stopped: tuple[str, str] | None = None  # (status, reason) when the archive was cut short
        self.damage: list[str] = []  # where the archive itself broke
        # stop a little before the worker's own alarm (same limit) so the members read so far are kept
        self.deadline = time.monotonic() + self.limits.seconds * 0.9
        self._n = 0

    def new_path(self) -> Path:
        """The next generated file name inside the workdir."""
        self._n += 1
        return self.ctx.workdir / f"m{self._n:06d}"

    def create(self) -> tuple[Path, Any]:
        """A new file in the workdir opened for writing (skipping names a caller left there)."""
        while True:
            path = self.new_path()
            try:
                return path, open(path, "xb")  # noqa: SIM115 - the caller closes it
            except FileExistsError:
                continue

    def count(self) -> None:
        """Count one member entry; stops the archive past ``max_members``."""
        self.members += 1
        if self.members > self.limits.max_members:
            raise ArchiveStopped("hostile", f"more than {self.limits.max_members} members: the rest were not unpacked")

    def check(self, size: int, packed: int | None) -> None:
        """Raise when a member of ``size`` bytes so far (``packed`` compressed) or the archive crosses a limit."""
        lim = self.limits
        if size > lim.max_member_bytes:
            raise MemberStopped("hostile", f"member unpacks to more than {human(lim.max_member_bytes)}: "
                                           "stopped there (decompression bomb?)")
        if packed is not None and size > lim.ratio_floor and size > lim.max_ratio * max(packed, 1):
            raise MemberStopped("hostile", f"member unpacks to more than {lim.max_ratio:g}× its packed size of "
                                           f"{human(packed)}: stopped at {human(size)} (decompression bomb)")
        if self.total > lim.max_unpacked_bytes:
            raise ArchiveStopped("hostile", f"archive unpacks to more than {human(lim.max_unpacked_bytes)}: "
                                            "the rest was not unpacked (decompression bomb?)")
        if self.total > lim.ratio_floor and self.total > lim.max_ratio * self.archive_size:
            raise ArchiveStopped("hostile", f"archive unpacks to more than {lim.max_ratio:g}× its size of "
                                            f"{human(self.archive_size)}: stopped at {human(self.total)} "
                                            "(decompression bomb)")
        if time.monotonic() > self.deadline:
            raise ArchiveStopped("timeout", f"unpacking reached the time limit of {lim.seconds:g} s: "
                                            "the rest was not unpacked")

    def is_self_copy(self, path: Path, size: int) -> bool:
        """True when a member is byte-for-byte the archive itself (quines such as droste.zip)."""
        return size == self.archive_size and filecmp.cmp(path, self.archive, shallow=False)

    def record(self, raw_name: str, status: str, error: str | None, modified: str | None = None) -> Child:
        """Record a member that has no content file (encrypted, link, refused ...)."""
        name, _ = safe_name(raw_name)
        child = Child(name, None, status, error, modified)
        self.children.append(child)
        return child

    def open(self, raw_name: str, packed: int | None = None, modified: str | None = None) -> MemberWriter:
        """Start writing a member (push style, for readers that call us back)."""
        return MemberWriter(self, raw_name, packed, modified)

    def write(self, raw_name: str, chunks: Iterable[bytes], packed: int | None = None,
              modified: str | None = None, trial: bool = False) -> Child:
        """Write a member from an iterator of chunks and record it.

        Errors while reading become a 'partial'/'corrupt' child, except with
        ``trial`` (trying a password), where they are re-raised and nothing is
        recorded. ArchiveStopped is recorded on the member and re-raised.
        """
        writer = self.open(raw_name, packed, modified)
        try:
            for chunk in chunks:
                writer.write(chunk)
        except ArchiveStopped as exc:
            writer.fail(exc)
            raise
        except MemberStopped as exc:
            return writer.fail(exc)
        except PASS_THROUGH:
            writer.discard()
            raise
        except Exception as exc:  # noqa: BLE001 - any decoder error is this member's damage
            if trial:
                writer.discard()
                raise
            return writer.fail(exc)
        return writer.close()

    def alias(self, raw_name: str, source: Child, modified: str | None = None) -> Child:
        """Record a member with the same content as an earlier one (tar/rar hard links)."""
        assert source.path is not None
        size = source.path.stat().st_size
        self.total += size
        self.check(size, None)
        path, fh = self.create()
        with fh, open(source.path, "rb") as src:
            shutil.copyfileobj(src, fh, CHUNK)
        name, hostile = safe_name(raw_name)
        child = Child(name, path, "hostile" if hostile else "ok", hostile, modified)
        self.children.append(child)
        return child

    def stop(self, exc: ArchiveStopped) -> None:
        """Note that the archive was cut short."""
        self.stopped = (exc.status, exc.reason)

    def result(self, metadata: dict[str, Any]) -> Extraction:
        """The Extraction for the archive; raises when nothing at all could be read and something failed."""
        metadata.setdefault("members", self.members)
        metadata["unpacked_bytes"] = self.total
        problems: list[str] = []
        if self.stopped:
            problems.append(self.stopped[1])
        problems.extend(self.damage)
        by_status: dict[str, list[Child]] = {}
        for child in self.children:
            if child.status != "ok":
                by_status.setdefault(child.status, []).append(child)
        for status, group in by_status.items():
            noun = "member" if len(group) == 1 else "members"
            problems.append(f"{len(group)} {noun} {status} ({group[0].error})")
        if not self.children and problems:
            raise self._failure(problems)
        if not problems:
            return Extraction(metadata=metadata, children=self.children)
        return Extraction(metadata=metadata, children=self.children, status="partial", error="; ".join(problems))

    def _failure(self, problems: list[str]) -> ExtractionError:
        message = "; ".join(problems)
        status = self.stopped[0] if self.stopped else "corrupt"
        cls = {"hostile": Hostile, "timeout": TimedOut, "encrypted": Encrypted}.get(status, Corrupt)
        return cls(message)
