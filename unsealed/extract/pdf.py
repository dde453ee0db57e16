"""PDF: text per page, document metadata and attachments, read with pypdfium2.

pypdfium2 was chosen in depbench.md (about 1.6 ms/page, exact Chinese, BSD/Apache).
PDFium is not thread-safe: the ingest runs extractors in processes, never threads.
"""

from __future__ import annotations

import ctypes
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from unsealed.extract import pdf_tables
from unsealed.extract.base import Child, Context, Corrupt, Encrypted, Extraction, Page, Probe
from unsealed.extract.xmlsafe import failed_child, write_child

# A page with fewer non-space characters than this has no usable text layer (OCR it).
MIN_TEXT_CHARS = 10

_CLEAN = {c: None for c in range(32) if c not in (9, 10)} | {0xFFFE: "-"}
_ERR_PASSWORD = 4
_ERR_SECURITY = 5

_META = {"Title": "title", "Author": "author", "Subject": "subject", "Keywords": "keywords",
         "Creator": "application", "Producer": "producer"}
_DATES = {"CreationDate": "created", "ModDate": "modified"}


def accepts(probe: Probe) -> bool:
    """PDF files, by content."""
    return probe.kind == "pdf"


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """Text of every page, metadata (incl. ``text_pages``), embedded files as children, and the
    rows of person tables (see :mod:`unsealed.extract.pdf_tables`)."""
    deadline = time.monotonic() + ctx.limits.seconds
    pdf, password_used = _open(path, ctx.passwords)
    try:
        result = _read(pdf, password_used, ctx)
        if time.monotonic() < deadline:
            _add_tables(result, path, password_used, pdf, ctx, deadline)
    finally:
        pdf.close()
    return result


def _add_tables(result: Extraction, path: Path, password: str | None, pdf: pdfium.PdfDocument, ctx: Context,
                deadline: float) -> None:
    """Read the person tables of the pages that could hold one; what fails costs the tables, never the text."""
    texts = {p.number: p.text for p in result.pages if p.source == "text"}
    text_pages = set(result.metadata.get("text_pages", ()))

    def readable(number: int) -> bool:
        """A text page pdfminer can afford, upright, with lines drawn (the finder reads ruled tables only)."""
        if number not in text_pages or len(texts.get(number, "")) > pdf_tables.MAX_PAGE_CHARS:
            return False
        try:
            page = pdf[number - 1]
            try:
                return page.get_rotation() == 0 and next(
                    page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)), None) is not None
            finally:
                page.close()
        except Exception:  # noqa: BLE001 - a page PDFium cannot load has no table to read
            return False

    candidates = [n for n in sorted(text_pages) if pdf_tables.could_hold_people(texts.get(n, ""))]
    if candidates and len(pdf) > pdf_tables.MAX_DOC_PAGES:
        errors = [f"tables not read: {len(pdf):,} pages, more than {pdf_tables.MAX_DOC_PAGES:,}"]
    else:
        wanted = [n for n in candidates if readable(n)]
        if not wanted:
            return
        result.rows, errors = pdf_tables.read_tables(path, password, wanted, readable, deadline,
                                                     ctx.limits.max_rows)
    if errors:
        result.status = "partial"
        result.error = "; ".join(e for e in (result.error, *errors) if e)


def _open(path: Path, passwords: tuple[str, ...]) -> tuple[pdfium.PdfDocument, str | None]:
    """Open with no password (which also opens an empty user password), then each given one."""
    tried = 0
    for password in (None, *passwords):
        try:
            return pdfium.PdfDocument(Path(path), password=password), password
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code == _ERR_PASSWORD:
                tried += password is not None
                continue
            if code == _ERR_SECURITY:
                raise Encrypted("PDF locked with a security handler PDFium cannot open (certificate or "
                                "DRM encryption): only its issuer's software can read it") from exc
            raise Corrupt(_load_error(path, exc)) from exc
        except OSError as exc:
            raise Corrupt(f"cannot read the PDF file: {exc}") from exc
    if tried:
        raise Encrypted(f"encrypted PDF: none of the {tried} given password(s) opens it; "
                        "re-run ingest with --password PW")
    raise Encrypted("encrypted PDF: re-run ingest with --password PW")


def _load_error(path: Path, exc: Exception) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        size = -1
    if size == 0:
        return "empty file: 0 bytes, no PDF inside"
    return f"damaged PDF, PDFium cannot open it ({exc}); the original is kept as it is"


def _read(pdf: pdfium.PdfDocument, password_used: str | None, ctx: Context) -> Extraction:
    limits = ctx.limits
    deadline = time.monotonic() + limits.seconds
    meta = _metadata(pdf)
    meta["encrypted"] = pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1
    if password_used is not None:
        meta["opened_with_password"] = True
    pages: list[Page] = []
    text_pages: list[int] = []
    errors: list[str] = []
    total = 0
    count = len(pdf)
    meta["page_count"] = count
    for index in range(count):
        number = index + 1
        if time.monotonic() > deadline:
            errors.append(f"time limit of {limits.seconds:.0f} s reached: pages {number}-{count} not read")
            break
        try:
            text = _page_text(pdf, index)
        except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
            errors.append(f"page {number} could not be read: {exc}"[:300])
            pages.append(Page(number, ""))
            continue
        if total + len(text) > limits.max_text_chars:
            text = text[: max(limits.max_text_chars - total, 0)]
            errors.append(f"text cut at {limits.max_text_chars:,} characters on page {number}")
            pages.append(Page(number, text))
            break
        total += len(text)
        pages.append(Page(number, text))
        if usable_text(text):
            text_pages.append(number)
    meta["text_pages"] = text_pages
    children = _attachments(pdf, ctx)
    return Extraction(pages=pages, metadata=meta, children=children,
                      status="partial" if errors else "ok", error="; ".join(errors) or None)


def _page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    # PDFium marks a hyphen it joined across a line break with U+FFFE: put the hyphen back.
    # Control characters come from fonts without a Unicode map: noise in a search index.
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_CLEAN)


def usable_text(text: str) -> bool:
    """Whether a page has a real text layer: at least MIN_TEXT_CHARS letters or digits, and more
    of them than U+FFFD, private-use or control characters. Fonts without a Unicode map read
    as such junk or as runs of ASCII punctuation; those pages need OCR as much as scans do."""
    good = bad = 0
    for ch in text:
        if ch.isalnum():
            good += 1
        elif ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or not (ch.isprintable() or ch.isspace()):
            bad += 1
    return good >= MIN_TEXT_CHARS and good > bad


def _metadata(pdf: pdfium.PdfDocument) -> dict:
    meta: dict = {}
    for key, name in _META.items():
        value = _value(pdf, key)
        if value:
            meta[name] = value
    for key, name in _DATES.items():
        value = _value(pdf, key)
        if value:
            iso = pdf_date(value)
            if iso:
                meta[name] = iso
            else:
                meta[f"{name}_raw"] = value
    try:
        version = pdf.get_version()
        if version:
            meta["pdf_version"] = f"{version // 10}.{version % 10}"
    except Exception:  # noqa: BLE001 - a version number is a nicety
        pass
    return meta


def _value(pdf: pdfium.PdfDocument, key: str) -> str:
    try:
        return pdf.get_metadata_value(key).replace("\x00", "").strip()
    except Exception:  # noqa: BLE001 - a damaged Info dictionary loses only that field
        return ""


# D:YYYYMMDDHHmmSSOHH'mm' with every part after the year optional (PDF 32000-1 §7.9.4).
# Written here because the format is tiny and no small maintained library parses it
# (pypdf/pdfminer do, but pulling them in for one regex would cost far more).
_PDF_DATE = re.compile(
    r"^(?:D:)?\s*(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"\s*(?:([Zz+\-])\s*(?:(\d{1,2})\s*'?\s*(?:(\d{2})'?)?)?)?"
)


def pdf_date(value: str) -> str | None:
    """Turn a PDF date string into ISO 8601 (offset included when given); None if unreadable."""
    match = _PDF_DATE.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, sign, off_h, off_m = match.groups()
    try:
        moment = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
                          int(second or 0))
    except ValueError:
        return None
    if sign in ("Z", "z"):
        moment = moment.replace(tzinfo=UTC)
    elif sign and off_h is not None:
        hours, minutes = int(off_h), int(off_m or 0)
        if hours > 14 or minutes > 59:
            return moment.isoformat()
        delta = timedelta(hours=hours, minutes=minutes)
        moment = moment.replace(tzinfo=timezone(delta if sign == "+" else -delta))
    return moment.isoformat()


def _attachments(pdf: pdfium.PdfDocument, ctx: Context) -> list[Child]:
    """Embedded files (the PDF's /EmbeddedFiles tree) become children."""
    try:
        count = pdf.count_attachments()
    except Exception:  # noqa: BLE001
        return []
    children = []
    for index in range(count):
        name = f"attachments/{index + 1}"
        try:
            attachment = pdf.get_attachment(index)
            try:
                name = f"attachments/{attachment.get_name() or index + 1}"
            except Exception:  # noqa: BLE001 - keep the numbered name
                pass
            size = ctypes.c_ulong()
            pdfium_c.FPDFAttachment_GetFile(attachment, None, 0, size)
            if size.value > ctx.limits.max_member_bytes:
                limit = ctx.limits.max_member_bytes
                error = f"attachment of {size.value:,} bytes is over the limit of {limit:,}"
                children.append(failed_child(name, "hostile", error))
                continue
            data = attachment.get_data()
        except Exception as exc:  # noqa: BLE001
            children.append(failed_child(name, "corrupt", f"attachment could not be read: {exc}"))
            continue
        children.append(write_child(ctx, name, memoryview(data)))
    return children
