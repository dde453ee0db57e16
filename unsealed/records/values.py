"""Cell values that have a canonical form: gender, ethnicity, family relation, plain text."""

from __future__ import annotations

import unicodedata

_GENDER = {
    "男": "male",
    "男性": "male",
    "m": "male",
    "male": "male",
    "man": "male",
    "1": "male",
    "女": "female",
    "女性": "female",
    "f": "female",
    "female": "female",
    "woman": "female",
    "2": "female",
}


def text(raw: object) -> str:
    """A cell's text folded (full-width) and with runs of spaces collapsed; '' for empty."""
    if raw is None:
        return ""
    t = str(raw)
    if not unicodedata.is_normalized("NFKC", t):
        t = unicodedata.normalize("NFKC", t)
    return " ".join(t.split())


def gender(raw: object) -> str | None:
    """'male' / 'female' for the ways a cell writes gender, else None."""
    return _GENDER.get(text(raw).lower().replace(" ", ""))


_ETHNICITY_SHORT = {
    "维吾尔": "维吾尔族",
    "维": "维吾尔族",
    "哈萨克": "哈萨克族",
    "哈": "哈萨克族",
    "汉": "汉族",
    "回": "回族",
    "柯尔克孜": "柯尔克孜族",
    "柯": "柯尔克孜族",
    "塔吉克": "塔吉克族",
    "乌孜别克": "乌孜别克族",
    "蒙古": "蒙古族",
    "锡伯": "锡伯族",
    "uyghur": "维吾尔族",
    "uighur": "维吾尔族",
    "kazakh": "哈萨克族",
    "han": "汉族",
    "hui": "回族",
    "kyrgyz": "柯尔克孜族",
}


def ethnicity(raw: object) -> str:
    """An ethnicity in its full Chinese form where known (维 / Uyghur → 维吾尔族); else as written."""
    t = text(raw).replace(" ", "")
    return _ETHNICITY_SHORT.get(t.lower(), t)


# What the related person is to the row's reference person.
RELATIONS = (
    "父亲",
    "母亲",
    "丈夫",
    "妻子",
    "儿子",
    "女儿",
    "哥哥",
    "弟弟",
    "姐姐",
    "妹妹",
    "祖父",
    "祖母",
    "外祖父",
    "外祖母",
    "孙子",
    "孙女",
    "外孙",
    "外孙女",
    "儿媳",
    "女婿",
    "公公",
    "婆婆",
    "岳父",
    "岳母",
    "兄弟",
    "姐妹",
    "配偶",
    "子女",
    "父母",
    "兄弟姐妹",
    "孙子女",
    "亲属",
    "本人",
)
_RELATION_WORDS = {
    "父": "父亲",
    "爸爸": "父亲",
    "父亲": "父亲",
    "生父": "父亲",
    "母": "母亲",
    "妈妈": "母亲",
    "母亲": "母亲",
    "生母": "母亲",
    "夫": "丈夫",
    "丈夫": "丈夫",
    "老公": "丈夫",
    "妻": "妻子",
    "妻子": "妻子",
    "老婆": "妻子",
    "子": "儿子",
    "儿子": "儿子",
    "长子": "儿子",
    "次子": "儿子",
    "三子": "儿子",
    "四子": "儿子",
    "养子": "儿子",
    "女": "女儿",
    "女儿": "女儿",
    "长女": "女儿",
    "次女": "女儿",
    "三女": "女儿",
    "四女": "女儿",
    "养女": "女儿",
    "兄": "哥哥",
    "哥哥": "哥哥",
    "哥": "哥哥",
    "弟": "弟弟",
    "弟弟": "弟弟",
    "姐": "姐姐",
    "姐姐": "姐姐",
    "妹": "妹妹",
    "妹妹": "妹妹",
    "配偶": "配偶",
    "爱人": "配偶",
    "兄弟": "兄弟",
    "姐妹": "姐妹",
    "本人": "本人",
    "户主": "本人",
    "self": "本人",
    "father": "父亲",
    "mother": "母亲",
    "husband": "丈夫",
    "wife": "妻子",
    "son": "儿子",
    "daughter": "女儿",
    "brother": "兄弟",
    "sister": "姐妹",
    "spouse": "配偶",
}


def relation(raw: object) -> str | None:
    """The canonical relation word (长子 → 儿子, 妻 → 妻子), the text if unknown, None if empty."""
    t = text(raw).replace(" ", "").lower()
    if not t:
        return None
    if t in _RELATION_WORDS:
        return _RELATION_WORDS[t]
    if t in RELATIONS:
        return t
    return t


# relation -> (what the reference person is to the related one if the reference is male, ... if female)
_INVERSE = {
    "父亲": ("儿子", "女儿"),
    "母亲": ("儿子", "女儿"),
    "儿子": ("父亲", "母亲"),
    "女儿": ("父亲", "母亲"),
    "丈夫": ("丈夫", "妻子"),
    "妻子": ("丈夫", "妻子"),
    "配偶": ("丈夫", "妻子"),
    "哥哥": ("弟弟", "妹妹"),
    "姐姐": ("弟弟", "妹妹"),
    "弟弟": ("哥哥", "姐姐"),
    "妹妹": ("哥哥", "姐姐"),
    "兄弟": ("兄弟", "姐妹"),
    "姐妹": ("兄弟", "姐妹"),
    "祖父": ("孙子", "孙女"),
    "祖母": ("孙子", "孙女"),
    "孙子": ("祖父", "祖母"),
    "孙女": ("祖父", "祖母"),
    "外祖父": ("外孙", "外孙女"),
    "外祖母": ("外孙", "外孙女"),
    "外孙": ("外祖父", "外祖母"),
    "外孙女": ("外祖父", "外祖母"),
    "儿媳": ("公公", "婆婆"),
    "女婿": ("岳父", "岳母"),
    "公公": ("儿子", "儿媳"),
    "婆婆": ("儿子", "儿媳"),
    "岳父": ("女婿", "女儿"),
    "岳母": ("女婿", "女儿"),
}
_INVERSE_UNKNOWN_GENDER = {
    "父亲": "子女",
    "母亲": "子女",
    "儿子": "父母",
    "女儿": "父母",
    "丈夫": "配偶",
    "妻子": "配偶",
    "配偶": "配偶",
    "哥哥": "兄弟姐妹",
    "姐姐": "兄弟姐妹",
    "弟弟": "兄弟姐妹",
    "妹妹": "兄弟姐妹",
    "兄弟": "兄弟姐妹",
    "姐妹": "兄弟姐妹",
    "祖父": "孙子女",
    "祖母": "孙子女",
    "孙子": "祖父母",
    "孙女": "祖父母",
}


def inverse(rel: str, gender_of_reference: str | None) -> str:
    """If B is A's ``rel``, what A is to B, given A's gender ('male'/'female'/None): 父亲 + male → 儿子."""
    pair = _INVERSE.get(rel)
    if pair is None:
        return f"{rel}的亲属" if rel not in ("亲属", "本人") else "亲属"
    if gender_of_reference == "male":
        return pair[0]
    if gender_of_reference == "female":
        return pair[1]
    return _INVERSE_UNKNOWN_GENDER.get(rel, "亲属")


def specific(rel: str, gender_of_related: str | None) -> str:
    """A gender-neutral relation made specific by the related person's gender (配偶 + female → 妻子)."""
    if gender_of_related not in ("male", "female"):
        return rel
    male = gender_of_related == "male"
    table = {
        "配偶": ("丈夫", "妻子"),
        "子女": ("儿子", "女儿"),
        "父母": ("父亲", "母亲"),
        "孙子女": ("孙子", "孙女"),
    }
    if rel in table:
        return table[rel][0 if male else 1]
    return rel
