"""Index tokens: one Han character, a run of other letters/marks/digits, or one punctuation mark.

Text is folded by :func:`normalize.normalise` first. The tokens are cut here, in
Python, and handed to tantivy joined by single spaces, where its whitespace
tokenizer only splits them again. Cutting them with tantivy's own regex
tokenizer gives the same tokens but costs about 1 µs per token (a regex search
per token), which made indexing 1,000,000 documents of 300 characters take
over 4 minutes; Python's ``re.findall`` with one precompiled character class
does it in a fifth of the time. Tokenizing Chinese text into characters is not
something tantivy's bundled tokenizers offer, hence this module.

* a Han or kana character is a token of its own (Chinese words are found as
  phrases of consecutive characters);
* a run of other letters, combining marks and digits is one token (a Latin,
  Uyghur-Arabic or Cyrillic word, a number, an ID number with its ``x``);
* any other non-space character is a token of its own, so a phrase never
  matches across ``。``, ``,`` or a table-cell boundary; whitespace is skipped.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

import tantivy

from unsealed.search.normalize import HAN_CHAR, HAN_RANGES, LATIN_WORD, normalise

TOKENIZER = "unsealed_tokens"  # tantivy's whitespace tokenizer over pretokenize()d text
STEM_TOKENIZER = "unsealed_stem"


def _class_ranges(wanted: set[str], skip: re.Pattern) -> str:
    """A regex character-class body of every code point whose category starts with one of ``wanted``."""
    parts, start, prev = [], None, None
    for cp in range(sys.maxunicode + 1):
        if 0x40000 <= cp < 0xE0000 or cp >= 0xF0000:
            if start is None:
                continue
            ok = False  # unassigned planes and private use: nothing of interest
        else:
            ch = chr(cp)
            ok = unicodedata.category(ch)[0] in wanted and not skip.match(ch)
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            parts.append(_range(start, prev))
            start = None
        prev = cp
    if start is not None:
        parts.append(_range(start, prev))
    return "".join(parts)


def _range(a: int, b: int) -> str:
    return re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"


@lru_cache(maxsize=1)
def _word_class() -> str:
    # built once per process (about 0.2 s): Python's re has no \p{L}, so the class is listed explicitly
    return _class_ranges({"L", "M", "N"}, HAN_CHAR)


@lru_cache(maxsize=1)
def _token_re() -> re.Pattern:
    return re.compile(f"[{HAN_RANGES}]|[{_word_class()}]+|\\S")


@lru_cache(maxsize=1)
def _word_pair() -> re.Pattern:
    """Two word characters in a row: a position between them is inside a token."""
    return re.compile(f"[{_word_class()}]{{2}}")


@lru_cache(maxsize=1)
def _han_runs() -> re.Pattern:
    return re.compile(f"([{HAN_RANGES}]+)")


def pretokenize(folded: str) -> str:
    """The tokens of already-normalised text separated by spaces (what the index is given)."""
    # Same tokens as _token_re().findall, a third faster on Chinese: runs of Han characters are split
    # into characters by str.join instead of one regex match per character.
    pieces = _han_runs().split(folded)  # other text, Han run, other text, Han run, ...
    findall = _token_re().findall
    pieces[0::2] = [" ".join(findall(p)) if p else "" for p in pieces[0::2]]
    pieces[1::2] = [" ".join(p) for p in pieces[1::2]]
    return " ".join(pieces)


def tokens(text: str) -> list[str]:
    """The index tokens of ``text`` (normalised first)."""
    return _token_re().findall(normalise(text))


def tokens_at(folded: str, pos: int, n: int) -> list[tuple[str, int, int]] | None:
    """The ``n`` tokens of normalised text from ``pos`` on, with offsets; None unless a token starts at ``pos``
    (or fewer than ``n`` follow)."""
    if pos > 0 and _word_pair().match(folded, pos - 1):
        return None  # inside a word
    out = []
    for m in _token_re().finditer(folded, pos):
        if not out and m.start() != pos:
            return None  # whitespace at pos
        out.append((m.group(), m.start(), m.end()))
        if len(out) == n:
            return out
    return None


@lru_cache(maxsize=1)
def text_analyzer() -> tantivy.TextAnalyzer:
    """The analyzer of the main text field: splits :func:`pretokenize`'s output at the spaces."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


@lru_cache(maxsize=1)
def stem_analyzer() -> tantivy.TextAnalyzer:
    """The analyzer of the stemmed field: space-separated Latin words to English Snowball stems."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.stemmer("english")).build()


def latin_words(folded: str) -> str:
    """Only the Latin-script words of normalised text, space-separated: what the stem field is given."""
    return " ".join(LATIN_WORD.findall(folded))


def stem_spans(folded: str) -> dict[int, str]:
    """English stems of the Latin words of already-normalised text, keyed by start offset."""
    found = list(LATIN_WORD.finditer(folded))
    if not found:
        return {}
    stems = stem_analyzer().analyze(" ".join(m.group() for m in found))
    return {m.start(): s for m, s in zip(found, stems, strict=True)}


def stem(word: str) -> str | None:
    """The English stem of one normalised Latin word, or None for anything else."""
    if not LATIN_WORD.fullmatch(word):
        return None
    out = stem_analyzer().analyze(word)
    return out[0] if len(out) == 1 else None


def is_han(token: str) -> bool:
    """True for a single Han or kana character token."""
    return len(token) == 1 and HAN_CHAR.match(token) is not None


def is_punct(token: str) -> bool:
    """True for a punctuation/symbol token."""
    return len(token) == 1 and unicodedata.category(token)[0] not in "LMN"
