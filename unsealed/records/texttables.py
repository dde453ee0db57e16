"""Tables inside Word-type documents (DOCX, ODT, DOC, RTF), read from their extracted page text.

The document extractors write a table as lines of tab-separated cells (a tab ends each
cell, a newline each row) and keep no rows of their own. A block of two or more
consecutive lines holding tabs is read here as a table named "page N table K", rows
numbered from 1 within the block, so person lists typed into Word count like sheets.
PDF tables are read from the page layout by the PDF extractor (``extract.pdf_tables``)
and stored as table rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

DOCUMENT_KINDS = ("docx", "odt", "doc", "rtf")
# Only pages that could hold a person table are read (an identity header word and a tab).
_WORDS = ("姓名", "身份", "name", "Name", "NAME", "ID")


def blocks(text: str) -> Iterator[tuple[int, list[tuple[int, list[str]]]]]:
    """(table number, [(row number, cells)]) for every run of 2+ consecutive lines with tabs."""
    table: list[list[str]] = []
    count = 0
    for line in text.split("\n") + [""]:
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            table.append(cells)
            continue
        if len(table) >= 2:
            count += 1
            yield count, list(enumerate(table, 1))
        table = []


def iter_document_tables(conn: sqlite3.Connection) -> Iterator[tuple[str, str, list[tuple[int, list[str]]]]]:
    """(sha256, sheet name, rows) for every tab-separated table in the text of Word-type documents.

    Documents that already have table rows in the catalog are skipped (their extractor read them).
    """
    marks = ",".join("?" * len(DOCUMENT_KINDS))
    words = " OR ".join("instr(p.text, ?) > 0" for _ in _WORDS)
    cursor = conn.execute(
        "SELECT p.sha256, p.number, p.text FROM pages p JOIN blobs b ON b.sha256 = p.sha256"
        f" WHERE b.kind IN ({marks}) AND p.source = 'text' AND instr(p.text, char(9)) > 0 AND ({words})"
        " AND NOT EXISTS (SELECT 1 FROM table_rows t WHERE t.sha256 = p.sha256)"
        " ORDER BY p.sha256, p.number",
        (*DOCUMENT_KINDS, *_WORDS),
    )
    for sha, page, text in cursor:
        for number, rows in blocks(text):
            yield sha, f"page {page} table {number}", rows
