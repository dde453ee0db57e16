"""Ingest all of ../shared/corpora and hold the result to what the files' own projects assert.

Every file must end extracted or failed with a recorded reason. Each expectation in
expected.jsonl (type, text snippets, page counts, expected failures, passwords) is
checked; the few we knowingly miss are listed in known_gaps.py with the reason, and
a gap that starts passing must be taken off that list.
"""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from unsealed.ingest.pipeline import IngestOptions, ingest
from unsealed.ocr import OcrOptions
from unsealed.store.case import Case

from .expectations import CORPORA, FAILED, check, load_expectations
from .known_gaps import KNOWN_GAPS, PASSWORD_GAPS

pytestmark = pytest.mark.skipif(not (CORPORA / "expected.jsonl").exists(), reason="../shared/corpora not present")
ROOT = os.path.abspath(CORPORA)


@pytest.fixture(scope="module")
def corpus_case(tmp_path_factory):
    case_dir = tmp_path_factory.mktemp("corpus") / "case"
    with Case.open(case_dir, create=True) as case:
        # OCR of the corpora's scans (hundreds of pages) would take most of an hour: it is tested on the
        # corpora's text images in tests/ocr; here every other expectation is checked
        summary = ingest(case, [ROOT], IngestOptions(workers=2, index=False, people=False,
                                                     ocr=OcrOptions(mode="never")))
    conn = sqlite3.connect(case_dir / "catalog.sqlite")
    yield conn, summary
    conn.close()


def test_every_file_is_extracted_or_failed_with_a_reason(corpus_case):
    conn, summary = corpus_case
    files_on_disk = sum(len(names) for _, _, names in os.walk(ROOT))
    top = conn.execute("SELECT COUNT(*) FROM items WHERE depth=0").fetchone()[0]
    assert top == files_on_disk
    assert summary.files > files_on_disk  # archive members and attachments became items too
    unexplained = conn.execute(
        "SELECT i.path FROM items i LEFT JOIN extractions e ON e.sha256=i.sha256"
        " WHERE (i.status != 'ok' AND COALESCE(i.error, '') = '')"
        "    OR (i.status = 'ok' AND i.sha256 IS NOT NULL AND e.sha256 IS NULL)"
        "    OR (e.status IN ({}) AND COALESCE(e.error, '') = '')".format(",".join("?" * len(FAILED))),
        tuple(FAILED)).fetchall()
    assert unexplained == []


def test_expectations_of_the_corpora_hold(corpus_case):
    conn, _ = corpus_case
    expectations = [e for e in load_expectations() if (CORPORA / e["path"]).exists()]
    checks, mismatches = check(conn, ROOT, expectations, ocr=_ocr_ran(conn))
    found = {m.key(): m.detail for m in mismatches}
    new = {k: v for k, v in found.items() if k not in KNOWN_GAPS}
    fixed = sorted(k for k in KNOWN_GAPS if k not in found and _gap_applies(k, expectations))
    assert not new, f"{len(new)} of {checks} corpus checks fail:\n" + "\n".join(f"{k}: {v}" for k, v in new.items())
    assert not fixed, "these known gaps now pass: take them off tests/corpus/known_gaps.py\n" + "\n".join(fixed)
    assert checks > 4000


def test_passwords_open_what_they_should(tmp_path):
    entries = [e for e in load_expectations() if e.get("password") and (CORPORA / e["path"]).exists()]
    src = tmp_path / "src"
    for e in entries:
        target = src / e["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPORA / e["path"], target)
    passwords = tuple(sorted({e["password"] for e in entries}))
    with Case.open(tmp_path / "case", create=True) as case:
        ingest(case, [src], IngestOptions(workers=2, index=False, people=False, passwords=passwords,
                                          ocr=OcrOptions(mode="never")))
        still_locked = {}
        for e in entries:
            row = case.conn.execute(
                "WITH RECURSIVE d(id) AS (SELECT id FROM items WHERE path=? UNION ALL"
                " SELECT i.id FROM items i JOIN d ON i.parent_id=d.id)"
                " SELECT i.path, COALESCE(NULLIF(i.status, 'ok'), e.status), COALESCE(i.error, e.error) FROM d"
                " JOIN items i ON i.id=d.id LEFT JOIN extractions e ON e.sha256=i.sha256"
                " WHERE i.status='encrypted' OR e.status='encrypted' LIMIT 1", (e["path"],)).fetchone()
            if row is not None:
                still_locked[e["path"]] = f"{row[0]}: {row[2]}"
    unexpected = {k: v for k, v in still_locked.items() if k not in PASSWORD_GAPS}
    fixed = sorted(k for k in PASSWORD_GAPS if k not in still_locked)
    assert not unexpected, "still encrypted with the right password:\n" + "\n".join(
        f"{k}: {v}" for k, v in unexpected.items())
    assert not fixed, "these password gaps now pass: take them off PASSWORD_GAPS\n" + "\n".join(fixed)


def _ocr_ran(conn) -> bool:
    return conn.execute("SELECT 1 FROM pages WHERE source='ocr' LIMIT 1").fetchone() is not None


def _gap_applies(key: str, expectations: list[dict]) -> bool:
    path = key.split(" :: ", 1)[0]
    return any(e["path"] == path for e in expectations)
