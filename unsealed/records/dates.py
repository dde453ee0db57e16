"""Dates as Chinese lists write them, read into ``datetime.date``; ages derived from them.

Handled: 2018-03-01, 2018/3/1, 2018.3.1, 2018年3月1日, 20180301, a trailing time
("2018-03-01 00:00:00", as the spreadsheet reader shows date cells), and, in a column
known to hold dates, an Excel serial day number (43160 = 2018-03-01). Year-month only
("1990年3月", "1990-03") gives None: a birth month is not a birth date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s.*)?$")
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(raw: object, *, serials: bool = False) -> dt.date | None:
    """The date a cell holds, or None. ``serials``: also read 5-digit Excel day numbers (1955..2064)."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        return None
    m = _YMD.match(text) or _COMPACT.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if serials:
        m = _SERIAL.match(text)
        if m and 20000 <= int(m.group(1)) <= 60000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
    return None


def parse_datetime(raw: object) -> dt.datetime | None:
    """An ISO-like timestamp (metadata such as exif_datetime_original), or None."""
    if not raw:
        return None
    text = str(raw).strip().replace("/", "-")
    if re.match(r"^\d{4}:\d{2}:\d{2}", text):  # raw EXIF form 2018:03:01 09:30:00
        text = text[:10].replace(":", "-") + text[10:]
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        day = parse_date(text)
        return dt.datetime.combine(day, dt.time()) if day else None


_STAMP = re.compile(
    r"(?<![0-9])(20[0-4][0-9])(0[1-9]|1[0-2])([0-2][0-9]|3[01])"
    r"[_\-T ]?([01][0-9]|2[0-3])?([0-5][0-9])?([0-5][0-9])?(?![0-9])"
)


def stamp_in_name(name: str) -> dt.datetime | None:
    """A timestamp written into a file name (20180312093000, 20180312_093000, 20180312), or None."""
    for m in _STAMP.finditer(name):
        try:
            return dt.datetime(
                int(m.group(1)),
                int(m.group(2)),
                int(m.group(3)),
                int(m.group(4) or 0),
                int(m.group(5) or 0),
                int(m.group(6) or 0),
            )
        except ValueError:
            continue
    return None


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years of life on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def parse_age(raw: object) -> int | None:
    """An age cell ("35", "35岁", "35.0") as an integer, or None."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip()
    m = re.match(r"^(\d{1,3})(?:\.0+)?\s*(?:岁|周岁)?$", text)
    return int(m.group(1)) if m and int(m.group(1)) < 130 else None
