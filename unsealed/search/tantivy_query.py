"""Query trees of :mod:`unsealed.search.query` as ``tantivy.Query`` builders.

Built with tantivy's query constructors, never its query-parser syntax, so no
user input can produce a parse error. Field names are those of
:func:`unsealed.search.tantivy_engine.build_schema`.
"""

from __future__ import annotations

from collections.abc import Iterable

import tantivy

from unsealed.ingest.detect import KINDS
from unsealed.search import normalize, paths
from unsealed.search.engine import Filters, SearchError
from unsealed.search.query import All, And, Node, Not, Or, Path, Text, Type, plan_text

FAMILIES = sorted({fam for _, fam, _ in KINDS.values()})
STEM_BOOST = 0.5  # a match through the English stem only counts half
_Q = tantivy.Query
_MUST, _SHOULD, _MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


class QueryCompiler:
    """Translate query trees for one index schema (``stem``: whether it has the English stem field)."""

    def __init__(self, schema: tantivy.Schema, stem: bool = True):
        self.schema = schema
        self.stem = stem

    def compile(self, node: Node, filters: Filters | None = None) -> tantivy.Query:
        """The tantivy query for a query tree plus filters."""
        main = self._node(node)
        if main is None:
            main = _Q.empty_query() if not isinstance(node, All) else _Q.all_query()
        clauses = [(_MUST, main)]
        f = filters or Filters()
        if f.types:
            clauses.append((_MUST, self._type(f.types)))
        if f.path:
            clauses.append((_MUST, self._glob(f.path)))
        if f.day_from is not None or f.day_to is not None:
            rng = _Q.range_query(self.schema, "day", tantivy.FieldType.Integer, f.day_from, f.day_to)
            clauses.append((_MUST, _Q.const_score_query(rng, 0.0)))
        return main if len(clauses) == 1 else _Q.boolean_query(clauses)

    def _node(self, node: Node) -> tantivy.Query | None:
        if isinstance(node, All):
            return _Q.all_query()
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, Path):
            return self._path(node.value)
        if isinstance(node, Type):
            return self._type(node.values)
        if isinstance(node, Not):
            inner = self._node(node.item)
            if inner is None:
                return None
            return _Q.boolean_query([(_MUST, _Q.all_query()), (_MUST_NOT, inner)])
        if isinstance(node, And):
            must, must_not = [], []
            for item in node.items:
                if isinstance(item, Not):
                    q = self._node(item.item)
                    if q is not None:
                        must_not.append(q)
                else:
                    q = self._node(item)
                    if q is not None:
                        must.append(q)
            if not must and not must_not:
                return None
            if not must:
                must = [_Q.all_query()]
            if len(must) == 1 and not must_not:
                return must[0]
            return _Q.boolean_query([(_MUST, q) for q in must] + [(_MUST_NOT, q) for q in must_not])
        if isinstance(node, Or):
            qs = [q for q in (self._node(item) for item in node.items) if q is not None]
            if not qs:
                return None
            return qs[0] if len(qs) == 1 else _Q.boolean_query([(_SHOULD, q) for q in qs])
        raise TypeError(f"unknown query node {node!r}")

    def _text(self, node: Text, field: str = "body") -> tantivy.Query | None:
        terms = plan_text(node)
        if terms is None:
            return None
        toks = list(terms.tokens)
        if len(toks) > 1:
            if terms.prefix:
                return _Q.phrase_prefix_query(self.schema, field, toks)
            return _Q.phrase_query(self.schema, field, toks)
        exact = _Q.term_query(self.schema, field, toks[0])
        alts = [exact]
        if terms.prefix and field == "body" and normalize.is_id_like(toks[0]):
            alts.append(_Q.term_query(self.schema, "idpre", toks[0], index_option="basic"))
        elif terms.prefix:
            alts.append(_Q.regex_query(self.schema, field, _prefix_regex(toks[0])))
        if terms.stem and field == "body" and self.stem:
            stem = _Q.term_query(self.schema, "stem", terms.stem, index_option="freq")
            alts.append(_Q.boost_query(stem, STEM_BOOST))
        return exact if len(alts) == 1 else _Q.boolean_query([(_SHOULD, q) for q in alts])

    def _path(self, value: str) -> tantivy.Query | None:
        if paths.has_wildcards(value):
            return self._glob(value)
        q = self._text(Text(value, phrase=True), field="path")
        return None if q is None else _Q.const_score_query(q, 0.0)

    def _glob(self, glob: str) -> tantivy.Query:
        qs = []
        for pattern in paths.patterns(glob):
            try:
                qs.append(_Q.regex_query(self.schema, "pathkey", paths.glob_to_regex(pattern)))
            except ValueError as exc:
                raise SearchError(f"cannot use the path pattern {glob!r}: {exc}") from exc
        q = qs[0] if len(qs) == 1 else _Q.boolean_query([(_SHOULD, x) for x in qs])
        return _Q.const_score_query(q, 0.0)

    def _type(self, values: Iterable[str]) -> tantivy.Query:
        wanted = expand_types(values)
        qs = [_Q.term_set_query(self.schema, "family", sorted(wanted["family"])) if wanted["family"] else None,
              _Q.term_set_query(self.schema, "kind", sorted(wanted["kind"])) if wanted["kind"] else None]
        qs = [q for q in qs if q is not None]
        q = qs[0] if len(qs) == 1 else _Q.boolean_query([(_SHOULD, x) for x in qs])
        return _Q.const_score_query(q, 0.0)


def expand_types(values: Iterable[str]) -> dict[str, set[str]]:
    """Split type names into families and kinds; an unknown name is a :class:`SearchError`."""
    out: dict[str, set[str]] = {"family": set(), "kind": set()}
    for raw in values:
        for v in str(raw).replace("|", ",").split(","):
            v = v.strip().lower().lstrip(".")
            if not v:
                continue
            known = False
            if v in FAMILIES:
                out["family"].add(v)
                known = True
            if v in KINDS:
                out["kind"].add(v)
                known = True
            if not known:
                by_ext = {kind for kind, (_, _, exts) in KINDS.items() if "." + v in exts}
                out["kind"] |= by_ext  # 'jpg' means the kind 'jpeg'
                known = bool(by_ext)
            if not known:
                raise SearchError(f"unknown type {v!r}: use a family ({', '.join(FAMILIES)}) "
                                  f"or a kind such as docx, xlsx, jpeg")
    return out


def _prefix_regex(token: str) -> str:
    return "".join(f"\\x{{{ord(c):x}}}" if c.isascii() and not c.isalnum() else c for c in token) + ".*"
