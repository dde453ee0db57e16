"""Tar archives (plain or gzip/bzip2/xz-compressed) and single compressed files.

A .gz/.bz2/.xz whose content is a tar comes out as the tar's members directly
(no intermediate .tar child). Tar is read with ``ignore_zeros`` so a damaged
header is skipped and the members after it are still recovered; the skip is
reported. Only regular files become content; links and devices are recorded
with the reason they were not followed.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import struct
import tarfile
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any

from unsealed.extract.archive_sink import CHUNK, PASS_THROUGH, ArchiveStopped, Sink, describe, iso_time
from unsealed.extract.base import Corrupt
from unsealed.extract.safe_names import decode_name, link_verdict, safe_name

_OPENERS = {"gzip": gzip.open, "bzip2": bz2.open, "xz": lzma.open}
_SUFFIXES = {
    "gzip": (".gz", ".gzip", ".z", ".tgz", ".svgz"),
    "bzip2": (".bz2", ".bz", ".tbz2", ".tbz"),
    "xz": (".xz", ".txz", ".lzma"),
}
_RENAMED = {".tgz": ".tar", ".tbz2": ".tar", ".tbz": ".tar", ".txz": ".tar", ".svgz": ".svg"}


class _Forgiving:
    """A decompressor as tarfile's stream: short reads, and a damaged end reads as an early end.

    GzipFile.read(n) drops everything it decompressed in a call that hits the
    damage; read1() returns step by step, so only the last step is lost. The
    error is kept and reported; tarfile then sees a truncated archive.
    """

    def __init__(self, fh: IO[bytes]):
        self.fh, self.error = fh, None

    def read(self, size: int = -1) -> bytes:
        if self.error is not None:
            return b""
        try:
            return self.fh.read1(size)  # type: ignore[attr-defined]
        except (OSError, EOFError, ValueError, lzma.LZMAError) as exc:
            self.error = exc
            return b""

    def close(self) -> None:
        self.fh.close()


class _TarFile(tarfile.TarFile):
    """TarFile that remembers the damaged headers it skipped (tarfile only logs them)."""

    skipped: list[str]

    def _dbg(self, level: int, msg: str) -> None:
        if not hasattr(self, "skipped"):
            self.skipped = []
        if "end of file header" not in msg and "empty header" not in msg and "0x" in msg:
            self.skipped.append(msg)


def _tar_name(name: str) -> str:
    # tarfile decodes names as UTF-8 with surrogateescape; names from GBK systems come back here
    raw = name.encode("utf-8", "surrogateescape")
    return name if raw.isascii() else decode_name(raw, "latin-1")[0]


def _chunks(fh: IO[bytes] | None, size: int = CHUNK) -> Iterator[bytes]:
    if fh is None:
        return
    # read1 returns what one decompression step yields, so a truncated stream loses only its last step
    read = getattr(fh, "read1", fh.read)
    while chunk := read(size):
        yield chunk


def read_tar(path: Path, sink: Sink, compressed: str | None = None) -> dict[str, Any]:
    """Unpack a tar (``compressed`` names its gzip/bzip2/xz wrapper) into ``sink``."""
    fmt = "tar" if compressed is None else f"tar.{ {'gzip': 'gz', 'bzip2': 'bz2', 'xz': 'xz'}[compressed]}"
    stream = None
    try:
        if compressed is None:  # plain tar: random access, so refused members are skipped by seeking
            tf = _TarFile.open(path, "r:", ignore_zeros=True)
        else:  # the stdlib decompressors read about 3x faster than tarfile's own "r|gz" stream
            stream = _Forgiving(_OPENERS[compressed](path, "rb"))
            tf = _TarFile.open(fileobj=stream, mode="r|", ignore_zeros=True)
    except PASS_THROUGH:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to start reading is a corrupt archive
        if stream is not None:
            stream.close()
        raise Corrupt(f"not a readable tar archive: {describe(exc)}") from exc
    seen: dict[str, Any] = {}  # member name -> Child, for hard links
    stream_broken = False
    with tf:
        while not stream_broken:
            try:
                m = tf.next()
            except ArchiveStopped:
                raise
            except PASS_THROUGH:
                raise
            except Exception as exc:  # noqa: BLE001 - where the stream breaks, the members before it are kept
                sink.damage.append(f"tar broken at byte {tf.offset}: {describe(exc)}")
                break
            if m is None:
                break
            if m.isdir():
                continue
            try:
                stream_broken = _member(tf, m, sink, seen, compressed is not None)
            except ArchiveStopped as exc:
                sink.stop(exc)
                break
            if stream_broken and sink.children[-1].status == "hostile":
                sink.damage.append("the rest of the compressed tar was not unpacked: skipping the refused member "
                                   "would mean decompressing it")
        sink.damage.extend(_skipped_ranges(getattr(tf, "skipped", [])))
    if stream is not None:
        stream.close()
        if stream.error is not None:
            sink.damage.append(f"{compressed} stream damaged: {describe(stream.error)}")
    return {"archive_format": fmt, "encrypted": False}


def _skipped_ranges(messages: list[str]) -> list[str]:
    """Turn tarfile's per-block messages ('0x200: bad checksum') into a few readable byte ranges."""
    ranges: list[list[Any]] = []
    for msg in messages:
        head, _, why = msg.partition(": ")
        try:
            offset = int(head, 16)
        except ValueError:
            continue
        if ranges and offset == ranges[-1][1] + tarfile.BLOCKSIZE:
            ranges[-1][1] = offset
        else:
            ranges.append([offset, offset, why])
    out = [f"damaged tar data skipped at bytes {a}-{b + tarfile.BLOCKSIZE - 1} ({why})" for a, b, why in ranges[:5]]
    if len(ranges) > 5:
        out.append(f"… and {len(ranges) - 5} more damaged places")
    return out


def _member(tf: tarfile.TarFile, m: tarfile.TarInfo, sink: Sink, seen: dict[str, Any], compressed: bool) -> bool:
    """Handle one member; True when the stream can no longer be trusted."""
    sink.count()
    name = _tar_name(m.name)
    modified = iso_time(m.mtime)
    if m.isreg():
        # 8 KiB reads: tarfile drops the whole read that runs into a truncation, so at most that is lost
        child = sink.write(name, _chunks(tf.extractfile(m), 1 << 13), None, modified)
        if child.path is not None:
            seen[safe_name(name)[0]] = child
        # a read error mid-member means the stream is damaged; a limit in a compressed stream
        # means skipping would decompress the bomb anyway
        return child.status in ("partial", "corrupt") or (compressed and child.status == "hostile"
                                                          and child.path is None)
    if m.issym():
        status, error = link_verdict(name, _tar_name(m.linkname))
        sink.record(name, status, error, modified)
    elif m.islnk():
        target = _tar_name(m.linkname)
        source = seen.get(safe_name(target)[0])
        status, error = link_verdict("", target, "hard link")
        if source is not None and status != "hostile":
            sink.alias(name, source, modified)
        else:
            sink.record(name, status, error if status == "hostile" else f"{error}: its target is not in the archive",
                        modified)
    else:
        kind = {tarfile.CHRTYPE: "character device", tarfile.BLKTYPE: "block device",
                tarfile.FIFOTYPE: "named pipe"}.get(m.type, f"special entry (type {m.type!r})")
        sink.record(name, "unsupported", f"{kind} not unpacked", modified)
    return False


def _looks_like_tar(head: bytes) -> bool:
    if len(head) < 512:
        return False
    try:
        tarfile.TarInfo.frombuf(head[:512], "utf-8", "surrogateescape")
    except tarfile.HeaderError:
        return False
    return True


def _gzip_header(path: Path) -> tuple[str | None, int]:
    """The original file name (FNAME) and MTIME from a gzip header; GzipFile does not expose them."""
    with open(path, "rb") as fh:
        head = fh.read(70_000)
    if len(head) < 10 or head[:2] != b"\x1f\x8b":
        return None, 0
    flags, mtime = head[3], struct.unpack_from("<I", head, 4)[0]
    pos = 10
    if flags & 0x04 and len(head) >= 12:
        pos += 2 + struct.unpack_from("<H", head, 10)[0]
    if flags & 0x08:
        end = head.find(b"\0", pos)
        if end > pos:
            return decode_name(head[pos:end], "latin-1")[0], mtime
    return None, mtime


def _child_name(archive_name: str, kind: str) -> str:
    base = archive_name.replace("\\", "/").rsplit("/", 1)[-1] or "unnamed"
    lower = base.lower()
    for suffix in _SUFFIXES[kind]:
        if lower.endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)] + _RENAMED.get(suffix, "")
    return base + ".unpacked"


def read_compressed(path: Path, kind: str, archive_name: str, sink: Sink) -> dict[str, Any]:
    """A gzip/bzip2/xz file: its tar members, or its one decompressed file as a child."""
    opener = _OPENERS[kind]
    try:
        fh = opener(path, "rb")
        head = fh.read(512)
    except PASS_THROUGH:
        raise
    except Exception as exc:  # noqa: BLE001 - nothing decompresses: the file is corrupt
        raise Corrupt(f"not a readable {kind} stream: {describe(exc)}") from exc
    if _looks_like_tar(head):
        fh.close()
        return read_tar(path, sink, compressed=kind)
    name, mtime = _gzip_header(path) if kind == "gzip" else (None, 0)
    name = name or _child_name(archive_name, kind)
    with fh:
        try:
            sink.count()
            sink.write(name, chain([head], _chunks(fh)), sink.archive_size, iso_time(mtime))
        except ArchiveStopped as exc:
            sink.stop(exc)
    return {"archive_format": kind, "encrypted": False}
