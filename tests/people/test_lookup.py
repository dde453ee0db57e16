"""Finding built people: search by characters, pinyin and ID prefix; a person by id or ID number."""

from __future__ import annotations

from tests.people.helpers import HEADER, A, C, add_table
from unsealed.people import build_people, get_person, list_people


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
