"""Facet counts shown beside the hits: file family, document year, top-level folder.

Facets count every matching document (page, row or file), not just the page of
hits shown. Engines compute them with their own aggregations over the fields
named here and hand back ``{facet: [(key, count), ...]}``.
"""

from __future__ import annotations

from collections.abc import Iterable

# facet name -> (index field, how many values at most)
FACETS: dict[str, tuple[str, int]] = {
    "type": ("family", 50),
    "year": ("year", 200),
    "folder": ("folder", 100),
}


def shape(raw: dict[str, Iterable[tuple[object, int]]]) -> dict[str, dict[str, int]]:
    """``{"type": {"pdf": 3, ...}, "year": {"2018": 5, ...}, "folder": {...}}`` by falling count."""
    out: dict[str, dict[str, int]] = {}
    for name in FACETS:
        pairs = []
        for key, count in raw.get(name, ()):
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            if count > 0:
                pairs.append((str(key), int(count)))
        pairs.sort(key=lambda kv: (-kv[1], kv[0]))
        out[name] = dict(pairs)
    return out
