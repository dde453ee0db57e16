"""Helpers for the synth tests: read the generated files back and check them independently of the generator."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from python_calamine import CalamineWorkbook
from stdnum.cn import ric

PEOPLE = 300  # people in the shared generated cache (the ``gen`` fixture)

ID = r"(\d{17}[\dX])"
NAME_PATTERNS = (
    re.compile(ID + r"_(\d{14})\.jpg$"),
    re.compile(r"(\d{8})-(\d{6})-" + ID + r"\.jpg$"),
    re.compile(r"IMG_(\d{8})_(\d{6})_" + ID + r"\.JPG$"),
    re.compile(ID + r"/(\d{14})\.jpg$"),
)


def photo_name(path: str) -> tuple[str, dt.datetime]:
    """The ID number and the time a photo's path carries, whatever naming pattern it uses."""
    for n, pattern in enumerate(NAME_PATTERNS):
        m = pattern.search(path)
        if not m:
            continue
        if n in (0, 3):
            return m.group(1), dt.datetime.strptime(m.group(2), "%Y%m%d%H%M%S")
        if n == 1:
            return m.group(3), dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
        return m.group(3), dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    raise ValueError(f"no ID/time pattern in {path}")


def read_logical(cache: Path, logical: str) -> bytes:
    """The bytes of a file given its logical path, descending into (nested) zip archives."""
    parts = logical.split("/")
    for i, part in enumerate(parts):
        if part.endswith(".zip"):
            data = (cache / "/".join(parts[: i + 1])).read_bytes()
            rest = parts[i + 1:]
            while True:
                z = zipfile.ZipFile(io.BytesIO(data))
                j = next((k for k, p in enumerate(rest) if p.endswith(".zip")), None)
                if j is None:
                    return z.read("/".join(rest))
                data = z.read("/".join(rest[: j + 1]))
                rest = rest[j + 1:]
    return (cache / logical).read_bytes()


def sheet_rows(cache: Path, table: dict, sheet: str | None) -> list[list]:
    """All rows of one sheet (or a CSV), as lists of cell values (row 1 first)."""
    path = cache / table["path"]
    if table["format"] == "csv":
        text = path.read_bytes().decode(table["encoding"])
        return [list(r) for r in csv.reader(io.StringIO(text))]
    wb = CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def parse_date(value, fmt: str) -> dt.date:
    """A date cell back to a date, given the file's date format."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    formats = {"iso": "%Y-%m-%d", "slash": "%Y/%m/%d", "chinese": "%Y年%m月%d日", "compact": "%Y%m%d"}
    return dt.datetime.strptime(str(value), formats[fmt]).date()


def all_photos(cache: Path) -> Iterator[tuple[str, bytes]]:
    """Every JPEG in the cache, loose or inside a zip, as (logical path, bytes)."""
    for path in sorted(cache.rglob("*")):
        rel = path.relative_to(cache).as_posix()
        if path.suffix.lower() == ".jpg":
            yield rel, path.read_bytes()
        elif path.suffix == ".zip" and rel.startswith("照片/"):
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    yield f"{rel}/{name}", z.read(name)


def valid_id(number: str) -> bool:
    """Checked with python-stdnum directly (not the generator's own helper)."""
    if len(number) != 18 or not number[:17].isdigit() or number[-1] != ric.calc_check_digit(number):
        return False
    ric.get_birth_date(number)
    return True


def id_gender(number: str) -> str:
    return "男" if int(number[16]) % 2 else "女"


def age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def pdf_text(path: Path) -> str:
    """A PDF's text with every space and line break removed (table cells wrap), read with pypdfium2."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    return "".join(text.split())
