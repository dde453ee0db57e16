"""The people in the truth file: valid ID numbers that agree with their fields, families, summary figures."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric

from .readers import PEOPLE, age, id_gender, valid_id


def test_persons_ids_agree_with_fields(gen):
    _, truth, _ = gen
    persons = truth["persons"]
    assert len(persons) == PEOPLE
    assert len({p["id_number"] for p in persons + truth["staff"]}) == PEOPLE + len(truth["staff"])
    for p in persons:
        number = p["id_number"]
        assert valid_id(number), number
        assert number[:6] == p["region_code"] in ("653121", "654027")
        assert ric.get_birth_date(number).isoformat() == p["birth_date"]
        assert id_gender(number) == p["gender"]
        if p["detained"]:
            assert 15 <= p["age_at_detention"] <= 73
            assert age(dt.date.fromisoformat(p["birth_date"]), dt.date.fromisoformat(p["detention_date"])) \
                == p["age_at_detention"]


def test_families_follow_the_naming_rule(gen):
    _, truth, _ = gen
    by_id = {p["id_number"]: p for p in truth["persons"]}
    inverse = {"父亲": ("儿子", "女儿"), "母亲": ("儿子", "女儿"), "丈夫": ("妻子",), "妻子": ("丈夫",),
               "哥哥": ("弟弟", "妹妹"), "姐姐": ("弟弟", "妹妹"), "弟弟": ("哥哥", "姐姐"), "妹妹": ("哥哥", "姐姐"),
               "儿子": ("父亲", "母亲"), "女儿": ("父亲", "母亲")}
    fathers = 0
    for p in truth["persons"]:
        given, father_given = p["name"].split("·")
        for r in p["relatives"]:
            other = by_id[r["id_number"]]
            back = [x["relation"] for x in other["relatives"] if x["id_number"] == p["id_number"]]
            assert back and back[0] in inverse[r["relation"]]
            if r["relation"] == "父亲":
                fathers += 1
                assert father_given == other["name"].split("·")[0]
                assert other["gender"] == "男" and other["birth_date"] < p["birth_date"]
            if r["relation"] in ("哥哥", "弟弟", "姐姐", "妹妹"):
                assert other["name"].split("·")[1] == father_given
    assert fathers > PEOPLE // 3


def test_figures_match_the_persons(gen):
    _, truth, _ = gen
    persons, f = truth["persons"], truth["figures"]
    detained = [p for p in persons if p["detained"]]
    photographed = [p for p in persons if p["photos"]]
    assert f["people"] == len(persons)
    assert f["detained"] == len(detained) == sum(1 for p in persons if any(
        a["table"] == "detainees" for a in p["appears_in"]))
    assert f["photographed"] == len(photographed)
    assert f["photographed_and_detained"] == sum(1 for p in photographed if p["detained"])
    assert f["minors_at_detention"] == sum(1 for p in detained if p["age_at_detention"] < 18) >= 1
    assert (f["youngest_age"], f["oldest_age"]) == (15, 73)
    assert sum(f["by_gender"]["detained"].values()) == f["detained"]
    assert f["by_gender"]["people"]["male"] == sum(1 for p in persons if p["gender"] == "男")
    loners = [p for p in photographed if not p["appears_in"]]
    assert f["photographed_in_no_table"] == len(loners) > 0
    assert all(not p["mentioned_in"] and not p["detained"] for p in loners)
