"""Chinese resident ID numbers (GB 11643-1999) as spreadsheets write them.

Checking is python-stdnum's (``stdnum.cn.ric``); this module only adds what a leaked
spreadsheet needs on top: undoing the ways a cell mangles a number (a leading
apostrophe, spaces, full-width digits, a lower-case x), the old 15-digit form, and
recognising a number that Excel turned into a float (``6.53121E+17``), whose lost
digits are never guessed.

Region codes: ``stdnum.cn.ric.validate`` also rejects a number whose region code was
not assigned in the birth year according to stdnum's table. That table dates some real
county codes later than the people carrying them (Tekes, 654027, from 2001), so such a
number is still *usable* here (status ``valid``) and carries a ``region_warning``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

# Statuses of a parsed cell.
VALID = "valid"  # 18 characters, right check character, real birth date: usable as identity
OLD15 = "old15"  # pre-1999 15-digit number, upgraded to 18 (19YY assumed); usable as identity
EXCEL_FLOAT = "excel_float"  # Excel stored it as a float: trailing digits are lost
BAD_CHECKSUM = "bad_checksum"
BAD_DATE = "bad_date"
BAD_FORMAT = "bad_format"
EMPTY = "empty"
USABLE = (VALID, OLD15)

# Characters a cell may wrap a number in: quote marks, spaces (incl. no-break, zero-width), dashes.
_STRIP = re.compile(r"[\s'\"‘’`´\u200b\u200c\u200d\ufeff\-_/]+")
# Excel's scientific display (6.53121E+17) and Python's (6.53121199001011e+17).
_FLOAT = re.compile(r"^(\d)(?:\.(\d+))?E\+?(\d{1,2})$", re.IGNORECASE)
# An all-digit number that a float format printed in full: 653121199001011000 (or 6531211990010110.0).
_PRINTED_FLOAT = re.compile(r"^(\d{16,18})(?:\.0*)?$")


@dataclass(frozen=True)
class IdNumber:
    """What one ID cell says: the usable 18-character number (if any) and what it encodes."""

    raw: str
    status: str
    number: str | None = None  # canonical 18 characters when status is usable
    problem: str | None = None  # why it is not usable, for a journalist
    birth_date: dt.date | None = None
    gender: str | None = None  # "male" / "female"
    region: str | None = None  # 6-digit region code
    province: str | None = None
    county: str | None = None
    region_warning: str | None = None
    float_digits: str | None = None  # for excel_float: the significant digits Excel kept (last one rounded)
    notes: tuple[str, ...] = field(default=())

    @property
    def usable(self) -> bool:
        return self.status in USABLE

    def could_be(self, number: str) -> bool:
        """For an Excel float, whether a full 18-digit number rounds to what the cell shows."""
        if self.status != EXCEL_FLOAT or not self.float_digits or not number[:18].isdigit():
            return False
        k = len(self.float_digits)
        mantissa = f"{float(number):.{k - 1}E}".split("E")[0].replace(".", "")
        return mantissa == self.float_digits


def clean(raw: str) -> str:
    """The cell text, full-width forms folded, wrapping quotes, spaces and dashes removed, x upper-cased."""
    text = unicodedata.normalize("NFKC", raw)
    return _STRIP.sub("", text).upper()


def parse(raw: object) -> IdNumber:
    """Read one ID cell; never raises (a bad value gets a status and a ``problem``)."""
    return _parse("" if raw is None else str(raw))


@lru_cache(maxsize=65536)
def _parse(raw_text: str) -> IdNumber:
    text = clean(raw_text)
    if not text:
        return IdNumber(raw_text, EMPTY, problem="empty")
    m = _FLOAT.match(text)
    if m:
        digits = (m.group(1) + (m.group(2) or "")).rstrip("0") or "0"
        exponent = int(m.group(3))
        if 14 <= exponent <= 17:
            return IdNumber(
                raw_text,
                EXCEL_FLOAT,
                float_digits=digits,
                problem=f"Excel stored this ID as a number and kept only {len(digits)} digits "
                f"({raw_text.strip()}); the original digits cannot be recovered from this cell",
                region=digits[:6] if len(digits) >= 7 else None,
            )
        return IdNumber(raw_text, BAD_FORMAT, problem=f"a number, not an ID: {raw_text.strip()}")
    m = _PRINTED_FLOAT.match(text)
    if m:
        digits = m.group(1)
        lost = set(digits[15:]) == {"0"}  # Excel keeps 15 significant digits and prints zeros for the rest
        if lost and (len(digits) < 18 or digits[-1] != ric.calc_check_digit(digits)):
            return IdNumber(
                raw_text,
                EXCEL_FLOAT,
                float_digits=digits[:15].rstrip("0") or "0",
                region=digits[:6],
                problem="probably an ID that Excel stored as a number and printed with zeros for the "
                f"lost digits ({raw_text.strip()}); the original digits cannot be recovered",
            )
        text = digits
    if len(text) == 15 and text.isdigit():
        return _old15(raw_text, text)
    return _check18(raw_text, text)


def _check18(raw: str, number: str, notes: tuple[str, ...] = ()) -> IdNumber:
    if len(number) != 18:
        return IdNumber(
            raw, BAD_FORMAT, problem=f"{len(number)} characters, an ID has 18 (or 15 in the old form)"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdNumber(raw, BAD_FORMAT, problem="not digits (the last character may be X)")
    try:
        birth = ric.get_birth_date(number)
    except InvalidComponent:
        birth = None
    check = ric.calc_check_digit(number)
    if number[17] != check:
        return IdNumber(
            raw,
            BAD_CHECKSUM,
            birth_date=birth,
            region=number[:6],
            gender=_gender(number),
            problem=f"wrong check character {number[17]} (the first 17 digits give {check}): "
            "a typing error somewhere in the number",
        )
    if birth is None:
        return IdNumber(
            raw,
            BAD_DATE,
            region=number[:6],
            problem=f"the birth date inside it ({number[6:14]}) is not a real date",
        )
    if birth > dt.date.today() or birth.year < 1880:
        return IdNumber(
            raw,
            BAD_DATE,
            region=number[:6],
            problem=f"the birth date inside it ({birth.isoformat()}) is impossible",
        )
    province, county, warning = region_info(number[:6], birth.year)
    return IdNumber(
        raw,
        VALID,
        number=number,
        birth_date=birth,
        gender=_gender(number),
        region=number[:6],
        province=province,
        county=county,
        region_warning=warning,
        notes=notes,
    )


def _old15(raw: str, digits: str) -> IdNumber:
    body = digits[:6] + "19" + digits[6:]
    upgraded = body + ric.calc_check_digit(body + "0")
    parsed = _check18(raw, upgraded, notes=("old 15-digit number, upgraded to 18 characters (born 19YY)",))
    if parsed.status != VALID:
        return IdNumber(
            raw, BAD_DATE, problem=f"15-digit number with an impossible birth date ({digits[6:12]})"
        )
    return IdNumber(**{**parsed.__dict__, "status": OLD15})


def _gender(number: str) -> str | None:
    return ("male" if int(number[16]) % 2 else "female") if number[16].isdigit() else None


@lru_cache(maxsize=4096)
def region_info(code: str, year: int) -> tuple[str | None, str | None, str | None]:
    """(province, county, warning) for a 6-digit region code, from python-stdnum's GB/T 2260 table.

    The county is the name valid in ``year`` when the table says so; the warning tells when the
    code is unknown or (by the table) not assigned in that year.
    """
    results = numdb.get("cn/loc").info(code)
    info = {k: v for _part, props in results for k, v in props.items()}
    if not info.get("county"):
        return info.get("province"), None, f"region code {code} is not in the GB/T 2260 table"
    try:
        place = ric.get_birth_place(code + f"{year:04d}0101" + "0000")
        return place.get("province"), place.get("county"), None
    except InvalidComponent:
        pass
    names = [c.split("]", 1)[-1] for c in info["county"].split(",")]
    return (
        info.get("province"),
        names[-1],
        f"region code {code} ({names[-1]}) is not listed as assigned in {year}; real numbers carry it anyway",
    )


def birth_county(number: str) -> str | None:
    """The county name for a usable ID number (None if unknown)."""
    parsed = parse(number)
    return parsed.county


_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])|(?<![0-9])[0-9]{15}(?![0-9])")
_DIGIT_RUN = re.compile(r"[0-9]{19,}[Xx]?")


def find_in_text(text: str) -> list[IdNumber]:
    """Every usable ID number written in a piece of text (a file name, a folder, a metadata value).

    An 18-character number must have a right check character and a real birth date, and a
    15-digit one a real birth date and a region code GB/T 2260 knows (15 digits alone are
    too common to trust otherwise). In a longer run of digits (ID and timestamp written
    together) every 18-character window is tried and kept only when it passes the same checks
    and its region code is known.
    """
    text = unicodedata.normalize("NFKC", text)
    found: dict[str, IdNumber] = {}
    for m in _ID_IN_TEXT.finditer(text):
        parsed = parse(m.group(0))
        if not parsed.usable:
            continue
        if parsed.status == OLD15 and parsed.county is None:
            continue
        found.setdefault(parsed.number, parsed)
    for m in _DIGIT_RUN.finditer(text):
        run = m.group(0)
        for i in range(len(run) - 17):
            parsed = parse(run[i : i + 18])
            if parsed.status == VALID and parsed.county:
                found.setdefault(parsed.number, parsed)
    return list(found.values())
