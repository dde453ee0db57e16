"""End-to-end behaviour of ingest: provenance, dedup, incremental re-runs, fsck, bad paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from unsealed.cli import main
from unsealed.ingest.pipeline import IngestOptions, ingest
from unsealed.store.case import Case

from .helpers import catalog_state, make_source


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "unsealed.cli", *args], capture_output=True, text=True,
                          timeout=300)


def test_every_file_and_member_becomes_an_item_with_provenance(tmp_path):
    src = make_source(tmp_path / "src", n_text=5)
    with Case.open(tmp_path / "case", create=True) as case:
        summary = ingest(case, [src], IngestOptions(workers=2, index=False))
        paths = {r["path"]: dict(r) for r in case.conn.execute("SELECT * FROM items")}
        assert "photos.zip/2018-03/a.txt" in paths
        assert "photos.zip/nested.zip/deep/inner.txt" in paths
        inner = paths["photos.zip/nested.zip/deep/inner.txt"]
        assert inner["depth"] == 2
        parent = case.conn.execute("SELECT path FROM items WHERE id=?", (inner["parent_id"],)).fetchone()[0]
        assert parent == "photos.zip/nested.zip"
        # stored once, content-addressed, read-only, and the same bytes
        blob = case.blobs.path(inner["sha256"])
        assert blob.read_bytes() == "内层 inner text".encode()
        assert not os.access(blob, os.W_OK) or os.geteuid() == 0
        assert oct(blob.stat().st_mode & 0o777) == "0o444"
        # the duplicate shares the blob and is counted
        assert paths["copy-of-note000.txt"]["sha256"] == paths["docs/note000.txt"]["sha256"]
    assert summary.files == len(paths) == 5 + 1 + 1 + 3 + 1
    assert summary.new == summary.files
    assert summary.duplicates == 1


def test_rerun_skips_everything_and_changes_nothing(tmp_path):
    src = make_source(tmp_path / "src", n_text=30)
    case_dir = tmp_path / "case"
    with Case.open(case_dir, create=True) as case:
        first = ingest(case, [src], IngestOptions(workers=2, index=False))
    before = catalog_state(case_dir)
    with Case.open(case_dir) as case:
        second = ingest(case, [src], IngestOptions(workers=2, index=False))
    assert second.files == first.files
    assert second.new == 0
    assert second.skipped == second.files
    assert catalog_state(case_dir) == before


def test_changed_file_is_read_again_and_its_old_members_go(tmp_path):
    src = make_source(tmp_path / "src", n_text=2)
    case_dir = tmp_path / "case"
    with Case.open(case_dir, create=True) as case:
        ingest(case, [src], IngestOptions(workers=1, index=False))
    import zipfile

    with zipfile.ZipFile(src / "photos.zip", "w") as z:
        z.writestr("only.txt", "replaced")
    with Case.open(case_dir) as case:
        summary = ingest(case, [src], IngestOptions(workers=1, index=False))
        paths = {r[0] for r in case.conn.execute("SELECT path FROM items")}
    assert "photos.zip/only.txt" in paths
    assert "photos.zip/2018-03/a.txt" not in paths
    assert summary.new == 1


def test_symlink_out_of_the_source_is_recorded_not_followed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the source")
    (src / "link.txt").symlink_to(secret)
    (src / "real.txt").write_text("inside")
    with Case.open(tmp_path / "case", create=True) as case:
        ingest(case, [src], IngestOptions(workers=1, index=False))
        row = case.conn.execute("SELECT status, error, sha256 FROM items WHERE path='link.txt'").fetchone()
        stored = {r[0] for r in case.conn.execute("SELECT sha256 FROM blobs")}
    assert row["status"] == "hostile" and "not followed" in row["error"] and row["sha256"] is None
    import hashlib

    assert hashlib.sha256(b"outside the source").hexdigest() not in stored


def test_fsck_finds_an_altered_original(tmp_path, capsys):
    src = make_source(tmp_path / "src", n_text=3)
    case_dir = tmp_path / "case"
    assert main(["ingest", str(src), "--case", str(case_dir), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"files", "new", "skipped", "failed", "duplicates", "bytes", "seconds"}
    assert main(["fsck", "--case", str(case_dir)]) == 0
    with Case.open(case_dir) as case:
        sha = case.conn.execute("SELECT sha256 FROM items WHERE path='docs/note001.txt'").fetchone()[0]
        blob = case.blobs.path(sha)
    os.chmod(blob, 0o644)
    blob.write_bytes(b"tampered")
    capsys.readouterr()
    assert main(["fsck", "--case", str(case_dir), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["mismatch"][0]["sha256"] == sha
    assert report["mismatch"][0]["paths"] == ["docs/note001.txt"]


def test_missing_path_and_unwritable_case_give_one_line_errors(tmp_path):
    res = run_cli("ingest", str(tmp_path / "nope"), "--case", str(tmp_path / "case"))
    assert res.returncode == 2
    assert "no such file or folder" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "case").exists()
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    src = make_source(tmp_path / "src", n_text=1)
    res = run_cli("ingest", str(src), "--case", str(locked / "case"))
    if os.geteuid() != 0:  # root can write anywhere
        assert res.returncode == 2 and "case" in res.stderr
    res = run_cli("status", "--case", str(tmp_path / "nothing-here"))
    assert res.returncode == 2 and "run 'unsealed ingest" in res.stderr


def test_show_gives_provenance_and_content(tmp_path, capsys):
    src = make_source(tmp_path / "src", n_text=1)
    case_dir = tmp_path / "case"
    main(["ingest", str(src), "--case", str(case_dir)])
    capsys.readouterr()
    assert main(["show", "photos.zip/nested.zip/deep/inner.txt", "--case", str(case_dir), "--json"]) == 0
    item = json.loads(capsys.readouterr().out)
    assert [c.get("path") for c in item["provenance"][:2]] == ["photos.zip/nested.zip", "photos.zip"]
    assert item["provenance"][-1]["source_root"] == str(Path(src).absolute())
    assert main(["show", "does/not/exist", "--case", str(case_dir)]) == 2


def test_text_with_lone_surrogates_is_stored_not_fatal(tmp_path):
    from unsealed.extract.base import Extraction, Page, Row
    from unsealed.store import catalog

    with Case.open(tmp_path / "case", create=True) as case:
        ex = Extraction(pages=[Page(1, "bad \ud800 text\x00")], rows=[Row("s\udfff", 1, ["a\ud800"])],
                        metadata={"title": "t\ud800"})
        catalog.record_extraction(case.conn, "ab" * 32, ex, [])
        text = case.conn.execute("SELECT text FROM pages").fetchone()[0]
        meta = case.conn.execute("SELECT metadata FROM extractions").fetchone()[0]
    assert text == "bad \ufffd text\ufffd"
    assert json.loads(meta)["title"] == "t\ufffd"


def test_a_file_that_crashes_or_hangs_its_reader_costs_only_that_file(tmp_path):
    src = make_source(tmp_path / "src", n_text=30)
    (src / "evil-crash.txt").write_text("this file makes its reader crash")
    (src / "evil-hang.txt").write_text("this file makes its reader hang")
    for fault, victim, status in (("crash:evil-crash.txt", "evil-crash.txt", "error"),
                                  ("hang:evil-hang.txt", "evil-hang.txt", "timeout")):
        case = tmp_path / f"case-{status}"
        env = {**os.environ, "UNSEALED_FAULT": fault}
        res = subprocess.run([sys.executable, "-m", "unsealed.cli", "ingest", str(src), "--case", str(case),
                              "--workers", "2", "--timeout", "2", "--json"],
                             capture_output=True, text=True, timeout=300, env=env)
        assert res.returncode == 0, res.stderr
        assert json.loads(res.stdout)["failed"] == 1
        with Case.open(case) as c:
            rows = {r["path"]: (r["status"], r["error"], r["sha"]) for r in c.conn.execute(
                "SELECT i.path, e.status, e.error, i.sha256 AS sha FROM items i"
                " JOIN extractions e ON e.sha256=i.sha256")}
            assert rows[victim][0] == status
            assert ("crashed" if status == "error" else "time limit") in rows[victim][1]
            # the original is preserved all the same, and every other file was read
            assert c.blobs.path(rows[victim][2]).read_text().startswith("this file makes its reader")
            assert sum(1 for st, _, _ in rows.values() if st == "ok") == len(rows) - 1
