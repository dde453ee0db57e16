"""The redaction policy on its own: ID masking, addresses and phones in free text, --redact parsing."""

from __future__ import annotations

import pytest

from unsealed.publish.redact import (
    ADDRESS_MARK,
    DEFAULT,
    PHONE_MARK,
    AddressBook,
    Redactor,
    contains_personal,
    mask_id_number,
    mask_ids,
    parse_fields,
)

ID = "653121197101021736"
ADDR = "新疆维吾尔自治区喀什地区疏附县兰干乡14村9组33号"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ID, "6531211971********"),
        ("65312119710102173X", "6531211971********"),
        (f"照片/2018-03/{ID}_20180301175656.jpg", "照片/2018-03/6531211971********_20180301175656.jpg"),
        (f"20180301-175656-{ID}.jpg", "20180301-175656-6531211971********.jpg"),
        (f"IMG_20180301_175656_{ID}.JPG", "IMG_20180301_175656_6531211971********.JPG"),
        ("653121 19710102 1736", "653121 1971**** ****"),
        ("６５３１２１１９７１０１０２１７３６", "６５３１２１１９７１********"),
        ("653121710102173", "65312171*******"),  # old 15-digit form: region + YY kept
        ("6.53121199E+17", "6.53121199E+17"),  # Excel's float keeps no full ID
        ("2018-03-01 12:00, 共 38 人", "2018-03-01 12:00, 共 38 人"),
    ],
)
def test_mask_ids(text, expected):
    assert mask_ids(text) == expected


def test_masked_id_number_keeps_region_and_birth_year():
    assert mask_id_number(ID) == "6531211971********"
    assert mask_id_number("653121710102173") == "65312171*******"
    assert mask_id_number(None) is None


def test_free_text_loses_addresses_and_phones():
    red = Redactor(addresses=AddressBook([ADDR]))
    text = f"住址：{ADDR}，电话13912345678，固话0998-1234567。走访对象住在疏附县兰干乡14村9组33号。身份证{ID}"
    out = red.text(text)
    assert ADDR not in out and "14村9组33号" not in out
    assert "13912345678" not in out and "1234567" not in out
    assert ID not in out and "6531211971********" in out
    assert ADDRESS_MARK in out and PHONE_MARK in out
    # facility names and cells are not addresses
    assert red.text("疏附县职业技能教育培训中心 2号楼-304") == "疏附县职业技能教育培训中心 2号楼-304"


def test_known_address_found_in_fullwidth_form():
    red = Redactor(addresses=AddressBook(["特克斯县阔克铁热克乡16村1组86号"]))
    assert "１６村" not in red.text("特克斯县阔克铁热克乡１６村１组８６号")


def test_no_redaction_changes_nothing():
    red = Redactor(fields=frozenset(), addresses=AddressBook([ADDR]))
    text = f"{ADDR} {ID} 13912345678"
    assert red.text(text) == text
    assert red.id_number(ID) == ID and red.birth_date("1971-01-02") == "1971-01-02"


def test_withheld_names_hidden_in_paths():
    red = Redactor(withheld_names=frozenset({"吾斯克力木阿布吾甫"}))
    out = red.text(f"一人一档/疏附县/{ID}_吾斯克力木阿布吾甫/登记表.txt")
    assert "吾斯克力木阿布吾甫" not in out and "疏附县" in out and "登记表" in out


def test_parse_fields():
    assert parse_fields(None) == DEFAULT
    assert parse_fields(None, no_redact=True) == frozenset()
    assert parse_fields("default,photo") == DEFAULT | {"photo"}
    assert parse_fields("id_number, address") == {"id_number", "address"}
    with pytest.raises(ValueError, match="unknown field 'nmae'"):
        parse_fields("nmae")
    with pytest.raises(ValueError, match="contradict"):
        parse_fields("photo", no_redact=True)


def test_contains_personal():
    assert contains_personal("在全县维护稳定工作会议上的讲话：严格落实双人押解制度。") == []
    assert contains_personal(f"登记表 {ID}") == ["an ID number"]
    assert "an address" in contains_personal(f"住址：{ADDR}")
    assert "a phone number" in contains_personal("联系电话：13912345678")
