"""Person tables inside PDFs (detainee lists printed or exported from Word, WPS or Excel).

PDF text carries no cell boundaries, so the rows are found from the page's layout
by pdfplumber (MIT; PyMuPDF's finder is AGPL) from the table's ruling lines.
Tables without lines are not read: guessed from text alignment, a name wrapped
over two lines lands in two rows, and a wrong name is worse than none. Table
finding costs 20-30 times more than pypdfium2's text, so only pages that could
hold a person list are looked at: upright ruled pages with an identity header word
or several ID numbers, and the page after one that held a person table. A table
whose header is only on its first page is continued over the next pages; one
with a header of its own starts a new list. Every table becomes rows
named "page N table K" (or "pages N-M table K"), numbered from 1 within the
table, so a value is traced to file, page, table and row like a spreadsheet cell.
Whatever fails here costs tables only: the PDF's text is read before and kept.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pdfplumber

from unsealed.extract.base import Row, TimedOut

# A page is looked at when its text has the header words of a person table: in Chinese a name
# or ID column; in English, where "name" is everywhere, a name column and a personal one.
_PAGE_WORDS_ZH = re.compile(r"姓\s*名|身\s*份|名\s*字")  # Word spreads short headers: 姓　名
_PAGE_NAME_EN = re.compile(r"\b(?:[Nn]ames?|NAMES?)\b")
_PAGE_PERSONAL_EN = re.compile(r"(?i)\b(?:birth|born|dob|gender|sex|nationality|passport|ethnicity)\b|\bID\b")
# A table is kept when a cell of its first rows is such a header label (short: not a sentence).
_LABEL = re.compile(r"[^。，]{0,8}(?:姓\s*名|身\s*份|名\s*字)[^。，]{0,8}"
                    r"|(?i:(?:\w+\s)?names?|id(?:\s*(?:no\.?|number|card))?)")
HEADER_ROWS = 3  # rows of a table searched for a header label
MIN_ID_NUMBERS = 3  # a page listing this many ID numbers may go on with a list begun on an earlier page
MAX_PAGES = 300  # pages of one PDF handed to the table finder (about 0.1 CPU-s each)
MAX_DOC_PAGES = 10_000  # pdfplumber builds every page of the file first: longer PDFs keep their text only
# pdfminer keeps a Python object per character: a page with more text is no list (a list page holds
# a few thousand characters) and would cost far more memory and time than it is worth
MAX_PAGE_CHARS = 40_000
_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TIME = re.compile(r"\d{1,2}:\d{2}")


def could_hold_people(text: str) -> bool:
    """Whether a page's text is worth the table finder: an identity header word or a few ID numbers."""
    if len(text) > MAX_PAGE_CHARS:
        return False
    if _PAGE_WORDS_ZH.search(text) or (_PAGE_NAME_EN.search(text) and _PAGE_PERSONAL_EN.search(text)):
        return True
    return len(_ID_NUMBER.findall(text, 0, 20_000)) >= MIN_ID_NUMBERS


def read_tables(path: Path, password: str | None, pages: Iterable[int], readable: Callable[[int], bool],
                deadline: float, max_rows: int) -> tuple[list[Row], list[str]]:
    """Rows of the tables on the given 1-based ``pages``, and what could not be read (one line each).

    The page after one with a person table is read too when ``readable`` allows it: a list's later
    pages may have neither header words nor, where ID numbers wrap inside their cells, whole ID
    numbers in their text. Nothing raised here escapes: the PDF's text never depends on its tables."""
    tables: list[_Table] = []
    errors: list[str] = []
    try:
        _read_pages(path, password, sorted(set(pages)), readable, deadline, max_rows, tables, errors)
    except TimedOut:
        errors.append("time limit reached: tables not all read")
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        errors.append(f"tables not all read: the PDF's layout could not be parsed ({type(exc).__name__})")
    rows = [Row(t.name, i, cells) for t in tables for i, cells in enumerate(t.rows, 1) if cells]
    return rows[:max_rows], errors


def _read_pages(path: Path, password: str | None, queue: list[int], readable: Callable[[int], bool],
                deadline: float, max_rows: int, tables: list[_Table], errors: list[str]) -> None:
    pdf = pdfplumber.open(path, password=password or "")
    try:
        count = at = 0
        while at < len(queue):
            number = queue[at]
            at += 1
            if at > MAX_PAGES:
                errors.append(f"tables read on the first {MAX_PAGES} pages with person words only")
                return
            if time.monotonic() > deadline:
                errors.append(f"time limit reached: tables from page {number} on not read")
                return
            if count >= max_rows:
                errors.append(f"table rows cut at {max_rows:,}")
                return
            try:
                found = _page_tables(pdf.pages[number - 1])
            except TimedOut:
                raise
            except Exception as exc:  # noqa: BLE001 - one page's layout must not lose the others
                errors.append(f"tables on page {number} could not be read ({type(exc).__name__})")
                continue
            kept = 0
            for index, (width, cells) in enumerate(found):
                last = tables[-1] if tables else None
                if index == 0 and last and last.continues_on(number, width, cells):
                    last.rows += cells
                    last.last_page = number
                elif _is_person_table(cells):
                    tables.append(_Table(number, index + 1, width, cells))
                else:
                    continue
                count += len(cells)
                kept += 1
            follow = number + 1
            if kept and (at == len(queue) or queue[at] != follow) and readable(follow):
                queue.insert(at, follow)
    finally:
        try:
            pdf.close()
        except Exception:  # noqa: BLE001 - closing builds the pages too; the rows read are kept
            pass


class _Table:
    """One table, possibly running over several pages (its header only on the first)."""

    def __init__(self, page: int, index: int, width: int, rows: list[list[str]]):
        self.first_page = self.last_page = page
        self.index, self.width, self.rows = index, width, rows

    @property
    def name(self) -> str:
        pages = f"page {self.first_page}" if self.first_page == self.last_page else \
            f"pages {self.first_page}-{self.last_page}"
        return f"{pages} table {self.index}"

    def continues_on(self, page: int, width: int, rows: list[list[str]]) -> bool:
        """A page's first table goes on with this one: the next page, as many columns, no header of its own."""
        return (page == self.last_page + 1 and width == self.width and bool(rows)
                and not any(_LABEL.fullmatch(cell) for cell in rows[0]))


def _page_tables(page) -> list[tuple[int, list[list[str]]]]:
    """The ruled tables of a page, top to bottom: (columns, rows of cell texts, empty rows kept as [])."""
    try:
        out = []
        for table in page.find_tables():
            rows, width = [], 0
            for cells in table.extract():
                width = max(width, len(cells))
                values = [_cell(c) for c in cells]
                while values and not values[-1]:
                    values.pop()
                rows.append(values)
            out.append((width, rows))
        return out
    finally:
        page.close()


def _is_person_table(rows: list[list[str]]) -> bool:
    """A header label in the first rows (a name or ID column), or ID numbers in several cells
    (the later pages of a list): other tables (figures, forms, layout boxes) are not kept."""
    if any(_LABEL.fullmatch(cell) for cells in rows[:HEADER_ROWS] for cell in cells):
        return True
    ids = sum(1 for cells in rows for cell in cells if _ID_NUMBER.fullmatch(cell.lstrip("'‘’` ")))
    return ids >= MIN_ID_NUMBERS


def _cell(value: str | None) -> str:
    """A cell's text on one line. A narrow column wraps inside words and numbers (an ID number,
    a Chinese name), so a line break is dropped, except where it stood for a space: between two
    words of an alphabet (Latin, Arabic script), between Chinese and such a word, after a comma,
    colon or semicolon, and before a time of day."""
    if not value:
        return ""
    out = ""
    for part in (p.strip() for p in value.split("\n")):
        if part:
            out += _joiner(out, part) + part
    return out


def _joiner(before: str, part: str) -> str:
    if not before:
        return ""
    a, b = before[-1], part[0]
    letters = (_is_letter(a) or _HAN.match(a)) and (_is_letter(b) or _HAN.match(b))
    if letters and not (_HAN.match(a) and _HAN.match(b)):
        return " "
    if a in ",;:" or (a.isdigit() and _TIME.match(part)):
        return " "
    return ""


def _is_letter(char: str) -> bool:
    return char.isalpha() and not _HAN.match(char)
