"""E-mail: single messages (EML) and mailboxes (MBOX).

A message gives its headers as metadata, its readable body as page 1 (a short header
block first, so names and addresses are searchable), and every attachment or attached
message as a child file. Damaged parts degrade to status "partial" with the reason.

A mailbox is split into its messages by ``mbox.py``; each message then goes through
this extractor again as its own item.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath

from unsealed.extract import encoding
from unsealed.extract.base import Child, Context, Extraction, Page, Probe
from unsealed.extract.text import html_to_text

KINDS = ("eml", "mbox")

_HEADERS = ("from", "to", "cc", "bcc", "subject", "date", "message_id", "in_reply_to")
_SHOWN = (("From", "from"), ("To", "to"), ("Cc", "cc"), ("Bcc", "bcc"), ("Date", "date"), ("Subject", "subject"))
# Defects that mean content was lost or guessed, not just untidy headers.
# (A missing closing boundary is not among them: the parser reads to the end of the file.)
_SERIOUS = {"InvalidBase64PaddingDefect", "InvalidBase64CharactersDefect", "InvalidBase64LengthDefect",
            "UndecodableBytesDefect", "StartBoundaryNotFoundDefect", "NoBoundaryInMultipartDefect",
            "InvalidMultipartContentTransferEncodingDefect"}
# An mbox "From " envelope line: sender, then an asctime date (From x@y Mon Jun 01 10:00:00 2009).
_ENVELOPE = re.compile(rb"From \S+ +[A-Z][a-z]{2} +[A-Z][a-z]{2} +\d{1,2} +\d{1,2}:\d\d")
_WORDS = re.compile(r"\w+")
_MAX_INLINE_DEPTH = 4  # inline messages inside inline messages whose text is shown in the parent
_PGP_BLOCK = "-----BEGIN PGP MESSAGE-----"
# compat32 keeps headers as raw text: the modern policy re-parses Content-Type on every
# get_content_type() call, which made a small message cost ~15 ms instead of ~1 ms.
# Headers are decoded here instead (encoded words, raw 8-bit bytes). No line-length limit
# and no ">From" mangling when an attached message is written back out.
POLICY = policy.compat32.clone(max_line_length=0, mangle_from_=False)
_FOLD = re.compile(r"\r?\n[ \t]")
_FILENAME = re.compile(r"""\b(?:file)?name\s*=\s*(?:"([^"]*)"|([^;\s]+))""", re.I)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def accepts(probe: Probe) -> bool:
    """Single messages and mailboxes; also text that starts with an mbox envelope line."""
    return probe.kind in KINDS or (probe.kind == "text" and is_mbox_head(probe.head))


def is_mbox_head(head: bytes) -> bool:
    """True when ``head`` starts with an mbox "From " envelope line."""
    return _ENVELOPE.match(head.lstrip(b"\r\n")) is not None


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """A message's headers, body and attachments; or a mailbox split into its messages."""
    ctx.workdir.mkdir(parents=True, exist_ok=True)
    if probe.kind != "eml":
        from unsealed.extract.mbox import split_mailbox

        return split_mailbox(path, ctx)
    with open(path, "rb") as fh:
        msg = BytesParser(policy=POLICY).parse(fh)
    return read_message(msg, ctx)


# --- one message ---------------------------------------------------------------------------


class _Walk:
    """What walking a message's MIME tree collects.

    A walk ``into`` another one adds text to its body but keeps no attachments: it reads
    an inline attached message, which is also a child item with attachments of its own.
    """

    def __init__(self, ctx: Context, into: _Walk | None = None) -> None:
        self.ctx = ctx
        self.body: list[str] = into.body if into else []
        self.problems: list[str] = into.problems if into else []
        self.children: list[Child] = []
        self.names: set[str] = set()
        self.encrypted: str | None = None
        self.defects: set[str] = set()
        self.keep_children = into is None


def read_message(msg: Message, ctx: Context) -> Extraction:
    """Headers, body text and attachments (as children in ``ctx.workdir``) of a parsed message."""
    walk = _Walk(ctx)
    metadata = headers(msg)
    _part(msg, walk, want_text=True, depth=0)
    for part in msg.walk():
        walk.defects.update(type(d).__name__ for d in getattr(part, "defects", ()))
    if walk.defects:
        metadata["defects"] = sorted(walk.defects)
        serious = sorted(walk.defects & _SERIOUS)
        if serious:
            walk.problems.append("damaged MIME encoding: " + ", ".join(serious))
    if walk.encrypted:
        metadata["encrypted"] = walk.encrypted
        walk.problems.append(
            f"the body is encrypted ({walk.encrypted}): headers were read and the encrypted part is kept "
            "as an attachment; decrypt it with the recipient's key and ingest the result")
    metadata["attachments"] = len(walk.children)
    text = _header_block(metadata) + "\n\n" + "\n\n".join(t for t in walk.body if t.strip())
    limit = ctx.limits.max_text_chars
    if len(text) > limit:
        text = text[:limit]
        walk.problems.append(f"text limit reached: kept the first {limit} characters")
    return Extraction(pages=[Page(1, text.strip())], metadata=metadata, children=walk.children,
                      status="partial" if walk.problems else "ok",
                      error="; ".join(walk.problems)[:2000] if walk.problems else None)


def headers(msg: Message) -> dict[str, str]:
    """from, to, cc, bcc, subject, date (ISO 8601), message_id, in_reply_to: those present."""
    out: dict[str, str] = {}
    for key in _HEADERS:
        value = _header(msg, key.replace("_", "-"))
        if value:
            out[key] = value
    if "date" in out:
        iso = _iso_date(out["date"])
        if iso:
            out["date"] = iso
        else:
            out["date_raw"] = out.pop("date")
    for key in ("message_id", "in_reply_to"):
        if key in out:
            out[key] = out[key].strip()
    return out


def _header(msg: Message, name: str) -> str | None:
    """A header's decoded value (encoded words and raw 8-bit bytes decoded), all occurrences joined."""
    values = [_decode_header(str(v)) for k, v in msg.raw_items() if k.lower() == name]
    return ", ".join(v for v in values if v) or None


def _decode_header(raw: str) -> str:
    value = _FOLD.sub(" ", raw).strip()
    if _escaped(value):
        return " ".join(_unescape(value).split())
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 - a broken encoded word: keep the header as written
        return value


def _escaped(value: str) -> bool:
    """Header bytes that were not ASCII (raw GBK subjects) arrive as surrogate escapes."""
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _unescape(value: str) -> str:
    return encoding.decode(value.encode("utf-8", errors="surrogateescape")).text if _escaped(value) else value


def _iso_date(value: str) -> str | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return parsed.replace(microsecond=0).isoformat()


def _header_block(meta: dict[str, str]) -> str:
    lines = []
    for label, key in _SHOWN:
        value = meta.get(key) or (meta.get("date_raw") if key == "date" else None)
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


def _part(part: Message, walk: _Walk, want_text: bool, depth: int) -> None:
    """Collect body text (when ``want_text``) and attachments below ``part``."""
    ctype = part.get_content_type()
    if ctype in ("message/rfc822", "message/global"):
        inner = part.get_payload(0) if part.is_multipart() else None
        if walk.keep_children:
            _attached_message(part, inner, walk)
        if want_text and inner is not None and _disposition(part) != "attachment" and depth < _MAX_INLINE_DEPTH:
            meta = headers(inner)
            walk.body.append(_header_block(meta))
            _part(inner, _Walk(walk.ctx, into=walk), want_text=True, depth=depth + 1)
        return
    if part.is_multipart():
        payload = part.get_payload()
        subparts = [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
        if ctype == "multipart/encrypted":
            walk.encrypted = walk.encrypted or "PGP/MIME"
        if ctype == "multipart/alternative" and want_text:
            chosen = _choose_alternative(subparts)
            first = len(walk.body)
            for sub in subparts:
                _part(sub, walk, want_text=sub is chosen, depth=depth)
            _add_differing_alternatives(subparts, chosen, first, walk)
            return
        for sub in subparts:
            _part(sub, walk, want_text=want_text, depth=depth)
        return
    if ctype in ("application/pkcs7-mime", "application/x-pkcs7-mime"):
        if (part.get_param("smime-type") or "enveloped-data").lower() != "signed-data":
            walk.encrypted = walk.encrypted or "S/MIME"
    is_body = ctype in ("text/plain", "text/html") and not _filename(part) and _disposition(part) != "attachment"
    if is_body:
        if want_text:
            text = _body_text(part, walk)
            if _PGP_BLOCK in text:
                walk.encrypted = walk.encrypted or "inline PGP"
            walk.body.append(text)
        return
    if walk.keep_children:
        _attachment(part, walk)


def _add_differing_alternatives(subparts: list[Message], chosen: Message | None, first: int, walk: _Walk) -> None:
    """Also keep the text of another rendering (HTML beside plain text) when it says more.

    Usually the two hold the same words; when the other one holds any word the chosen one
    lacks (a name, a quoted reply), both are kept, so nothing a recipient could read is
    lost to search. On the test corpora that doubles the text of 8 of 28 such messages.
    """
    shown = set(_WORDS.findall(" ".join(walk.body[first:]).lower()))
    for sub in subparts:
        if sub is chosen or sub.is_multipart() or sub.get_content_type() not in ("text/plain", "text/html"):
            continue
        if _filename(sub) or _disposition(sub) == "attachment":
            continue
        text = _body_text(sub, walk)
        words = _WORDS.findall(text.lower())
        if any(w not in shown for w in words):
            walk.body.append(text)
            shown.update(words)


def _choose_alternative(subparts: list[Message]) -> Message | None:
    """Plain text when it has words, else HTML, else the first nested multipart."""
    for wanted in ("text/plain", "text/html"):
        for sub in subparts:
            if sub.get_content_type() == wanted:
                payload = sub.get_payload(decode=True) or b""
                if payload.strip():
                    return sub
    for sub in subparts:
        if sub.is_multipart():
            return sub
    return subparts[0] if subparts else None


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:  # noqa: BLE001 - a malformed header must not cost the body
        return None


def _filename(part: Message) -> str | None:
    for header in ("content-disposition", "content-type"):
        original = next((str(v) for k, v in part.raw_items() if k.lower() == header), "")
        if _escaped(original) or "=?" in original:
            # an 8-bit or encoded-word file name (common from Chinese mail clients), which
            # the stdlib leaves undecoded
            m = _FILENAME.search(_decode_header(original))
            if m:
                return m.group(1) if m.group(1) is not None else m.group(2)
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = part.get_param("name", header="content-type")
        name = name if isinstance(name, str) else None
    return name or None


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - undecodable transfer encoding: keep the raw text
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", errors="surrogateescape") if isinstance(raw, str) else b""
    return data


def _body_text(part: Message, walk: _Walk) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001
        charset = None
    decoded = encoding.decode(_payload(part), declared=charset)
    if decoded.replaced:
        walk.problems.append(f"{decoded.replaced} characters of the body could not be decoded as {decoded.encoding}")
    if part.get_content_type() == "text/html":
        html = html_to_text(decoded.text)
        return f"{html.title}\n\n{html.text}" if html.title and html.title not in html.text else html.text
    return decoded.text.replace("\r\n", "\n").strip()


def _attached_message(part: Message, inner: Message | None, walk: _Walk) -> None:
    if inner is not None:
        try:
            data = inner.as_bytes(policy=POLICY)
        except Exception:  # noqa: BLE001 - fall back to the part's raw payload
            data = _payload(part)
    else:
        data = _payload(part)
    subject = _header(inner, "subject") if inner is not None else None
    name = _filename(part) or (f"{subject[:80]}.eml" if subject else "attached message.eml")
    if not name.lower().endswith(".eml"):
        name += ".eml"
    _write_child(data, name, walk)


def _attachment(part: Message, walk: _Walk) -> None:
    data = _payload(part)
    name = _filename(part) or _location_name(part)
    if not name:
        ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        name = f"attachment-{len(walk.children) + 1}{ext}"
    _write_child(data, name, walk)


def _location_name(part: Message) -> str | None:
    """The last path segment of Content-Location (saved web pages name their images only there)."""
    location = _header(part, "content-location")
    if not location:
        return None
    segment = location.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return segment or None


def _write_child(data: bytes, name: str, walk: _Walk) -> None:
    if not walk.keep_children:
        return
    index = len(walk.children) + 1
    target = walk.ctx.workdir / f"part-{index:04d}"
    target.write_bytes(data)
    walk.children.append(Child(name=unique_name(safe_name(name, f"attachment-{index}"), walk.names), path=target))


def safe_name(name: str, fallback: str) -> str:
    """A file name without folders, control characters or characters Windows refuses; never empty."""
    name = PurePosixPath(name.replace("\\", "/")).name
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        return fallback
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    return name


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``... when a sibling already has it; records the choice in ``taken``."""
    candidate, n = name, 1
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, dot, ext = name, "", ""
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}"
    taken.add(candidate.lower())
    return candidate
