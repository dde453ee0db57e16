"""Jinja2 templates (autoescape always on) and the few filters the pages need.

Everything read from the cache is text to be escaped; the only HTML a page takes from the
library is the search snippet's ``<mark>`` tags, and :func:`snippet` rebuilds it so that no
other tag can come through even if the snippet maker had a bug.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from unsealed.cli.output import human_bytes

TEMPLATES = Path(__file__).with_name("templates")
_MARK = re.compile(r"(</?mark>)")
MAX_HIGHLIGHT = 200_000  # characters of a page searched for matches to mark

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True
)


def snippet(text: str | None) -> Markup:
    """A search snippet with its ``<mark>`` highlights kept and everything else escaped."""
    out, inside = [], False
    for part in _MARK.split(text or ""):
        if part == "<mark>" and not inside:
            out.append("<mark>")
            inside = True
        elif part == "</mark>" and inside:
            out.append("</mark>")
            inside = False
        elif part not in ("<mark>", "</mark>"):
            out.append(str(escape(html.unescape(part))))
    if inside:
        out.append("</mark>")
    return Markup("".join(out))


def highlight(text: str | None, terms: list | None) -> Markup:
    """Page text escaped, with every match of the search ``terms`` marked (the index's own folding)."""
    text = text or ""
    if not terms:
        return Markup(escape(text))
    from unsealed.search.snippets import find

    out, at = [], 0
    for start, end in find(text[:MAX_HIGHLIGHT], terms):
        out.append(str(escape(text[at:start])) + "<mark>" + str(escape(text[start:end])) + "</mark>")
        at = end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def query_string(params: dict, **changes) -> str:
    """``?a=1&b=2`` from ``params`` with ``changes`` applied (None drops a key)."""
    merged = {**params, **changes}
    pairs = [(k, v) for k, v in merged.items() if v not in (None, "", False)]
    return "?" + urlencode(pairs) if pairs else "?"


def number(value) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


_env.filters.update(
    snippet=snippet,
    highlight=highlight,
    bytes=human_bytes,
    number=number,
    urlquote=lambda s: quote(str(s), safe=""),
)
_env.globals.update(query_string=query_string)


def render(template: str, **context) -> str:
    """Render a template to text."""
    return _env.get_template(template).render(**context)
