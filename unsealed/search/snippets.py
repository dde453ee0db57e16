"""Snippets: a short stretch of a hit's original text with the matches marked.

The output is HTML-safe: the text is escaped and each match is wrapped in
``<mark>…</mark>``. Matches are found with the index's own folding and tokens
(:mod:`unsealed.search.normalize`), then mapped back to the original
characters, so ``阿依古丽吐尔逊`` marks ``阿依古丽·吐尔逊`` and ``１２３`` marks
``１２３``. Written here because tantivy's snippet generator needs the text
stored in the index (doubling its size) and marks phrase words one by one.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re

from unsealed.search import normalize, tokenize
from unsealed.search.query import Terms

WIDTH = 240  # characters of original text shown
LEAD = 60  # characters shown before the first match
SCAN_CHARS = 4_000  # text examined first for matches (around the first likely one in longer texts)
MAX_MATCHES = 100  # matches per term a snippet chooses its window among
_SPACES = re.compile(r"\s+")


def make(text: str, terms: list[Terms], width: int = WIDTH) -> str:
    """The best stretch of ``text`` (about ``width`` characters) as HTML with ``<mark>`` around matches."""
    if not text:
        return ""
    spans = []
    if len(text) > SCAN_CHARS:
        base = max(0, _locate(text, terms) - SCAN_CHARS // 2)
        spans = [(a + base, b + base) for a, b in find(text[base:base + SCAN_CHARS], terms, MAX_MATCHES)]
    if not spans:  # a short text, or the raw-text guess missed (folding, separators, a prefix inside a word)
        spans = find(text, terms, MAX_MATCHES)
    start = _window(spans, width, len(text))
    end = min(len(text), start + width)
    inside = [(max(a, start), min(b, end)) for a, b in spans if b > start and a < end]
    return _render(text, start, end, _merge(inside))


def find(text: str, terms: list[Terms], limit: int | None = None) -> list[tuple[int, int]]:
    """Character spans of ``text`` matching any of ``terms``, in order (the first ``limit`` per term)."""
    if not terms or not text:
        return []
    folded, starts, ends = normalize.normalise_with_map(text)
    stems = tokenize.stem_spans(folded) if any(t.stem for t in terms) else {}
    spans = []
    for term in terms:
        for a, b in itertools.islice(_occurrences(folded, term, stems), limit):
            if a < len(starts) and 0 < b <= len(ends):
                spans.append((starts[a], ends[b - 1]))
    return _merge(spans)


def _occurrences(folded: str, term: Terms, stems: dict[int, str]):
    """(start, end) in normalised text of each match of one term.

    Only where the term's first token occurs as a substring (or a word with the
    term's stem starts) is the text cut into tokens, a few at a time: a page is
    not tokenized whole for every hit shown.
    """
    first, n = term.tokens[0], len(term.tokens)
    candidates = _substrings(folded, first)
    if n == 1 and term.stem:
        candidates = sorted(set(candidates) | {o for o, s in stems.items() if s == term.stem})
    for pos in candidates:
        toks = tokenize.tokens_at(folded, pos, n)
        if toks is not None and _match_at(toks, stems, term):
            yield toks[0][1], toks[-1][2]


def _substrings(text: str, needle: str):
    pos = text.find(needle)
    while pos >= 0:
        yield pos
        pos = text.find(needle, pos + 1)


def _match_at(toks: list[tuple[str, int, int]], stems: dict[int, str], terms: Terms) -> bool:
    want = terms.tokens
    last = len(want) - 1
    for k in range(last):
        if toks[k][0] != want[k]:
            return False
    word, start, _ = toks[last]
    if word == want[last]:
        return True
    if terms.prefix and word.startswith(want[last]):
        return True
    return terms.stem is not None and stems.get(start) == terms.stem


def _locate(text: str, terms: list[Terms]) -> int:
    """Roughly where the first match of a long text is: a case-insensitive search of the raw text,
    Chinese words and names allowed spaces, line breaks and name separators between characters."""
    low = text.lower()
    best = None
    for t in terms:
        if all(tokenize.is_han(x) for x in t.tokens):
            found = re.search(normalize.BETWEEN_HAN.join(map(re.escape, t.tokens)), text)
            pos = found.start() if found else -1
        else:
            pos = low.find(t.tokens[0])
        if pos < 0 and t.stem:
            pos = low.find(t.stem)
        if pos >= 0 and (best is None or pos < best):
            best = pos
    return best or 0


def _window(spans: list[tuple[int, int]], width: int, length: int) -> int:
    """Start of the window holding the most matches (the earliest such)."""
    if not spans:
        return 0
    firsts = [a for a, _ in spans]  # spans are merged: sorted and disjoint, so their ends are sorted too
    lasts = [b for _, b in spans]
    best_start, best_count = 0, -1
    for a in firsts[:200]:
        start = max(0, a - LEAD)
        count = bisect.bisect_right(lasts, start + width) - bisect.bisect_left(firsts, start)
        if count > best_count:
            best_start, best_count = start, count
    if best_start + width > length:  # show a full window at the end of the text
        best_start = max(0, min(best_start, length - width))
    return best_start


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif b > a:
            out.append((a, b))
    return out


def _plain(text: str) -> str:
    return html.escape(_SPACES.sub(" ", text))


def _render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    parts = ["…" if start > 0 else ""]
    pos = start
    for a, b in spans:
        parts.append(_plain(text[pos:a]))
        parts.append("<mark>" + _plain(text[a:b]) + "</mark>")
        pos = b
    parts.append(_plain(text[pos:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts).strip()
