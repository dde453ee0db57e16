"""Person names as lists write them: normalised for display, keyed for matching, spelled in pinyin.

Uyghur names written in Chinese are "given name · father's given name" and every file has
its own separator (· • . ・ ･ or a space). Chinese lists also pad two-character Han names
with a space to line them up ("王 芳"). Display form: separators become "·", padding goes.
Matching key: the characters only, no separator at all. Pinyin: pypinyin, toneless, joined.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from functools import lru_cache

SEP = "·"
# Separators between the parts of a transliterated name (after NFKC folding).
_SEPARATORS = "·•・‧∙⋅●.。-－_"
_SEP_RUN = re.compile("[" + re.escape(_SEPARATORS) + "]+")
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KEY_DROP = re.compile(r"[\s" + re.escape(_SEPARATORS) + r"'’`]+")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def normalise(raw: object) -> str:
    """The display form of a name: full-width folded, one "·" between parts, no padding spaces."""
    return _normalise("" if raw is None else str(raw))


@lru_cache(maxsize=65536)
def _normalise(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return ""
    if not has_cjk(text):
        return _SPACE.sub(" ", text)
    parts = [p for p in _SEP_RUN.split(text) if p.strip()]
    out: list[str] = []
    for part in parts:
        words = _SPACE.split(part.strip())
        # A space between Chinese words: padding when a side is one character ("王 芳"), else a separator.
        joined = words[0]
        for word in words[1:]:
            if len(word) == 1 or len(joined.split(SEP)[-1]) == 1:
                joined += word
            else:
                joined += SEP + word
        out.append(joined)
    return SEP.join(out)


def key(raw: object) -> str:
    """The matching key: characters only (no separators, spaces or case)."""
    return _key("" if raw is None else str(raw))


@lru_cache(maxsize=65536)
def _key(raw: str) -> str:
    return _KEY_DROP.sub("", normalise(raw)).lower()


@lru_cache(maxsize=65536)
def pinyin(name: str) -> str:
    """Toneless pinyin of a name, joined, ü written v: 买合买提·达吾提 → maihemaitidawuti."""
    if "pypinyin" not in sys.modules:
        # pypinyin's documented switches: skip its phrase dictionary (55 MB in memory) and the dict copy.
        # Names are read character by character anyway (transliterations are no phrases).
        os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
        os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import lazy_pinyin

    k = key(name)
    if not k:
        return ""
    return "".join(lazy_pinyin(k)).lower()


def query_key(text: str) -> str:
    """A search query folded like names and pinyin: full-width, tone marks and numbers, separators."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).lower())
    folded = folded.replace("u\u0308", "v").replace("u:", "v")  # ü (any tone) is written v in pinyin keys
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    if re.search(r"[a-z]", folded):
        folded = re.sub(r"[0-9]", "", folded)  # tone numbers: mai3 he2 mai3 ti2
    return _KEY_DROP.sub("", folded)


def parts(name: str) -> list[str]:
    """The parts of a normalised name (given name, father's given name, ...)."""
    return [p for p in normalise(name).split(SEP) if p]
