"""Header detection and mapping, table kinds, and rows turned into records."""

from __future__ import annotations

import pytest

from unsealed.records import headers, rows, tables
from unsealed.records.idnumber import EXCEL_FLOAT

ID_A = "653121199001011230"
ID_B = "653121196505052024"


@pytest.mark.parametrize(
    "header,field",
    [
        ("姓名", "name"),
        ("姓 名", "name"),
        ("名字", "name"),
        ("Name", "name"),
        ("*姓名：", "name"),
        ("公民身份号码", "id_number"),
        ("身份证号", "id_number"),
        ("身份证号码", "id_number"),
        ("身份证", "id_number"),
        ("ID", "id_number"),
        ("身份证号（18位）", "id_number"),
        ("性别", "gender"),
        ("民族", "ethnicity"),
        ("出生日期", "birth_date"),
        ("出生年月日", "birth_date"),
        ("年龄", "age"),
        ("住址", "address"),
        ("户籍地址", "address"),
        ("家庭住址", "address"),
        ("拘留原因", "reason"),
        ("收押原因", "reason"),
        ("reason", "reason"),
        ("案由", "reason"),
        ("状态", "status"),
        ("羁押状态", "status"),
        ("刑期", "sentence"),
        ("关押地点", "facility"),
        ("facility", "facility"),
        ("羁押场所", "facility"),
        ("楼号", "building"),
        ("监室", "cell"),
        ("楼号/监室", "cell"),
        ("收押日期", "detention_date"),
        ("入所日期", "detention_date"),
        ("与在押人员关系", "relation"),
        ("关系", "relation"),
        ("在押人员姓名", "detainee_name"),
        ("在押人员身份证号", "detainee_id"),
        ("在押人员公民身份号码", "detainee_id"),
        ("亲属姓名", "name"),
        ("亲属身份证号", "id_number"),
        ("警号", "badge"),
        ("职务", "role"),
        ("序号", "seq"),
        ("备注", None),
        ("月份", None),
        ("", None),
        ("653121199001011230", None),
        ("ID号", None),
    ],
)
def test_header_variants(header, field):
    assert headers.field_of(header) == field


def test_header_found_below_title_rows_and_unknown_columns_kept():
    sheet = [
        (1, ["疏附县看守所在押人员名单（2018年3月）", "", ""]),
        (2, ["填报单位：疏附县公安局    填报日期：2018年3月5日"]),
        (3, ["序号", "姓名", "性别", "身份证号", "收押日期", "备注", "姓名"]),
        (4, ["1", "买合买提·达吾提", "男", ID_A, "2018-03-01", "重点人员", "x"]),
    ]
    h = headers.detect(sheet)
    assert h is not None and h.row == 3
    assert [c.field for c in h.columns] == [
        "seq",
        "name",
        "gender",
        "id_number",
        "detention_date",
        "extra",
        "extra",
    ]
    assert h.columns[5].key == "备注"
    assert tables.kind_of(h) == tables.DETENTION


def test_no_header_in_non_person_tables():
    assert (
        headers.detect([(1, ["字符串标题", "日期标题", "数字标题"]), (2, ["a", "2020-01-01", "1"])]) is None
    )
    assert (
        headers.detect([(1, ["统计"]), (2, ["", "", "时间：{date}"]), (3, ["姓名", "数字", "姓名", "数字"])])
        is None
    )
    assert headers.detect([(1, ["材质*", "等级", "标准号*", "规格*"])]) is None
    assert headers.detect([]) is None


@pytest.mark.parametrize(
    "cells,kind",
    [
        (["姓名", "公民身份号码", "与在押人员关系", "在押人员姓名", "在押人员身份证号"], tables.RELATIVES),
        (["姓名", "身份证号", "关系"], tables.HOUSEHOLD),
        (["姓名", "身份证号", "警号", "职务"], tables.STAFF),
        (["姓名", "身份证号", "刑期"], tables.DETENTION),
        (["姓名", "身份证号", "住址"], tables.PERSONS),
    ],
)
def test_table_kinds(cells, kind):
    assert tables.kind_of(headers.detect([(1, cells)])) == kind


def test_product_list_with_name_and_id_is_no_person_table():
    h = headers.detect([(1, ["ID", "Name", "Price"])])
    assert h is not None
    assert not tables.looks_like_people(h, [(2, ["1", "Widget", "3.50"]), (3, ["2", "Gadget", "4"])])
    assert tables.looks_like_people(h, [(2, [ID_A, "Mahmut", "3"])])
    h2 = headers.detect([(1, ["姓名", "年龄"])])
    assert tables.looks_like_people(h2, [(2, ["张三", "20"])])


def _header(cells):
    return headers.detect([(1, cells)])


def test_row_values_keep_their_column_and_raw_text():
    h = _header(["序号", "姓名", "性别", "出生日期", "身份证号", "备注"])
    result = rows.parse_row(
        h, 7, ["3", "买合买提.达吾提", "男", "1990/1/1", "'" + ID_A, "重点"], tables.DETENTION
    )
    (rec,) = result.records
    assert rec.name == "买合买提·达吾提" and rec.id.number == ID_A and rec.row == 7
    by = {(v.field, v.basis): v for v in rec.values}
    assert (
        by[("id_number", rows.AS_WRITTEN)].raw == "'" + ID_A
        and by[("id_number", rows.AS_WRITTEN)].column == 4
    )
    assert by[("birth_date", rows.AS_WRITTEN)].value == "1990-01-01"
    assert by[("gender", rows.AS_WRITTEN)].value == "male"
    assert by[("备注", rows.AS_WRITTEN)].value == "重点" and by[("备注", rows.AS_WRITTEN)].header == "备注"
    assert not [v for v in rec.values if v.basis != rows.AS_WRITTEN]
    assert rows.derived(rec.id.number) == [("birth_date", "1990-01-01"), ("gender", "male"),
                                           ("birth_region_code", "653121"), ("birth_county", "疏附县")]
    assert rows.derived("6.53121E+17") == [] and rows.derived(None) == []


def test_float_id_row_keeps_the_problem_and_matches_on_birth_date():
    h = _header(["姓名", "出生日期", "身份证号"])
    (rec,) = rows.parse_row(h, 2, ["艾力·肉孜", "1970-02-02", "6.53121E+17"], tables.PERSONS).records
    assert rec.id.status == EXCEL_FLOAT and rec.birth_key.isoformat() == "1970-02-02"
    problems = [v for v in rec.values if v.field == "id_problem"]
    assert problems and "Excel" in problems[0].value


@pytest.mark.parametrize(
    "cells",
    [
        ["", "", ""],
        ["合计", "", ""],
        ["序号", "姓名", "身份证号"],
        ["说明：本表信息以公民身份号码为准，如有出入请及时核对。" * 2, "", ""],
    ],
)
def test_blank_total_note_and_repeated_header_rows_are_skipped(cells):
    h = _header(["序号", "姓名", "身份证号"])
    assert rows.parse_row(h, 9, cells, tables.PERSONS) is None


def test_relatives_row_gives_relative_detainee_and_relation():
    h = _header(["序号", "姓名", "公民身份号码", "与在押人员关系", "在押人员姓名", "在押人员身份证号"])
    result = rows.parse_row(
        h, 3, ["1", "达吾提·艾买提", ID_B, "父", "买合买提·达吾提", ID_A], tables.RELATIVES
    )
    relative, detainee = result.records
    assert relative.role == "row" and relative.id.number == ID_B
    assert detainee.role == "reference" and detainee.id.number == ID_A and detainee.name == "买合买提·达吾提"
    assert {v.field for v in detainee.values} >= {"name", "id_number"}
    assert [v.header for v in detainee.values if v.field == "name"] == ["在押人员姓名"]
    relation, cell = result.relation
    assert relation == "父亲" and cell.raw == "父" and cell.column == 3
