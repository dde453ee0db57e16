"""Legacy Office files in OLE containers: Word 97-2003 (.doc), PowerPoint 97-2003 (.ppt), other OLE.

Text of .doc comes from Debian's ``antiword`` run as a subprocess (no shell, with a
time limit). When antiword gives up on a real Word 97+ file, the text is read from
the piece table instead. Metadata for every OLE file comes from olefile's
SummaryInformation. Embedded objects (Ole10Native / Package / CONTENTS streams)
become children. Encrypted .doc/.ppt open with msoffcrypto-tool when a password fits.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import olefile

from unsealed.extract.base import (
    Child,
    Context,
    Corrupt,
    Encrypted,
    Extraction,
    ExtractionError,
    Page,
    Probe,
    TimedOut,
)
from unsealed.extract.xmlsafe import ole_children

KINDS = ("doc", "ppt", "ole")
_DRM_STREAMS = ("\x06DataSpaces", "\tDRMContent", "\tDRMDataSpace")


def accepts(probe: Probe) -> bool:
    """.doc, .ppt and other OLE compound files (not .msg, not .xls), by content."""
    return probe.kind in KINDS


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """Text (Word; PowerPoint best effort), metadata and embedded objects of an OLE file."""
    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on damaged input
        raise Corrupt(f"damaged OLE (Office 97-2003) file: {exc}") from exc
    with ole:
        meta = ole_metadata(ole)
        children: list[Child] = []
        try:
            if any(ole.exists(s) for s in _DRM_STREAMS):
                raise Encrypted("rights-managed (IRM/DRM) Office file: only the issuing organisation's "
                                "rights server can open it")
            children = ole_children(ole, ctx)
            if probe.kind == "doc":
                result = _doc(path, ole, meta, ctx)
            elif probe.kind == "ppt":
                result = _ppt(path, ole, meta, ctx)
            else:
                result = _other(ole, meta, children)
        except ExtractionError as exc:
            # The property sets sit outside the encrypted/damaged part: keep what was read.
            return Extraction(metadata=meta, children=children, status=exc.status, error=str(exc))
    result.children = children + result.children
    return result


# ---- metadata ---------------------------------------------------------------------------

_SUMMARY = {"title": "title", "subject": "subject", "author": "author", "keywords": "keywords",
            "comments": "description", "template": "template", "last_saved_by": "last_modified_by",
            "revision_number": "revision", "creating_application": "application",
            "create_time": "created", "last_saved_time": "modified", "last_printed": "last_printed",
            "num_pages": "page_count", "num_words": "word_count", "num_chars": "character_count",
            "company": "company", "manager": "manager", "category": "category", "slides": "slide_count"}


def ole_metadata(ole: olefile.OleFileIO) -> dict:
    """SummaryInformation + DocumentSummaryInformation as our metadata keys (never raises)."""
    try:
        raw = ole.get_metadata()
    except Exception:  # noqa: BLE001 - damaged property sets lose only the metadata
        return {}
    codec = _codec(raw.codepage or raw.codepage_doc)
    meta: dict = {}
    for attr, key in _SUMMARY.items():
        value = getattr(raw, attr, None)
        if value is None or value == b"" or value == "":
            continue
        if isinstance(value, bytes):
            value = value.decode(codec, errors="replace")
        if isinstance(value, str):
            # Cut at the first NUL: olefile 0.47 reads UTF-16 (code page 1200) strings, as WPS
            # Office writes them, with twice their length and runs into the next property.
            value = value.split("\x00", 1)[0].strip()
            if not value:
                continue
        elif isinstance(value, datetime):
            if value.year < 1980:  # an unset FILETIME, or an edit duration misread as a date
                continue
            value = value.replace(tzinfo=UTC).isoformat(timespec="seconds")  # FILETIME is UTC
        meta[key] = value
    if isinstance(raw.total_edit_time, int) and raw.total_edit_time:
        meta["total_edit_minutes"] = raw.total_edit_time // 60
    return meta


def _ole_codepage(ole: olefile.OleFileIO) -> int | None:
    try:
        return ole.get_metadata().codepage
    except Exception:  # noqa: BLE001
        return None


def _codec(codepage: int | None) -> str:
    codecs = {1200: "utf-16-le", 65001: "utf-8", 10000: "mac-roman"}
    if not codepage:
        return "cp1252"
    name = codecs.get(codepage, f"cp{codepage}")
    try:
        "".encode(name)
    except LookupError:
        return "cp1252"
    return name


# ---- Word 97-2003 -----------------------------------------------------------------------

def _doc(path: Path, ole: olefile.OleFileIO, meta: dict, ctx: Context) -> Extraction:
    fib = ole.openstream("WordDocument").read(1024) if ole.exists("WordDocument") else b""
    if len(fib) < 32:
        raise Corrupt("Word file without a readable WordDocument stream")
    flags = struct.unpack_from("<H", fib, 0x0A)[0]
    if flags & 0x0100:  # fEncrypted
        plain = _decrypt(path, ctx, "Word")
        meta["encrypted"] = True
        meta["opened_with_password"] = True
        with olefile.OleFileIO(str(plain)) as plain_ole:
            result = _doc_text(plain, plain_ole, meta, ctx)
        plain.unlink(missing_ok=True)
        return result
    return _doc_text(path, ole, meta, ctx)


def _doc_text(path: Path, ole: olefile.OleFileIO, meta: dict, ctx: Context) -> Extraction:
    text, problem = _antiword(path, ctx)
    if text is None:
        try:
            text = piece_table_text(ole, _codec(_ole_codepage(ole)))
        except ValueError as exc:
            raise Corrupt(f"antiword could not read this Word file ({problem}) and neither could the "
                          f"fallback reader ({exc})") from exc
        meta["text_reader"] = "piece-table"
    else:
        meta["text_reader"] = "antiword"
    return Extraction(pages=[Page(1, _cap(text, ctx))], metadata=meta)


def _antiword(path: Path, ctx: Context) -> tuple[str | None, str]:
    """(text, None) from antiword, or (None, its complaint)."""
    try:
        done = subprocess.run(["antiword", "-m", "UTF-8.txt", "-w", "0", os.fspath(path)],
                              capture_output=True, timeout=ctx.limits.seconds, check=False)
    except subprocess.TimeoutExpired as exc:
        raise TimedOut(f"antiword took longer than {ctx.limits.seconds:.0f} s on this Word file") from exc
    except OSError as exc:
        return None, f"antiword not runnable: {exc}; install Debian's antiword package"
    message = done.stderr.decode("utf-8", errors="replace").strip()
    if done.returncode != 0 or not done.stdout.strip():
        low = message.lower()
        if "encrypt" in low or "password" in low:
            raise Encrypted("encrypted Word document: re-run ingest with --password PW")
        return None, message or f"exit status {done.returncode}"
    text = done.stdout.decode("utf-8", errors="replace").replace("[pic]", "")
    return re.sub(r"\n{3,}", "\n\n", text).strip(), ""


def _cap(text: str, ctx: Context) -> str:
    return text[: ctx.limits.max_text_chars]


def _decrypt(path: Path, ctx: Context, what: str) -> Path:
    """Decrypt an encrypted .doc/.ppt into the workdir with the first password that fits."""
    import msoffcrypto  # imported here: only encrypted files need it

    hint = "re-run ingest with --password PW"
    if not ctx.passwords:
        raise Encrypted(f"encrypted {what} document: {hint}")
    ctx.workdir.mkdir(parents=True, exist_ok=True)
    plain = Path(ctx.workdir) / "decrypted.tmp"
    with open(path, "rb") as fh:
        try:
            office = msoffcrypto.OfficeFile(fh)
        except Exception as exc:  # noqa: BLE001
            raise Encrypted(f"encrypted {what} document in a form unsealed cannot decrypt ({exc})") from exc
        for password in ctx.passwords:
            try:
                office.load_key(password=password)
                with open(plain, "wb") as out:
                    office.decrypt(out)
                return plain
            except Exception:  # noqa: BLE001 - a wrong password shows as any of several errors
                continue
    plain.unlink(missing_ok=True)
    raise Encrypted(f"encrypted {what} document: none of the given passwords fits; {hint}")


# The two readers below are hand-written because no maintained Python library reads
# .doc/.ppt text (textract and others shell out to antiword/catppt); both follow
# [MS-DOC] / [MS-PPT] only as far as plain text needs.

def piece_table_text(ole: olefile.OleFileIO, codec: str = "cp1252") -> str:
    """Text of a Word 97+ file from its piece table ([MS-DOC] 2.8.35), or of a simple Word 6/95
    file from its one text run; ValueError if unreadable."""
    try:
        word = ole.openstream("WordDocument").read()
        ident, flags = struct.unpack_from("<H", word, 0)[0], struct.unpack_from("<H", word, 0x0A)[0]
        if ident == 0xA5DC and not flags & 0x0004:  # Word 6/95, not fast-saved: text is fcMin..fcMac
            fc_min, fc_mac = struct.unpack_from("<II", word, 0x18)
            return _word_plain(word[fc_min:fc_mac].decode(codec, errors="replace"))
        if ident != 0xA5EC:
            raise ValueError("not a Word 97 or later file")
        table_name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(table_name):
            raise ValueError(f"{table_name} stream missing")
        table = ole.openstream(table_name).read()
        pos = 32
        pos += 2 + 2 * struct.unpack_from("<H", word, pos)[0]  # csw + fibRgW
        pos += 2 + 4 * struct.unpack_from("<H", word, pos)[0]  # cslw + fibRgLw
        if struct.unpack_from("<H", word, pos)[0] < 34:
            raise ValueError("file information block too short")
        fc_clx, lcb_clx = struct.unpack_from("<II", word, pos + 2 + 33 * 8)  # fcClx/lcbClx
        clx = table[fc_clx:fc_clx + lcb_clx]
        i = 0
        while i < len(clx) and clx[i] == 1:  # Prc entries before the piece table
            i += 3 + struct.unpack_from("<H", clx, i + 1)[0]
        if i >= len(clx) or clx[i] != 2:
            raise ValueError("no piece table")
        lcb = struct.unpack_from("<I", clx, i + 1)[0]
        plc = clx[i + 5:i + 5 + lcb]
        count = (len(plc) - 4) // 12
        cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
        out = []
        for k in range(count):
            fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * k + 2)[0]
            chars = max(cps[k + 1] - cps[k], 0)
            if fc & 0x40000000:  # 8-bit "compressed" piece
                start = (fc & 0x3FFFFFFF) // 2
                out.append(word[start:start + chars].decode("cp1252", errors="replace"))
            else:
                out.append(word[fc:fc + 2 * chars].decode("utf-16-le", errors="replace"))
    except (struct.error, OSError) as exc:
        raise ValueError(f"damaged Word structures: {exc}") from exc
    return _word_plain("".join(out))


_WORD_CONTROLS = str.maketrans({"\r": "\n", "\x07": "\t", "\x0b": "\n", "\x0c": "\n", "\x1e": "-",
                                "\x1f": None, "\x01": None, "\x02": None, "\x05": None, "\x08": None,
                                "\x00": None})


def _word_plain(text: str) -> str:
    """Drop field instructions (between 0x13 and 0x14, keeping the result) and map control marks."""
    out, depth_hidden = [], []
    for ch in text:
        if ch == "\x13":
            depth_hidden.append(True)
        elif ch == "\x14":
            if depth_hidden:
                depth_hidden[-1] = False
        elif ch == "\x15":
            if depth_hidden:
                depth_hidden.pop()
        elif not (depth_hidden and depth_hidden[-1]):
            out.append(ch)
    return "".join(out).translate(_WORD_CONTROLS).strip()


_PPT_TEXT_CHARS, _PPT_TEXT_BYTES, _PPT_SLIDE_LIST = 0x0FA0, 0x0FA8, 0x0FF0
_PPT_MASTERS = (0x03F8, 0x0FC9)  # MainMaster, Handout


def ppt_text(ole: olefile.OleFileIO) -> str:
    """Text atoms of a PowerPoint 97+ file in stream order (master slides skipped); ValueError if none."""
    if not ole.exists("PowerPoint Document"):
        raise ValueError("no PowerPoint Document stream")
    data = ole.openstream("PowerPoint Document").read()
    out, pos = [], 0
    while pos + 8 <= len(data):
        ver_inst, rtype, length = struct.unpack_from("<HHI", data, pos)
        body = pos + 8
        if ver_inst & 0x000F == 0x000F:  # a container: step inside, unless it holds master slides
            master = rtype in _PPT_MASTERS or (rtype == _PPT_SLIDE_LIST and ver_inst >> 4 == 1)
            pos = body + length if master else body
            continue
        if rtype == _PPT_TEXT_CHARS:
            out.append(data[body:body + length].decode("utf-16-le", errors="replace"))
        elif rtype == _PPT_TEXT_BYTES:
            out.append(data[body:body + length].decode("cp1252", errors="replace"))
        pos = body + length
    texts = (t.replace("\r", "\n").replace("\x0b", "\n").strip() for t in out)
    # "*" is a slide-number placeholder; the notes master carries PowerPoint's own prompt text
    return "\n".join(t for t in texts if t and t != "*" and not t.startswith("Click to edit Master"))


# ---- PowerPoint 97-2003 and other OLE files ---------------------------------------------

def _ppt(path: Path, ole: olefile.OleFileIO, meta: dict, ctx: Context) -> Extraction:
    source = ole
    plain = None
    if ole.exists("EncryptedSummary"):
        plain = _decrypt(path, ctx, "PowerPoint")
        source = olefile.OleFileIO(str(plain))
        meta.update({k: v for k, v in ole_metadata(source).items() if k not in meta})
        meta["encrypted"] = True
        meta["opened_with_password"] = True
    try:
        text = ppt_text(source)
    except ValueError as exc:
        return Extraction(metadata=meta, status="partial",
                          error=f"metadata only: the slide text could not be read ({exc})")
    finally:
        if plain is not None:
            source.close()
            plain.unlink(missing_ok=True)
    if not text.strip():
        return Extraction(pages=[Page(1, "")], metadata=meta, status="partial",
                          error="metadata only: no slide text found in this PowerPoint 97-2003 file")
    return Extraction(pages=[Page(1, _cap(text, ctx))], metadata=meta)


def _other(ole: olefile.OleFileIO, meta: dict, children: list[Child]) -> Extraction:
    kind = _user_type(ole)
    if kind:
        meta["ole_type"] = kind
    if children:  # an embedded-object wrapper: its payloads are the content
        return Extraction(metadata=meta)
    return Extraction(metadata=meta, status="partial",
                      error=f"metadata only: unsealed has no text reader for {kind or 'this OLE file type'}")


def _user_type(ole: olefile.OleFileIO) -> str | None:
    """The application's own name for the file type, from the CompObj stream."""
    if not ole.exists("\x01CompObj"):
        return None
    try:
        data = ole.openstream("\x01CompObj").read(4096)
        (length,) = struct.unpack_from("<I", data, 28)
        return data[32:32 + length].split(b"\x00")[0].decode("cp1252", errors="replace").strip() or None
    except (struct.error, OSError):
        return None
