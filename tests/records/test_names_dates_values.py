"""Names (separators, padding, pinyin), dates as lists write them, gender/ethnicity/relation words."""

from __future__ import annotations

import datetime as dt

import pytest

from unsealed.records import dates, names, values


@pytest.mark.parametrize(
    "written",
    [
        "买合买提·达吾提",
        "买合买提.达吾提",
        "买合买提•达吾提",
        "买合买提・达吾提",
        "买合买提･达吾提",
        "买合买提 达吾提",
        " 买合买提 · 达吾提 ",
        "买合买提．达吾提",
        "买合买提··达吾提",
    ],
)
def test_uyghur_name_separators_fold_to_one(written):
    assert names.normalise(written) == "买合买提·达吾提"
    assert names.key(written) == "买合买提达吾提"
    assert names.pinyin(written) == "maihemaitidawuti"


def test_han_name_padding_is_removed_not_made_a_separator():
    assert names.normalise("王 芳") == "王芳"
    assert names.normalise("王　　芳") == "王芳"  # full-width spaces
    assert names.normalise("欧阳 明") == "欧阳明"


def test_latin_names_keep_their_spaces_and_fold_full_width():
    assert names.normalise("Ｍａｈｍｕｔ  Ｄａｗｕｔ") == "Mahmut Dawut"
    assert names.key("Mahmut Dawut") == "mahmutdawut"


def test_query_key_folds_tones_and_separators():
    assert names.query_key("Mǎi hé mǎi tí") == "maihemaiti"
    assert names.query_key("mai3 he2 mai3 ti2") == "maihemaiti"
    assert names.query_key("nǚ") == "nv"
    assert names.query_key("买合买提 · 达吾提") == "买合买提达吾提"
    assert names.parts("买合买提.达吾提") == ["买合买提", "达吾提"]


@pytest.mark.parametrize(
    "written",
    [
        "2018-03-01",
        "2018/3/1",
        "2018.3.1",
        "2018年3月1日",
        "20180301",
        "2018-03-01 00:00:00",
        "2018-3-1",
        "２０１８年３月１日",
        "2018 年 3 月 1 日",
    ],
)
def test_dates_as_lists_write_them(written):
    assert dates.parse_date(written) == dt.date(2018, 3, 1)


def test_excel_serial_days_only_where_asked():
    assert dates.parse_date("43160", serials=True) == dt.date(2018, 3, 1)
    assert dates.parse_date("43160") is None
    assert dates.parse_date("123", serials=True) is None


@pytest.mark.parametrize("written", ["", None, "1990年3月", "2018-02-30", "不详", "13/13/2018", "2018-13-01"])
def test_non_dates_give_none(written):
    assert dates.parse_date(written) is None


def test_ages_and_stamps():
    assert dates.age_on(dt.date(2003, 3, 2), dt.date(2018, 3, 1)) == 14
    assert dates.age_on(dt.date(2003, 3, 1), dt.date(2018, 3, 1)) == 15
    assert dates.parse_age("35岁") == 35 and dates.parse_age("35.0") == 35 and dates.parse_age("abc") is None
    assert dates.stamp_in_name("x_20180312093000.jpg") == dt.datetime(2018, 3, 12, 9, 30)
    assert dates.stamp_in_name("IMG_20180312_093001_x") == dt.datetime(2018, 3, 12, 9, 30, 1)
    assert dates.stamp_in_name("20180312-093000-x") == dt.datetime(2018, 3, 12, 9, 30)
    assert dates.stamp_in_name("scan.png") is None
    assert dates.parse_datetime("2018:03:01 09:30:00") == dt.datetime(2018, 3, 1, 9, 30)
    assert dates.parse_datetime("2018-03-01T09:30:00+08:00").hour == 9


def test_gender_ethnicity_relation_words():
    assert (
        values.gender("男") == "male"
        and values.gender(" 女性 ") == "female"
        and values.gender("F") == "female"
    )
    assert values.gender("未知") is None
    assert values.ethnicity("维") == "维吾尔族" and values.ethnicity("维吾尔族") == "维吾尔族"
    assert values.ethnicity("Uyghur") == "维吾尔族" and values.ethnicity("哈萨克") == "哈萨克族"
    assert (
        values.relation("长子") == "儿子"
        and values.relation("妻") == "妻子"
        and values.relation("户主") == "本人"
    )
    assert values.relation("表哥") == "表哥" and values.relation("") is None


@pytest.mark.parametrize(
    "rel,gender,back",
    [
        ("父亲", "male", "儿子"),
        ("父亲", "female", "女儿"),
        ("母亲", None, "子女"),
        ("妻子", "male", "丈夫"),
        ("丈夫", "female", "妻子"),
        ("哥哥", "female", "妹妹"),
        ("妹妹", "male", "哥哥"),
        ("女儿", "female", "母亲"),
        ("儿子", "male", "父亲"),
    ],
)
def test_inverse_relations(rel, gender, back):
    assert values.inverse(rel, gender) == back


def test_neutral_relations_made_specific():
    assert values.specific("配偶", "female") == "妻子" and values.specific("子女", "male") == "儿子"
    assert values.specific("配偶", None) == "配偶" and values.specific("父亲", "female") == "父亲"
