"""Building people from hand-made catalogs: identity, matching without IDs, conflicts, photos, relatives."""

from __future__ import annotations

import pytest

from tests.people.helpers import add_image, add_table, make_case, make_id
from unsealed.people import build_people, get_person, list_people

A = make_id("653121", "19900101", 123)  # male
B = make_id("653121", "19650505", 202)  # female
C = make_id("654027", "19850303", 12)  # female, Tekes before 2001
MINOR = make_id("653121", "20030702", 31)  # male, 14 on 2018-03-01
HEADER = ["序号", "姓名", "性别", "民族", "出生日期", "身份证号", "收押日期", "备注"]


@pytest.fixture
def case(tmp_path):
    c = make_case(tmp_path)
    yield c
    c.close()


def _people(case, **kw):
    return {p["id_number"] or p["name"]: p for p in list_people(case, **kw)["people"]}


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


def test_photos_link_by_filename_folder_and_metadata_and_unlinked_are_listed(case):
    add_table(
        case, "a.xlsx", {"S": [HEADER, ["1", "买合买提·达吾提", "男", "维吾尔族", "1990-01-01", A, "", ""]]}
    )
    add_image(
        case, f"photos.zip/2018-03/{A}_20180301093000.jpg", {"exif_datetime_original": "2018-03-02T09:30:00"}
    )
    add_image(case, f"照片/按身份证号/{A}/20180305101010.jpg", {}, content="second")
    add_image(case, "照片/other/p1.png", {"exif_image_description": f"在押人员 {B}"}, kind="png")
    add_image(case, "照片/other/scan.jpg", {"exif_make": "Canon"})
    add_image(case, f"照片/{A}/{B}.jpg", {}, content="third")  # own file name wins over the folder
    counts = build_people(case)
    assert counts["photos_linked"] == 4 and counts["photos_unlinked"] == 1
    people = _people(case)
    assert people[A]["photos"] == sorted(
        [f"photos.zip/2018-03/{A}_20180301093000.jpg", f"照片/按身份证号/{A}/20180305101010.jpg"]
    )
    assert sorted(people[B]["photos"]) == sorted(["照片/other/p1.png", f"照片/{A}/{B}.jpg"])
    assert (
        people[B]["name"] == ""
        and people[B]["gender"] == "female"
        and people[B]["birth_date"] == "1965-05-05"
    )
    assert list_people(case)["unlinked_photos"] == ["照片/other/scan.jpg"]
    links = {link["path"]: link for link in get_person(case, A)["photo_links"]}
    assert links[f"photos.zip/2018-03/{A}_20180301093000.jpg"]["basis"] == "filename"
    assert links[f"photos.zip/2018-03/{A}_20180301093000.jpg"]["taken"] == "2018-03-02T09:30:00"
    assert links[f"照片/按身份证号/{A}/20180305101010.jpg"]["basis"] == "folder"
    assert links[f"照片/按身份证号/{A}/20180305101010.jpg"]["taken"] == "2018-03-05T10:10:10"
    assert {link["basis"] for link in get_person(case, B)["photo_links"]} == {
        "metadata:exif_image_description",
        "filename",
    }


def test_relatives_become_links_both_ways_and_persons_in_their_own_right(case):
    son = make_id("653121", "20100101", 55)
    add_table(
        case,
        "detained.xlsx",
        {"S": [HEADER, ["1", "买合买提·达吾提", "男", "维吾尔族", "1990-01-01", A, "2018-03-01", ""]]},
    )
    add_table(
        case,
        "亲属.csv",
        {
            "": [
                ["在押人员亲属信息表"],
                ["序号", "姓名", "公民身份号码", "与在押人员关系", "在押人员姓名", "在押人员身份证号"],
                ["1", "达吾提·艾买提", B, "母亲", "买合买提·达吾提", A],
                ["2", "艾力·买合买提", son, "长子", "买合买提.达吾提", A],
                [
                    "3",
                    "阿依古丽·买合买提",
                    "",
                    "女儿",
                    "买合买提·达吾提",
                    "",
                ],  # no IDs: detainee found by unique name
            ]
        },
        kind="csv",
    )
    counts = build_people(case)
    assert counts["relations"] == 3
    people = _people(case)
    rels = {(r["id_number"], r["relation"]) for r in people[A]["relatives"]}
    assert (B, "母亲") in rels and (son, "儿子") in rels
    assert ("阿依古丽·买合买提", "女儿") in {(r["name"], r["relation"]) for r in people[A]["relatives"]}
    assert people[B]["relatives"] == [
        {"id": people[A]["id"], "id_number": A, "name": "买合买提·达吾提", "relation": "儿子"}
    ]
    assert people[son]["relatives"][0]["relation"] == "父亲"
    assert not people[B]["detained"] and people[A]["detained"]
    rel = next(r for r in get_person(case, A)["relations"] if r["id_number"] == B)
    assert (rel["path"], rel["sheet"], rel["row"], rel["column"], rel["basis"]) == (
        "亲属.csv",
        None,
        3,
        "D",
        "as written",
    )


def test_household_style_list(case):
    add_table(
        case,
        "户.xlsx",
        {
            "S": [
                ["姓名", "身份证号", "关系"],
                ["买合买提·达吾提", A, "本人"],
                ["达吾提·艾买提", B, "母亲"],
            ]
        },
    )
    build_people(case)
    assert _people(case)[A]["relatives"][0]["relation"] == "母亲"


def test_detained_minors_ages_and_staff(case):
    add_table(
        case,
        "a.xlsx",
        {
            "S": [
                HEADER,
                ["1", "小明", "男", "维吾尔族", "2003-07-02", MINOR, "2018-03-01", ""],
                [
                    "2",
                    "买合买提·达吾提",
                    "男",
                    "维吾尔族",
                    "1990-01-01",
                    A,
                    "",
                    "",
                ],  # no detention value at all
            ]
        },
    )
    staff = make_id("653121", "19800101", 77)
    add_table(
        case,
        "roster.xls",
        {"S": [["姓名", "身份证号", "警号", "所在单位"], ["王建国", staff, "123456", "疏附县看守所"]]},
    )
    add_image(case, f"{A}_20180401.jpg", {})
    build_people(case)
    people = _people(case)
    assert people[MINOR]["detained"] and people[MINOR]["minor"] and people[MINOR]["age_at_detention"] == 14
    assert not people[A]["detained"] and people[A]["age_at_detention"] is None
    assert people[A]["fields"]["age_at_photo"] == 28
    assert people[staff]["fields"]["staff"] and not people[staff]["detained"]
    assert [p["id_number"] for p in list_people(case, minors=True)["people"]] == [MINOR]
    assert [p["id_number"] for p in list_people(case, detained=True)["people"]] == [MINOR]
    age = get_person(case, MINOR)["values"]["age_at_detention"][0]
    assert (
        age["value"] == "14"
        and age["basis"].startswith("derived")
        and age["sources"][0]["header"] == "derived"
    )
    assert age["sources"][0]["column"] == "G" and "detention date" in age["basis"]
    assert "detained" in list_people(case)["definitions"]


def test_age_from_photo_date_when_no_detention_date(case):
    add_table(case, "a.xlsx", {"S": [["姓名", "身份证号", "状态"], ["买合买提·达吾提", A, "在押"]]})
    add_image(case, f"p/{A}_20180301.jpg", {"exif_datetime_original": "2017-12-31T10:00:00"})
    build_people(case)
    p = _people(case)[A]
    assert p["detained"] and p["age_at_detention"] == 27 and p["fields"]["age_basis"] == "photo date"


def test_search_by_characters_pinyin_and_id_prefix(case):
    add_table(
        case,
        "a.xlsx",
        {
            "S": [
                HEADER,
                ["1", "买合买提·达吾提", "男", "维吾尔族", "1990-01-01", A, "", ""],
                ["2", "阿依古丽·吐尔逊", "女", "维吾尔族", "1985-03-03", C, "", ""],
            ]
        },
    )
    build_people(case)
    names = lambda q: [p["name"] for p in list_people(case, q=q)["people"]]  # noqa: E731
    assert names("买合买提") == ["买合买提·达吾提"]
    assert names("买合买提 达吾提") == ["买合买提·达吾提"]
    assert names("maihemaiti") == ["买合买提·达吾提"]
    assert names("Mǎi hé") == ["买合买提·达吾提"]
    assert names("ayiguli") == ["阿依古丽·吐尔逊"]
    assert names("653121") == ["买合买提·达吾提"]
    assert names("６５４０２７") == ["阿依古丽·吐尔逊"]
    assert names(A) == ["买合买提·达吾提"]
    assert names("nobody") == [] and names("%") == [] and names("_") == []
    assert len(list_people(case, limit=1)["people"]) == 1 and list_people(case, limit=1)["total"] == 2


def test_get_person_by_id_or_number_and_unknown(case):
    add_table(
        case, "a.xlsx", {"S": [HEADER, ["1", "买合买提·达吾提", "男", "维吾尔族", "1990-01-01", A, "", ""]]}
    )
    build_people(case)
    pid = list_people(case)["people"][0]["id"]
    assert get_person(case, pid)["id_number"] == A
    assert get_person(case, "'" + A)["id"] == pid
    assert get_person(case, "653121900101123")["id"] == pid  # its old 15-digit form
    assert get_person(case, "nobody") is None and get_person(case, "") is None


def test_rebuild_is_idempotent_ids_stable_and_atomic(case, monkeypatch):
    add_table(
        case, "a.xlsx", {"S": [HEADER, ["1", "买合买提·达吾提", "男", "维吾尔族", "1990-01-01", A, "", ""]]}
    )
    build_people(case)
    first = list_people(case)
    add_table(
        case, "b.xlsx", {"S": [HEADER, ["1", "阿依古丽·吐尔逊", "女", "维吾尔族", "1985-03-03", C, "", ""]]}
    )
    build_people(case)
    second = _people(case)
    assert second[A]["id"] == first["people"][0]["id"] and len(second) == 2
    assert list_people(case)["people"] == list_people(case)["people"]

    from unsealed.people import build as build_mod

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_mod.resolve, "resolve", boom)
    with pytest.raises(RuntimeError):
        build_people(case)
    assert _people(case) == second  # the old tables survive a failed rebuild


def test_empty_and_unbuilt_cases(case):
    assert list_people(case) == {
        "people": [],
        "total": 0,
        "built": False,
        "definitions": list_people(case)["definitions"],
        "unlinked_photos": [],
    }
    assert get_person(case, A) is None
    counts = build_people(case)
    assert counts["persons"] == 0 and list_people(case)["people"] == []


def test_garbage_rows_never_crash(case):
    sha = add_table(
        case, "junk.xlsx", {"S": [HEADER, ["1", "x" * 500, "?", "", "not a date", "6.5E+999", "", ""]]}
    )
    case.conn.execute("INSERT INTO table_rows VALUES (?,?,?,?)", (sha, "S", 99, "not json"))
    case.conn.execute("INSERT INTO table_rows VALUES (?,?,?,?)", (sha, "S", 100, '{"a": 1}'))
    counts = build_people(case)
    assert counts["persons"] == 0


def test_progress_reports_done_and_total(case):
    for n in range(3):
        add_table(
            case,
            f"t{n}.xlsx",
            {"S": [HEADER, ["1", "买合买提·达吾提", "男", "维吾尔族", "1990-01-01", A, "", ""]]},
        )
    add_image(case, "x.jpg", {})
    calls = []
    build_people(case, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (4, 4)


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


def test_read_only_case_is_refused_with_a_clear_error(case, tmp_path):
    from unsealed.store.case import Case, CaseError

    with Case.open(tmp_path / "case", readonly=True) as ro, pytest.raises(CaseError, match="read-only"):
        build_people(ro)
