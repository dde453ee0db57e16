"""Finding the person tables among every sheet of every spreadsheet and CSV in a catalog.

Rows are streamed from ``table_rows`` one sheet at a time (only the first rows of a
sheet are held, to find its header), so memory stays flat however many rows a case has.
A sheet is a person table when a header row names a name or ID column and another
person field, and its first data rows look like people (ID-shaped numbers in the ID
column, or enough person columns when there is none).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from unsealed.records import headers, idnumber, texttables
from unsealed.records.headers import Header

SAMPLE_ROWS = 40
PERSON_FIELDS = {
    "name",
    "id_number",
    "gender",
    "ethnicity",
    "birth_date",
    "age",
    "address",
    "relation",
    "detainee_name",
    "detainee_id",
}
DETENTION_FIELDS = {"detention_date", "status", "sentence", "facility", "cell", "building"}

# Table kinds
DETENTION = "detention"  # a detention list: detention date, status, sentence, facility or cell columns
RELATIVES = "relatives"  # relatives of the detained: relation + the detainee each row belongs to
HOUSEHOLD = "household"  # a relation column without detainee columns: 本人 rows head their relatives
STAFF = "staff"  # rosters: badge or post columns
PERSONS = "persons"  # any other list of people


@dataclass(frozen=True)
class Table:
    """A person table: which blob, sheet and item it is, its header and kind."""

    sha256: str
    sheet: str
    item_id: int
    path: str  # logical path of the first item holding this content
    header: Header
    kind: str


def kind_of(header: Header) -> str:
    """The table's kind from the fields its header names."""
    f = header.fields()
    if "relation" in f and f & {"detainee_name", "detainee_id"}:
        return RELATIVES
    if f & {"badge", "role"}:
        return STAFF
    if "relation" in f:
        return HOUSEHOLD
    if f & DETENTION_FIELDS:
        return DETENTION
    return PERSONS


def looks_like_people(header: Header, sample: list[tuple[int, list[str]]]) -> bool:
    """Whether the first data rows under a header are about people (not a product list with Name and ID).

    With an ID column, at least half its filled cells must be ID-shaped (else the table needs a name
    and three more person columns); without one, a name column and another person column suffice.
    """
    fields = header.fields()
    id_col = header.column("id_number")
    if id_col is not None:
        shaped = filled = 0
        for _n, cells in sample:
            raw = cells[id_col.index] if id_col.index < len(cells) else ""
            if raw and raw.strip():
                filled += 1
                parsed = idnumber.parse(raw)
                shaped += parsed.status not in (idnumber.BAD_FORMAT, idnumber.EMPTY)
        if filled and shaped * 2 >= filled:
            return True
        return len(fields & PERSON_FIELDS) >= 4 and "name" in fields  # ID column of something else
    return len(fields & PERSON_FIELDS) >= 2 and "name" in fields


def item_paths(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """For every blob with table rows or of a document kind: (id, logical path) of its first item."""
    out: dict[str, tuple[int, str]] = {}
    marks = ",".join("?" * len(texttables.DOCUMENT_KINDS))
    for sha, item_id, path in conn.execute(
        "SELECT i.sha256, i.id, i.path FROM items i"
        " WHERE i.sha256 IN (SELECT DISTINCT sha256 FROM table_rows)"
        f" OR i.sha256 IN (SELECT sha256 FROM blobs WHERE kind IN ({marks})) ORDER BY i.id",
        texttables.DOCUMENT_KINDS,
    ):
        out.setdefault(sha, (item_id, path))
    return out


def iter_tables(conn: sqlite3.Connection) -> Iterator[tuple[Table, Iterator[tuple[int, list[str]]]]]:
    """Every person table in the catalog with an iterator over its data rows (number, cells).

    Sheets of spreadsheets and CSV files come from ``table_rows``; tables typed into Word-type
    documents from their page text (``texttables``). Consume each row iterator before asking
    for the next table. Sheets that are no person table, and blobs no item holds, are skipped.
    """
    paths = item_paths(conn)
    cursor = conn.execute("SELECT sha256, sheet, number, cells FROM table_rows ORDER BY 1, 2, 3")
    sheets = (
        (sha, sheet, ((number, _cells(cells)) for _s, _sh, number, cells in group))
        for (sha, sheet), group in itertools.groupby(cursor, key=lambda r: (r[0], r[1]))
    )
    documents = ((sha, sheet, iter(rows)) for sha, sheet, rows in texttables.iter_document_tables(conn))
    for sha, sheet, rows in itertools.chain(sheets, documents):
        if sha not in paths:
            continue
        head = list(itertools.islice(rows, headers.HEADER_SCAN_ROWS))
        header = headers.detect(head)
        if header is None:
            continue
        after = [r for r in head if r[0] > header.row]
        sample = after + list(itertools.islice(rows, max(0, SAMPLE_ROWS - len(after))))
        if not looks_like_people(header, sample):
            continue
        item_id, path = paths[sha]
        yield Table(sha, sheet, item_id, path, header, kind_of(header)), itertools.chain(sample, rows)


def _cells(text: str) -> list[str]:
    try:
        cells = json.loads(text)
    except (ValueError, TypeError):
        return []
    if not isinstance(cells, list):
        return []
    if all(type(c) is str for c in cells):
        return cells
    return ["" if c is None else str(c) for c in cells]
