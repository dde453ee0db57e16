"""The whole chain on a synthetic police-files cache: synth → ingest (with OCR) → search, people, show."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from unsealed.ingest.pipeline import IngestOptions, ingest
from unsealed.search import search
from unsealed.store.case import Case
from unsealed.synth import synthesize


@pytest.fixture(scope="module")
def synthetic_case(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    synthesize(root / "s", people=120, seed=11)
    truth = json.loads((root / "s" / "truth.json").read_text(encoding="utf-8"))
    case_dir = root / "case"
    with Case.open(case_dir, create=True) as case:
        summary = ingest(case, [root / "s" / "cache"], IngestOptions(workers=2))
    return case_dir, truth, summary


def _cli(*args):
    res = subprocess.run([sys.executable, "-m", "unsealed.cli", *args], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_every_synthetic_file_is_an_item_and_broken_ones_have_reasons(synthetic_case):
    case_dir, truth, summary = synthetic_case
    status = _cli("status", "--case", str(case_dir), "--json")
    assert status["items"] == summary.files
    broken = {b["path"] for b in truth["broken"]}
    with Case.open(case_dir, readonly=True) as case:
        rows = case.conn.execute(
            "SELECT i.path, COALESCE(NULLIF(i.status,'ok'), e.status) AS st, COALESCE(i.error, e.error) AS err"
            " FROM items i LEFT JOIN extractions e ON e.sha256=i.sha256").fetchall()
    failed = {r["path"]: r["err"] for r in rows if r["st"] not in ("ok", "partial")}
    assert all(err for err in failed.values())
    # every failure is one the generator planted, never a file that should have opened
    assert set(failed) - broken - {p for p in failed if any(p.startswith(b + "/") for b in broken)} == set()


def test_a_phrase_printed_only_in_scanned_pdfs_is_found_by_search(synthetic_case):
    case_dir, truth, _ = synthetic_case
    scan_only = set(truth["phrases"]["scan_only"])
    expected = {p for d in truth["documents"] if d["format"] == "pdf-scan" for p in d["phrases"] if p in scan_only}
    assert expected, "the synthetic cache should hold scanned PDFs with scan-only phrases"
    found = set()
    with Case.open(case_dir) as case:
        for phrase in sorted(expected):
            hits = [h for h in search(case, phrase)["hits"] if h["ocr"]]
            if hits:
                found.add(phrase)
            assert all(h["type"] == "pdf" for h in hits)
    # OCR misreads a rare character now and then (学员脚镣 → 学员脚手): one miss is tolerated
    assert len(found) >= max(1, len(expected) - 1), f"found only {sorted(found)} of {sorted(expected)}"


def test_search_people_and_show_agree_with_the_truth(synthetic_case):
    case_dir, truth, _ = synthetic_case
    detained = [p for p in truth["persons"] if p.get("detained")]
    person = detained[0]
    result = _cli("search", person["id_number"], "--case", str(case_dir), "--json")
    assert result["total"] >= 1
    assert any(h["sheet"] is not None or h["row"] is not None for h in result["hits"])
    people = _cli("people", "--case", str(case_dir), "--q", person["id_number"], "--json")["people"]
    assert [p["id_number"] for p in people] == [person["id_number"]]
    assert people[0]["birth_date"] == person["birth_date"]
    hit = result["hits"][0]
    shown = _cli("show", str(hit["id"]), "--case", str(case_dir), "--json")
    assert shown["path"] == hit["path"] and shown["sha256"]


def test_every_row_of_the_printed_lists_is_a_source_of_its_person(synthetic_case):
    # the PDF printouts are read back through their ruled tables, a list over two pages included
    case_dir, truth, _ = synthetic_case
    printed = {(p["id_number"], a["path"], a["sheet"], a["row"]) for p in truth["persons"]
               for a in p["appears_in"] if a["table"] == "printout"}
    assert printed and {e["pages"] for e in truth["printouts"]} >= {1}
    found = set()
    for person in _cli("people", "--case", str(case_dir), "--json")["people"]:
        found |= {(person["id_number"], s["path"], s["sheet"], s["row"]) for s in person["sources"]
                  if s["path"].startswith("文件/打印件/")}
    assert found == printed
