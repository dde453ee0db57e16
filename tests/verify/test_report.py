"""End to end: a synthetic cache of 300 people, ingested, verified, scored against its truth.json.

Recall of every planted anomaly kind and no warning on a clean item (the scoring of
``bench/accuracy.py``, which runs it at 20,000 people); the digest is the same on a second run
and after ingesting a copy of the cache at another path into another case; the CLI writes the
same report as JSON and a self-contained HTML page.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.verify.helpers import assert_self_contained

BENCH = Path(__file__).resolve().parents[2] / "bench" / "accuracy.py"
FULL = (
    "invalid_check_digit",
    "id_float_corrupted",
    "gender_contradicts_id",
    "birth_date_contradicts_id",
    "age_contradicts_id",
    "exif_time_mismatch",
    "duplicate_photo",
    "id_fullwidth",
    "id_15_digit",
)
MOST = (
    "edited_photo",
    "modified_before_created",
    "date_after_horizon",
    "near_duplicate_photo",
    "reviewer_author",
)


def _bench():
    spec = importlib.util.spec_from_file_location("bench_accuracy", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ingest(cache: Path, case_dir: Path) -> None:
    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.ocr.options import OcrOptions
    from unsealed.people import build_people
    from unsealed.people.schema import is_current
    from unsealed.store.case import Case

    with Case.open(case_dir, create=True) as case:
        # no OCR (the scanned PDFs carry nothing the checks read) and no search index: fast
        ingest(case, [cache], IngestOptions(workers=2, index=False, ocr=OcrOptions(mode="never")))
        if not is_current(case.conn):
            build_people(case)


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    from unsealed.store.case import Case
    from unsealed.synth import synthesize
    from unsealed.verify import run_verify

    work = tmp_path_factory.mktemp("verify")
    synthesize(work / "s", people=300, seed=7)
    truth = json.loads((work / "s" / "truth.json").read_text(encoding="utf-8"))
    _ingest(work / "s" / "cache", work / "case")
    with Case.open(work / "case") as case:
        report = run_verify(case)
    return work, truth, report


def test_every_planted_anomaly_is_found_and_no_clean_item_is_flagged(synth):
    _work, truth, report = synth
    figures, clean = _bench().verify_accuracy(report, truth)
    for kind in FULL:
        assert figures[f"verify_planted_{kind}"] > 0, kind
        assert figures[f"verify_recall_{kind}"] == 1.0, kind
    for kind in MOST:
        assert figures[f"verify_planted_{kind}"] > 0, kind
        assert figures[f"verify_recall_{kind}"] >= 0.95, kind
    assert clean == [], clean
    assert figures["verify_warn_fail_findings"] >= sum(figures[f"verify_planted_{k}"] for k in FULL[:6])


def test_report_shape_and_statuses(synth):
    _work, _truth, report = synth
    assert [c["id"] for c in report["checks"]] == [
        "checksums",
        "gender",
        "ages",
        "photo_times",
        "editing",
        "doc_metadata",
        "duplicates",
        "consistency",
        "horizon",
    ]
    for check in report["checks"]:
        assert check["status"] in ("pass", "warn", "fail")
        assert check["summary"]
        for f in check["findings"]:
            assert set(f) >= {"path", "id_number", "sheet", "row", "detail"}
            assert f["severity"] in ("fail", "warn", "info")
    by_id = {c["id"]: c for c in report["checks"]}
    # a cache with a few planted typing errors is suspicious in places, not fabricated
    assert by_id["checksums"]["status"] == "warn"
    assert by_id["checksums"]["figures"]["valid_share"] > 0.99
    assert by_id["consistency"]["figures"]["photos_in_tables_share"] > 0.5
    m = report["manifest"]
    assert m["horizon"] == {"date": "2018-12-31", "basis": "dominant"}
    assert set(m["checks"]) == set(by_id)
    paths = [f["path"] for f in m["originals"]["files"]]
    assert paths == sorted(paths) and len(paths) == m["originals"]["count"] > 1000
    assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for f in m["originals"]["files"] if f["sha256"])
    assert re.fullmatch(r"[0-9a-f]{64}", m["digest"])


def test_same_digest_on_a_rerun_and_from_a_copy_ingested_elsewhere(synth, tmp_path):
    from unsealed.store.case import Case
    from unsealed.verify import digest_of, run_verify

    work, _truth, report = synth
    with Case.open(work / "case", readonly=True) as case:  # read-only: hashes come from the cache table
        again = run_verify(case)
    assert again["manifest"]["digest"] == report["manifest"]["digest"]
    copy = tmp_path / "elsewhere" / "leak"
    shutil.copytree(work / "s" / "cache", copy)
    _ingest(copy, tmp_path / "other-case")
    with Case.open(tmp_path / "other-case") as case:
        other = run_verify(case)
    assert other["manifest"]["digest"] == report["manifest"]["digest"]
    assert digest_of(other) == other["manifest"]["digest"]  # anyone can recompute it from the JSON
    tampered = json.loads(json.dumps(other))
    tampered["checks"][0]["findings"][0]["detail"] += " "
    assert digest_of(tampered) != other["manifest"]["digest"]


def test_given_horizon(synth):
    from unsealed.store.case import Case
    from unsealed.verify import run_verify

    work, _truth, report = synth
    with Case.open(work / "case") as case:
        early = run_verify(case, horizon="2018-06-30", checks=["horizon", "doc_metadata"])
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            run_verify(case, horizon="end of 2018")
    assert early["manifest"]["horizon"] == {"date": "2018-06-30", "basis": "given"}
    late = {c["id"]: c["figures"] for c in report["checks"]}
    assert early["checks"][1]["figures"]["timestamps_after"] > late["horizon"]["timestamps_after"]


def test_cli_json_and_self_contained_html(synth, tmp_path, capsys):
    from unsealed.cli import main

    work, _truth, report = synth
    page = tmp_path / "report.html"
    assert main(["verify", "--case", str(work / "case"), "--json", "--html", str(page)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["manifest"]["digest"] == report["manifest"]["digest"]
    html = page.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert "url(" not in html and "@import" not in html
    assert report["manifest"]["digest"] in html
    for check in report["checks"]:  # summary links to every check and to its first finding
        assert f'href="#check-{check["id"]}"' in html and f'id="check-{check["id"]}"' in html
        if check["findings"]:
            assert f'href="#f-{check["id"]}-1"' in html and f'id="f-{check["id"]}-1"' in html
    assert main(["verify", "--case", str(work / "case"), "--horizon", "someday"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["verify", "--case", str(work / "case"), "--check", "gender"]) == 0
    out = capsys.readouterr().out
    assert "Gender column" in out and "Photo times" not in out
