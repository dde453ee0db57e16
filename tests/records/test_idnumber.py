"""ID numbers: python-stdnum's own test numbers, the ways spreadsheets mangle them, Excel floats."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from stdnum.cn import ric

from tests.corpora import CORPORA
from unsealed.records import idnumber as idn

CN_RIC = json.loads((CORPORA / "python-stdnum" / "cn_ric.json").read_text(encoding="utf-8"))


def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


# The invalid numbers of cn_ric.json and the status each gets here.
INVALID_STATUS = {
    "T60426199101010078": idn.BAD_FORMAT,
    "360426199113010079": idn.BAD_DATE,
    "36042619910102009X": idn.BAD_CHECKSUM,
}
# Invalid for stdnum only because of the region table: usable here, with a warning (see idnumber's docstring).
REGION_ONLY = ("990426199112010074", "110111198012010078", "110201199312010077")


@pytest.mark.parametrize("number", CN_RIC["valid"])
def test_stdnum_valid_numbers_parse_with_their_birth_date_and_gender(number):
    parsed = idn.parse(number)
    assert parsed.status == idn.VALID and parsed.number == number.upper()
    assert parsed.birth_date == ric.get_birth_date(number)
    assert parsed.gender == ("male" if int(number[16]) % 2 else "female")
    assert parsed.region_warning is None
    born = re.search(r"born (\d{4}-\d{2}-\d{2})", CN_RIC["notes"].get(number, ""))
    if born:
        assert parsed.birth_date.isoformat() == born.group(1)


def test_stdnum_birth_places_agree():
    for number, note in CN_RIC["notes"].items():
        m = re.search(r"get_birth_place[^:]*: (\S+) (\S+)", note)
        if m:
            parsed = idn.parse(number)
            assert (parsed.province, parsed.county) == (m.group(1), m.group(2)), number


@pytest.mark.parametrize("number", sorted(INVALID_STATUS))
def test_stdnum_invalid_numbers_are_not_usable(number):
    parsed = idn.parse(number)
    assert parsed.status == INVALID_STATUS[number]
    assert not parsed.usable and parsed.number is None and parsed.problem


@pytest.mark.parametrize("number", REGION_ONLY)
def test_region_code_problems_are_warnings_not_rejections(number):
    assert number in CN_RIC["invalid"] and not ric.is_valid(number)
    parsed = idn.parse(number)
    assert parsed.status == idn.VALID
    assert parsed.region_warning and number[:6] in parsed.region_warning


def test_every_cn_ric_invalid_number_is_covered():
    assert set(CN_RIC["invalid"]) == set(INVALID_STATUS) | set(REGION_ONLY)


def test_lower_case_x_is_accepted_as_stdnum_does():
    case = CN_RIC["lowercase_x_accepted"]
    assert idn.parse(case["input"]).number == case["compact"]


@pytest.mark.parametrize(
    "written",
    [
        "'653121199001011230",
        "653121 19900101 1230",
        "６５３１２１１９９００１０１１２３０",
        " 653121199001011230 ",
        "‘653121199001011230’",
        "653121-19900101-1230",
        "653121199001011230\u200b",
    ],
)
def test_cells_are_normalised(written):
    assert idn.parse(written).number == "653121199001011230"


def test_tekes_numbers_before_2001_are_usable():
    number = _with_check("65402719850303011")
    assert not ric.is_valid(number)  # stdnum dates the code 654027 from 2001
    parsed = idn.parse(number)
    assert parsed.usable and parsed.county == "特克斯县" and "2001" not in (parsed.problem or "")
    assert parsed.region_warning and "1985" in parsed.region_warning


def test_gender_and_birth_date_come_from_the_number():
    parsed = idn.parse(_with_check("65312120030715002"))
    assert parsed.birth_date == dt.date(2003, 7, 15) and parsed.gender == "female"
    assert parsed.county == "疏附县" and parsed.province == "新疆维吾尔自治区"


def test_old_15_digit_numbers_become_18():
    parsed = idn.parse("653121900101123")
    assert parsed.status == idn.OLD15 and parsed.usable
    assert parsed.number[:6] == "653121" and parsed.number[6:14] == "19900101" and len(parsed.number) == 18
    assert ric.calc_check_digit(parsed.number) == parsed.number[-1]
    assert parsed.gender == "male" and parsed.notes
    assert idn.parse("653121901301123").status == idn.BAD_DATE  # month 13


@pytest.mark.parametrize(
    "written,digits",
    [
        ("6.53121E+17", "653121"),
        ("6.53121199001011E+17", "653121199001011"),
        ("6.53121199001011e+17", "653121199001011"),
        ("653121199001011000", "653121199001011"),
        ("6531211990010110.0", "653121199001011"),
    ],
)
def test_excel_floats_are_flagged_not_guessed(written, digits):
    parsed = idn.parse(written)
    assert parsed.status == idn.EXCEL_FLOAT and not parsed.usable and parsed.number is None
    assert parsed.float_digits == digits and "Excel" in parsed.problem


def test_excel_float_checks_a_candidate_number():
    number = "653121199001011230"
    assert idn.parse("6.53121E+17").could_be(number)
    assert idn.parse("6.53121199001011E+17").could_be(number)
    assert not idn.parse("6.53122E+17").could_be(number)
    assert not idn.parse("6.53121199001012E+17").could_be(number)
    assert not idn.parse(number).could_be(number)  # only floats are compared


@pytest.mark.parametrize(
    "written,status",
    [
        ("", idn.EMPTY),
        ("   ", idn.EMPTY),
        ("无", idn.BAD_FORMAT),
        ("12345", idn.BAD_FORMAT),
        ("65312119900101123", idn.BAD_FORMAT),
        ("1.5E+03", idn.BAD_FORMAT),
        (_with_check("65312119901301123"), idn.BAD_DATE),
        ("653121199001011231", idn.BAD_CHECKSUM),
    ],
)
def test_bad_cells_get_a_status_and_a_reason(written, status):
    parsed = idn.parse(written)
    assert parsed.status == status and parsed.problem
    assert not parsed.usable


def test_wrong_check_character_still_tells_the_birth_date():
    parsed = idn.parse("653121199001011231")
    assert parsed.status == idn.BAD_CHECKSUM and parsed.birth_date == dt.date(1990, 1, 1)


def test_find_in_text_file_names_and_folders():
    number = "653121199001011230"
    assert [p.number for p in idn.find_in_text(f"{number}_20180312093000")] == [number]
    assert [p.number for p in idn.find_in_text(f"20180312-093000-{number}")] == [number]
    assert [p.number for p in idn.find_in_text(f"IMG_20180312_093000_{number.lower()}")] == [number]
    assert [p.number for p in idn.find_in_text(f"{number}20180312093000")] == [number]  # one digit run
    assert idn.find_in_text("653121199001011231_20180312") == []  # wrong check character
    assert idn.find_in_text("IMG_20180312_093000") == []
    assert idn.find_in_text("20180312093000") == []


def test_parse_never_raises_on_odd_input():
    for raw in (None, 12, 6.53121e17, "x" * 10000, "\x00\x01", "ＸＸＸ", "6.5E+999"):
        assert idn.parse(raw).status in (idn.EMPTY, idn.BAD_FORMAT, idn.EXCEL_FLOAT, idn.BAD_DATE)
