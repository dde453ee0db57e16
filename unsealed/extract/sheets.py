"""Spreadsheets (XLSX, XLSB, XLS, ODS) read with python-calamine: every sheet, every row.

Cells come back as the text a reader sees, never through a lossy float: text cells are
untouched (an ID stored as text keeps every digit), whole numbers have no ".0", dates are
``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` with a time), booleans ``TRUE``/``FALSE``.
Numbers follow Excel's General format where digits could otherwise be invented: a whole
number of 16 or more digits (an 18-digit ID that Excel turned into a float has lost its
last digits) is shown as Excel shows it, ``6.53121E+17``, and counted in ``float_ids``.
Whole numbers up to 15 digits are shown in full: Excel keeps 15 significant digits
exactly, so those digits are real (an old 15-digit ID survives) even where Excel's
narrow-column display would abbreviate them. Fractions show 15 significant digits.

Calamine gives no number formats (percentages and currencies come out as plain numbers)
and reads error cells (``#DIV/0!``) as empty.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from decimal import Decimal
from pathlib import Path

from unsealed.extract.base import Context, Corrupt, Encrypted, Extraction, Hostile, Page, Probe, Row

KINDS = ("xlsx", "xlsb", "xls", "ods")

# File name endings calamine picks its reader by (it ignores content when a path has one).
_SUFFIXES = {"xlsx": (".xlsx", ".xlsm", ".xlam"), "xlsb": (".xlsb",), "xls": (".xls", ".xla"), "ods": (".ods",)}

_EXACT_LIMIT = 1e15  # whole numbers below this are exact in Excel (15 significant digits)


def accepts(probe: Probe) -> bool:
    """Spreadsheet kinds detected from content."""
    return probe.kind in KINDS


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """Rows of every sheet, one page of tab-separated text per sheet, and document metadata."""
    import python_calamine as pc

    book, password = _open(path, probe.kind, ctx, pc)
    try:
        result = _read(book, path, probe.kind, ctx, pc)
    finally:
        book.close()
    if password is not None:
        result.metadata["encrypted"] = True
        result.metadata["opened_with_password"] = password != _DEFAULT_PASSWORD
    return result


def _open(path: Path, kind: str, ctx: Context, pc):
    """The calamine workbook, and the password that decrypted it (None when it was not encrypted)."""
    target = path
    if path.suffix.lower() not in _SUFFIXES[kind]:
        # Blobs are stored without their original name (or under a wrong one): give calamine
        # a link whose suffix names the format the content was detected as.
        ctx.workdir.mkdir(parents=True, exist_ok=True)
        target = ctx.workdir / f"workbook-{os.getpid()}{_SUFFIXES[kind][0]}"
        try:
            target.unlink(missing_ok=True)
            target.symlink_to(path.resolve())
        except OSError:
            target = None
    try:
        if target is None:
            with open(path, "rb") as fh:
                return pc.CalamineWorkbook.from_filelike(fh), None
        return pc.CalamineWorkbook.from_path(str(target)), None
    except BaseException as exc:  # noqa: BLE001 - calamine panics surface as BaseException
        _reraise_fatal(exc)
        error = _translate(exc, pc)
    if kind == "xls" and isinstance(error, Encrypted):
        return _decrypt_xls(path, ctx, pc, error)
    raise error


# Excel's built-in password for workbooks that are only write-protected: they open without asking.
_DEFAULT_PASSWORD = "VelvetSweatshop"


def _decrypt_xls(path: Path, ctx: Context, pc, error: Exception):
    """Open an encrypted XLS (RC4) with msoffcrypto-tool and the first password that fits."""
    import io

    import msoffcrypto  # only encrypted workbooks need it
    from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

    with open(path, "rb") as fh:
        try:
            office = msoffcrypto.OfficeFile(fh)
        except Exception:  # noqa: BLE001 - an encryption msoffcrypto does not know
            raise error from None
        for password in (*ctx.passwords, _DEFAULT_PASSWORD):
            plain = io.BytesIO()
            try:
                office.load_key(password=password)
                office.decrypt(plain)
                plain.seek(0)
                return pc.CalamineWorkbook.from_filelike(plain), password
            except (InvalidKeyError, DecryptionError, ValueError):
                continue
            except BaseException as exc:  # noqa: BLE001 - a wrong key may also yield garbage calamine rejects
                _reraise_fatal(exc)
                continue
    tried = " (none of the given passwords fits)" if ctx.passwords else ""
    raise Encrypted(f"encrypted workbook{tried}: re-run ingest with --password PW") from error


def _reraise_fatal(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        raise exc


def _translate(exc: BaseException, pc) -> Exception:
    """Turn a calamine failure into the contract's error with a message a journalist can act on."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, pc.PasswordError) or "password" in message.lower():
        return Encrypted("encrypted workbook: re-run ingest with --password (" + message + ")")
    if "limit exceeded" in message.lower():
        return Hostile(f"spreadsheet built to exhaust memory: {message}")
    return Corrupt(f"damaged or unreadable spreadsheet (calamine: {message})"[:500])


def _read(book, path: Path, kind: str, ctx: Context, pc) -> Extraction:
    limits = ctx.limits
    rows: list[Row] = []
    pages: list[Page] = []
    errors: list[str] = []
    hidden: list[str] = []
    charts: set[int] = set()
    fmt = _Formatter()
    show = fmt.show
    text_chars = 0
    truncated = None
    names = list(book.sheet_names)
    try:
        for index, meta in enumerate(book.sheets_metadata):
            if str(meta.visible).rsplit(".", 1)[-1] != "Visible":
                hidden.append(meta.name)
            if str(meta.typ).rsplit(".", 1)[-1] in ("ChartSheet", "Vba"):
                charts.add(index)  # no cells to read; calamine fails on some of them
    except Exception:  # noqa: BLE001 - visibility is a nicety; never fail a workbook over it
        pass
    for index, name in enumerate(names):
        if truncated:
            break
        if index in charts:
            pages.append(Page(len(pages) + 1, ""))
            continue
        try:
            sheet = book.get_sheet_by_index(index)
        except BaseException as exc:  # noqa: BLE001 - one bad sheet must not lose the others
            _reraise_fatal(exc)
            err = _translate(exc, pc)
            if isinstance(err, Encrypted):
                raise err from exc
            errors.append(f"sheet {name!r}: {err}")
            pages.append(Page(len(pages) + 1, ""))
            continue
        lines: list[str] = []
        offset = [""] * (sheet.start[1] if sheet.start else 0)
        try:
            for number, values in enumerate(sheet.iter_rows(), start=1):
                cells = [v if type(v) is str else show(v) for v in values]
                while cells and not cells[-1]:
                    cells.pop()
                if not cells:
                    continue
                if len(rows) >= limits.max_rows:
                    truncated = f"row limit reached: kept the first {limits.max_rows} rows"
                    break
                if offset:
                    cells = offset + cells
                line = "\t".join(cells)
                text_chars += len(line) + 1
                if text_chars > limits.max_text_chars:
                    truncated = f"text limit reached: kept the first {limits.max_text_chars} characters"
                    break
                rows.append(Row(name, number, cells))
                lines.append(line)
        except BaseException as exc:  # noqa: BLE001 - keep the rows read before the damage
            _reraise_fatal(exc)
            err = _translate(exc, pc)
            errors.append(f"sheet {name!r}: {err}")
        # the sheet's name heads its page: reporters search for sheet titles too
        pages.append(Page(len(pages) + 1, "\n".join([name, *lines]) if lines else name))
    metadata: dict = {"sheets": names, "rows": len(rows), "page_count": len(pages)}
    if hidden:
        metadata["hidden_sheets"] = hidden
    if fmt.float_ids:
        metadata["float_ids"] = fmt.float_ids
    metadata.update(document_properties(path, kind))
    problems = errors + ([truncated] if truncated else [])
    return Extraction(pages=pages, metadata=metadata, rows=rows, status="partial" if problems else "ok",
                      error="; ".join(problems)[:2000] if problems else None)


class _Formatter:
    """Shows non-text cell values and counts the mangled IDs it meets on the way."""

    def __init__(self) -> None:
        self.float_ids = 0  # whole numbers of 16-18 digits: IDs whose last digits Excel has lost

    def show(self, v) -> str:
        """A non-text cell value as the spreadsheet shows it."""
        t = type(v)
        if t is float:
            if v.is_integer() and -_EXACT_LIMIT < v < _EXACT_LIMIT:
                return str(int(v))
            if v.is_integer() and _EXACT_LIMIT <= abs(v) < 1e18:
                self.float_ids += 1
            return show_number(v)
        if t is dt.datetime:
            return (v.replace(microsecond=0) if v.microsecond else v).isoformat(" ")
        if t is dt.date:
            return v.isoformat()
        if t is bool:
            return "TRUE" if v else "FALSE"
        if t is int:
            if -_EXACT_LIMIT < v < _EXACT_LIMIT:
                return str(v)
            if abs(v) < 1e18:
                self.float_ids += 1
            return _scientific(float(v))
        if t is dt.time:
            return v.replace(microsecond=0).isoformat()
        if t is dt.timedelta:
            seconds = round(v.total_seconds())
            sign = "-" if seconds < 0 else ""
            h, rest = divmod(abs(seconds), 3600)
            return f"{sign}{h}:{rest // 60:02d}:{rest % 60:02d}"
        return "" if v is None else str(v)


def show_number(x: float) -> str:
    """A float cell as text without invented digits (see the module docstring)."""
    if x != x or x in (float("inf"), float("-inf")):
        return "#NUM!"
    if x.is_integer():
        return str(int(x)) if abs(x) < _EXACT_LIMIT else _scientific(x)
    a = abs(x)
    if a >= _EXACT_LIMIT or a < 1e-9:
        return _scientific(x)
    text = f"{x:.15g}"
    if "e" in text:  # 1e-05 -> 0.00001, as Excel writes small numbers
        text = format(Decimal(text), "f")
    return text


def _scientific(x: float) -> str:
    """Excel General's scientific form: 6 significant digits, e.g. 6.53121E+17."""
    mantissa, exponent = f"{x:.5E}".split("E")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    e = int(exponent)
    return f"{mantissa}E{'+' if e >= 0 else '-'}{abs(e):02d}"


# --- document properties -------------------------------------------------------------------

_OOXML_CORE = {
    "{http://purl.org/dc/elements/1.1/}title": "title",
    "{http://purl.org/dc/elements/1.1/}creator": "author",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy":
        "last_modified_by",
    "{http://purl.org/dc/terms/}created": "created",
    "{http://purl.org/dc/terms/}modified": "modified",
}
_OOXML_APP = {"Application": "application", "Company": "company"}
_ODF_META = {
    "{http://purl.org/dc/elements/1.1/}title": "title",
    "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}initial-creator": "author",
    "{http://purl.org/dc/elements/1.1/}creator": "last_modified_by",
    "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}creation-date": "created",
    "{http://purl.org/dc/elements/1.1/}date": "modified",
    "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}generator": "application",
}
_MAX_PROPS_BYTES = 1024 * 1024


def document_properties(path: Path, kind: str) -> dict[str, str]:
    """Author, dates and application from docProps (OOXML), meta.xml (ODS) or SummaryInformation (XLS)."""
    try:
        if kind in ("xlsx", "xlsb"):
            return _zip_props(path, {"docProps/core.xml": _OOXML_CORE, "docProps/app.xml": _OOXML_APP})
        if kind == "ods":
            return _zip_props(path, {"meta.xml": _ODF_META})
        if kind == "xls":
            return _ole_props(path)
    except Exception:  # noqa: BLE001 - properties are secondary; the rows are what matter
        return {}
    return {}


def _zip_props(path: Path, parts: dict[str, dict[str, str]]) -> dict[str, str]:
    from defusedxml import ElementTree

    out: dict[str, str] = {}
    with zipfile.ZipFile(path) as zf:
        for part, mapping in parts.items():
            try:
                info = zf.getinfo(part)
            except KeyError:
                continue
            if info.file_size > _MAX_PROPS_BYTES:
                continue
            root = ElementTree.fromstring(zf.read(info))
            for el in root.iter():
                tag = el.tag.rsplit("}", 1)[-1] if mapping is _OOXML_APP else el.tag
                key = mapping.get(tag)
                if key and el.text and el.text.strip() and key not in out:
                    value = el.text.strip()
                    out[key] = _iso(value) if key in ("created", "modified") else value
    return out


def _iso(value: str) -> str:
    """An XML timestamp as ISO 8601 without fractions, 'Z' spelled as +00:00."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return parsed.replace(microsecond=0).isoformat()


# Code pages in SummaryInformation that Python knows under another name.
_CODEPAGES = {-535: "utf-8", 65001: "utf-8", 1200: "utf-16-le", 10008: "gb18030", 936: "gb18030",
              10002: "big5", 10001: "cp932", 10000: "mac_roman"}


def _ole_props(path: Path) -> dict[str, str]:
    import olefile

    out: dict[str, str] = {}
    with olefile.OleFileIO(str(path)) as ole:
        meta = ole.get_metadata()
    codepage = _CODEPAGES.get(meta.codepage or 0, f"cp{meta.codepage}" if meta.codepage else "cp1252")
    for attr, key in (("title", "title"), ("author", "author"), ("last_saved_by", "last_modified_by"),
                      ("creating_application", "application"), ("company", "company")):
        value = getattr(meta, attr, None)
        if isinstance(value, bytes):
            try:
                value = value.decode(codepage)
            except (LookupError, UnicodeDecodeError):
                value = value.decode("cp1252", errors="replace")
        if isinstance(value, str) and value.strip("\x00 "):
            out[key] = value.strip("\x00 ")
    for attr, key in (("create_time", "created"), ("last_saved_time", "modified")):
        value = getattr(meta, attr, None)
        if isinstance(value, dt.datetime) and value.year > 1601:
            out[key] = value.replace(microsecond=0, tzinfo=dt.UTC).isoformat()
    return out
