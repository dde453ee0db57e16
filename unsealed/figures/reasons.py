"""Detention reasons: the many wordings of one reason grouped under one label, the wordings kept.

Lists write the same reason in several ways (``宗教极端``, ``宗教极端思想``, ``受宗教极端思想影响``).
A wording is first folded (NFKC, no spaces or punctuation); it joins the first group below whose
every keyword it contains. A wording no rule knows becomes its own group, under its folded form,
so nothing is lost or forced into a group it does not belong to. Rules are ordered from the
most specific to the most general; each names the reasons recorded in the Xinjiang Police Files
and the Karakax List.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# (group label, alternatives: each a tuple of keywords that must all occur)
RULES: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("非法持有宗教宣传品", (("宗教", "宣传品"), ("宗教", "音视频"), ("宗教", "书籍"), ("宗教", "物品"))),
    ("非法宗教活动", (("非法宗教",), ("宗教活动",), ("私办经文",), ("经文学校",), ("讲经",))),
    ("宗教极端", (("宗教极端",), ("极端思想",), ("极端宗教",), ("极端化",))),
    ("去过26个敏感国家", (("26", "国"), ("二十六", "国"), ("敏感国家",), ("重点国家",))),
    ("非法出境", (("非法出境",), ("偷越国境",), ("出境",))),
    ("使用翻墙软件", (("翻墙",), ("vpn",), ("境外软件",), ("暴恐软件",))),
    ("使用境外通讯软件", (("whatsapp",), ("快牙",), ("境外通讯",))),
    ("暴力恐怖", (("暴恐",), ("恐怖",))),
    ("民族分裂", (("分裂",),)),
    ("扰乱社会秩序", (("扰乱", "秩序"), ("聚众",), ("寻衅滋事",))),
    ("不放心人员", (("不放心",),)),
    ("两面人", (("两面",),)),
    ("有亲属在押", (("亲属", "在押"), ("家属", "在押"), ("亲属", "被判"))),
)
_PUNCT = re.compile(r"[\s\u3000、，,。.;；:：!！?？\"'“”‘’()（）\[\]【】《》<>·•・_\-—/\\]+")


def fold(wording: str) -> str:
    """The comparable form of a wording: NFKC, lower case, no spaces or punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", wording or "")).lower()


@lru_cache(maxsize=8192)  # lists repeat a few wordings thousands of times
def group_of(wording: str) -> str | None:
    """The group a wording belongs to (its folded form when no rule knows it); None when empty."""
    folded = fold(wording)
    if not folded:
        return None
    for label, alternatives in RULES:
        if any(all(k in folded for k in keys) for keys in alternatives):
            return label
    return folded
