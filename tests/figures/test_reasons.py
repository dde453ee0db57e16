"""Detention reasons: wordings of one reason grouped, unknown wordings kept as their own group."""

from __future__ import annotations

import pytest

from unsealed.figures.reasons import fold, group_of


@pytest.mark.parametrize(("wording", "group"), [
    ("宗教极端", "宗教极端"), ("宗教极端思想", "宗教极端"), ("受宗教极端思想影响", "宗教极端"),
    ("参与非法宗教活动", "非法宗教活动"), ("组织非法宗教活动", "非法宗教活动"),
    ("去过26国", "去过26个敏感国家"), ("赴26个重点国家", "去过26个敏感国家"), ("去过２６国", "去过26个敏感国家"),
    ("翻墙", "使用翻墙软件"), ("使用VPN翻墙软件", "使用翻墙软件"), ("使用 vpn", "使用翻墙软件"),
    ("聚众扰乱社会秩序", "扰乱社会秩序"), ("持有非法宗教宣传品", "非法持有宗教宣传品"),
    ("非法持有宗教宣传品", "非法持有宗教宣传品"), ("不放心人", "不放心人员"), ("  不放心人员。", "不放心人员"),
])
def test_variants_join_their_group(wording, group):
    assert group_of(wording) == group


def test_unknown_wording_is_its_own_group_and_empty_is_none():
    assert group_of("戴面纱") == "戴面纱"
    assert group_of(" 戴 面纱！") == "戴面纱"  # folded: the same words with other spacing join it
    assert group_of("") is None and group_of(" ， ") is None
    assert fold("ＡＢＣ 1、2") == "abc12"
