"""Write planned tables as XLSX (openpyxl), XLS (xlwt) or CSV (GBK or UTF-8), reproducibly."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import xlwt
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from .output import CHINA, fixed_zip
from .tables import TableFile

XLS_DATE = "YYYY-MM-DD"


def table_bytes(f: TableFile) -> bytes:
    """The file's bytes in its own format."""
    if f.format == "xlsx":
        return _xlsx(f)
    if f.format == "xls":
        return _xls(f)
    return _csv(f)


def _xlsx(f: TableFile) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for s in f.sheets:
        ws = wb.create_sheet(s.name)
        width = max(len(s.header), 1)
        r = 1
        for title in s.titles:
            ws.cell(r, 1, title).font = bold
            if width > 1:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            r += 1
        if s.header:
            for c, h in enumerate(s.header, 1):
                ws.cell(r, c, h).font = bold
            r += 1
        for row in s.rows:
            for c, value in enumerate(row, 1):
                if value is None:
                    continue
                cell = ws.cell(r, c, value)
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
            r += 1
        for c, key in enumerate(s.keys, 1):
            if key in ("id", "detainee_id", "address"):
                ws.column_dimensions[get_column_letter(c)].width = 22 if key != "address" else 40
    props = wb.properties
    props.creator = f.author
    props.lastModifiedBy = f.author
    props.created = _utc(f.when - dt.timedelta(days=2, hours=3))
    props.title = None
    buf = io.BytesIO()
    wb.save(buf)
    props.modified = _utc(f.when)  # openpyxl stamps "now" while saving; put the file's own time back
    core = tostring(props.to_tree())
    return fixed_zip(buf.getvalue(), f.when, {"docProps/core.xml": core})


def _utc(when: dt.datetime) -> dt.datetime:
    """A naive China-time datetime as naive UTC, which is how OOXML core properties store it."""
    return when.replace(tzinfo=CHINA).astimezone(dt.UTC).replace(tzinfo=None)


def _xls(f: TableFile) -> bytes:
    wb = xlwt.Workbook(encoding="utf-8")
    bold = xlwt.easyxf("font: bold on")
    date_style = xlwt.easyxf(num_format_str=XLS_DATE)
    for s in f.sheets:
        ws = wb.add_sheet(s.name, cell_overwrite_ok=True)
        width = max(len(s.header), 1)
        r = 0
        for title in s.titles:
            ws.write_merge(r, r, 0, width - 1, title, bold)
            r += 1
        if s.header:
            for c, h in enumerate(s.header):
                ws.write(r, c, h, bold)
            r += 1
        for row in s.rows:
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
            r += 1
        for c, key in enumerate(s.keys):
            if key in ("id", "detainee_id"):
                ws.col(c).width = 256 * 22
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(f: TableFile) -> bytes:
    (s,) = f.sheets
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    width = len(s.header)
    for title in s.titles:
        w.writerow([title] + [""] * (width - 1))  # what Excel writes for a merged title row
    w.writerow(s.header)
    for row in s.rows:
        w.writerow(["" if v is None else str(v) for v in row])
    return buf.getvalue().encode(f.encoding or "utf-8")
