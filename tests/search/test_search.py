"""Search behaviour on a small generated case: every matching rule, filters, facets, paging, JSON shape."""

import json
import random

import pytest

from tests.search.casebuilder import CaseBuilder
from tests.search.test_normalize import presentation_forms
from unsealed.search import SearchError, search, sync_index

UYGHUR = "ھەممە ئادەم زانىدىنلا ئەركىن، ئىززەت-ھۆرمەت ۋە ھوقۇقتا باپباراۋەر بولۇپ تۇغۇلغان."


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    b = CaseBuilder(tmp_path_factory.mktemp("case") / "case")
    b.add("docs/2018/shoot.pdf", pages=["对逃跑人员可以开枪。依法收押后立即报告。", "第二页：开会讨论，枪支管理。"],
          metadata={"created": "2018-02-10T09:00:00", "author": "王秀英", "title": "看守所安全规定"})
    b.add("docs/2017/far.docx", kind="docx", pages=["我们开了一个很长很长的会议然后谈到了枪的问题。"],
          metadata={"created": "2017-05-01T00:00:00"})
    b.add("docs/wrap.pdf", pages=["学员被\n收\n押在三号楼，开\n枪"], modified="2016-01-02T00:00:00")
    b.add("lists/detainees.xlsx", kind="xlsx", rows={"Sheet1": [
        ["姓名", "身份证号", "原因"],
        ["阿依古丽·吐尔逊", "653121199001011234", "宗教"],
        ["买合买提•达吾提", "65312119850505123X", "出国"],
        ["王伟", "654027197001011110", "其他"],
    ]}, metadata={"created": "2018-06-01"})
    b.add("lists/more.csv", kind="csv", rows={"more": [["阿依古丽.吐尔逊", "653121200101012345"]]})
    b.add("photos.zip/2018-03/20180312_65312119900101123X.jpg", kind="jpeg",
          metadata={"exif_datetime_original": "2018-03-12T08:00:00", "exif_model": "Canon EOS"})
    b.add("uyghur/udhr.txt", kind="text", pages=[UYGHUR, presentation_forms("ئۇلار ئەقىلغە ۋە ۋىجدانغا ئىگە")])
    b.add("uyghur/uly.txt", kind="text", pages=["HEMME adem zatidinla erkin, izzet-hörmet we hoquqta"])
    b.add("en/report.pdf", pages=["Police were policing the border control area. Detentions rose.",
                                  "The border. Control was lost.", "ＡＢＣ Corp paid １２３ yuan."])
    b.add("scans/scan.pdf", pages=[("扫描件：收押通知书", "ocr")])
    b.add("web/x.html", kind="html", pages=["<script>alert(1)</script> 开枪 & 收押"])
    sha = b.add("docs/2018/copy-of-shoot.pdf", kind="pdf", pages=["另一份文件：违法收押。"])
    b.add("other/again.pdf", sha=sha)
    added = sync_index(b.case)
    assert added > 0
    return b.case


def total(case, q, **kw):
    return search(case, q, **kw)["total"]


def paths_of(res):
    return sorted({h["path"] for h in res["hits"]})


# -- Chinese ----------------------------------------------------------------------------------------------

def test_two_char_words_found_and_not_far_apart(case):
    res = search(case, "开枪")
    found = {(h["path"], h["page"]) for h in res["hits"]}
    assert ("docs/2018/shoot.pdf", 1) in found
    assert ("docs/2017/far.docx", 1) not in found  # 开 … 枪 far apart
    assert ("docs/2018/shoot.pdf", 2) not in found  # 开会讨论，枪支: across punctuation
    assert ("docs/wrap.pdf", 1) in found  # across a line break (PDF layout)
    assert total(case, "收押") == 5  # shoot p1, wrap, scan (ocr), html, copy (two items, one blob)
    for h in search(case, "收押")["hits"]:
        assert "<mark>" in h["snippet"]


def test_any_run_of_han_characters_matches(case):
    assert total(case, "逃跑人员可以开枪") == 1
    assert total(case, "枪") >= 4
    assert total(case, "逃跑人员可以开枪。依法") == 1  # punctuation inside a quoted-free run is kept in order
    assert total(case, "可以收押") == 0


def test_names_match_with_any_separator(case):
    expected = {("lists/detainees.xlsx", "Sheet1", 2), ("lists/more.csv", "more", 1)}
    names = ["阿依古丽·吐尔逊", "阿依古丽吐尔逊", "阿依古丽.吐尔逊", "阿依古丽・吐尔逊", "阿依古丽•吐尔逊",
             "阿依古丽 · 吐尔逊", "阿依古丽‧吐尔逊", "阿依古丽･吐尔逊"]
    for q in names:
        res = search(case, q)
        assert {(h["path"], h["sheet"], h["row"]) for h in res["hits"]} == expected, q
    assert total(case, "买合买提·达吾提") == 1
    assert total(case, "name:买合买提达吾提") == 1


def test_name_snippet_marks_original_text(case):
    hit = search(case, "阿依古丽吐尔逊", path="lists/detainees.xlsx")["hits"][0]
    assert hit["snippet"].startswith("<mark>阿依古丽·吐尔逊</mark> | 653121199001011234")


# -- Uyghur, English, width -------------------------------------------------------------------------------

def test_uyghur_arabic_words_and_presentation_forms(case):
    assert total(case, "ئادەم") == 1
    assert total(case, "ھوقۇقتا") == 1
    assert total(case, "ۋىجدانغا") == 1  # stored in presentation forms, queried in base letters
    assert total(case, presentation_forms("ئادەم")) == 1  # and the other way round
    assert total(case, "ئاد\u0640ەم") == 1  # tatweel in the query


def test_uyghur_latin_and_english_case_folding_and_stemming(case):
    assert total(case, "hemme") == 1
    assert total(case, "HÖRMET") == 1
    res = search(case, "police")
    assert res["total"] == 1 and "<mark>Police</mark> were <mark>policing</mark>" in res["hits"][0]["snippet"]
    assert total(case, "detention") == 1  # stem of Detentions
    assert total(case, '"border control"') == 1  # not "border. Control"


def test_full_width_and_half_width(case):
    assert total(case, "abc") == 1
    assert total(case, "ＡＢＣ") == 1
    assert total(case, "123") == 1
    assert "<mark>１２３</mark>" in search(case, "123")["hits"][0]["snippet"]


# -- ID numbers -------------------------------------------------------------------------------------------

def test_id_numbers_whole_and_by_prefix(case):
    res = search(case, "653121")
    got = {(h["path"], h["row"]) for h in res["hits"]}
    assert got == {("lists/detainees.xlsx", 2), ("lists/detainees.xlsx", 3), ("lists/more.csv", 1),
                   ("photos.zip/2018-03/20180312_65312119900101123X.jpg", None)}
    assert total(case, "65312119850505123x") == 1
    assert total(case, "65312119850505123X") == 1
    assert total(case, "6531211985") == 1
    assert total(case, "654027") == 1
    assert total(case, "6540") == 0  # short numbers are whole words
    assert total(case, "6540*") == 1  # unless asked for a prefix


# -- operators and fields ---------------------------------------------------------------------------------

def test_boolean_operators(case):
    assert total(case, "开枪 收押") == 3  # shoot p1, wrap, html
    assert total(case, "开枪 OR 收押") == 5
    assert total(case, "收押 -开枪") == 2
    assert total(case, "收押 NOT 开枪") == 2
    assert total(case, "收押 NOT (开枪 OR 扫描)") == 1
    assert total(case, "polic*") == 1
    assert total(case, '"border contr*"') == 1


def test_path_and_type_fields(case):
    assert paths_of(search(case, "收押 path:2018")) == ["docs/2018/copy-of-shoot.pdf", "docs/2018/shoot.pdf"]
    assert total(case, "path:*.xlsx") == 5  # file document + 4 rows
    assert total(case, "type:image") == 1
    assert total(case, "type:jpg 653121") == 1
    assert total(case, "收押 type:pdf") == 4
    assert total(case, "收押 -type:pdf") == 1


def test_file_document_finds_metadata_and_paths(case):
    res = search(case, "王秀英")
    assert [(h["path"], h["page"]) for h in res["hits"]] == [("docs/2018/shoot.pdf", None)]
    assert total(case, "canon") == 1
    assert total(case, "copy-of-shoot") == 1


def test_bad_input_never_crashes(case):
    for q in ['"', "(((", ")", "OR", "AND NOT", ":", "type:", "path:", "-", "*", "**", "\u0640", "「", "NOT NOT a"]:
        res = search(case, q)
        assert isinstance(res["total"], int)


def test_clear_errors(case):
    with pytest.raises(SearchError, match="unknown type 'spreadsheet'"):
        search(case, "x", type="spreadsheet")
    with pytest.raises(SearchError, match="unknown type"):
        search(case, "type:foo x")
    with pytest.raises(SearchError, match="date_from must be a date like 2018"):
        search(case, "x", date_from="March 2018")
    with pytest.raises(SearchError, match="after date_to"):
        search(case, "x", date_from="2019", date_to="2018")
    with pytest.raises(SearchError, match="limit"):
        search(case, "x", limit=-1)
    with pytest.raises(SearchError, match="too long"):
        search(case, "开枪 " * 5000)
    assert search(case, "(" * 2000 + "开枪")["total"] == 3


# -- filters, facets, paging, shape -----------------------------------------------------------------------

def test_type_filter_takes_families_and_kinds(case):
    assert total(case, "收押", type="pdf") == 4
    assert total(case, "收押", type=["image", "html"]) == 1
    assert total(case, "", type="sheet") == 7  # 4 + 1 rows and the two file documents
    assert total(case, "653121", type="xlsx,csv") == 3


def test_path_filter_glob(case):
    assert total(case, "收押", path="docs/*") == 3
    assert total(case, "收押", path="*.PDF") == 4  # case-insensitive, * crosses '/'
    assert total(case, "收押", path="docs/2018/s?oot.pdf") == 1
    assert total(case, "收押", path="docs") == 3  # a folder without wildcards: everything below it
    assert total(case, "收押", path="docs/[!2]*") == 1
    res = search(case, "违法收押", path="other/*")
    assert [h["path"] for h in res["hits"]] == ["other/again.pdf"]  # the copy matching the filter


def test_date_filter_and_year_facet(case):
    assert total(case, "开枪", date_from="2018", date_to="2018") == 1  # web/x.html has no date
    assert total(case, "", date_from="2018-03-01", date_to="2018-03-31") == 1
    assert total(case, "", date_to="2016") == 2  # wrap.pdf: file doc + page (item modified time)
    facets = search(case, "")["facets"]
    assert facets["year"]["2018"] >= 4 and facets["year"]["2017"] == 2 and facets["year"]["2016"] == 2


def test_duplicates_and_lowest_item(case):
    res = search(case, "违法收押")
    (hit,) = res["hits"]
    assert hit["path"] == "docs/2018/copy-of-shoot.pdf" and hit["duplicates"] == 2
    assert hit["id"] < search(case, "违法收押", path="other/*")["hits"][0]["id"]


def test_ocr_flag(case):
    hits = search(case, "扫描件")["hits"]
    assert [h["ocr"] for h in hits] == [True]
    assert all(h["ocr"] is False for h in search(case, "开枪")["hits"])


def test_json_shape_and_html_safety(case):
    res = search(case, "开枪")
    assert set(res) == {"total", "hits", "facets"}
    assert set(res["facets"]) == {"type", "year", "folder"}
    json.dumps(res)
    for h in res["hits"]:
        assert {"id", "path", "type", "page", "sheet", "row", "snippet", "score", "ocr"} <= set(h)
        assert isinstance(h["id"], int) and isinstance(h["score"], float)
    html_hit = [h for h in res["hits"] if h["path"] == "web/x.html"][0]
    assert html_hit["snippet"] == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>开枪</mark> &amp; 收押"
    assert html_hit["type"] == "html"


def test_facets_count_all_matches_not_just_the_page(case):
    res = search(case, "收押 OR 开枪 OR 653121", limit=2)
    assert len(res["hits"]) == 2 and res["total"] > 2
    assert sum(res["facets"]["type"].values()) == res["total"]
    assert res["facets"]["folder"]["docs"] >= 3
    assert res["facets"]["type"]["sheet"] == 3


def test_paging(case):
    full = search(case, "", limit=100)
    n = full["total"]
    assert n == len(full["hits"]) > 20
    seen = []
    for offset in range(0, n, 7):
        page = search(case, "", limit=7, offset=offset)
        assert page["total"] == n
        seen += [(h["sha256"], h["page"], h["sheet"], h["row"]) for h in page["hits"]]
    assert len(seen) == n and len(set(seen)) == n
    assert search(case, "", limit=7, offset=n)["hits"] == []
    assert search(case, "开枪", limit=0)["hits"] == []


def test_substring_property_on_random_hanzi(tmp_path):
    rng = random.Random(3)
    alphabet = "开枪收押警察学生政府监控逮捕抗议维稳档案新疆的了是在人有我他这中大来上国"
    b = CaseBuilder(tmp_path / "case")
    texts = []
    for i in range(120):
        text = "".join(rng.choice(alphabet + "，。 ") for _ in range(rng.randint(5, 80)))
        texts.append(text)
        b.add(f"d/{i}.txt", kind="text", pages=[text])
    sync_index(b.case)
    flat = ["".join(t.split()) for t in texts]  # whitespace is not a token: 开 枪 is 开枪
    for _ in range(60):
        t = rng.choice(flat)
        a = rng.randrange(len(t))
        q = t[a:a + rng.randint(1, 5)].strip("，。")
        if not q or "，" in q or "。" in q:
            continue
        assert total(b.case, q, type="text") == sum(q in f for f in flat), q


def test_exact_english_word_ranks_above_its_stem_relatives(tmp_path):
    b = CaseBuilder(tmp_path / "case")
    b.add("a.txt", kind="text", pages=["Many detentions were reported in the county"])
    b.add("b.txt", kind="text", pages=["One detention was reported in the county"])
    sync_index(b.case)
    res = search(b.case, "detention")
    assert res["total"] == 2
    assert [h["path"] for h in res["hits"]] == ["b.txt", "a.txt"]
    assert res["hits"][0]["score"] > res["hits"][1]["score"]
    assert search(b.case, '"detention"')["total"] == 1  # a quoted word is exact: no stemming
