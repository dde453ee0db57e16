"""Reading text: a rendered Chinese police notice, Uyghur in Arabic script, English word spacing."""

from PIL import Image

from tests.ocr.corpora import RAPID
from unsealed.ocr.cer import cer
from unsealed.ocr.engines import read_page
from unsealed.ocr.render import upright
from unsealed.ocr.samples import ARABIC_FONT, NOTICE_UG, NOTICE_ZH, render_page, scanned

LANGS = ("chi_sim", "uig", "eng")


def test_chinese_notice_at_300_dpi():
    # measured CER 0.000 on this page (10 lines, 12 pt WenQuanYi); the bound leaves ~6 characters of margin
    page = render_page(NOTICE_ZH, size=(2480, 2200))
    result = read_page(page, LANGS)
    assert cer("\n".join(NOTICE_ZH), result.text) <= 0.02, result.text
    assert "653121198503150417" in result.text  # an ID number must survive intact for search
    assert result.confidence > 0.9
    assert result.text.count("\n") == len(NOTICE_ZH) - 1


def test_uyghur_arabic_script_is_read_by_the_uig_model():
    # measured CER 0.031 ("1985" read as "5", "،" as ","); RapidOCR alone: 0.97 (a few Latin marks)
    page = render_page(NOTICE_UG, size=(2480, 700), font=ARABIC_FONT, rtl=True)
    result = read_page(page, LANGS)
    assert cer("\n".join(NOTICE_UG), result.text) <= 0.08, result.text
    assert "قەشقەر" in result.text  # Kashgar
    chinese_only = read_page(page, ("chi_sim", "eng"))
    assert cer("\n".join(NOTICE_UG), chinese_only.text) > 0.5
    noisy = read_page(scanned(page), LANGS)  # measured CER 0.008
    assert cer("\n".join(NOTICE_UG), noisy.text) <= 0.08, noisy.text


def test_mixed_chinese_and_uyghur_page_keeps_each_script():
    page = Image.new("L", (2480, 760), 255)
    page.paste(render_page(NOTICE_ZH[:2], size=(2480, 380), margin=100), (0, 0))
    page.paste(render_page(NOTICE_UG[:2], size=(2480, 380), font=ARABIC_FONT, rtl=True, margin=100), (0, 380))
    result = read_page(page, LANGS)
    assert cer("\n".join(NOTICE_ZH[:2] + NOTICE_UG[:2]), result.text) <= 0.05, result.text
    assert result.text.splitlines()[0] == NOTICE_ZH[0]


def test_spaces_between_english_words_are_restored():
    with Image.open(RAPID / "en.jpg") as image:
        text = read_page(upright(image), LANGS).text
    # RapidOCR's recognizer alone gives "shottype", "invideos,we" and "from7858movies" on this photo
    assert "shot type annotation set that contains 46K shots from 7858 movies" in text, text
    assert "in videos, we collect" in text, text


def test_upside_down_line_is_read():
    with Image.open(RAPID / "text_cls.jpg") as image:
        assert read_page(upright(image), LANGS).text == "怪我咯"
