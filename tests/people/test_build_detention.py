"""Who counts as detained, minors and staff, and ages at detention from detention or photo dates."""

from __future__ import annotations

from tests.people.helpers import HEADER, MINOR, A, _people, add_image, add_table, make_id
from unsealed.people import build_people, get_person, list_people


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
