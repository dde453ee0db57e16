"""Detect a file's type from its content, not its name.

Written here rather than taken from libmagic or magika: the ingest needs a
precise routing decision (which extractor, which archive reader) in well under a
millisecond per file, including a look inside zip and OLE containers to tell
DOCX from XLSX from ODT and DOC from XLS, which libmagic does unreliably and
magika only with a neural model and onnxruntime.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

HEAD_BYTES = 8192

# kind -> (mime, family, usual extensions). The family groups kinds for search facets.
KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", "pdf", (".pdf",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "doc",
             (".docx", ".docm", ".dotx")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "sheet", (".xlsx", ".xlsm", ".xltx")),
    "xlsb": ("application/vnd.ms-excel.sheet.binary.macroenabled.12", "sheet", (".xlsb",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "doc", (".pptx", ".pptm")),
    "odt": ("application/vnd.oasis.opendocument.text", "doc", (".odt",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "sheet", (".ods",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", "doc", (".odp",)),
    "doc": ("application/msword", "doc", (".doc", ".dot", ".wps")),
    "xls": ("application/vnd.ms-excel", "sheet", (".xls", ".xlt")),
    "ppt": ("application/vnd.ms-powerpoint", "doc", (".ppt", ".pps")),
    "msg": ("application/vnd.ms-outlook", "email", (".msg",)),
    "ole": ("application/x-ole-storage", "other", ()),
    "ooxml-encrypted": ("application/x-ooxml-encrypted", "doc", (".docx", ".xlsx", ".pptx")),
    "rtf": ("application/rtf", "doc", (".rtf",)),
    "zip": ("application/zip", "archive", (".zip", ".jar")),
    "tar": ("application/x-tar", "archive", (".tar",)),
    "gzip": ("application/gzip", "archive", (".gz", ".tgz")),
    "bzip2": ("application/x-bzip2", "archive", (".bz2", ".tbz2", ".tbz")),
    "xz": ("application/x-xz", "archive", (".xz", ".txz")),
    "7z": ("application/x-7z-compressed", "archive", (".7z",)),
    "rar": ("application/vnd.rar", "archive", (".rar",)),
    "jpeg": ("image/jpeg", "image", (".jpg", ".jpeg", ".jpe", ".jfif")),
    "png": ("image/png", "image", (".png",)),
    "gif": ("image/gif", "image", (".gif",)),
    "tiff": ("image/tiff", "image", (".tif", ".tiff")),
    "webp": ("image/webp", "image", (".webp",)),
    "heic": ("image/heic", "image", (".heic", ".heif")),
    "bmp": ("image/bmp", "image", (".bmp",)),
    "jp2": ("image/jp2", "image", (".jp2", ".j2k")),
    "eml": ("message/rfc822", "email", (".eml", ".msg", ".txt")),
    "mbox": ("application/mbox", "email", (".mbox", ".mbx")),
    "html": ("text/html", "html", (".html", ".htm", ".xhtml")),
    "xml": ("application/xml", "text", (".xml",)),
    "svg": ("image/svg+xml", "image", (".svg",)),
    "csv": ("text/csv", "sheet", (".csv", ".tsv", ".tab")),
    "text": ("text/plain", "text", (".txt", ".text", ".md", ".log", ".json", ".ini", ".cfg")),
    "empty": ("application/x-empty", "other", ()),
    "unknown": ("application/octet-stream", "other", ()),
}

_OOXML_MAIN = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Detected:
    kind: str
    mime: str
    family: str
    ext_mismatch: bool  # the name's extension says something else


def family_of(kind: str) -> str:
    """The search facet family ('pdf', 'doc', 'sheet', 'image', 'email', 'archive', ...)."""
    return KINDS.get(kind, KINDS["unknown"])[1]


def detect(path: str | os.PathLike, name: str | None = None, head: bytes | None = None) -> Detected:
    """Detect the kind of the file at ``path`` (``name`` gives the extension to compare with)."""
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    kind = _sniff(path, head, name or os.fspath(path))
    mime, family, _ = KINDS[kind]
    return Detected(kind, mime, family, extension_disagrees(kind, name or os.fspath(path)))


def extension_disagrees(kind: str, name: str) -> bool:
    """True when ``name`` has an extension that a file of this content kind would not have."""
    exts = KINDS.get(kind, KINDS["unknown"])[2]
    ext = os.path.splitext(name)[1].lower()
    return bool(ext) and bool(exts) and ext not in exts and not _compatible(kind, ext)


def empty_problem(kind: str, name: str) -> str | None:
    """Why an empty file is worth a reporter's attention: an empty "report.pdf" is a damaged PDF."""
    ext = os.path.splitext(name)[1].lower()
    if kind != "empty" or not ext or ext in (".txt", ".log", ".md", ".lock", ".keep"):
        return None
    return f"empty file (0 bytes) although its name says {ext}: nothing to read"


def _compatible(kind: str, ext: str) -> bool:
    # text-like kinds are often saved under each other's names
    texty = {"text", "csv", "xml", "html", "eml", "mbox"}
    return kind in texty and ext in {".txt", ".csv", ".tsv", ".xml", ".html", ".htm", ".log", ".eml", ".json"}


def _sniff(path, head: bytes, name: str) -> str:
    if not head:
        return "empty"
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc", b"avif"):
        return "heic"
    if head[:2] == b"BM" and len(head) > 26 and head[6:10] == b"\0\0\0\0" and \
            int.from_bytes(head[14:18], "little") in (12, 16, 40, 52, 56, 64, 108, 124):
        return "bmp"
    if head.startswith(b"\x00\x00\x00\x0cjP  ") or head.startswith(b"\xff\x4f\xff\x51"):
        return "jp2"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"PK\x07\x08"):  # the first part of a spanned zip
        return "zip"
    if len(head) >= 512 and _tar_checksum_ok(head[:512]):
        return "tar"  # an old tar without the ustar magic
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    return _text_kind(head, name, path)


def _tar_checksum_ok(block: bytes) -> bool:
    """True when a 512-byte block is a tar header: its checksum field matches its bytes."""
    field = block[148:156].replace(b"\0", b" ").strip()
    if not field or not all(48 <= c <= 55 for c in field) or not block[0]:
        return False
    stored = int(field, 8)
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:])
    return stored == unsigned


def _zip_kind(path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                if info.file_size < 200:
                    mt = zf.read("mimetype").strip()
                    if mt in _ODF:
                        return _ODF[mt]
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML_MAIN.items():
                    if any(n.startswith(prefix) for n in names[:200]) or any(n.startswith(prefix) for n in names):
                        if kind == "xlsx" and any(n.endswith(".bin") and n.startswith("xl/workbook") for n in names):
                            return "xlsb"
                        return kind
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError):
        pass
    return "zip"


def _ole_kind(path) -> str:
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            streams = {"/".join(s).lower() for s in ole.listdir(streams=True, storages=True)}
    except Exception:  # noqa: BLE001 - any parse failure of a damaged OLE file means "some OLE file"
        return "ole"
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return "ooxml-encrypted"
    if "worddocument" in streams:
        return "doc"
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "powerpoint document" in streams:
        return "ppt"
    if any(s.startswith("__substg1.0_") for s in streams):
        return "msg"
    return "ole"


_EMAIL_HEADERS = (b"from:", b"received:", b"return-path:", b"message-id:", b"mime-version:", b"delivered-to:",
                  b"subject:", b"to:", b"date:", b"x-")


def _decode_head(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head[2:].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", errors="ignore")
        except UnicodeDecodeError:
            return None
    if b"\x00" in head[:4096]:
        # UTF-16 without BOM: every other byte NUL
        zeros = head[:4096].count(b"\x00")
        if zeros > len(head[:4096]) // 3:
            return head.decode("utf-16-le", errors="ignore")
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            return head.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # cut in the middle of a character
                return head[: exc.start].decode(enc, errors="ignore")
    text = head.decode("latin-1")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return text if printable > 0.9 * len(text) else None


def _text_kind(head: bytes, name: str, path) -> str:
    text = _decode_head(head)
    if text is None:
        return "unknown"
    stripped = text.lstrip("\ufeff \t\r\n")
    low = stripped[:512].lower()
    if low.startswith("from ") and "\n" in low and any(h.decode() in low for h in _EMAIL_HEADERS[:9]):
        return "mbox"
    first_lines = stripped.splitlines()[:8]
    if first_lines and _looks_like_headers(first_lines):
        return "eml"
    if low.startswith("<?xml") or low.startswith("<svg"):
        if "<svg" in low:
            return "svg"
        return "html" if "<html" in low else "xml"  # XHTML declares itself as XML first
    if low.startswith(("<!doctype html", "<html")) or _html_tags(text.lower()) >= 2:
        return "html"
    ext = os.path.splitext(name)[1].lower()
    if ext in (".csv", ".tsv", ".tab"):
        return "csv"
    return "text"


_HTML_TAGS = ("<html", "<head", "<body", "<title", "<meta ", "<div", "<table", "<p>", "<br", "<a href", "<script",
              "<style", "<h1", "<span", "<ul", "<form")


def _html_tags(text: str) -> int:
    """How many distinct common HTML tags the start of a text has."""
    start = text[:4096]
    return sum(tag in start for tag in _HTML_TAGS)


def _looks_like_headers(lines: list[str]) -> bool:
    known = 0
    for line in lines:
        if not line.strip():
            break
        if line[:1] in " \t":
            continue
        key, sep, _ = line.partition(":")
        if not sep or " " in key.strip():
            return False
        if (key.lower() + ":").encode() in _EMAIL_HEADERS or key.lower().startswith("x-"):
            known += 1
    return known >= 2
