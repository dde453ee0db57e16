"""Facet counts are cached per search in a long-lived engine (the web server's) and must never
outlive the index they were counted on."""

from __future__ import annotations

from unsealed.search.engine import BlobInfo, Filters, Part
from unsealed.search.query import parse
from unsealed.search.tantivy_engine import TantivyEngine


def _add(engine: TantivyEngine, n: int, kind: str, family: str, text: str) -> None:
    engine.add_blob(BlobInfo(f"{n:064x}", n, 1, kind, family, [f"d/{n}.{kind}"]), [Part(text)])
    engine.commit()


def test_facets_follow_each_commit_and_paging_reuses_them(tmp_path):
    writer = TantivyEngine.create(tmp_path / "index")
    _add(writer, 1, "txt", "text", "收押 police")
    reader = TantivyEngine.open(tmp_path / "index")
    query = parse("收押")
    assert reader.search(query, Filters()).facets["type"] == {"text": 1}
    assert reader.search(query, Filters(), offset=20).facets["type"] == {"text": 1}
    assert len(reader._facet_cache) == 1  # the next page counted nothing again
    _add(writer, 2, "pdf", "pdf", "收押 report")
    assert reader.search(query, Filters()).facets["type"] == {"pdf": 1, "text": 1}
    assert reader.search(query, Filters(types=("pdf",))).facets["type"] == {"pdf": 1}  # filters are in the key


def test_counts_from_a_searcher_older_than_a_reload_are_not_kept(tmp_path):
    # a web thread counting facets on the old index while another thread already reloaded
    writer = TantivyEngine.create(tmp_path / "index")
    _add(writer, 1, "txt", "text", "police")
    reader = TantivyEngine.open(tmp_path / "index")
    query = parse("police")
    old_searcher, old_generation = reader._searcher()  # thread A, before the commit
    _add(writer, 2, "pdf", "pdf", "police")
    reader.search(parse("other"), Filters())  # thread B reloads the index
    key = (query, (), None, None, None)
    stale = reader._cached_facets(old_searcher, old_generation, reader.compile(query, Filters()), key)
    assert stale["type"] == {"text": 1}  # A shows what its searcher saw...
    assert reader.search(query, Filters()).facets["type"] == {"pdf": 1, "text": 1}  # ...but does not keep it
