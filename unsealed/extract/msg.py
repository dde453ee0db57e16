"""Outlook messages (.msg): headers, body, Outlook item fields and attachments.

Read by hand from the OLE compound file with olefile (see ``msg_props``): the one
maintained Python MSG library, extract-msg, is GPL-3.0 and cannot be a dependency of this
Apache-2.0 project. Like the EML extractor, a message gives ``from``, ``to``, ``cc``,
``bcc``, ``subject``, ``date`` (ISO 8601), ``message_id`` and ``message_class`` as
metadata, and one page: a short header block, then the body. The body is the plain-text
body, plus the HTML body's text when it holds words the plain one lacks; when neither
exists, the compressed RTF body is unpacked (compressed-rtf) and read with striprtf.
Contacts, appointments and tasks add their fields (``msg_items``).

Attachments become children: files as they are; an attached message is rebuilt as a
standalone .msg (``msg_embedded``) so it is read again with its own attachments, and an
attached OLE object as an OLE file. When a rebuild fails, the attached message's text is
shown in this page instead and its child is recorded as "unsupported". Damaged parts make
the result "partial" with the reason; a file that is not an Outlook message is Corrupt.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import Parser
from pathlib import Path

import olefile

from unsealed.extract import encoding
from unsealed.extract.base import Child, Context, Corrupt, Extraction, Page, Probe
from unsealed.extract.email import headers as mime_headers
from unsealed.extract.email import safe_name, unique_name
from unsealed.extract.msg_embedded import RebuildError, rebuild
from unsealed.extract.msg_items import item_fields
from unsealed.extract.msg_props import (
    HEADER_EMBEDDED,
    HEADER_OTHER,
    HEADER_TOP,
    PASS_THROUGH,
    PROPERTIES,
    PS_PUBLIC_STRINGS,
    SUBSTG,
    Properties,
    codec_for,
    iso,
    named_properties,
)
from unsealed.extract.text import html_to_text

KINDS = ("msg",)
_SHOWN = (("From", "from"), ("To", "to"), ("Cc", "cc"), ("Bcc", "bcc"), ("Date", "date"), ("Subject", "subject"))
_RECIPIENT_KEYS = {1: "to", 2: "cc", 3: "bcc"}
_DISPLAY = {"to": 0x0E04, "cc": 0x0E03, "bcc": 0x0E02}
_ATTACH_PREFIX = "__ATTACH_VERSION1.0_#"
_RECIP_PREFIX = "__RECIP_VERSION1.0_#"
_WORDS = re.compile(r"\w+")
# olefile defects that lose nothing (some writers give empty streams a start sector).
_HARMLESS = {"incorrect OLE sector index for empty stream"}
_MAX_INLINE_DEPTH = 4  # attached messages shown inline (only when their rebuild failed)
# Attach methods ([MS-OXCMSG] PidTagAttachMethod).
_EMBEDDED = 5
_BY_REFERENCE = {2: "a link to a file", 3: "a link to a file", 4: "a link to a file", 7: "a link to a web file"}


def accepts(probe: Probe) -> bool:
    """Outlook .msg files, by content (an OLE file with MAPI property streams)."""
    return probe.kind in KINDS


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """Headers, body, item fields and attachments of one Outlook message."""
    try:
        ole = olefile.OleFileIO(str(path))
    except PASS_THROUGH:
        raise
    except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on damaged input
        raise Corrupt(f"not a readable Outlook message (.msg): the file is damaged or cut short ({exc}); "
                      "the original is kept") from exc
    with ole:
        names = {kid.name.upper() for kid in ole.root.kids}
        if PROPERTIES.upper() not in names and not any(n.startswith(SUBSTG.upper()) for n in names):
            raise Corrupt("not an Outlook message: the OLE file holds no MAPI properties")
        reader = _Reader(ole, ctx)
        meta, text = reader.message(ole.root, [], HEADER_TOP, depth=0, prefix="")
        damage = list(dict.fromkeys(str(message) for _kind, message in getattr(ole, "parsing_issues", [])
                                    if message not in _HARMLESS))
    problems = reader.problems
    if PROPERTIES.upper() not in names:
        problems.insert(0, "the message's property list is missing: the file is damaged or cut short, "
                           "only part of it could be read")
    if damage:
        problems.insert(0, "damaged OLE container: " + "; ".join(damage[:5]))
    if meta.get("encrypted"):
        problems.insert(0, f"the body is encrypted ({meta['encrypted']}): headers were read and the encrypted "
                           "part is kept as an attachment; decrypt it with the recipient's key and ingest the result")
    limit = ctx.limits.max_text_chars
    if len(text) > limit:
        text = text[:limit]
        problems.append(f"text limit reached: kept the first {limit} characters")
    meta["attachments"] = len(reader.children)
    return Extraction(pages=[Page(1, text)], metadata=meta, children=reader.children,
                      status="partial" if problems else "ok",
                      error="; ".join(dict.fromkeys(problems))[:2000] if problems else None)


class _Reader:
    """Reads one .msg file: the message, and attached messages shown inline when needed."""

    def __init__(self, ole: olefile.OleFileIO, ctx: Context) -> None:
        self.ole = ole
        self.ctx = ctx
        self.problems: list[str] = []
        self.children: list[Child] = []
        self.taken: set[str] = set()
        self.unpacked = 0
        self.names = named_properties(ole, self.problems)

    def props(self, entry, path: list[str], header: int, codec: str | None = None) -> Properties:
        return Properties(self.ole, entry, path, header, self.problems, self.ctx.limits.max_member_bytes,
                          codec=codec, names=self.names)

    # --- the message -----------------------------------------------------------------------

    def message(self, entry, path: list[str], header: int, depth: int, prefix: str) -> tuple[dict, str]:
        """Metadata and page text of the message stored in ``entry``; its attachments become children."""
        props = self.props(entry, path, header)
        meta = _metadata(props, self._recipients(entry, path, props.codec))
        fields, item_meta = item_fields(props, meta.get("message_class", ""))
        for key, value in item_meta.items():
            meta.setdefault(key, value)
        parts = [_header_block(meta)]
        if fields:
            parts.append("\n".join(fields))
        parts.append(_body(props, self.problems))
        for kid in entry.kids:
            if kid.name.upper().startswith(_ATTACH_PREFIX):
                if len(self.children) >= self.ctx.limits.max_members:
                    self.problems.append(f"attachment limit reached: kept the first {len(self.children)}")
                    break
                inline = self._attachment(kid, path + [kid.name], depth, prefix, props.codec)
                if inline:
                    parts.append(inline)
        return meta, "\n\n".join(p for p in parts if p and p.strip()).strip()

    def _recipients(self, entry, path: list[str], codec: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for kid in entry.kids:
            if not kid.name.upper().startswith(_RECIP_PREFIX):
                continue
            recip = self.props(kid, path + [kid.name], HEADER_OTHER, codec)
            key = _RECIPIENT_KEYS.get(recip.integer(0x0C15) or 1, "to")
            name = (recip.string(0x3001) or "").strip()
            address = (recip.string(0x39FE) or recip.string(0x3003) or "").strip()
            if "@" not in address:
                address = ""
            shown = f"{name} <{address}>" if name and address and name != address else (address or name)
            if shown:
                found.setdefault(key, []).append(shown)
        return found

    # --- attachments ---------------------------------------------------------------------

    def _attachment(self, entry, path: list[str], depth: int, prefix: str, codec: str) -> str | None:
        """Write one attachment as a child; returns text to show inline (a message that failed to rebuild)."""
        att = self.props(entry, path, HEADER_OTHER, codec)
        index = len(self.children) + 1
        method = att.integer(0x3705)
        filename = next((n.strip() for n in (att.string(0x3707), att.string(0x3704), att.string(0x3001))
                         if n and n.strip()), None)
        modified = iso(att.time(0x3008))
        storage = att.storage(0x3701)
        if storage is not None:
            message = method == _EMBEDDED or any(k.name.upper() == PROPERTIES.upper() for k in storage.kids)
            return self._storage(storage, path + [storage.name], att, message, filename, depth, prefix, modified)
        if method in _BY_REFERENCE:
            target = att.string(0x370D) or att.string(0x3708) or "?"
            self._failed(prefix, filename or f"attachment-{index}", "unsupported",
                         f"the attachment is {_BY_REFERENCE[method]} ({target}), not stored in the message")
            return None
        kid = att.child(att.stream_name(0x3701, 0x0102))
        name = filename or f"attachment-{index}{att.string(0x3703) or '.bin'}"
        if kid is None:
            self._failed(prefix, name, "corrupt", "the attachment holds no data")
            return None
        if not self._room(kid.size, prefix, name):
            return None
        data = att.binary(0x3701)
        if data is None:
            self._failed(prefix, name, "corrupt", "the attachment's data could not be read")
            return None
        self._write(prefix, name, data, modified)
        return None

    def _storage(self, storage, path: list[str], att: Properties, message: bool, filename: str | None,
                 depth: int, prefix: str, modified: str | None) -> str | None:
        """An attached message or OLE object: rebuilt as a file, else shown inline."""
        if message:
            inner = self.props(storage, path, HEADER_EMBEDDED)
            subject = (inner.string(0x0037) or "").strip()
            name = filename or (subject[:80] if subject else f"attached message {len(self.children) + 1}")
            if not name.lower().endswith(".msg"):
                name += ".msg"
        else:
            name = f"{filename or f'embedded object {len(self.children) + 1}'}.ole"
        size = _tree_size(storage)
        if not self._room(size, prefix, name):
            return None
        try:
            data = rebuild(self.ole, storage, path, self.ctx.limits.max_member_bytes, message)
        except PASS_THROUGH:
            raise
        except Exception as exc:  # noqa: BLE001 - RebuildError, or the writer refusing odd names
            if not isinstance(exc, RebuildError | ImportError):
                exc = RebuildError(f"{type(exc).__name__}: {exc}")
            if not message or depth >= _MAX_INLINE_DEPTH:
                self._failed(prefix, name, "unsupported", f"could not be rebuilt as a file: {exc}")
                return None
            self._failed(prefix, name, "unsupported", f"attached message could not be rebuilt as a file ({exc}): "
                                                      "its text is shown in the parent message's page")
            meta, text = self.message(storage, path, HEADER_EMBEDDED, depth + 1, f"{prefix}{safe_name(name, 'x')}/")
            return f"----- Attached message: {name} -----\n{text}"
        self._write(prefix, name, data, modified)
        return None

    def _room(self, size: int, prefix: str, name: str) -> bool:
        limits = self.ctx.limits
        self.unpacked += size
        if size > limits.max_member_bytes or self.unpacked > limits.max_unpacked_bytes:
            self._failed(prefix, name, "hostile", f"attachment of {size:,} bytes is over the size limit: not kept")
            return False
        return True

    def _name(self, prefix: str, name: str) -> str:
        return prefix + unique_name(safe_name(name, f"attachment-{len(self.children) + 1}"), self.taken)

    def _write(self, prefix: str, name: str, data: bytes, modified: str | None) -> None:
        self.ctx.workdir.mkdir(parents=True, exist_ok=True)
        target = self.ctx.workdir / f"attachment-{len(self.children) + 1:04d}"
        target.write_bytes(data)
        self.children.append(Child(name=self._name(prefix, name), path=target, modified=modified))

    def _failed(self, prefix: str, name: str, status: str, error: str) -> None:
        self.children.append(Child(name=self._name(prefix, name), path=None, status=status, error=error))


def _tree_size(entry) -> int:
    total, stack = 0, [entry]
    while stack:
        node = stack.pop()
        total += node.size if node.entry_type == olefile.STGTY_STREAM else 0
        stack.extend(node.kids)
    return total


# --- metadata and text -------------------------------------------------------------------


def _metadata(props: Properties, recipients: dict[str, list[str]]) -> dict:
    """from/to/cc/bcc/subject/date/message_id/message_class: transport headers first, then MAPI."""
    meta: dict = {}
    transport = props.string(0x007D)
    found = _transport(transport) if transport and transport.strip() else {}
    subject = props.string(0x0037)
    meta["subject"] = subject.strip() if subject and subject.strip() else found.get("subject")
    meta["from"] = found.get("from") or _sender(props)
    for key in ("to", "cc", "bcc"):
        display = (props.string(_DISPLAY[key]) or "").strip()
        meta[key] = found.get(key) or ", ".join(recipients.get(key, [])) or display
    meta["date"] = found.get("date") or iso(props.time(0x0039) or props.time(0x0E06))
    if found.get("date_raw") and not found.get("date"):
        meta["date_raw"] = found["date_raw"]
    meta["received"] = iso(props.time(0x0E06))
    meta["created"] = iso(props.time(0x3007))
    meta["modified"] = iso(props.time(0x3008))
    meta["message_id"] = found.get("message_id") or (props.string(0x1035) or "").strip()
    meta["in_reply_to"] = found.get("in_reply_to") or (props.string(0x1042) or "").strip()
    meta["message_class"] = (props.string(0x001A) or "").strip()
    categories = props.named_strings(PS_PUBLIC_STRINGS, "keywords")
    if categories:
        meta["keywords"] = ", ".join(categories)
    meta["encoding"] = props.codec
    encrypted = _encryption(meta["message_class"], transport or "")
    if encrypted:
        meta["encrypted"] = encrypted
    return {k: v for k, v in meta.items() if v}


def _transport(text: str) -> dict[str, str]:
    try:
        parsed = Parser(policy=policy.compat32).parsestr(text, headersonly=True)
        return mime_headers(parsed)
    except PASS_THROUGH:
        raise
    except Exception:  # noqa: BLE001 - damaged headers: the MAPI properties still hold the essentials
        return {}


def _sender(props: Properties) -> str | None:
    name = (props.string(0x0C1A) or props.string(0x0042) or "").strip()
    address = ""
    for pid in (0x5D01, 0x0C1F, 0x0065, 0x5D02):  # SMTP address first; Exchange DNs have no "@"
        value = (props.string(pid) or "").strip()
        if "@" in value:
            address = value
            break
    if name and address and name != address:
        return f"{name} <{address}>"
    return address or name or None


def _encryption(message_class: str, transport: str) -> str | None:
    kind = message_class.lower()
    head = transport.lower()
    if "multipart/encrypted" in head:
        return "PGP/MIME"
    if kind.startswith("ipm.note.smime") and not kind.endswith("multipartsigned"):
        return "S/MIME"
    if "pkcs7-mime" in head and "signed-data" not in head:
        return "S/MIME"
    return None


def _header_block(meta: dict) -> str:
    lines = [f"{label}: {meta[key]}" for label, key in _SHOWN if meta.get(key)]
    kind = meta.get("message_class", "")
    if kind and not kind.lower().startswith(("ipm.note", "report.ipm.note")):
        lines.append(f"Outlook item: {kind}")
    return "\n".join(lines)


def _body(props: Properties, problems: list[str]) -> str:
    """Plain body, plus the HTML body when it says more; the RTF body when neither exists."""
    parts: list[str] = []
    plain = props.string(0x1000)
    if plain and plain.strip():
        parts.append(plain.replace("\r\n", "\n").strip())
    html = _html_body(props)
    if html and (not parts or _new_words(html, parts[0])):
        parts.append(html)
    if not parts:
        rtf = _rtf_body(props, problems)
        if rtf:
            parts.append(rtf)
    return "\n\n".join(parts)


def _html_body(props: Properties) -> str | None:
    raw, text = props.text_or_binary(0x1013)
    if raw is not None:
        declared = codec_for(props.integer(0x3FDE)) or props.codec
        text = encoding.decode(raw.rstrip(b"\x00"), declared=declared).text
    if not text or not text.strip():
        return None
    html = html_to_text(text)
    body = html.text
    if html.title and html.title not in body:
        body = f"{html.title}\n\n{body}"
    return body.strip() or None


def _new_words(candidate: str, shown: str) -> bool:
    known = set(_WORDS.findall(shown.lower()))
    return any(word not in known for word in _WORDS.findall(candidate.lower()))


def _rtf_body(props: Properties, problems: list[str]) -> str | None:
    """Text of the compressed RTF body ([MS-OXRTFCP]), unpacked with compressed-rtf, read with striprtf."""
    data = props.binary(0x1009)
    if not data:
        return None
    try:
        from compressed_rtf import decompress
        from striprtf.striprtf import rtf_to_text

        from unsealed.extract.rtf import code_page

        raw = decompress(data)
        text = rtf_to_text(raw.decode("latin-1"), encoding=code_page(raw), errors="replace")
    except PASS_THROUGH:
        raise
    except Exception as exc:  # noqa: BLE001 - the library raises bare Exception on a bad checksum
        problems.append(f"the RTF body could not be read: {type(exc).__name__}: {exc}"[:300])
        return None
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n").replace("\x00", "")).strip() or None
