"""People as CSV and JSON lines, with their sources."""

from __future__ import annotations

import csv
import json

from unsealed.export import export_case
from unsealed.export.tabular import COLUMNS
from unsealed.store.case import Case


def test_jsonl_and_csv_agree_with_the_truth(synth_case, tmp_path):
    case_dir, truth = synth_case
    with Case.open(case_dir, readonly=True) as case:
        j = export_case(case, "jsonl", tmp_path / "p.jsonl")
        c = export_case(case, "csv", tmp_path / "p.csv")
    people = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(people) == j["counts"]["people"] == c["counts"]["people"]
    with open(tmp_path / "p.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == COLUMNS and len(rows) == len(people)
    by_number = {r["id_number"]: r for r in rows if r["id_number"]}
    found = 0
    for p in truth["persons"]:
        row = by_number.get(p["id_number"])
        if row is None:
            continue
        found += 1
        assert row["birth_date"] == p["birth_date"]
        if p["detained"] and row["facility"]:
            assert row["facility"] == p["facility"]
        for where in p["appears_in"][:1]:
            assert where["path"] in row["sources"]
    assert found >= 150
    person = next(x for x in people if x["sources"])
    assert {"path", "sheet", "row"} <= set(person["sources"][0])
