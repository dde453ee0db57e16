"""Prison terms (刑期) as written in the lists → a kind and a length in months.

Handles Arabic and Chinese numerals and the usual wordings: ``10年``, ``5年6个月``,
``5年零6个月``, ``一年零六个月``, ``1年6月``, ``18个月``, ``半年``, ``有期徒刑十年``,
``拘役六个月``, ``无期`` / ``无期徒刑`` (life), ``死缓`` / ``死刑缓期二年执行`` (suspended death),
``死刑`` (death). Anything else is ``unparsed`` and kept as written, never guessed.

Written here rather than taken from a numeral library (cn2an) because the terms need only
numbers below a thousand, and the sentence grammar around them is the real work.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

TERM, LIFE, DEATH_SUSPENDED, DEATH, NONE, UNPARSED = (
    "term", "life", "death_suspended", "death", "none", "unparsed")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+|半)"
_TERM = re.compile(
    rf"^(?:(?P<y>{_NUMBER})年(?:半)?)?(?:零)?(?:(?P<m>{_NUMBER})个?月)?$")
# Words around the term that say what kind of punishment it is, not how long.
_PREFIXES = ("有期徒刑", "判处", "判刑", "判", "拘役", "管制", "刑期", "劳动教养", "劳教", "期限", "为")
_SUFFIXES = ("有期徒刑", "徒刑", "拘役", "管制", "执行", "整")
_NONE_WORDS = {"无", "没有", "未判", "未判决", "待判", "待定", "不详", "无刑期", "免予刑事处罚", "免刑", "-", "—", "/",
               "0", "无期限"}


@dataclass(frozen=True, slots=True)
class Sentence:
    kind: str  # term | life | death_suspended | death | none | unparsed
    months: int | None  # for terms; None otherwise
    text: str  # as written

    @property
    def label(self) -> str:
        """A canonical wording: ``10年``, ``5年6个月``, ``8个月``, ``无期``, ``死缓``, ``死刑``, or the text."""
        if self.kind == TERM and self.months is not None:
            years, months = divmod(self.months, 12)
            return (f"{years}年" if years else "") + (f"{months}个月" if months or not years else "")
        return {LIFE: "无期", DEATH_SUSPENDED: "死缓", DEATH: "死刑", NONE: "无"}.get(self.kind, self.text)


def chinese_number(text: str) -> int | None:
    """An integer below 1000 written in Chinese numerals (十五, 二十, 一百零五) or digits; else None."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, None
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c] if current is None else current * 10 + _DIGITS[c]
        else:
            unit = 10 if c == "十" else 100
            total += (1 if current is None else current) * unit
            current = None
    return total + (current or 0)


def _amount(text: str | None) -> float | None:
    if text is None:
        return None
    if text == "半":
        return 0.5
    try:
        return float(text)
    except ValueError:
        n = chinese_number(text)
        return float(n) if n is not None else None


def parse_sentence(raw: object) -> Sentence | None:
    """The sentence a cell gives, or None for an empty cell."""
    return _parse("" if raw is None else str(raw))


@lru_cache(maxsize=8192)  # lists repeat a few wordings thousands of times
def _parse(text: str) -> Sentence | None:
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if not compact:
        return None
    if compact in _NONE_WORDS:
        return Sentence(NONE, None, text)
    if "无期" in compact:
        return Sentence(LIFE, None, text)
    if "死缓" in compact or "缓期" in compact and "死刑" in compact:
        return Sentence(DEATH_SUSPENDED, None, text)
    if "死刑" in compact:
        return Sentence(DEATH, None, text)
    core = compact
    for _ in range(3):  # strip stacked wordings such as 判处有期徒刑...整
        for p in _PREFIXES:
            core = core.removeprefix(p)
        for s in _SUFFIXES:
            core = core.removesuffix(s)
    core = core.replace("個", "个")
    m = _TERM.match(core)
    if not m or not (m.group("y") or m.group("m")):
        return Sentence(UNPARSED, None, text)
    years, months = _amount(m.group("y")), _amount(m.group("m"))
    if (m.group("y") and years is None) or (m.group("m") and months is None):
        return Sentence(UNPARSED, None, text)
    total = (years or 0) * 12 + (months or 0) + (6 if core.startswith(f"{m.group('y')}年半") else 0)
    if total != int(total) or total <= 0:
        return Sentence(UNPARSED, None, text)
    return Sentence(TERM, int(total), text)
