"""Search on text taken from real files of ../shared/corpora (extracted here with pypdfium2 / html.parser)."""

import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest

from tests.corpora import CORPORA
from tests.search.casebuilder import CaseBuilder
from tests.search.test_normalize import presentation_forms
from unsealed.search import search, sync_index
from unsealed.search.normalize import normalise

HAN = re.compile(r"[\u4e00-\u9fff]+")

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside the repository")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _paragraphs_of_html(path: Path) -> list[str]:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    text = "".join(p.parts)
    return [para for para in (x.strip() for x in re.split(r"\n\s*\n", text)) if para]


def _flat(text: str) -> str:
    return "".join(normalise(text).split())


@pytest.fixture(scope="module")
def wiki(tmp_path_factory):
    paras = _paragraphs_of_html(CORPORA / "kreuzberg/test_documents/web/china_chinese.html")
    b = CaseBuilder(tmp_path_factory.mktemp("wiki") / "case")
    b.add("web/china_chinese.html", kind="html", pages=paras)
    sync_index(b.case)
    return b.case, paras


def test_wikipedia_page_expected_snippets(wiki):
    case, _ = wiki
    for snippet in ["自由的百科全书", "隋朝的算學就是指數學系"]:
        res = search(case, snippet)
        assert res["total"] >= 1
        assert f"<mark>{snippet}</mark>" in res["hits"][0]["snippet"]


def test_wikipedia_han_runs_total_equals_brute_force(wiki):
    case, paras = wiki
    flat = [_flat(p) for p in paras]
    rng = random.Random(11)
    runs = [r for p in paras for r in HAN.findall(p) if len(r) >= 2]
    checked = 0
    for _ in range(40):
        run = rng.choice(runs)
        n = 2 if checked < 25 else rng.randint(3, 6)
        a = rng.randrange(0, max(1, len(run) - n + 1))
        q = run[a:a + n]
        want = sum(q in f for f in flat)
        assert search(case, q, limit=1)["total"] == want, q
        checked += 1


def test_arabic_presentation_forms_in_real_html(wiki):
    case, paras = wiki
    # the page writes "ﺟْﻮ ﻗُﻮَع" in presentation forms with harakat; a query in plain letters finds it
    assert any("\ufe9f" in p for p in paras)
    res = search(case, '"جو قوع"')
    assert res["total"] == 1
    assert "<mark>ﺟْﻮ ﻗُﻮَع</mark>" in res["hits"][0]["snippet"]


def test_chinese_tables_pdf_words_across_line_breaks(tmp_path):
    pdf = pypdfium2.PdfDocument(CORPORA / "PyMuPDF/tests/resources/chinese-tables.pdf")
    pages = [page.get_textpage().get_text_range() for page in pdf]
    b = CaseBuilder(tmp_path / "case")
    b.add("finance/chinese-tables.pdf", pages=pages)
    sync_index(b.case)
    assert "中诚信国际信\r\n用评级" in pages[0] or "中诚信国际信\n用评级" in pages[0]
    for q in ["年度第四期超短期融资券募", "尚未使用的授信额度为", "中诚信国际信用评级有限责任公司", "授信"]:
        res = search(b.case, q)
        assert res["total"] == 1 and res["hits"][0]["page"] == 1, q
    assert search(b.case, "372.53")["total"] == 1
    assert search(b.case, "授 OR 信用 -授信")["total"] == 0  # the only page has 授信


def test_udhr_uyghur_arabic_latin_and_english(tmp_path):
    lines = (CORPORA / "unstructured/example-docs/language-docs/UDHR_first_article_all.txt").read_text(
        encoding="utf-8").split("\n\n")
    b = CaseBuilder(tmp_path / "case")
    b.add("udhr.txt", kind="text", pages=lines)
    sync_index(b.case)

    def pages_of(q):
        return {lines[h["page"] - 1].split("\n")[0] for h in search(b.case, q, limit=50)["hits"]}

    assert pages_of("ئىززەت-ھۆرمەت") == {"Uyghur (Arabic)"}
    assert pages_of(presentation_forms("قېرىنداشلىق")) == {"Uyghur (Arabic)"}
    assert "Uyghur (Latin)" in pages_of("HÖRMET")
    assert "Uyghur (Latin)" in pages_of("qérindashliq")
    assert "English" in pages_of("right")  # stemmed: "rights"
    assert "English" in pages_of('"equal in dignity"')


def test_real_id_numbers_from_python_stdnum(tmp_path):
    ids = json.loads((CORPORA / "python-stdnum/cn_ric.json").read_text())["valid"]
    b = CaseBuilder(tmp_path / "case")
    b.add("ids.xlsx", kind="xlsx", rows={"名单": [["公民身份号码"], *[[i] for i in ids]]})
    sync_index(b.case)
    assert search(b.case, "120110")["total"] == 2
    assert search(b.case, "44011320141005001x")["total"] == 1
    assert search(b.case, "4401132014")["total"] == 1
    for i in ids:
        assert search(b.case, i)["total"] == 1
