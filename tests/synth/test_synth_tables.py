"""The generated tables: cells valid except the planted anomalies, which really are in the files, and every
detainee's row findable and dated."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from stdnum.cn import ric

from unsealed.synth.run import plan_tables

from .readers import PEOPLE, age, id_gender, parse_date, pdf_text, sheet_rows, valid_id

ID_KINDS = {"invalid_check_digit", "id_float_corrupted", "id_fullwidth", "id_15_digit"}


def _table_cells(cache, truth):
    """Yield (table, sheet meta, row number, {column key: value}) for every data row of every table."""
    for t in truth["tables"]:
        for s in t["sheets"]:
            if s["header_row"] is None:
                continue
            rows = sheet_rows(cache, t, s["name"])
            assert [str(c) for c in rows[s["header_row"] - 1][: len(s["header"])]] == s["header"]
            for n in range(s["header_row"] + 1, s["header_row"] + 1 + s["rows"]):
                yield t, s, n, dict(zip(s["columns"], rows[n - 1], strict=False))


def test_table_cells_valid_except_planted(gen):
    result, truth, _ = gen
    planted = {(a["path"], a["sheet"], a["row"]): a for a in truth["anomalies"] if "row" in a}
    checked = 0
    for t, s, n, cells in _table_cells(result.cache, truth):
        here = planted.get((t["path"], s["name"], n))
        for key in ("id", "detainee_id"):
            if key not in cells:
                continue
            value = cells[key]
            if here and here["kind"] in ID_KINDS and key == "id":
                assert value == here["value"], (t["path"], n)
                continue
            assert isinstance(value, str), (t["path"], n, value)  # IDs are never numbers
            assert valid_id(value.removeprefix("'")), (t["path"], n, value)
            checked += 1
        if t["kind"] != "detainees" or (here and here["kind"] in ID_KINDS):
            continue
        number = cells["id"].removeprefix("'")
        kind = here["kind"] if here else None
        assert (cells["gender"] == id_gender(number)) != (kind == "gender_contradicts_id")
        if "birth" in cells:
            same = parse_date(cells["birth"], t["birth_format"]) == ric.get_birth_date(number)
            assert same != (kind == "birth_date_contradicts_id"), (t["path"], n)
        if "age" in cells:
            real = age(ric.get_birth_date(number), parse_date(cells["date"], t["date_format"]))
            assert (int(cells["age"]) == real) != (kind == "age_contradicts_id"), (t["path"], n)
    assert checked > PEOPLE


def test_planted_table_anomalies_are_in_the_files(gen):
    result, truth, _ = gen
    tables = {t["path"]: t for t in truth["tables"]}
    kinds = Counter()
    for a in truth["anomalies"]:
        if "row" not in a:
            continue
        t = tables[a["path"]]
        s = next(s for s in t["sheets"] if s["name"] == a["sheet"])
        row = sheet_rows(result.cache, t, a["sheet"])[a["row"] - 1]
        value = row[s["header"].index(a["column"])]
        if isinstance(value, dt.date):
            value = value.isoformat()
        if a["kind"] == "age_contradicts_id" and isinstance(value, float | str):
            value = int(value)
        if a["kind"] == "id_float_corrupted" and t["format"] != "csv":
            assert isinstance(value, float) and value == float(a["id_number"])  # the nearest double
        assert value == a["value"], a
        kinds[a["kind"]] += 1
    for kind in ("invalid_check_digit", "id_float_corrupted", "gender_contradicts_id",
                 "birth_date_contradicts_id", "age_contradicts_id", "id_fullwidth", "id_15_digit"):
        assert kinds[kind] >= 1, kind


def test_old_15_digit_ids_only_for_people_born_before_1990(gen):
    _, truth, _ = gen
    by_id = {p["id_number"]: p for p in truth["persons"]}
    planted = [a for a in truth["anomalies"] if a["kind"] == "id_15_digit"]
    assert planted
    for a in planted:
        value, birth = a["value"], dt.date.fromisoformat(by_id[a["id_number"]]["birth_date"])
        assert len(value) == 15 and value.isdigit() and value[:6] == a["id_number"][:6]
        # the old form has no century: YYMMDD is read as 19YY, and it was replaced in 1999
        assert 1900 <= birth.year < 1990, (value, birth)
        assert dt.datetime.strptime("19" + value[6:12], "%Y%m%d").date() == birth, (value, birth)


def test_every_detention_date_is_derivable_from_the_files(gen):
    """Each detainee has a detainee-list row with a date column and an uncorrupted ID giving the true date."""
    result, truth, _ = gen
    cells_at = {(t["path"], s["name"], n): (t, cells) for t, s, n, cells in _table_cells(result.cache, truth)}
    id_planted = {(a["path"], a["sheet"], a["row"]) for a in truth["anomalies"] if a["kind"] in ID_KINDS}
    minors = 0
    detained = [p for p in truth["persons"] if p["detained"]]
    for p in detained:
        dates = set()
        for a in p["appears_in"]:
            where = (a["path"], a["sheet"], a["row"])
            if a["table"] != "detainees" or where in id_planted:
                continue
            t, cells = cells_at[where]
            assert cells["id"].removeprefix("'") == p["id_number"], where
            if "date" in cells:
                dates.add(parse_date(cells["date"], t["date_format"]))
        assert dates == {dt.date.fromisoformat(p["detention_date"])}, (p["id_number"], dates)
        minors += age(ric.get_birth_date(p["id_number"]), dates.pop()) < 18
    assert minors == truth["figures"]["minors_at_detention"] >= 1


@pytest.mark.parametrize("seed", [1, 2])
def test_planned_tables_at_scale_date_every_detainee_and_keep_15_digit_ids_old(seed):
    """In memory at 3,000 people (nothing written): the same two rules over many more rows."""
    persons, _, planned, anomalies = plan_tables(seed, 3000)
    by_id = {p.id_number: p for p in persons}
    old = [a for a in anomalies.items if a["kind"] == "id_15_digit"]
    assert len(old) == 6
    for a in old:
        birth = by_id[a["id_number"]].birth_date
        assert birth.year < 1990 and a["value"] == a["id_number"][:6] + f"{birth:%y%m%d}" + a["id_number"][14:17]
    id_planted = {(a["path"], a["sheet"], a["row"]) for a in anomalies.items if a["kind"] in ID_KINDS}
    dated: dict[int, set] = {}
    for f in planned:
        for s in f.sheets:
            if f.kind != "detainees" or "date" not in s.keys:
                continue
            for i, row in enumerate(s.rows):
                if (f.path, s.name, s.row_number(i)) not in id_planted:
                    dated.setdefault(s.refs[i][0][1], set()).add(parse_date(row[s.keys.index("date")],
                                                                            f.date_format))
    assert {p.key: {p.detention_date} for p in persons if p.detained} == dated


def test_appears_in_rows_name_the_person(gen):
    result, truth, _ = gen
    tables = {t["path"]: t for t in truth["tables"]}
    cache: dict = {}
    for p in truth["persons"][:120]:
        for a in p["appears_in"]:
            if a["table"] == "scores":
                text = (result.cache / a["path"]).read_text(encoding="utf-8-sig").splitlines()[a["row"] - 1]
                assert p["id_number"] in text
                continue
            if a["table"] == "printout":  # the PDF's text (cells wrap, so without line breaks)
                if a["path"] not in cache:
                    cache[a["path"]] = pdf_text(result.cache / a["path"])
                assert p["id_number"] in cache[a["path"]] and p["name"] in cache[a["path"]], a
                continue
            key = (a["path"], a["sheet"])
            if key not in cache:
                cache[key] = sheet_rows(result.cache, tables[a["path"]], a["sheet"])
            row = [str(c) for c in cache[key][a["row"] - 1]]
            given, father = p["name"].split("·")
            assert any(c.startswith(given) and c.endswith(father) for c in row), (p["name"], row)


def test_a_printout_per_county_holds_its_list_without_the_anomaly_rows(gen):
    result, truth, _ = gen
    planted = {(a["path"], a.get("sheet"), a["row"]) for a in truth["anomalies"] if "row" in a}
    printed: Counter = Counter(a["path"] for p in truth["persons"] for a in p["appears_in"]
                               if a["table"] == "printout")
    tables = {t["path"]: t for t in truth["tables"]}
    assert len(truth["printouts"]) == 2  # Shufu and Tekes
    for entry in truth["printouts"]:
        assert tables[entry["of"]]["kind"] == "detainees" and printed[entry["path"]] == entry["rows"] > 0
        source = sheet_rows(result.cache, tables[entry["of"]], entry["sheet"])
        text = pdf_text(result.cache / entry["path"])
        shown, hidden = set(), set()
        for number, row in enumerate(source, 1):
            for cell in (str(c).removeprefix("'") for c in row):
                if valid_id(cell):
                    (hidden if (entry["of"], entry["sheet"], number) in planted else shown).add(cell)
        assert len(shown) == entry["rows"] and all(number in text for number in shown)
        assert not any(number in text for number in hidden - shown)
