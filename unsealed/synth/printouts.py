"""Detainee lists printed to PDF: one per county, the first sheet of its first detainee workbook.

A list exported to PDF for a meeting is how person lists often travel, and the PDF
is read back through its ruled table (``unsealed.extract.pdf_tables``), so the
synthetic cache exercises that path end to end. Rows with a planted anomaly are
left out of the printout: each anomaly stays where truth.json says it is. Every
printed row is added to its person's ``appears_in`` with the table name the
reader gives it ("page 1 table 1", or "pages 1-N table 1" for a longer list).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from .anomalies import Anomalies
from .documents import FONT_NAME, _font, set_pdf_time
from .output import CacheWriter
from .people import Person
from .tables import Sheet, TableFile

FOLDER = "文件/打印件"
FONT_SIZE = 7


@dataclass
class Printout:
    path: str
    source: TableFile
    sheet: Sheet
    rows: list[int]  # indices of the sheet's data rows that are printed
    when: dt.datetime


def plan(planned: list[TableFile], anomalies: Anomalies) -> list[Printout]:
    """One printout per county folder (the first detainee workbook there), without anomaly rows."""
    planted = {(a["path"], a.get("sheet"), a["row"]) for a in anomalies.items if "row" in a}
    out: list[Printout] = []
    counties: set[str] = set()
    for f in planned:
        county = f.path.split("/")[1] if f.path.count("/") >= 2 else ""
        if f.kind != "detainees" or f.format == "csv" or county in counties or not f.sheets:
            continue
        sheet = f.sheets[0]
        rows = [i for i in range(len(sheet.rows)) if (f.path, sheet.name, sheet.row_number(i)) not in planted]
        if not rows:
            continue
        counties.add(county)
        stem = f.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        out.append(Printout(f"{FOLDER}/{stem}_打印.pdf", f, sheet, rows, f.when + dt.timedelta(hours=1)))
    return out


def write(writer: CacheWriter, printouts: list[Printout], persons: list[Person]) -> list[dict[str, Any]]:
    """Write each printout, note the rows in its persons' ``appears_in``; the truth.json entries."""
    entries = []
    for p in printouts:
        data, pages = pdf_bytes(p)
        writer.write(p.path, data, p.when)
        table = "page 1 table 1" if pages == 1 else f"pages 1-{pages} table 1"
        for number, index in enumerate(p.rows, 2):  # row 1 is the header
            for role, who in p.sheet.refs[index]:
                if role != "staff":
                    persons[who].appears_in.append({"path": p.path, "sheet": table, "row": number,
                                                    "table": "printout"})
        entries.append({"path": p.path, "of": p.source.path, "sheet": p.sheet.name, "table": table,
                        "rows": len(p.rows), "pages": pages})
    return entries


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def pdf_bytes(p: Printout) -> tuple[bytes, int]:
    """The printout as a landscape A4 PDF: the sheet's titles, then its header and rows in a ruled table
    (cells wrap inside their column); and its page count."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    _font()
    cell = ParagraphStyle("cell", fontName=FONT_NAME, fontSize=FONT_SIZE, leading=FONT_SIZE + 2, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=FONT_NAME, fontSize=12, leading=16)
    rows = [p.sheet.header] + [[_cell(v) for v in p.sheet.rows[i]] for i in p.rows]
    page_width = landscape(A4)[0] - 72
    weights = [max(2, max(len(r[c]) if c < len(r) else 0 for r in rows)) for c in range(len(p.sheet.header))]
    widths = [page_width * w / sum(weights) for w in weights]
    table = Table([[Paragraph(escape(v), cell) for v in r] for r in rows], colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=36, rightMargin=36, topMargin=36,
                            bottomMargin=36, title=p.sheet.titles[0] if p.sheet.titles else "",
                            author=p.source.author, creator="WPS 表格", invariant=1)
    doc.build([Paragraph(escape(t), title) for t in p.sheet.titles] + [table],
              onFirstPage=lambda canvas, _doc: set_pdf_time(canvas, p.when))
    return buf.getvalue(), doc.page

