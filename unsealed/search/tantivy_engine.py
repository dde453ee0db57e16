"""The embedded search engine: a tantivy index in the case folder.

One tantivy document per part (page, table row, or the file itself). The text
field holds :func:`normalize.normalise`-folded text cut into tokens by
:mod:`unsealed.search.tokenize` (one Han character per token, phrase queries for
words); a second field holds English stems for Latin words. Nothing but ids and small facts is
stored: snippets are cut from the catalog's text.

Query trees are translated by :mod:`unsealed.search.tantivy_query`.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path as FsPath

import tantivy

from unsealed.search import analysis, normalize, tokenize
from unsealed.search import facets as facetmod
from unsealed.search.engine import (
    BlobInfo,
    Engine,
    Filters,
    Hit,
    IndexBusy,
    IndexMissing,
    IndexOutdated,
    Part,
    Result,
    SearchError,
)
from unsealed.search.query import Node
from unsealed.search.tantivy_query import QueryCompiler

VERSION_FILE = "unsealed-index.json"
FACET_CACHE = 256  # searches whose facet counts are kept (per process, until the index changes)


def build_schema(stem: bool = True) -> tantivy.Schema:
    """The index fields; ``stem=False`` leaves out the English stem field (for measuring what it costs)."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("sha", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("item", stored=True)
    sb.add_integer_field("dups", stored=True)
    sb.add_text_field("family", stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("kind", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("pathkey", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("path", tokenizer_name=tokenize.TOKENIZER, index_option="position")
    sb.add_text_field("folder", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("day", indexed=True, fast=True)
    sb.add_integer_field("page", stored=True)
    sb.add_text_field("source", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("sheet", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("row", stored=True)
    sb.add_integer_field("offset", stored=True)
    sb.add_text_field("body", tokenizer_name=tokenize.TOKENIZER, index_option="position")
    sb.add_text_field("idpre", tokenizer_name="whitespace", index_option="basic")  # normalize.id_prefixes
    if stem:
        sb.add_text_field("stem", tokenizer_name=tokenize.STEM_TOKENIZER, index_option="freq")
    return sb.build()


def _register(index: tantivy.Index) -> None:
    # tantivy does not persist custom tokenizers: register them on every open
    index.register_tokenizer(tokenize.TOKENIZER, tokenize.text_analyzer())
    index.register_tokenizer(tokenize.STEM_TOKENIZER, tokenize.stem_analyzer())


def _version_info() -> dict:
    return {"engine": "tantivy", "version": normalize.INDEX_VERSION, "tantivy": _tantivy_version()}


def _tantivy_version() -> str:
    try:
        from importlib.metadata import version

        return version("tantivy")
    except Exception:  # noqa: BLE001 - only informative
        return "unknown"


class TantivyEngine(Engine):
    """A tantivy index in one folder."""

    def __init__(self, folder: FsPath, index: tantivy.Index, heap_bytes: int = 128_000_000, threads: int = 0,
                 stem: bool = True):
        self.folder = folder
        self.stem = stem
        self.index = index
        self.schema = index.schema
        self.heap_bytes = heap_bytes
        self.threads = threads
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._generation = 0  # reloads so far: facets counted on an older searcher are not cached
        self._facet_cache: OrderedDict[tuple, dict] = OrderedDict()
        self._compiler = QueryCompiler(self.schema, stem)

    # -- opening -----------------------------------------------------------------------------------------

    @classmethod
    def create(cls, folder: FsPath, **kw) -> TantivyEngine:
        """A new empty index in ``folder`` (whatever was there is removed)."""
        folder = FsPath(folder)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        index = tantivy.Index(build_schema(kw.get("stem", True)), path=str(folder), reuse=False)
        _register(index)
        tmp = folder / (VERSION_FILE + ".tmp")
        tmp.write_text(json.dumps(_version_info()))
        os.replace(tmp, folder / VERSION_FILE)  # written last: its presence means the index is usable
        return cls(folder, index, **kw)

    @classmethod
    def open(cls, folder: FsPath, **kw) -> TantivyEngine:
        """The index in ``folder``; :class:`IndexMissing` / :class:`IndexOutdated` when it cannot be used."""
        folder = FsPath(folder)
        vfile = folder / VERSION_FILE
        if not vfile.exists():
            raise IndexMissing(f"there is no search index in {folder}")
        try:
            info = json.loads(vfile.read_text())
        except (OSError, ValueError) as exc:
            raise IndexOutdated(f"the search index in {folder} is damaged ({exc})") from exc
        if info.get("engine") != "tantivy" or info.get("version") != normalize.INDEX_VERSION:
            raise IndexOutdated(f"the search index in {folder} was built by another version of unsealed")
        try:
            index = tantivy.Index(build_schema(kw.get("stem", True)), path=str(folder), reuse=True)
        except (OSError, ValueError) as exc:
            raise IndexOutdated(f"the search index in {folder} cannot be opened ({exc})") from exc
        _register(index)
        return cls(folder, index, **kw)

    # -- writing -----------------------------------------------------------------------------------------

    def _w(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self.index.writer(heap_size=self.heap_bytes, num_threads=self.threads)
            except ValueError as exc:
                if "LockBusy" in str(exc):
                    raise IndexBusy("the search index is being updated by another unsealed process: "
                                    "try again when it has finished") from exc
                raise
        return self._writer

    def lock(self) -> None:
        self._w()

    def add_blob(self, blob: BlobInfo, parts: Iterable[Part], replace: bool = True) -> int:
        writer = self._w()
        if replace:
            writer.delete_documents_by_term("sha", blob.sha256)
        keys, tokens, folders = blob.analysed_paths or analysis.analyse_paths(blob.paths)
        shared: dict = {
            "sha": blob.sha256, "item": blob.item_id, "dups": blob.duplicates,
            "family": blob.family, "kind": blob.kind, "pathkey": keys, "path": tokens, "folder": folders,
        }
        if blob.day is not None:
            shared["day"] = blob.day
            shared["year"] = blob.day // 10000
        n = 0
        for part in parts:
            fields = dict(shared)
            body, words, ids = part.analysed or analysis.analyse(part.text)
            fields["body"] = body
            if self.stem and words:
                fields["stem"] = words
            if ids:
                fields["idpre"] = ids
            if part.page is not None:
                fields["page"] = part.page
                fields["source"] = part.source
            if part.sheet is not None:
                fields["sheet"] = part.sheet
                fields["row"] = part.row if part.row is not None else 0
            if part.offset:
                fields["offset"] = part.offset
            writer.add_document(tantivy.Document(**fields))
            n += 1
        return n

    def delete_blob(self, sha256: str) -> None:
        self._w().delete_documents_by_term("sha", sha256)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()

    def rollback(self) -> None:
        if self._writer is not None:
            self._writer.rollback()

    def close(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.wait_merging_threads()  # consumes the writer and releases the lock

    # -- searching ---------------------------------------------------------------------------------------

    def num_docs(self) -> int:
        return self._searcher()[0].num_docs

    def _searcher(self) -> tuple[tantivy.Searcher, int]:
        """A searcher on the latest commit (reloading only when a commit changed meta.json), and the
        generation it belongs to."""
        try:
            st = (self.folder / "meta.json").stat()
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp is None or stamp != self._stamp:
                self.index.reload()
                self._stamp = stamp
                self._generation += 1
                self._facet_cache.clear()
            return self.index.searcher(), self._generation

    def search(self, node: Node, filters: Filters, limit: int = 20, offset: int = 0,
               facets: bool = True) -> Result:
        query = self.compile(node, filters)
        searcher, generation = self._searcher()
        try:
            res = searcher.search(query, limit=limit, count=True, offset=offset)
        except ValueError as exc:
            raise SearchError(f"the search failed: {exc}") from exc
        hits = [self._hit(searcher, score, addr) for score, addr in res.hits]
        out = Result(total=res.count or 0, hits=hits)
        if facets:
            key = (node, filters.types, filters.path, filters.day_from, filters.day_to)
            out.facets = self._cached_facets(searcher, generation, query, key)
        return out

    def _cached_facets(self, searcher: tantivy.Searcher, generation: int, query: tantivy.Query, key: tuple
                       ) -> dict:
        # the next page of a search, or the same search by a colleague, counts the same facets: they are
        # kept per query until the index changes (counts from a searcher older than a reload are not kept)
        with self._lock:
            found = self._facet_cache.get(key)
            if found is not None:
                self._facet_cache.move_to_end(key)
        if found is None:
            found = self._facets(searcher, query)
            with self._lock:
                if generation == self._generation:
                    self._facet_cache[key] = found
                    while len(self._facet_cache) > FACET_CACHE:
                        self._facet_cache.popitem(last=False)
        return {name: dict(counts) for name, counts in found.items()}

    def _hit(self, searcher: tantivy.Searcher, score: float, addr) -> Hit:
        d = searcher.doc(addr).to_dict()

        def one(name, default=None):
            v = d.get(name)
            return v[0] if v else default

        page = one("page")
        return Hit(sha256=one("sha"), item_id=one("item"), duplicates=one("dups", 1), family=one("family"),
                   kind=one("kind"), score=float(score), page=page, source=one("source"),
                   sheet=one("sheet"), row=one("row"), offset=one("offset", 0))

    def _facets(self, searcher: tantivy.Searcher, query: tantivy.Query) -> dict[str, dict[str, int]]:
        spec = {name: {"terms": {"field": field, "size": size}} for name, (field, size) in facetmod.FACETS.items()}
        try:
            agg = searcher.aggregate(query, spec)
        except ValueError as exc:
            raise SearchError(f"counting facets failed: {exc}") from exc
        raw = {name: [(b["key"], b["doc_count"]) for b in agg.get(name, {}).get("buckets", [])]
               for name in facetmod.FACETS}
        return facetmod.shape(raw)

    # -- query translation -------------------------------------------------------------------------------

    def compile(self, node: Node, filters: Filters | None = None) -> tantivy.Query:
        """The tantivy query for a query tree plus filters."""
        return self._compiler.compile(node, filters)
