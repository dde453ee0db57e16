"""Text folding shared by the indexer, the query side and the snippets.

Everything that is indexed and everything that is searched for goes through
:func:`normalise` and then :mod:`unsealed.search.tokenize`, so a query can only
match what the index holds. The folding is written here because no library does
this particular combination: NFKC (full-width/half-width forms, Arabic
presentation forms, ligatures), removal of Arabic diacritics/tatweel and
invisible format characters, Arabic-Indic digits to ASCII, case folding, and
removal of the name separators (``阿依古丽·吐尔逊``) between Han characters.
"""

from __future__ import annotations

import re
import unicodedata

# Bump when the folding, the tokens or the index schema change: the index is then rebuilt.
INDEX_VERSION = 3


# Characters deleted outright.
_DELETE = (
    [0x00AD, 0x061C, 0x0640, 0x0670, 0x180E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF]
    + list(range(0x200B, 0x2010))  # zero-width space/joiners, LRM/RLM
    + list(range(0x202A, 0x202F))  # bidi embeddings
    + list(range(0x2066, 0x206A))  # bidi isolates
    + list(range(0x0610, 0x061B))  # Arabic honorific signs
    + list(range(0x064B, 0x0660))  # harakat (fatha, kasra, shadda, sukun, hamza above/below ...)
    + list(range(0x06D6, 0x06DD))  # Quranic annotation marks
    + list(range(0x06DF, 0x06E5))
    + [0x06E7, 0x06E8]
    + list(range(0x06EA, 0x06EE))
)
_FOLD = {cp: None for cp in _DELETE}
_FOLD.update({0x0660 + d: ord("0") + d for d in range(10)})  # Arabic-Indic digits
_FOLD.update({0x06F0 + d: ord("0") + d for d in range(10)})  # Extended Arabic-Indic (Persian/Uyghur) digits
_FOLD.update({cp: " " for cp in range(0x00, 0x20) if chr(cp) not in "\t\n\r"})  # control characters
_FOLD.update({0x7F: " "})

# Han and kana (without the katakana middle dot U+30FB, which is itself a separator).
HAN_RANGES = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3041-\u3096\u30a1-\u30fa\u30fc-\u30ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
# Name separators: · • . ・ ‧ ･ ∙ ⋅ ⸱ ㆍ and the Greek ano teleia (NFKC turns ． ﹒ ․ into '.' and ･ into ・).
_SEPARATORS = "\u00b7\u2022.\u30fb\u2027\uff65\u2219\u22c5\u2e31\u318d\u0387"
# What may stand between two characters of a Chinese word or name in raw text: spaces, line breaks, separators.
BETWEEN_HAN = rf"[\s{_SEPARATORS}]*"
_SEP_RUN = re.compile(rf"\s*[{_SEPARATORS}](?:\s*[{_SEPARATORS}])*\s*")
HAN_CHAR = re.compile(rf"[{HAN_RANGES}]")
_LATIN = "a-z\u00aa\u00ba\u00df-\u00f6\u00f8-\u024f\u1e00-\u1eff"
LATIN_WORD = re.compile(f"[{_LATIN}]+")
# An ID number or other long number: matched by prefix as well as whole.
AUTO_PREFIX_DIGITS = 6
_ID_LIKE = re.compile(rf"[0-9]{{{AUTO_PREFIX_DIGITS},}}x?")
MAX_ID_CHARS = 24  # longer digit runs get no prefix terms (they are not ID numbers)


_NEEDS_FOLD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")
_MAY_SEPARATE = re.compile(f"[{_SEPARATORS}]")


def _name_separators(text: str) -> list[tuple[int, int]]:
    """Spans of separator runs (with surrounding spaces) that stand between two Han characters."""
    spans = []
    han = HAN_CHAR.match
    for m in _SEP_RUN.finditer(text):
        a, b = m.span()
        if a > 0 and b < len(text) and han(text, a - 1) and han(text, b):
            spans.append((a, b))
    return spans


def _drop(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for a, b in spans:
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    return "".join(out)


_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _half(m: re.Match) -> str:
    ch = m.group()
    return " " if ch == "\u3000" else chr(ord(ch) - 0xFEE0)


def normalise(text: str) -> str:
    """Fold ``text`` for indexing and searching (same function for both sides)."""
    if text.isascii():  # paths, English, numbers: NFKC leaves ASCII alone and there is no Han to join
        return (text.translate(_FOLD) if _NEEDS_FOLD.search(text) else text).lower()
    if not unicodedata.is_normalized("NFKC", text):
        # Chinese text is rarely NFKC only because of its full-width punctuation (，：（）): folding those
        # first (exactly as NFKC does) is 5x cheaper than a full NFKC pass, which then is rarely needed
        text = _FULL_WIDTH.sub(_half, text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    if _NEEDS_FOLD.search(text):  # the checks are cheaper than the work they usually avoid
        text = text.translate(_FOLD)
    text = text.casefold()
    if _MAY_SEPARATE.search(text):
        spans = _name_separators(text)
        if spans:
            return _drop(text, spans)
    return text


_PIECES: dict[str, str] = {}
# Characters that fold to exactly one character whatever surrounds them (unless a combining mark follows):
# ASCII, CJK punctuation and ideographs (unchanged but for lower-casing), full-width forms and the
# ideographic space (to their ASCII twins). Most of a Chinese or English text is folded a run at a time.
_PLAIN_RUN = re.compile("[\t\n\r\x20-\x7e\u3000-\u3029\u3030-\u3035\u303b-\u303f\u3400-\u4dbf"
                        "\u4e00-\u9fff\uff01-\uff5e]+")


def _fold_piece(piece: str) -> str:
    folded = _PIECES.get(piece)
    if folded is None:
        folded = unicodedata.normalize("NFKC", piece).translate(_FOLD).casefold()
        if len(_PIECES) < 200_000:
            _PIECES[piece] = folded
    return folded


def normalise_with_map(text: str) -> tuple[str, list[int], list[int]]:
    """Like :func:`normalise`, also returning for each output character the span it came from.

    Works one base character (with its combining marks) at a time, or a run of
    plain ASCII and Han characters at once, so the result equals :func:`normalise`
    except for rare compositions across such clusters.
    Used for snippets only, where a few characters of drift are harmless.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    combining = unicodedata.combining
    plain = _PLAIN_RUN.match
    i, n = 0, len(text)
    while i < n:
        m = plain(text, i)
        if m is not None:
            j = m.end()
            if j < n and combining(text[j]):
                j -= 1  # the run's last character goes with the marks that follow it
            if j > i:  # a run of characters that fold one to one, on their own: in bulk
                run = text[i:j]
                if not run.isascii():
                    run = _FULL_WIDTH.sub(_half, run)
                out.append(run.lower())
                starts.extend(range(i, j))
                ends.extend(range(i + 1, j + 1))
                i = j
                continue
        j = i + 1
        while j < n and combining(text[j]):
            j += 1
        piece = _fold_piece(text[i:j])
        for ch in piece:
            out.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    folded = "".join(out)
    drop = _name_separators(folded)
    if not drop:
        return folded, starts, ends
    keep_text: list[str] = []
    keep_s: list[int] = []
    keep_e: list[int] = []
    pos = 0
    for a, b in [*drop, (len(folded), len(folded))]:
        keep_text.append(folded[pos:a])
        keep_s.extend(starts[pos:a])
        keep_e.extend(ends[pos:a])
        pos = b
    return "".join(keep_text), keep_s, keep_e


def id_prefixes(folded: str) -> str:
    """Every prefix (6 digits or more) of every ID-like token of normalised text, space-separated.

    Indexed in a field of their own so that ``653121`` finds all 653121… IDs with
    one term lookup instead of expanding a prefix over every distinct ID number.
    """
    out: list[str] = []
    for m in _ID_LIKE.finditer(folded):
        a, b = m.span()
        if (a > 0 and _glued(folded[a - 1])) or (b < len(folded) and _glued(folded[b])):
            continue  # part of a longer word, as the tokenizer sees it
        token = m.group()
        if len(token) <= MAX_ID_CHARS:
            out.extend(token[:k] for k in range(AUTO_PREFIX_DIGITS, len(token) + 1))
    return " ".join(out)


def _glued(ch: str) -> bool:
    return (ch.isalnum() or unicodedata.category(ch)[0] == "M") and not HAN_CHAR.match(ch)


def is_id_like(token: str) -> bool:
    """True for a token that looks like (the start of) an ID number: matched by prefix too."""
    return _ID_LIKE.fullmatch(token) is not None
