import unicodedata

import pytest

from unsealed.search import normalize as N
from unsealed.search import tokenize as T


def presentation_forms(text: str, form: str = "<isolated>") -> str:
    """Rewrite Arabic letters with their presentation-form code points (as legacy Uyghur fonts stored them)."""
    table = {}
    for cp in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFF00)):
        dec = unicodedata.decomposition(chr(cp))
        if dec.startswith(form) and len(dec.split()) == 2:
            table.setdefault(chr(int(dec.split()[1], 16)), chr(cp))
    return "".join(table.get(ch, ch) for ch in text)


def test_full_and_half_width_fold_to_ascii_lowercase():
    assert N.normalise("ＡＢＣ１２３") == "abc123"
    assert N.normalise("ﾃｽﾄ") == "テスト"
    assert T.tokens("ＩＤ：６５３１２１") == ["id", ":", "653121"]


def test_arabic_presentation_forms_fold_to_base_letters():
    word = "ئادەم"
    pf = presentation_forms(word)
    assert sum(0xFB50 <= ord(c) <= 0xFEFF for c in pf) >= 4  # U+06D5 has no presentation form
    assert N.normalise(pf) == N.normalise(word)


def test_tatweel_diacritics_and_invisible_marks_are_removed():
    assert N.normalise("كـــتاب") == "كتاب"
    assert N.normalise("كِتَابٌ") == "كتاب"
    assert N.normalise("ئۇي\u200cغۇر") == "ئۇيغۇر"
    assert N.normalise("ab\u00adc\u200b") == "abc"


def test_arabic_indic_digits_become_ascii():
    assert N.normalise("٦٥٣١٢١") == "653121"
    assert N.normalise("۶۵۳۱۲۱") == "653121"


@pytest.mark.parametrize("sep", ["·", "•", ".", "・", "‧", "･", "", " · ", "．", "∙"])
def test_name_separators_between_han_are_removed(sep):
    assert N.normalise(f"阿依古丽{sep}吐尔逊") == "阿依古丽吐尔逊"


def test_separators_elsewhere_are_kept():
    assert N.normalise("v1.2 a·b") == "v1.2 a·b"
    assert N.normalise("结束。开始") == "结束。开始"


def test_tokens_one_han_character_each_words_and_ids_whole():
    assert T.tokens("开枪 Police") == ["开", "枪", "police"]
    assert T.tokens("身份证号65312119900101123X") == ["身", "份", "证", "号", "65312119900101123x"]
    assert T.tokens("开，枪") == ["开", ",", "枪"]  # punctuation is a token: phrases do not cross it
    assert T.tokens("ھەممە ئادەم") == ["ھەممە", "ئادەم"]


def test_stem_only_for_latin_words():
    assert T.stem("policing") == T.stem("police") == "polic"
    assert T.stem("开") is None
    assert T.stem("ئادەم") is None


def test_normalise_with_map_agrees_with_normalise_and_maps_back():
    text = "ＡＢＣ 阿依古丽·吐尔逊 كـتَاب ﺟْﻮ e\u0301 ß"
    folded, starts, ends = N.normalise_with_map(text)
    assert folded == N.normalise(text)
    assert len(starts) == len(ends) == len(folded)
    i = folded.index("吐")
    assert text[starts[i]:ends[i]] == "吐"
    j = folded.index("abc")
    assert text[starts[j]:ends[j + 2]] == "ＡＢＣ"


def test_id_prefixes_for_fast_prefix_search():
    folded = N.normalise("身份证号65312119900101123X，编号ID6531211990 与 653121")
    prefixes = N.id_prefixes(folded).split()
    assert prefixes[:2] == ["653121", "6531211"] and "65312119900101123x" in prefixes
    assert "6531211990" in prefixes  # from the full ID, not from the glued "id6531211990"
    assert prefixes.count("653121") == 2  # the ID's prefix and the bare 653121
    assert N.id_prefixes("12345 2018") == ""


def test_normalise_with_map_on_random_mixed_text_agrees_and_maps_each_character_to_its_source():
    import random

    pool = list("abcXYZ019 .,-_/\n\t") + list("中文阿依古丽吐尔逊开枪") + list("ＡＺ１２，。（）\u3000") + [
        "\u00b7", "\u2022", "\u30fb", "\u0301", "\u0308", "ß", "ﬁ", "\ufe8f", "\ufed9", "\u0640", "\u064e",
        "\u200b", "\u00ad", "İ", "Σ", "\u06f3", "\x07", "\x7f"]
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 60)))
        folded, starts, ends = N.normalise_with_map(text)
        assert folded == N.normalise(text), repr(text)
        assert len(starts) == len(ends) == len(folded)
        for i, ch in enumerate(folded):
            assert ch in N._fold_piece(text[starts[i]:ends[i]]), (repr(text), i)


def test_every_plain_character_folds_alone_to_one_character():
    plain = [chr(c) for c in range(0x10000) if N._PLAIN_RUN.fullmatch(chr(c))]
    assert len(plain) > 27000
    for ch in plain:
        assert len(N._fold_piece(ch)) == 1, hex(ord(ch))
        assert N.normalise_with_map(ch + "a")[0] == N._fold_piece(ch) + "a", hex(ord(ch))
