"""RAR archives through rarfile, which reads the headers itself and pipes each member from a tool.

The tool is ``unrar`` when installed, else Debian's ``unar`` (free software).
Known limit: unar 1.10 cannot decrypt the content of RAR 2.9/3.x ("RAR4")
archives even with the right password ("Attempted to read more data than was
available"); such members are recorded as encrypted with that reason. RAR5
encryption works. Each member is a separate tool run, so one bad member does not
stop the others (solid archives are slower: the tool decodes from the start).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from unsealed.extract.archive_sink import (
    CHUNK,
    NEED_PASSWORD,
    PASS_THROUGH,
    ArchiveStopped,
    Sink,
    describe,
    iso_time,
    read_link_target,
    wrong_passwords,
)
from unsealed.extract.base import Child, Corrupt, Encrypted, Unsupported
from unsealed.extract.safe_names import link_verdict, safe_name

_tools_ready = False
_UNAR_RAR4 = "; note: unar cannot decrypt RAR4 archives even with the right password: install unrar to read them"


def _rarfile():
    global _tools_ready
    import rarfile

    if not _tools_ready:
        try:
            rarfile.tool_setup(unrar=True, unar=True, bsdtar=False, sevenzip=False, sevenzip2=False)
        except rarfile.RarCannotExec:
            pass  # stored members still read; others are recorded as unsupported
        _tools_ready = True
    return rarfile


def _chunks(rf: Any, info: Any, pwd: str | None):
    with rf.open(info, pwd=pwd) as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def _open(path: Path, passwords: tuple[str, ...]) -> Any:
    rarfile = _rarfile()
    try:
        rf = rarfile.RarFile(path)
    except rarfile.NeedFirstVolume as exc:
        raise Unsupported("a later part of a multi-volume RAR: ingest the first part (.part1.rar / .rar) "
                          "with all parts beside it") from exc
    except rarfile.NoCrypto as exc:
        raise Unsupported("RAR with encrypted file names needs the pycryptodome package") from exc
    except PASS_THROUGH:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to read the headers: corrupt or truncated
        raise Corrupt(f"not a readable RAR archive: {describe(exc)}") from exc
    if not rf.needs_password() or rf.infolist():
        return rf
    for pw in passwords:  # encrypted headers: the names themselves need the password
        try:
            rf = rarfile.RarFile(path)
            rf.setpassword(pw)
            if rf.infolist():
                return rf
        except PASS_THROUGH:
            raise
        except Exception:  # noqa: BLE001, S112 - wrong password
            continue
    if passwords:
        raise Encrypted("RAR archive with encrypted file names: "
                        + wrong_passwords(len(passwords)).removeprefix("encrypted: "))
    raise Encrypted("RAR archive with encrypted file names: re-run ingest with --password PW")


def read_rar(path: Path, sink: Sink) -> dict[str, Any]:
    """Unpack a RAR archive into ``sink``; tries ``ctx.passwords`` on encrypted members."""
    passwords = sink.ctx.passwords
    rf = _open(path, passwords)
    meta: dict[str, Any] = {"archive_format": "rar", "encrypted": rf.needs_password()}
    if rf.comment:
        meta["comment"] = rf.comment
    seen: dict[str, Child] = {}
    with open(path, "rb") as fh:
        rar4 = fh.read(7) == b"Rar!\x1a\x07\x00"
    hint = _UNAR_RAR4 if rar4 and shutil.which("unrar") is None else ""
    try:
        for info in rf.infolist():
            if not info.is_dir():
                _member(rf, info, sink, passwords, seen, hint)
                meta["encrypted"] = meta["encrypted"] or info.needs_password()
    except ArchiveStopped as exc:
        sink.stop(exc)
    finally:
        rf.close()
    return meta


def _member(rf: Any, info: Any, sink: Sink, passwords: tuple[str, ...], seen: dict[str, Child], hint: str) -> None:
    sink.count()
    name = info.filename
    modified = iso_time(info.mtime) or iso_time(info.date_time)
    redir = info.file_redir
    if info.is_symlink():
        target = redir[2] if redir else read_link_target(lambda: rf.open(info))
        status, error = link_verdict(name, target)
        sink.record(name, status, error, modified)
        return
    if redir:  # RAR5 hard link (4) or file copy (5): same content as an earlier member
        source = seen.get(safe_name(redir[2])[0])
        if source is not None:
            sink.alias(name, source, modified)
        else:
            sink.record(name, "unsupported", f"link to {redir[2]} not followed: its target is not in the archive",
                        modified)
        return
    if not info.needs_password():
        child = sink.write(name, _chunks(rf, info, None), info.compress_size, modified)
    elif not passwords:
        child = sink.record(name, "encrypted", NEED_PASSWORD, modified)
    else:
        child = None
        last: BaseException | None = None
        for pw in passwords:
            try:
                child = sink.write(name, _chunks(rf, info, pw), info.compress_size, modified, trial=True)
                break
            except ArchiveStopped:
                raise
            except PASS_THROUGH:
                raise
            except Exception as exc:  # noqa: BLE001 - wrong password, or the tool failed
                last = exc
        if child is None:
            error = wrong_passwords(len(passwords))
            if last is not None:
                error += f" (last error: {describe(last)})"
            error += hint
            child = sink.record(name, "encrypted", error, modified)
    if child.path is not None:
        seen[safe_name(name)[0]] = child

