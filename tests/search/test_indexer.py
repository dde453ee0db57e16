"""Keeping the index in step with the catalog: incremental, crash-safe, rebuildable."""

import json

import pytest

from tests.search.casebuilder import CaseBuilder
from unsealed.search import SearchError, indexer, rebuild_index, search, sync_index
from unsealed.search.tantivy_engine import VERSION_FILE, TantivyEngine
from unsealed.store.case import Case


def _num_docs(case) -> int:
    return TantivyEngine.open(case.root / "index").num_docs()


@pytest.fixture
def builder(tmp_path):
    b = CaseBuilder(tmp_path / "case")
    b.add("a.pdf", pages=["第一页开枪", "第二页收押"])
    b.add("b.xlsx", kind="xlsx", rows={"S": [["姓名"], ["张伟"]]})
    return b


def test_second_sync_adds_nothing_and_new_files_are_added(builder):
    case = builder.case
    assert sync_index(case) == 6  # 2 file documents + 2 pages + 2 rows
    assert sync_index(case) == 0
    builder.add("c.pdf", pages=["新的开枪"])
    calls = []
    assert sync_index(case, progress=lambda done, total: calls.append((done, total))) == 2
    assert calls[0] == (0, 1) and calls[-1] == (1, 1)
    assert search(case, "开枪")["total"] == 2
    assert _num_docs(case) == 8


def test_new_copy_of_an_indexed_blob_updates_paths_without_duplicates(builder):
    case = builder.case
    sync_index(case)
    sha = case.conn.execute("SELECT sha256 FROM items WHERE path = 'a.pdf'").fetchone()[0]
    builder.add("later/copy.pdf", sha=sha)
    assert sync_index(case) == 3
    assert _num_docs(case) == 6
    res = search(case, "开枪", path="later/*")
    assert [(h["path"], h["duplicates"]) for h in res["hits"]] == [("later/copy.pdf", 2)]
    assert search(case, "开枪")["hits"][0]["path"] == "a.pdf"


def test_reextraction_replaces_the_old_text(builder):
    case = builder.case
    sync_index(case)
    sha = case.conn.execute("SELECT sha256 FROM items WHERE path = 'a.pdf'").fetchone()[0]
    builder.extract(sha, pages=["换了内容"], version=2)
    assert sync_index(case) == 2
    assert search(case, "开枪")["total"] == 0
    assert search(case, "换了内容")["total"] == 1


def test_crash_after_index_commit_before_catalog_write_does_not_duplicate(builder, monkeypatch):
    case = builder.case

    def boom(conn, marks):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(indexer, "_mark_indexed", boom)
    with pytest.raises(KeyboardInterrupt):
        sync_index(case)
    assert _num_docs(case) == 6  # the documents were committed ...
    assert case.conn.execute("SELECT count(*) FROM search_indexed").fetchone()[0] == 0  # ... but not recorded
    monkeypatch.undo()
    assert sync_index(case) == 6  # added again, after deleting the first copies
    assert _num_docs(case) == 6
    assert search(case, "开枪")["total"] == 1
    assert sync_index(case) == 0


def test_crash_before_index_commit_loses_nothing(builder, monkeypatch):
    case = builder.case

    def boom(self, blob, parts, replace=True):
        raise RuntimeError("disk full")

    monkeypatch.setattr(TantivyEngine, "add_blob", boom)
    with pytest.raises(RuntimeError):
        sync_index(case)
    monkeypatch.undo()
    assert sync_index(case) == 6  # the writer lock was released and everything is indexed now
    assert search(case, "张伟")["total"] == 1


def test_rebuild_gives_the_same_index(builder):
    case = builder.case
    first = sync_index(case)
    before = search(case, "开枪 OR 张伟")
    assert rebuild_index(case) == first
    after = search(case, "开枪 OR 张伟")
    assert after["total"] == before["total"] and _num_docs(case) == first


def test_outdated_or_missing_index(builder, tmp_path):
    case = builder.case
    with pytest.raises(SearchError, match="unsealed reindex"):
        search(case, "开枪")
    sync_index(case)
    vfile = case.root / "index" / VERSION_FILE
    info = json.loads(vfile.read_text())
    info["version"] = -1
    vfile.write_text(json.dumps(info))
    with pytest.raises(SearchError, match="another version of unsealed: run 'unsealed reindex"):
        search(case, "开枪")
    assert sync_index(case) == 6  # sync rebuilds an outdated index by itself
    assert search(case, "开枪")["total"] == 1


def test_read_only_case_can_search_but_not_index(builder):
    sync_index(builder.case)
    ro = Case.open(builder.case.root, readonly=True)
    assert search(ro, "张伟")["total"] == 1
    with pytest.raises(SearchError, match="read-only"):
        sync_index(ro)


def test_long_page_is_chunked_and_phrases_across_chunks_are_found(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer.documents, "CHUNK_CHARS", 1000)
    monkeypatch.setattr(indexer.documents, "CHUNK_OVERLAP", 50)
    b = CaseBuilder(tmp_path / "case")
    text = "的" * 998 + "收押通知" + "了" * 2000 + "最后一句"  # 收押通知 spans the first chunk boundary
    b.add("long.txt", kind="text", pages=[text])
    assert sync_index(b.case) == 1 + 4
    hits = search(b.case, "收押通知")["hits"]
    assert len(hits) == 1 and "<mark>收押通知</mark>" in hits[0]["snippet"]
    hits = search(b.case, "最后一句")["hits"]
    assert len(hits) == 1 and hits[0]["snippet"].endswith("<mark>最后一句</mark>")


def test_blob_without_items_is_skipped(tmp_path):
    b = CaseBuilder(tmp_path / "case")
    sha = b.add("x.pdf", pages=["孤儿文件"])
    b.conn.execute("DELETE FROM items WHERE sha256 = ?", (sha,))
    assert sync_index(b.case) == 0
    assert search(b.case, "孤儿")["total"] == 0


def test_a_second_writer_gets_a_clear_error(builder):
    case = builder.case
    sync_index(case)
    other = TantivyEngine.open(case.root / "index")
    other.lock()
    try:
        with pytest.raises(SearchError, match="being updated by another unsealed process"):
            sync_index(case)
        with pytest.raises(SearchError, match="being updated by another unsealed process"):
            rebuild_index(case)
    finally:
        other.close()
    assert search(case, "开枪")["total"] == 1
    assert sync_index(case) == 0
