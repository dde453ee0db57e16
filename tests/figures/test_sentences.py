"""Prison terms as lists write them, read into months (or life / death), never guessed."""

from __future__ import annotations

import pytest

from unsealed.figures.sentences import chinese_number, parse_sentence


@pytest.mark.parametrize(("text", "months"), [
    ("10年", 120), ("5年6个月", 66), ("5年零6个月", 66), ("一年零六个月", 18), ("1年6月", 18),
    ("18个月", 18), ("六个月", 6), ("半年", 6), ("一年半", 18), ("有期徒刑十年", 120), ("判处有期徒刑15年", 180),
    ("十五年", 180), ("二十年", 240), ("两年", 24), ("3.5年", 42), ("拘役六个月", 6), (" 7 年 ", 84),
    ("１０年", 120), ("10年有期徒刑", 120),
])
def test_terms_in_months(text, months):
    s = parse_sentence(text)
    assert (s.kind, s.months, s.text) == ("term", months, text)


@pytest.mark.parametrize(("text", "kind", "label"), [
    ("无期", "life", "无期"), ("无期徒刑", "life", "无期"), ("死缓", "death_suspended", "死缓"),
    ("死刑缓期二年执行", "death_suspended", "死缓"), ("死刑", "death", "死刑"), ("无", "none", "无"),
    ("未判", "none", "无"), ("教育转化", "unparsed", "教育转化"), ("10", "unparsed", "10"), ("年", "unparsed", "年"),
    ("五年六个月零三天", "unparsed", "五年六个月零三天"),
])
def test_other_kinds_and_labels(text, kind, label):
    s = parse_sentence(text)
    assert (s.kind, s.months, s.label) == (kind, None, label)


def test_empty_cell_is_no_sentence_and_labels_are_canonical():
    assert parse_sentence("") is None and parse_sentence("  ") is None and parse_sentence(None) is None
    assert parse_sentence("一年零六个月").label == "1年6个月"
    assert parse_sentence("十年").label == "10年"
    assert parse_sentence("8个月").label == "8个月"


def test_chinese_numbers():
    assert [chinese_number(t) for t in ("十", "十五", "二十", "二十五", "一百零五", "两", "15", "百")] == [
        10, 15, 20, 25, 105, 2, 15, 100]
    assert chinese_number("abc") is None and chinese_number("") is None
