"""7z archives through py7zr, streamed member by member into the sink.

py7zr calls our writer factory for each member, so content goes straight to the
workdir in chunks and a limit can stop decompression mid-member. Entries are
renamed to their index before extraction: py7zr would otherwise refuse the whole
archive on one traversal name, and we never want it to build paths from names.
The file is passed as an open file object, which keeps py7zr single-threaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from unsealed.extract.archive_sink import (
    CHUNK,
    NEED_PASSWORD,
    PASS_THROUGH,
    ArchiveStopped,
    MemberStopped,
    MemberWriter,
    Sink,
    describe,
    iso_time,
    wrong_passwords,
)
from unsealed.extract.base import Corrupt, Encrypted
from unsealed.extract.safe_names import link_verdict


def _open(fp: IO[bytes], passwords: tuple[str, ...]) -> tuple[Any, str | None]:
    """Open the archive; with encrypted headers try each password. Returns (archive, password used)."""
    import py7zr
    from py7zr.exceptions import PasswordRequired

    try:
        return py7zr.SevenZipFile(fp), None
    except PasswordRequired:
        pass
    except PASS_THROUGH:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to read the headers: corrupt or truncated
        raise Corrupt(f"not a readable 7z archive: {describe(exc)}") from exc
    for pw in passwords:
        fp.seek(0)
        try:
            return py7zr.SevenZipFile(fp, password=pw), pw
        except PASS_THROUGH:
            raise
        except Exception:  # noqa: BLE001, S112 - a wrong password shows as a decoder error
            continue
    if passwords:
        raise Encrypted("7z archive with encrypted file names: "
                        + wrong_passwords(len(passwords)).removeprefix("encrypted: "))
    raise Encrypted("7z archive with encrypted file names: re-run ingest with --password PW")


def _writer_factory(sink: Sink, entries: dict[str, Any], done: set[str], open_writers: dict[str, Any]):
    from py7zr.io import Py7zIO, WriterFactory

    class WriteOnlyIO(Py7zIO):
        """py7zr only writes into these sinks: reading and seeking are no-ops."""

        def read(self, size: int | None = None) -> bytes:
            return b""

        def seek(self, offset: int, whence: int = 0) -> int:
            return 0

        def seekable(self) -> bool:
            return False

        def flush(self) -> None:
            pass

    class LinkIO(WriteOnlyIO):
        """Collects a symbolic link's target (its content in 7z) instead of writing a file."""

        def __init__(self, key: str):
            self.key, self.data = key, b""

        def write(self, s: bytes | bytearray) -> int:
            if len(self.data) < 4096:
                self.data += bytes(s[: 4096 - len(self.data)])
            return len(s)

        def size(self) -> int:
            return len(self.data)

        def close(self) -> None:
            name, entry = entries[self.key]
            status, error = link_verdict(name, self.data.decode("utf-8", "replace"))
            sink.record(name, status, error, iso_time(entry.lastwritetime_dt))
            done.add(self.key)

    class MemberIO(WriteOnlyIO):
        def __init__(self, key: str, writer: MemberWriter):
            self.key, self.writer = key, writer

        def write(self, s: bytes | bytearray) -> int:
            return self.writer.write(bytes(s))

        def size(self) -> int:
            return self.writer.size

        def close(self) -> None:
            open_writers.pop(self.key, None)
            self.writer.close()
            done.add(self.key)

    class Factory(WriterFactory):
        def create(self, filename: str) -> Py7zIO:
            name, entry = entries[filename]
            sink.count()
            if entry.is_symlink:
                return LinkIO(filename)
            writer = sink.open(name, None, iso_time(entry.lastwritetime_dt))
            open_writers[filename] = writer
            return MemberIO(filename, writer)

    return Factory()


class _Entry:
    """What we keep of a py7zr entry before renaming it."""

    def __init__(self, f: Any):
        self.is_symlink = bool(f.is_symlink)
        try:
            self.lastwritetime_dt = f._get_property("lastwritetime").as_datetime()  # noqa: SLF001
        except PASS_THROUGH:
            raise
        except Exception:  # noqa: BLE001 - the time is optional
            self.lastwritetime_dt = None


def _extract(z: Any, sink: Sink, trial: bool) -> bool:
    """Extract every member of an opened archive. False when a trial password failed before any member."""
    files = [f for f in z.files if not f.is_directory]
    entries: dict[str, tuple[str, _Entry]] = {}
    for index, f in enumerate(files):
        key = str(index)
        entries[key] = (f.filename, _Entry(f))
        f._file_info["filename"] = key  # noqa: SLF001 - see module docstring
    done: set[str] = set()
    open_writers: dict[str, MemberWriter] = {}
    before = len(sink.children)
    try:
        z.extract(factory=_writer_factory(sink, entries, done, open_writers))
        return True
    except (ArchiveStopped, MemberStopped) as exc:
        stop = exc if isinstance(exc, ArchiveStopped) else ArchiveStopped(exc.status, exc.reason)
        for writer in open_writers.values():
            writer.fail(exc)
        sink.stop(stop)
        reason = f"not unpacked: unpacking stopped ({exc.reason})"
    except PASS_THROUGH:
        raise
    except Exception as exc:  # noqa: BLE001 - a wrong password or damage: decided below
        if trial and len(sink.children) == before and not done:
            for writer in open_writers.values():
                writer.discard()
            return False
        for writer in open_writers.values():
            writer.fail(exc)
        unsupported = type(exc).__name__ == "UnsupportedCompressionMethodError"
        sink.damage.append(f"7z {'uses an unsupported method' if unsupported else 'broken'}: {describe(exc)}")
        reason = f"not unpacked: the archive broke before it ({describe(exc)})"
    for key, (name, entry) in entries.items():
        if key not in done and key not in open_writers:
            sink.record(name, "unsupported" if "unsupported" in reason else "corrupt", reason,
                        iso_time(entry.lastwritetime_dt))
    return True


def _small_chunks() -> None:
    """Make py7zr hand out at most 1 MiB per write.

    py7zr sizes its output chunks by free memory (up to 128 MB per decompression
    call, see py7zr.properties.get_memory_limit), so a bomb could allocate that
    much before our writer sees a byte. Its module-level lookup is the only knob.
    """
    import py7zr.py7zr as core

    core.get_memory_limit = lambda: CHUNK


def read_7z(path: Path, sink: Sink) -> dict[str, Any]:
    """Unpack a 7z archive into ``sink``; tries ``ctx.passwords`` on encrypted ones."""
    import py7zr

    _small_chunks()

    passwords = sink.ctx.passwords
    meta: dict[str, Any] = {"archive_format": "7z"}
    with open(path, "rb") as fp:
        z, used = _open(fp, passwords)
        needs = z.needs_password()
        meta["encrypted"] = bool(needs or used)
        meta["header_encrypted"] = used is not None
        if not needs or used is not None:
            with z:
                _extract(z, sink, trial=False)
            return meta
        if not passwords:
            with z:
                for f in z.files:
                    if not f.is_directory:
                        sink.count()
                        sink.record(f.filename, "encrypted", NEED_PASSWORD, iso_time(_Entry(f).lastwritetime_dt))
            return meta
        names = [f.filename for f in z.files if not f.is_directory]
        z.close()
        for pw in passwords:
            fp.seek(0)
            try:
                attempt = py7zr.SevenZipFile(fp, password=pw)
            except PASS_THROUGH:
                raise
            except Exception:  # noqa: BLE001, S112 - wrong password
                continue
            with attempt:
                members_before = sink.members
                if _extract(attempt, sink, trial=True):
                    return meta
                sink.members = members_before
        for name in names:
            sink.count()
            sink.record(name, "encrypted", wrong_passwords(len(passwords)))
    return meta
