"""The document date used by the date filter and the year facet, as a YYYYMMDD integer."""

from __future__ import annotations

import re
from typing import Any

# Metadata keys tried in order: when the document says it was made, when the photo was taken, when sent.
DATE_KEYS = ("created", "exif_datetime_original", "date")
_ISO = re.compile(r"\s*(\d{4})(?:[-:/.](\d{1,2})(?:[-:/.](\d{1,2}))?)?")
_BOUND = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
MIN_YEAR, MAX_YEAR = 1900, 2100


class DateError(ValueError):
    """A date filter is not YYYY, YYYY-MM or YYYY-MM-DD."""


def _day(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    m = _ISO.match(value)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2) or 0)
    day = int(m.group(3) or 0)
    if not (MIN_YEAR <= year <= MAX_YEAR) or month > 12 or day > 31:
        return None
    return year * 10000 + month * 100 + day


def document_day(metadata: dict[str, Any], modified: str | None) -> int | None:
    """The document's date: metadata created / EXIF original / e-mail date, else the item's modified time."""
    for key in DATE_KEYS:
        day = _day(metadata.get(key))
        if day is not None:
            return day
    return _day(modified)


def parse_bound(value: str | None, end: bool, name: str) -> int | None:
    """A ``date_from``/``date_to`` argument as YYYYMMDD; ``end`` rounds a year or month up to its last day."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    m = _BOUND.fullmatch(text)
    month = int(m.group(2) or 0) if m else 0
    day = int(m.group(3) or 0) if m else 0
    if not m or month > 12 or day > 31 or (m.group(2) and month == 0) or (m.group(3) and day == 0):
        raise DateError(f"{name} must be a date like 2018, 2018-03 or 2018-03-31, not {text!r}")
    year = int(m.group(1))
    if end:
        return year * 10000 + (month or 12) * 100 + (day or 31)
    return year * 10000 + month * 100 + day
