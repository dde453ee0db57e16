"""Rows becoming people: one person per ID number across files, joining rows without one, conflicts,
Excel-mangled and miskeyed numbers, person tables typed into Word documents."""

from __future__ import annotations

from tests.people.helpers import HEADER, A, C, add_table, make_id
from unsealed.people import build_people, get_person, list_people


def test_same_id_is_one_person_across_files_and_values_keep_sources(case):
    add_table(
        case,
        "lists/a.xlsx",
        {
            "3月": [
                ["疏附县看守所在押人员名单"],
                HEADER,
                ["1", "买合买提.达吾提", "男", "维吾尔族", "1990/1/1", "'" + A, "2018年3月1日", "重点"],
            ]
        },
    )
    add_table(
        case,
        "lists/b.csv",
        {
            "": [
                ["姓名", "公民身份号码", "性别", "住址"],
                ["买合买提 · 达吾提", A.replace("3", "３"), "男", "疏附县托克扎克镇1村"],
            ]
        },
        kind="csv",
    )
    counts = build_people(case)
    assert counts["persons"] == 1 and counts["with_id_number"] == 1
    (p,) = list_people(case)["people"]
    assert p["name"] == "买合买提·达吾提" and p["id_number"] == A and p["gender"] == "male"
    assert p["birth_date"] == "1990-01-01" and p["ethnicity"] == "维吾尔族"
    assert p["fields"]["address"] == "疏附县托克扎克镇1村" and p["fields"]["备注"] == "重点"
    assert {(s["path"], s["sheet"], s["row"]) for s in p["sources"]} == {
        ("lists/a.xlsx", "3月", 3),
        ("lists/b.csv", None, 2),
    }
    assert p["conflicts"] == []
    detail = get_person(case, A)
    ids = detail["values"]["id_number"]
    assert len(ids) == 1 and {s["raw"] for s in ids[0]["sources"]} == {"'" + A, A.replace("3", "３")}
    address = detail["values"]["address"][0]["sources"][0]
    assert address == {
        "path": "lists/b.csv",
        "sheet": None,
        "row": 2,
        "column": "D",
        "header": "住址",
        "raw": "疏附县托克扎克镇1村",
    }


def test_conflicting_values_are_kept_side_by_side_with_sources(case):
    add_table(
        case,
        "a.xlsx",
        {"S": [HEADER, ["1", "阿依古丽·吐尔逊", "男", "维吾尔族", "1984-03-03", C, "2018-03-02", ""]]},
    )
    add_table(
        case,
        "b.xlsx",
        {"S": [HEADER, ["1", "阿依古丽·吐尔逊", "女", "维吾尔族", "1985-03-03", C, "2018-03-02", ""]]},
    )
    build_people(case)
    p = get_person(case, C)
    assert p["gender"] == "female" and p["birth_date"] == "1985-03-03"  # the ID number's
    assert set(p["conflicts"]) == {"gender", "birth_date"}
    genders = {(e["value"], e["basis"]): [s["path"] for s in e["sources"]] for e in p["values"]["gender"]}
    assert genders[("male", "as written")] == ["a.xlsx"]
    assert genders[("female", "as written")] == ["b.xlsx"]
    assert sorted(genders[("female", "derived from the ID number")]) == ["a.xlsx", "b.xlsx"]
    assert p["fields"]["birth_county"] == "特克斯县"


def test_rows_without_id_join_only_an_unambiguous_name_and_birth_date(case):
    twin1, twin2 = make_id("653121", "19700202", 11), make_id("653121", "19700202", 15)  # digits only: both
    add_table(
        case,
        "ids.xlsx",
        {
            "S": [
                HEADER,
                ["1", "艾力·肉孜", "男", "维吾尔族", "1970-02-02", twin1, "2018-03-05", ""],
                ["2", "艾力·肉孜", "男", "维吾尔族", "1970-02-02", twin2, "2018-03-06", ""],
                ["3", "古丽·艾力", "女", "维吾尔族", "1980-05-05", make_id("653121", "19800505", 22), "", ""],
            ]
        },
    )
    add_table(
        case,
        "noids.xlsx",
        {
            "S": [
                HEADER,
                [
                    "1",
                    "艾力.肉孜",
                    "男",
                    "维吾尔族",
                    "1970/2/2",
                    "6.53121E+17",
                    "",
                    "",
                ],  # two candidates: ambiguous
                ["2", "古丽 艾力", "女", "维吾尔族", "1980年5月5日", "", "", "无身份证"],  # one candidate
                [
                    "3",
                    "古丽·艾力",
                    "女",
                    "维吾尔族",
                    "1981-05-05",
                    "",
                    "",
                    "",
                ],  # other birth date: someone else
                ["4", "托合提·亚森", "男", "维吾尔族", "1960-01-01", "", "", ""],  # nobody
                ["5", "托合提·亚森", "男", "维吾尔族", "1960-01-01", "", "", ""],  # grouped with row 4
            ]
        },
    )
    counts = build_people(case)
    people = list_people(case)["people"]
    assert counts["persons"] == 6
    gul = get_person(case, make_id("653121", "19800505", 22))
    assert {s["path"] for s in gul["sources"]} == {"ids.xlsx", "noids.xlsx"}
    assert gul["fields"]["备注"] == "无身份证"
    no_id = [p for p in people if not p["id_number"]]
    assert sorted(p["name"] for p in no_id) == ["古丽·艾力", "托合提·亚森", "艾力·肉孜"]
    ali = next(p for p in no_id if p["name"] == "艾力·肉孜")
    assert "Excel" in ali["fields"]["id_problem"][0]
    toh = next(p for p in no_id if p["name"] == "托合提·亚森")
    assert len(toh["sources"]) == 2 and counts["matching"]["ambiguous_name_and_birth_date"] == 1


def test_an_id_ending_in_x_cannot_be_an_excel_float(case):
    digits, with_x = make_id("653121", "19700202", 11), make_id("653121", "19700202", 13)
    assert with_x.endswith("X")
    add_table(
        case,
        "ids.xlsx",
        {
            "S": [
                HEADER,
                ["1", "艾力·肉孜", "男", "维吾尔族", "1970-02-02", digits, "", ""],
                ["2", "艾力·肉孜", "男", "维吾尔族", "1970-02-02", with_x, "", ""],
            ]
        },
    )
    add_table(
        case,
        "f.xlsx",
        {"S": [HEADER, ["1", "艾力·肉孜", "男", "维吾尔族", "1970-02-02", "6.53121E+17", "", ""]]},
    )
    build_people(case)
    assert len(get_person(case, digits)["sources"]) == 2 and len(get_person(case, with_x)["sources"]) == 1


def test_excel_float_digits_must_agree_with_the_matched_number(case):
    number = make_id("653121", "19700202", 11)
    add_table(
        case, "ids.xlsx", {"S": [HEADER, ["1", "艾力·肉孜", "男", "维吾尔族", "1970-02-02", number, "", ""]]}
    )
    add_table(
        case,
        "f.xlsx",
        {
            "S": [
                HEADER,
                ["1", "艾力·肉孜", "男", "维吾尔族", "1970-02-02", "6.53121E+17", "2018-03-05", ""],
                ["2", "艾力·肉孜", "男", "维吾尔族", "1970-02-02", "6.54027E+17", "2018-03-05", ""],
            ]
        },
    )
    build_people(case)
    p = get_person(case, number)
    assert [s["path"] for s in p["sources"]] == ["f.xlsx", "ids.xlsx"] and p["detained"]
    assert len(list_people(case)["people"]) == 2


def test_wrong_check_character_row_matches_by_name_and_encoded_birth_date(case):
    bad = A[:-1] + ("1" if A[-1] != "1" else "2")
    add_table(case, "a.xlsx", {"S": [["姓名", "身份证号", "状态"], ["买合买提·达吾提", A, "在押"]]})
    add_table(case, "b.xlsx", {"S": [["姓名", "身份证号", "状态"], ["买合买提·达吾提", bad, "在押"]]})
    build_people(case)
    p = get_person(case, A)
    assert len(p["sources"]) == 2 and "id_number" in p["conflicts"]
    assert get_person(case, bad)["id"] == p["id"]  # found by the number as written, too


def test_person_tables_typed_into_word_documents(case):
    from tests.people.helpers import add_document

    text = (
        "关于在押人员的情况报告\n正文第一段。\n序号\t姓名\t公民身份号码\t收押日期\n"
        f"1\t买合买提·达吾提\t{A}\t2018-03-01\n2\t阿依古丽·吐尔逊\t{C}\t2018-03-02\n落款\n"
        "岗位\t职责\t人数\n瞭望塔\t全天候观察\t2\n"
    )
    add_document(case, "文件/报告.docx", ["封面", text])
    add_document(case, "文件/other.pdf", [text], kind="pdf")  # PDF text has no cell boundaries: not read
    counts = build_people(case)
    assert counts["persons"] == 2 and counts["tables"] == 1
    p = get_person(case, C)
    assert p["sources"] == [{"path": "文件/报告.docx", "sheet": "page 2 table 1", "row": 3}]
    assert p["detained"] and p["fields"]["detention_date"] == "2018-03-02"
