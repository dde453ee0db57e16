"""Chinese resident ID numbers (GB 11643-1999) for invented people, and their corruptions.

The check character comes from python-stdnum (``stdnum.cn.ric``). Note for
whoever validates these: ``stdnum.cn.ric.is_valid`` also checks that the region
code existed in the birth year, and its table dates 654027 (Tekes) from 2001,
so it rejects every Tekes number of a person born before 2001, although real
Tekes residents carry exactly such numbers. :func:`is_valid` therefore checks
length, digits, check character and birth date, and leaves the region alone.
"""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric

REGIONS = {"653121": "疏附县", "654027": "特克斯县"}
PREFECTURES = {"653121": "喀什地区", "654027": "伊犁哈萨克自治州"}
CHECK_CHARS = "0123456789X"
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def make_id(region: str, birth: dt.date, sequence: int) -> str:
    """The 18-character number for a region, birth date and 3-digit sequence."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check char


def new_id(rng: random.Random, region: str, birth: dt.date, gender: str, taken: set[str]) -> str:
    """A fresh, unused number; the sequence's last digit is odd for men ('男'), even for women."""
    for _ in range(10_000):
        sequence = rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
        number = make_id(region, birth, sequence)
        if number not in taken:
            taken.add(number)
            return number
    raise RuntimeError(f"no free ID number left for {region} {birth}")


def is_valid(number: str) -> bool:
    """True if the number is 18 characters with a correct check character and a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if number[-1] != ric.calc_check_digit(number):
        return False
    try:
        ric.get_birth_date(number)
    except Exception:
        return False
    return True


def birth_date(number: str) -> dt.date:
    """The birth date the number encodes."""
    return ric.get_birth_date(number)


def gender(number: str) -> str:
    """'男' when the 17th digit is odd, else '女'."""
    return "男" if int(number[16]) % 2 else "女"


def wrong_check(rng: random.Random, number: str) -> str:
    """The same number with a different (hence wrong) check character."""
    return number[:17] + rng.choice([c for c in CHECK_CHARS if c != number[-1]])


def fullwidth(number: str) -> str:
    """The number in full-width digits, as some Chinese input methods type it."""
    return number.translate(FULLWIDTH)


def old_15(number: str) -> str:
    """The pre-1999 15-digit form: two-digit year and no check character."""
    return number[:6] + number[8:17]


def as_float(number: str) -> float:
    """What Excel keeps when it turns an all-digit number into a float (digits beyond 15 are lost)."""
    if not number.isdigit():
        raise ValueError("Excel only turns all-digit numbers into floats")
    return float(number)


def excel_text(value: float) -> str:
    """How Excel shows (and exports to CSV) such a float in the General format."""
    mantissa, exponent = f"{value:.5E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
