"""Links built with the people: photos by file name, folder and metadata; relatives both ways."""

from __future__ import annotations

from tests.people.helpers import HEADER, A, B, _people, add_image, add_table, make_id
from unsealed.people import build_people, get_person, list_people


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
