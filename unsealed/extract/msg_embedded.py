"""Rebuild an attached message (or OLE object) of a .msg file as a standalone compound file.

An attached Outlook message lives inside its parent as a sub-storage
(``__substg1.0_3701000D``), not as a file. To hand it to the pipeline as its own item,
with its own attachments, the storage is copied into a new OLE compound file: olefile
only reads, so the file is written with the CFB writer of aspose-email-foss (MIT).
Two fixes make the copy a valid top-level message ([MS-OXMSG] 2.2.3, 2.4.1): its
property list gets the 32-byte header of a top-level message instead of the 24-byte one
of an attached message, and it receives the parent's named-property map, which attached
messages share with their parent.
"""

from __future__ import annotations

import struct
import uuid

import olefile

from unsealed.extract.msg_props import HEADER_EMBEDDED, HEADER_TOP, NAMEID, PASS_THROUGH, PROPERTIES

# CLSID of an Outlook message storage (IMessage), set on the root of a rebuilt message.
MESSAGE_CLSID = uuid.UUID("00020d0b-0000-0000-c000-000000000046").bytes_le
_MAX_NESTING = 64  # storages inside storages; real messages nest a few levels


class RebuildError(ValueError):
    """The storage could not be copied into a new file (too large, too deep, names clash)."""


def rebuild(ole: olefile.OleFileIO, entry, path: list[str], max_bytes: int, message: bool) -> bytes:
    """A new OLE compound file holding the storage ``entry`` (at ``path``) as its root.

    ``message`` says the storage is an attached message: its property header is widened
    and the parent's named-property map is copied in. Raises :class:`RebuildError`.
    """
    from aspose.email_foss.cfb import CFBDocument, CFBError, CFBStorage, CFBWriter

    clsid = _clsid(entry) or (MESSAGE_CLSID if message else bytes(16))
    root = CFBStorage(name="Root Entry", clsid=clsid)
    budget = [max_bytes]
    _copy(ole, entry, path, root, budget, 0)
    if message:
        _as_top_level(root)
        names = {kid.name.upper(): kid for kid in entry.kids}
        parent_names = {kid.name.upper(): kid for kid in ole.root.kids}.get(NAMEID.upper())
        if NAMEID.upper() not in names and parent_names is not None:
            store = CFBStorage(name=parent_names.name)
            _copy(ole, parent_names, [parent_names.name], store, budget, 1)
            root.children.append(store)
    try:
        return CFBWriter.to_bytes(CFBDocument(root=root))
    except (CFBError, ValueError, struct.error) as exc:
        raise RebuildError(f"cannot write the compound file: {exc}") from exc


def _copy(ole: olefile.OleFileIO, entry, path: list[str], into, budget: list[int], depth: int) -> None:
    from aspose.email_foss.cfb import CFBStorage, CFBStream

    if depth > _MAX_NESTING:
        raise RebuildError(f"storages nested more than {_MAX_NESTING} deep")
    for kid in entry.kids:
        kid_path = path + [kid.name]
        if kid.entry_type == olefile.STGTY_STORAGE:
            store = CFBStorage(name=kid.name, clsid=_clsid(kid) or bytes(16))
            _copy(ole, kid, kid_path, store, budget, depth + 1)
            into.children.append(store)
        elif kid.entry_type == olefile.STGTY_STREAM:
            budget[0] -= kid.size
            if budget[0] < 0:
                raise RebuildError("the attached item is larger than the member size limit")
            try:
                data = ole.openstream(kid_path).read()
            except PASS_THROUGH:
                raise
            except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on damaged input
                raise RebuildError(f"{'/'.join(kid_path)} unreadable: {exc}") from exc
            into.children.append(CFBStream(name=kid.name, data=data))


def _as_top_level(root) -> None:
    for child in root.children:
        if child.name.upper() == PROPERTIES.upper() and hasattr(child, "data"):
            data = bytes(child.data)
            child.data = data[:HEADER_EMBEDDED] + bytes(HEADER_TOP - HEADER_EMBEDDED) + data[HEADER_EMBEDDED:]


def _clsid(entry) -> bytes | None:
    try:
        text = entry.clsid
        return uuid.UUID(text).bytes_le if text else None
    except Exception:  # noqa: BLE001 - a garbled CLSID is not worth losing the item
        return None

