"""MAPI properties of an Outlook .msg file ([MS-OXMSG]), read with olefile.

Written by hand: the one maintained Python MSG reader (extract-msg) is GPL-3.0, which
does not fit this Apache-2.0 project, and the format is simple enough. A .msg file is an
OLE compound file; each MAPI object (the message, a recipient, an attachment, an attached
message) is a storage holding

- ``__properties_version1.0``: a header, then 16-byte entries (type, id, flags, value)
  giving fixed-length values (integers, booleans, FILETIME times) in place, and
- ``__substg1.0_IIIITTTT`` streams for variable-length values: TTTT 001F is UTF-16LE
  text, 001E 8-bit text in the message's code page, 0102 binary, 000D a sub-storage
  (an attached message or OLE object).

Named properties (ids 0x8000 and up, e.g. an appointment's location) are mapped to their
property set and number through ``__nameid_version1.0`` at the root.
"""

from __future__ import annotations

import struct
import uuid
from datetime import UTC, datetime, timedelta

import olefile

from unsealed.extract import encoding
from unsealed.extract.base import ExtractionError

PT_SHORT, PT_LONG, PT_FLOAT, PT_DOUBLE, PT_BOOLEAN, PT_I8 = 0x0002, 0x0003, 0x0004, 0x0005, 0x000B, 0x0014
PT_SYSTIME, PT_OBJECT, PT_STRING8, PT_UNICODE, PT_BINARY = 0x0040, 0x000D, 0x001E, 0x001F, 0x0102

SUBSTG = "__substg1.0_"
PROPERTIES = "__properties_version1.0"
NAMEID = "__nameid_version1.0"
# The header before the property entries: top-level message, attached message, other objects.
HEADER_TOP, HEADER_EMBEDDED, HEADER_OTHER = 32, 24, 8
# Never swallowed by the broad handlers: the worker's time-limit alarm and exhaustion.
PASS_THROUGH = (ExtractionError, MemoryError, RecursionError)

# Property sets of named properties ([MS-OXPROPS]).
PSETID_APPOINTMENT = uuid.UUID("00062002-0000-0000-c000-000000000046")
PSETID_TASK = uuid.UUID("00062003-0000-0000-c000-000000000046")
PSETID_ADDRESS = uuid.UUID("00062004-0000-0000-c000-000000000046")
PSETID_COMMON = uuid.UUID("00062008-0000-0000-c000-000000000046")
PS_MAPI = uuid.UUID("00020328-0000-0000-c000-000000000046")
PS_PUBLIC_STRINGS = uuid.UUID("00020329-0000-0000-c000-000000000046")

# Windows code page numbers whose Python codec is not simply "cp<number>".
_CODE_PAGES = {65001: "utf-8", 65000: "utf-7", 1200: "utf-16-le", 1201: "utf-16-be", 20127: "ascii",
               20866: "koi8_r", 21866: "koi8_u", 50220: "iso2022_jp", 50221: "iso2022_jp", 50222: "iso2022_jp",
               50225: "iso2022_kr", 51932: "euc_jp", 51936: "gb2312", 51949: "euc_kr", 52936: "hz",
               54936: "gb18030", 10000: "mac_roman", 28603: "iso8859_13", 28605: "iso8859_15"}
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def codec_for(code_page: int | None) -> str | None:
    """The Python codec for a Windows code page number (widened: 936 -> gb18030), or None."""
    if not code_page:
        return None
    name = _CODE_PAGES.get(code_page)
    if name is None and 28591 <= code_page <= 28599:
        name = f"iso8859_{code_page - 28590}"
    name = encoding.normalize(name or f"cp{code_page}")
    return name


def filetime(value: int) -> datetime | None:
    """A FILETIME (100 ns ticks since 1601, UTC) as a datetime, or None when unset or absurd."""
    if value <= 0 or value >= 0x7FFFFFFFFFFFFFFF:
        return None
    try:
        when = _FILETIME_EPOCH + timedelta(microseconds=value // 10)
    except OverflowError:
        return None
    return when if 1980 <= when.year <= 2100 else None


def iso(when: datetime | None) -> str | None:
    """ISO 8601 with offset, whole seconds."""
    return when.replace(microsecond=0).isoformat() if when else None


class Properties:
    """The properties of one MAPI object stored in ``entry`` (a storage of the OLE file).

    Reads are lazy and never raise: a damaged or oversized stream adds a line to the
    shared ``problems`` list and reads as missing.
    """

    def __init__(self, ole: olefile.OleFileIO, entry, path: list[str], header: int, problems: list[str],
                 max_bytes: int, codec: str | None = None, names: dict[int, tuple] | None = None) -> None:
        self.ole = ole
        self.entry = entry
        self.path = path
        self.problems = problems
        self.max_bytes = max_bytes
        self.names = names or {}
        self.kids = {kid.name.upper(): kid for kid in entry.kids}
        self.fixed: dict[int, tuple[int, bytes]] = {}  # property id -> (type, 8 value bytes)
        self._read_fixed(header)
        self.codec = codec or self._codec()

    def _read_fixed(self, header: int) -> None:
        data = self.read(PROPERTIES)
        if data is None:
            return
        if len(data) < header:
            self.problems.append(f"{self._where()}property list is cut short ({len(data)} bytes)")
        # A few stray bytes after the last whole entry (some writers pad) hold no property.
        for start in range(header, len(data) - 15, 16):
            ptype, pid, _flags = struct.unpack_from("<HHI", data, start)
            self.fixed[pid] = (ptype, data[start + 8:start + 16])

    def _codec(self) -> str:
        for pid in (0x3FFD, 0x3FDE):  # PR_MESSAGE_CODEPAGE, PR_INTERNET_CPID
            codec = codec_for(self.integer(pid))
            if codec:
                return codec
        return "cp1252"

    def _where(self) -> str:
        return f"{'/'.join(self.path)}: " if self.path else ""

    # --- raw streams ---------------------------------------------------------------------

    def child(self, name: str):
        """The directory entry of a stream or storage directly below this object, or None."""
        return self.kids.get(name.upper())

    def read(self, name: str) -> bytes | None:
        """A stream directly below this object, or None when absent, unreadable or too large."""
        kid = self.child(name)
        if kid is None or kid.entry_type != olefile.STGTY_STREAM:
            return None
        if kid.size > self.max_bytes:
            self.problems.append(f"{self._where()}{name} is {kid.size:,} bytes, over the size limit: skipped")
            return None
        try:
            return self.ole.openstream(self.path + [kid.name]).read()
        except PASS_THROUGH:
            raise
        except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on damaged input
            self.problems.append(f"{self._where()}{name} unreadable: {type(exc).__name__}: {exc}"[:300])
            return None

    def stream_name(self, pid: int, ptype: int) -> str:
        return f"{SUBSTG}{pid:04X}{ptype:04X}"

    # --- typed values --------------------------------------------------------------------

    def string(self, pid: int) -> str | None:
        """A text property (UTF-16 or 8-bit in the message code page), NULs trimmed; None when absent."""
        data = self.read(self.stream_name(pid, PT_UNICODE))
        if data is not None:
            return data.decode("utf-16-le", errors="replace").split("\x00", 1)[0]
        data = self.read(self.stream_name(pid, PT_STRING8))
        if data is not None:
            return self.decode8(data.split(b"\x00", 1)[0])
        return None

    def decode8(self, data: bytes) -> str:
        """8-bit text in the message code page; other evidence (UTF-8, GB18030) when it does not fit."""
        try:
            return data.decode(self.codec)
        except UnicodeDecodeError:
            return encoding.decode(data, declared=self.codec).text
        except LookupError:
            return encoding.decode(data).text

    def binary(self, pid: int) -> bytes | None:
        return self.read(self.stream_name(pid, PT_BINARY))

    def text_or_binary(self, pid: int) -> tuple[bytes | None, str | None]:
        """(bytes, None) for a binary or 8-bit value, (None, text) for a UTF-16 one."""
        data = self.read(self.stream_name(pid, PT_BINARY))
        if data is None:
            data = self.read(self.stream_name(pid, PT_STRING8))
        if data is not None:
            return data, None
        return None, self.string(pid)

    def storage(self, pid: int):
        """The directory entry of an object-valued property (a sub-storage), or None."""
        kid = self.child(self.stream_name(pid, PT_OBJECT))
        return kid if kid is not None and kid.entry_type == olefile.STGTY_STORAGE else None

    def integer(self, pid: int) -> int | None:
        found = self.fixed.get(pid)
        if found is None:
            return None
        ptype, value = found
        if ptype == PT_SHORT:
            return struct.unpack_from("<h", value)[0]
        if ptype in (PT_LONG, PT_BOOLEAN):
            return struct.unpack_from("<i", value)[0]
        if ptype == PT_I8:
            return struct.unpack_from("<q", value)[0]
        return None

    def number(self, pid: int) -> float | None:
        found = self.fixed.get(pid)
        if found and found[0] == PT_DOUBLE:
            return struct.unpack_from("<d", found[1])[0]
        if found and found[0] == PT_FLOAT:
            return struct.unpack_from("<f", found[1])[0]
        return self.integer(pid)

    def time(self, pid: int) -> datetime | None:
        """A PT_SYSTIME property (stored in place), as an aware UTC datetime."""
        found = self.fixed.get(pid)
        if found is None or found[0] != PT_SYSTIME:
            return None
        return filetime(struct.unpack_from("<q", found[1])[0])

    # --- named properties ----------------------------------------------------------------

    def named_id(self, guid: uuid.UUID, lid: int | str) -> int | None:
        """The property id (0x8000+) this file gave a named property, or None."""
        return self.names.get((guid, lid if isinstance(lid, int) else lid.lower()))

    def named_string(self, guid: uuid.UUID, lid: int | str) -> str | None:
        pid = self.named_id(guid, lid)
        return self.string(pid) if pid is not None else None

    def named_time(self, guid: uuid.UUID, lid: int | str) -> datetime | None:
        pid = self.named_id(guid, lid)
        return self.time(pid) if pid is not None else None

    def named_number(self, guid: uuid.UUID, lid: int | str) -> float | None:
        pid = self.named_id(guid, lid)
        return self.number(pid) if pid is not None else None

    def named_strings(self, guid: uuid.UUID, lid: int | str) -> list[str]:
        """A multi-valued text property (e.g. categories): one stream per value."""
        pid = self.named_id(guid, lid)
        if pid is None:
            return []
        values = []
        for ptype in (0x101F, 0x101E):
            base = self.stream_name(pid, ptype)
            for index in range(1024):
                data = self.read(f"{base}-{index:08X}")
                if data is None:
                    break
                values.append(data.decode("utf-16-le", errors="replace") if ptype == 0x101F
                              else self.decode8(data))
        return [v.split("\x00", 1)[0] for v in values if v.strip("\x00")]


def named_properties(ole: olefile.OleFileIO, problems: list[str]) -> dict[tuple, int]:
    """Map (property set GUID, number or lower-case name) -> property id, from ``__nameid_version1.0``."""
    root = {kid.name.upper(): kid for kid in ole.root.kids}.get(NAMEID.upper())
    if root is None:
        return {}
    store = Properties(ole, root, [root.name], HEADER_OTHER, problems, 64 * 1024**2, codec="cp1252")
    guids = store.binary(0x0002) or b""
    entries = store.binary(0x0003) or b""
    strings = store.binary(0x0004) or b""
    known = [PS_MAPI, PS_PUBLIC_STRINGS]
    out: dict[tuple, int] = {}
    for start in range(0, len(entries) - 7, 8):
        key, info = struct.unpack_from("<II", entries, start)
        string_kind, guid_index, prop_index = info & 1, (info >> 1) & 0x7FFF, info >> 16
        if guid_index < 1:
            continue
        if guid_index <= 2:
            guid = known[guid_index - 1]
        else:
            offset = (guid_index - 3) * 16
            if offset + 16 > len(guids):
                continue
            guid = uuid.UUID(bytes_le=guids[offset:offset + 16])
        if string_kind:
            if key + 4 > len(strings):
                continue
            length = struct.unpack_from("<I", strings, key)[0]
            name = strings[key + 4:key + 4 + length].decode("utf-16-le", errors="replace").lower()
            out[(guid, name)] = 0x8000 + prop_index
        else:
            out[(guid, key)] = 0x8000 + prop_index
    return out

