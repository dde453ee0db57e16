"""The site's people search index: one small JavaScript file that assigns a global.

Why not a static-search package: Pagefind 1.5 (the best kept one, on PyPI as ``pagefind[bin]``)
was tried on a published site: it builds offline and finds Chinese names over HTTP, but from
file:// Chromium refuses its dynamic import() of pagefind.js ("Failed to resolve module specifier
... import() is called from a CORS-cross-origin script"), so a site opened from a USB stick would
have no search. Lunr/MiniSearch-style indexes are JSON fetched the same way, or several times
larger than the data. A person search needs only substring and prefix matching over
three short strings per person, so the index is the data itself: one line per person,
``pid<TAB>name<TAB>pinyin<TAB>id<TAB>flags``, in a JS string (about 70 bytes a person, 1.4 MB for
20,000), scanned linearly by ``static/search.js`` (a few milliseconds for 20,000 in Chromium).

Only already-redacted values go in: the masked ID (its first 10 characters when masked), and no
name or pinyin when names are withheld.
"""

from __future__ import annotations

import json
from pathlib import Path

from unsealed.publish.collect import PublicPerson

GLOBAL = "UNSEALED_SEARCH"


def _clean(value: str) -> str:
    return value.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def build_index(people: list[PublicPerson], masked: bool) -> dict:
    """The index as a JSON-ready dict."""
    lines = []
    for p in people:
        flags = ("d" if p.detained else "") + ("m" if p.minor else "") + ("s" if p.staff else "") + (
            "p" if p.photos else "")
        lines.append("\t".join(_clean(x) for x in (p.pid, p.name, p.pinyin, p.id_shown, flags)))
    return {"v": 1, "masked": masked, "count": len(lines), "people": "\n".join(lines)}


def write_index(people: list[PublicPerson], out: Path, masked: bool) -> int:
    """Write ``search-index.js``; returns its size in bytes."""
    data = json.dumps(build_index(people, masked), ensure_ascii=False, separators=(",", ":"))
    # Safe inside a <script> and in every JS engine: no "</", no raw line or paragraph separators.
    data = data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    text = f"window.{GLOBAL}={data};\n"
    out.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
