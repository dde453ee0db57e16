"""Snippet marking: the same matches the index makes, found without tokenizing whole pages."""

from unsealed.search import snippets
from unsealed.search.query import Text, plan_text


def marked(text: str, *queries: str, prefix: bool = False, phrase: bool = False) -> str:
    terms = [plan_text(Text(q, prefix=prefix, phrase=phrase)) for q in queries]
    return snippets.make(text, terms, width=400)


def test_words_are_marked_only_as_whole_tokens():
    assert marked("xpolice police policex", "police") == "xpolice <mark>police</mark> policex"
    assert marked("ID 6531211990 and 16531211990", "6531211990", phrase=True) == \
        "ID <mark>6531211990</mark> and 16531211990"


def test_prefixes_and_stems_mark_the_words_they_match():
    assert marked("Police were policing; apolice", "polic", prefix=True) == \
        "<mark>Police</mark> were <mark>policing</mark>; apolice"
    assert marked("the police were policing", "policing") == \
        "the <mark>police</mark> were <mark>policing</mark>"
    assert marked("身份证 653121199001011234 与 1653121", "653121") == \
        "身份证 <mark>653121199001011234</mark> 与 1653121"


def test_chinese_words_are_marked_across_line_breaks_but_not_across_punctuation():
    assert marked("他们开\n枪了，开，枪", "开枪") == "他们<mark>开\n枪</mark>了，开，枪".replace("\n", " ")
    assert marked("开开枪", "开枪") == "开<mark>开枪</mark>"


def test_a_word_at_the_end_of_the_text_and_repeated_first_tokens():
    assert marked("abc 收押收押", "收押") == "abc <mark>收押收押</mark>"
    assert marked("a a a b", "a b", phrase=True) == "a a <mark>a b</mark>"


def test_matches_far_into_a_long_page_are_marked_however_the_raw_text_differs():
    # the raw-text guess of where to look fails for these; the match is still found and shown
    cases = [
        ("的" * 5000 + "阿依古丽·吐尔逊", "阿依古丽吐尔逊", "<mark>阿依古丽·吐尔逊</mark>"),
        ("x " * 3000 + "ＰＯＬＩＣＥ station", "police", "<mark>ＰＯＬＩＣＥ</mark> station"),
        ("x " * 3000 + "napoleon " * 2 + "police", "pol", "<mark>police</mark>"),
    ]
    for text, query, shown in cases:
        snippet = marked(text, query, prefix=query == "pol")
        assert shown in snippet and snippet.count("<mark>") == 1, (query, snippet[-80:])


def test_a_match_after_many_near_misses_of_its_first_token_is_marked():
    assert marked("中心，" * 150 + "他去了中国", "中国").endswith("他去了<mark>中国</mark>")
    assert marked("a653121 " * 150 + "653121199001011234", "653121").endswith("<mark>653121199001011234</mark>")
    assert marked("napoleon " * 150 + "police", "pol", prefix=True).endswith("<mark>police</mark>")


def test_highlighting_a_page_marks_every_match():
    text = "收押，" * 500
    spans = snippets.find(text, [plan_text(Text("收押"))])
    assert len(spans) == 500 and spans[-1] == (len(text) - 3, len(text) - 1)


def test_a_name_with_separators_or_line_breaks_is_located_in_the_raw_text():
    # found without folding the whole page: long pages naming a person are common on person pages
    terms = [plan_text(Text("阿依古丽吐尔逊"))]
    assert snippets._locate("的" * 5000 + "阿依古丽 · 吐尔\n逊", terms) == 5000
