"""The ``people`` and ``person`` commands: JSON keys, human output, errors."""

from __future__ import annotations

import argparse
import json

import pytest

from tests.people.helpers import add_image, add_table, make_case, make_id
from unsealed.cli import people_cmds

A = make_id("653121", "19900101", 123)
B = make_id("653121", "19650505", 202)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run a people command through a parser holding only this module's commands (as the CLI wires it)."""
    from unsealed.cli import UserError
    from unsealed.store.case import CaseError

    parser = argparse.ArgumentParser(prog="unsealed")
    people_cmds.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        code = args.handler(args)
    except (UserError, CaseError) as exc:
        print(str(exc), file=__import__("sys").stderr)
        code = 2
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def case_dir(tmp_path):
    case = make_case(tmp_path)
    add_table(
        case,
        "表格/名单.xlsx",
        {
            "3月": [
                ["疏附县看守所在押人员名单"],
                ["序号", "姓名", "性别", "出生日期", "身份证号", "收押日期", "状态"],
                ["1", "买合买提·达吾提", "男", "1990-01-01", A, "2018-03-01", "在押"],
            ]
        },
    )
    add_table(
        case,
        "表格/亲属.csv",
        {
            "": [
                ["姓名", "公民身份号码", "与在押人员关系", "在押人员姓名", "在押人员身份证号"],
                ["达吾提·艾买提", B, "母亲", "买合买提·达吾提", A],
            ]
        },
        kind="csv",
    )
    add_image(case, f"照片/{A}_20180301093000.jpg", {})
    add_image(case, "照片/scan.jpg", {}, content="x")
    case.close()
    return tmp_path / "case"


def test_people_json_keys(case_dir, capsys):
    code, out, _ = run(["people", "--case", str(case_dir), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert {"people", "total", "definitions", "unlinked_photos"} <= set(data)
    assert data["unlinked_photos"] == ["照片/scan.jpg"]
    person = next(p for p in data["people"] if p["id_number"] == A)
    assert {
        "id",
        "name",
        "id_number",
        "gender",
        "birth_date",
        "ethnicity",
        "fields",
        "photos",
        "relatives",
        "sources",
    } <= set(person)
    assert person["gender"] == "male" and person["birth_date"] == "1990-01-01"
    assert person["photos"] == [f"照片/{A}_20180301093000.jpg"]
    assert person["relatives"][0] == {
        "id": person["relatives"][0]["id"],
        "id_number": B,
        "name": "达吾提·艾买提",
        "relation": "母亲",
    }
    assert {"path": "表格/名单.xlsx", "sheet": "3月", "row": 3} in person["sources"]
    assert "买合买提" in out  # UTF-8, not \\u escapes


def test_people_filters_and_search(case_dir, capsys):
    _, out, _ = run(["people", "--case", str(case_dir), "--json", "--detained"], capsys)
    assert [p["id_number"] for p in json.loads(out)["people"]] == [A]
    _, out, _ = run(["people", "--case", str(case_dir), "--json", "--q", "dawuti"], capsys)
    assert {p["id_number"] for p in json.loads(out)["people"]} == {A, B}  # 买合买提·达吾提 and 达吾提·艾买提
    _, out, _ = run(["people", "--case", str(case_dir), "--json", "--minors"], capsys)
    assert json.loads(out)["people"] == []


def test_people_human_table(case_dir, capsys):
    code, out, _ = run(["people", "--case", str(case_dir)], capsys)
    assert code == 0
    assert "ID NUMBER" in out and A in out and "买合买提·达吾提" in out and "2 people" in out
    assert "1 photos show no ID number" in out


def test_person_card_and_json(case_dir, capsys):
    code, out, _ = run(["person", A, "--case", str(case_dir)], capsys)
    assert code == 0
    assert "买合买提·达吾提" in out and "← 表格/名单.xlsx [3月] row 3 col E (身份证号)" in out
    assert "母亲" in out and "detained 2018-03-01 aged 28" in out
    code, out, _ = run(["person", A, "--case", str(case_dir), "--json"], capsys)
    data = json.loads(out)
    assert data["values"]["status"][0]["sources"][0]["column"] == "G"


def test_person_unknown_and_missing_case(case_dir, tmp_path, capsys):
    code, _, err = run(["person", "nobody", "--case", str(case_dir)], capsys)
    assert code == 2 and "no person 'nobody'" in err
    code, _, err = run(["people", "--case", str(tmp_path / "nothing")], capsys)
    assert code == 2 and "ingest" in err
    code, _, err = run(["people", "--case", str(case_dir), "--limit", "-1"], capsys)
    assert code == 2 and "--limit" in err


def test_people_tables_rebuild_when_the_catalog_changes(case_dir, capsys):
    from unsealed.store.case import Case

    code, out, err = run(["people", "--case", str(case_dir), "--json"], capsys)
    assert "building the people tables" in err and len(json.loads(out)["people"]) == 2
    code, out, err = run(["people", "--case", str(case_dir), "--json"], capsys)
    assert err == ""  # up to date: no rebuild
    with Case.open(case_dir) as case:
        add_table(
            case,
            "表格/新.xlsx",
            {"S": [["姓名", "身份证号", "住址"], ["新人", make_id("653121", "19991231", 1), "x"]]},
        )
    code, out, err = run(["people", "--case", str(case_dir), "--json"], capsys)
    assert "rebuilding" in err and len(json.loads(out)["people"]) == 3
