"""The generated cache as a whole: result counts and progress, broken files, runs repeat byte for byte,
an existing cache is never overwritten."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from unsealed.synth import photos, synthesize


def test_result_and_progress(gen):
    result, truth, calls = gen
    on_disk = sum(1 for p in result.cache.rglob("*") if p.is_file())
    assert result.files == on_disk == truth["files"]["on_disk"]
    assert result.archive_members == truth["files"]["archive_members"] > 0
    assert result.seconds > 0
    assert calls and calls[-1][0] == calls[-1][1] == result.files + result.archive_members


def test_broken_files(gen):
    result, truth, _ = gen
    kinds = {b["kind"]: b for b in truth["broken"]}
    assert (result.cache / kinds["empty"]["path"]).stat().st_size == 0
    with pytest.raises(OSError):
        Image.open(result.cache / kinds["truncated_jpeg"]["path"]).load()
    assert not zipfile.is_zipfile(result.cache / kinds["truncated_xlsx"]["path"])
    assert (result.cache / kinds["text_named_pdf"]["path"]).read_bytes()[:4] != b"%PDF"
    assert "word/document.xml" in zipfile.ZipFile(result.cache / kinds["docx_named_pdf"]["path"]).namelist()
    assert kinds["zip_slip"]["member"] in zipfile.ZipFile(result.cache / kinds["zip_slip"]["path"]).namelist()
    info = zipfile.ZipFile(result.cache / kinds["zip_bomb"]["path"]).getinfo("system.log")
    assert info.file_size == kinds["zip_bomb"]["unpacked_bytes"] and info.compress_size * 200 < info.file_size


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_differs(tmp_path, monkeypatch):
    synthesize(tmp_path / "a", people=40, seed=5)
    monkeypatch.setattr(photos, "PARALLEL_FROM", 1)  # the second run renders photos in worker processes
    synthesize(tmp_path / "b", people=40, seed=5)
    monkeypatch.undo()
    synthesize(tmp_path / "c", people=40, seed=6)
    a, b, c = (_hashes(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c and len(set(a.values()) & set(c.values())) < len(a) // 2


def test_refuses_to_overwrite_and_too_few_people(tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        synthesize(tmp_path, people=40)
    assert (tmp_path / "cache" / "keep.txt").read_text() == "mine"
    with pytest.raises(ValueError, match="at least"):
        synthesize(tmp_path / "x", people=5)


@pytest.mark.parametrize("seed", [1, 11])
def test_no_two_planned_files_share_a_path(seed):
    # files are written by several threads: two jobs on one path would leave whichever came last
    from unsealed.synth import dossiers
    from unsealed.synth.run import plan_tables

    persons, _, planned, _ = plan_tables(seed, 3000)
    paths = [f.path for f in planned] + [job.path for job in dossiers.plan(seed, persons)]
    assert len(paths) == len(set(paths))
