"""Invented names: Uyghur names written in Chinese, and Han names for staff.

Uyghur names in Chinese are "given name · father's given name". Given names are
built from syllables of common names and joined at random, so no real person's
full name is reproduced on purpose (short common names can of course collide
with real ones, as they do in life).
"""

from __future__ import annotations

import random

SEP = "·"  # the canonical separator used in truth.json
# How spreadsheets write it; the first two are the only ones GBK can encode.
SEPARATORS = ("·", ".", "•", "・")
GBK_SEPARATORS = ("·", ".")

MALE_WHOLE = ("艾力", "吐尔逊", "买合买提", "阿不都", "艾买提", "亚森", "吾斯曼", "卡德尔", "肉孜", "托合提")
MALE_HEADS = (
    "阿不都", "买买", "艾", "吐尔", "玉素", "热合", "努尔", "伊力", "亚", "阿布",
    "麦麦", "吾斯", "依明", "卡德", "托合", "肉孜", "阿力", "米吉", "塔依", "阿卜",
)
MALE_TAILS = (
    "提", "力", "逊", "曼", "江", "买提", "热合曼", "艾力", "尔", "甫",
    "孜", "拉", "克", "木", "尼亚孜", "吾甫", "都", "克力木",
)
FEMALE_WHOLE = ("阿依古丽", "古丽", "帕提古丽", "热依拉", "阿米娜", "祖丽菲亚", "努尔古丽", "再娜甫")
FEMALE_HEADS = (
    "阿依", "古丽", "帕提", "热依", "布", "努尔", "米热", "再", "阿米", "玛依",
    "祖", "萨", "海", "阿瓦", "茹", "迪丽",
)
FEMALE_TAILS = (
    "古丽", "汗", "娜", "尼沙", "沙", "拉", "曼", "努尔", "热", "提古丽", "巴努", "罕", "娜尔",
)

HAN_SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
    "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
)
HAN_MALE = ("建", "国", "军", "华", "平", "明", "伟", "强", "磊", "勇", "杰", "涛", "斌", "鹏", "辉", "刚", "超", "新")
HAN_FEMALE = ("丽", "娟", "芳", "敏", "静", "燕", "红", "霞", "玲", "梅", "婷", "雪", "萍", "琳")

# Invented outside reviewers whose names leak into author metadata (a check the tool must catch).
REVIEWERS = ("Clara Vossberg", "M. Lindqvist (review)", "Jonas Brekke", "review-team-07")


def given_name(rng: random.Random, gender: str) -> str:
    """An invented Uyghur given name written in Chinese; gender is '男' or '女'."""
    if gender == "男":
        whole, heads, tails = MALE_WHOLE, MALE_HEADS, MALE_TAILS
    else:
        whole, heads, tails = FEMALE_WHOLE, FEMALE_HEADS, FEMALE_TAILS
    if rng.random() < 0.3:
        return rng.choice(whole)
    head, tail = rng.choice(heads), rng.choice(tails)
    if head.endswith(tail) or tail.startswith(head):
        return head + rng.choice(tails[:3])
    if head[-1] == tail[0]:  # 买买 + 买提 -> 买买提, not 买买买提
        return head + tail[1:]
    return head + tail


def uyghur_name(given: str, father_given: str) -> str:
    """The full name: given name, separator, father's given name."""
    return f"{given}{SEP}{father_given}"


def written(name: str, separator: str) -> str:
    """A name as a particular file writes it (with its own separator)."""
    return name.replace(SEP, separator)


def han_name(rng: random.Random, gender: str) -> str:
    """An invented Han name of two or three characters."""
    pool = HAN_MALE if gender == "男" else HAN_FEMALE
    return rng.choice(HAN_SURNAMES) + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))
