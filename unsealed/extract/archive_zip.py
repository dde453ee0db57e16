"""Zip archives: stdlib zipfile, pyzipper for AES, stream-unzip when the central directory is gone.

Names honour the UTF-8 flag and the Info-ZIP Unicode Path field; otherwise the
CP437 name is re-decoded as UTF-8 or GBK (Chinese Windows writes GBK unflagged).
Headers are checked before anything is decompressed (claimed sizes and ratios,
members whose data overlap: the zbsm bomb), then the real output is counted.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from unsealed.extract.archive_sink import (
    CHUNK,
    NEED_PASSWORD,
    PASS_THROUGH,
    ArchiveStopped,
    Sink,
    describe,
    human,
    iso_time,
    read_link_target,
    wrong_passwords,
)
from unsealed.extract.safe_names import decode_name, link_verdict, zip_unicode_path

# Compression methods zipfile reads, plus AES (99, via pyzipper) and Deflate64 (9, via inflate64).
_READABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99, 9}
_METHOD_NAMES = {6: "Implode", 9: "Deflate64", 10: "PKWare DCL", 93: "Zstandard", 95: "XZ", 96: "JPEG", 97: "WavPack",
                 98: "PPMd"}


def chunks_of(opener: Callable[[], IO[bytes]]) -> Iterator[bytes]:
    """Read a stream in chunks; opening happens inside so its errors belong to the member."""
    with opener() as fh:
        read = getattr(fh, "read1", fh.read)  # a damaged member keeps all but its last step
        while chunk := read(CHUNK):
            yield chunk


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    if info.flag_bits & 0x800:
        return info.orig_filename.encode("utf-8", "surrogateescape")
    return info.orig_filename.encode("cp437")


def member_name(info: zipfile.ZipInfo) -> tuple[str, str]:
    """The member's name and the encoding it was read in."""
    if info.flag_bits & 0x800:
        return info.orig_filename, "utf-8"
    raw = _raw_name(info)
    unicode_path = zip_unicode_path(info.extra, raw)
    if unicode_path is not None:
        return unicode_path, "utf-8"
    return decode_name(raw)


def _overlapping(infos: list[zipfile.ZipInfo]) -> dict[int, str]:
    """Members whose data start inside an earlier member's data (the zbsm bomb), by index.

    The end of a member is under-estimated (its local extra field is not read), so
    only real overlaps are reported.
    """
    order = sorted(range(len(infos)), key=lambda i: infos[i].header_offset)
    found: dict[int, str] = {}
    for before, after in zip(order, order[1:], strict=False):
        a, b = infos[before], infos[after]
        end = a.header_offset + 30 + len(_raw_name(a)) + a.compress_size
        if b.header_offset < end and not a.is_dir():
            found[after] = f"member's data overlap those of {a.filename!r}: a zip-bomb construction, not unpacked"
    return found


def _password_variants(passwords: tuple[str, ...]) -> list[bytes]:
    out: list[bytes] = []
    for pw in passwords:
        for enc in ("utf-8", "gbk"):  # Chinese Windows tools encrypt with the ANSI code page
            try:
                b = pw.encode(enc)
            except UnicodeEncodeError:
                continue
            if b not in out:
                out.append(b)
    return out


def _deflate64_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Deflate64 (method 9, written by Windows Explorer for big files): zipfile cannot, inflate64 can."""
    import zlib

    import inflate64

    raw = zipfile.ZipInfo(info.filename)
    for slot in ("header_offset", "flag_bits", "compress_size", "extra", "orig_filename"):
        setattr(raw, slot, getattr(info, slot))
    raw.compress_type = zipfile.ZIP_STORED
    raw.file_size = info.compress_size  # read the compressed bytes as they are; CRC checked below
    inflater, crc = inflate64.Inflater(), 0
    with zf.open(raw) as fh:
        while chunk := fh.read(CHUNK):
            out = inflater.inflate(chunk)
            crc = zlib.crc32(out, crc)
            yield out
    if crc != info.CRC:
        raise zipfile.BadZipFile("Bad CRC-32 after Deflate64")


class _Reader:
    def __init__(self, path: Path, sink: Sink):
        self.path, self.sink = path, sink
        self.passwords = _password_variants(sink.ctx.passwords)
        self.aes: Any = None  # pyzipper.AESZipFile, opened on the first AES member
        self.encrypted = False
        self.encodings: set[str] = set()

    def run(self) -> dict[str, Any]:
        try:
            zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            return self.recover(exc)
        meta: dict[str, Any] = {"archive_format": "zip"}
        with zf:
            infos = zf.infolist()
            if not self.directory_fits(zf, infos):
                zf.close()
                return self.recover(zipfile.BadZipFile("the directory points where no member starts"))
            if zf.comment:
                meta["comment"] = decode_name(zf.comment, "latin-1")[0]
            overlaps = _overlapping(infos)
            try:
                for index, info in enumerate(infos):
                    if not info.is_dir():
                        self.member(zf, index, info, overlaps.get(index))
            except ArchiveStopped as exc:
                self.sink.stop(exc)
        if self.aes is not None:
            self.aes.close()
        meta["encrypted"] = self.encrypted
        non_ascii = self.encodings - {"ascii", "utf-8"}
        if non_ascii:
            meta["name_encoding"] = sorted(non_ascii)[0]
        return meta

    def member(self, zf: zipfile.ZipFile, index: int, info: zipfile.ZipInfo, overlap: str | None) -> None:
        sink, lim = self.sink, self.sink.limits
        sink.count()
        name, encoding = member_name(info)
        self.encodings.add(encoding)
        modified = iso_time(info.date_time)
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        encrypted = bool(info.flag_bits & 0x1)
        self.encrypted |= encrypted
        if stat.S_ISLNK(mode):
            target = "(encrypted target)" if encrypted else self.link_target(zf, info)
            status, error = link_verdict(name, target)
            sink.record(name, status, error, modified)
        elif mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            sink.record(name, "unsupported", f"special file (mode {oct(mode)}) not unpacked", modified)
        elif overlap:
            sink.record(name, "hostile", overlap, modified)
        elif info.file_size > lim.max_member_bytes:
            sink.record(name, "hostile", f"member claims {human(info.file_size)} unpacked, more than the limit of "
                                         f"{human(lim.max_member_bytes)}: not unpacked", modified)
        elif (info.file_size > lim.ratio_floor and info.file_size > lim.max_ratio * max(info.compress_size, 1)):
            sink.record(name, "hostile", f"member claims {human(info.file_size)} from {human(info.compress_size)} "
                                         f"packed, more than {lim.max_ratio:g}×: decompression bomb, not unpacked",
                        modified)
        elif info.compress_type not in _READABLE:
            method = _METHOD_NAMES.get(info.compress_type, "unknown")
            sink.record(name, "unsupported",
                        f"compression method {info.compress_type} ({method}) is not supported", modified)
        elif encrypted:
            self.encrypted_member(zf, index, info, name, modified)
        elif info.compress_type == 9:
            sink.write(name, _deflate64_chunks(zf, info), info.compress_size, modified)
        else:
            sink.write(name, chunks_of(lambda: zf.open(info)), info.compress_size, modified)

    def directory_fits(self, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> bool:
        """True when the first member's local header is where the central directory says."""
        if not infos:
            return True
        first = min(infos, key=lambda i: i.header_offset)
        fp = zf.fp
        if fp is None:
            return True
        fp.seek(first.header_offset)
        return fp.read(4) == b"PK\x03\x04"

    def link_target(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
        return read_link_target(lambda: zf.open(info))

    def encrypted_member(self, zf: zipfile.ZipFile, index: int, info: zipfile.ZipInfo, name: str,
                         modified: str | None) -> None:
        if not self.passwords:
            self.sink.record(name, "encrypted", NEED_PASSWORD, modified)
            return
        for pw in self.passwords:
            if info.compress_type == 99:
                opener = self.aes_opener(index, pw)
            else:
                def opener(pw: bytes = pw) -> IO[bytes]:
                    return zf.open(info, pwd=pw)
            try:
                self.sink.write(name, chunks_of(opener), info.compress_size, modified, trial=True)
                return
            except ArchiveStopped:
                raise
            except PASS_THROUGH:
                raise
            except Exception:  # noqa: BLE001, S112 - a wrong password shows as any decoder error
                continue
        self.sink.record(name, "encrypted", wrong_passwords(len(self.sink.ctx.passwords)), modified)

    def aes_opener(self, index: int, pw: bytes) -> Callable[[], IO[bytes]]:
        import pyzipper

        if self.aes is None:
            self.aes = pyzipper.AESZipFile(self.path)
        info = self.aes.infolist()[index]
        return lambda: self.aes.open(info, pwd=pw)

    def recover(self, exc: BaseException) -> dict[str, Any]:
        """Central directory unreadable (truncated download, damaged end): walk the local headers instead."""
        from stream_unzip import stream_unzip

        sink = self.sink
        pw = self.passwords[0] if self.passwords else None

        def file_chunks() -> Iterator[bytes]:
            with open(self.path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    yield chunk

        recovered, broke = 0, ""
        try:
            for raw, _size, chunks in stream_unzip(file_chunks(), password=pw):
                sink.count()
                child = sink.write(decode_name(raw)[0], chunks)
                if child.path is None or child.status == "partial":
                    break  # the stream stands inside this member: the next header cannot be found
                recovered += 1
        except ArchiveStopped as stop:
            sink.stop(stop)
        except PASS_THROUGH:
            raise
        except Exception as err:  # noqa: BLE001 - where the damage starts is recorded, members before it kept
            broke = f"; it breaks after {recovered} member(s): {describe(err)}"
        if sink.children:
            sink.damage.append(f"zip central directory unreadable ({describe(exc)}): members read from their "
                               f"local headers{broke}")
        else:
            sink.damage.append(f"not a readable zip: central directory unreadable ({describe(exc)}) and no member "
                               f"found in its local headers{broke}")
        return {"archive_format": "zip", "encrypted": pw is not None, "recovered": True}


def read_zip(path: Path, sink: Sink) -> dict[str, Any]:
    """Unpack a zip into ``sink``; returns the archive's metadata."""
    return _Reader(path, sink).run()
