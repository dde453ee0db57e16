"""OCR settings and the character error rate: no models needed."""

import pytest

from unsealed.ocr import OcrOptions, parse_langs
from unsealed.ocr.cer import cer


def test_langs_parse_plus_comma_and_plain_names():
    assert parse_langs("chi_sim+uig+eng") == ("chi_sim", "uig", "eng")
    assert parse_langs("chi_sim, uig,eng") == ("chi_sim", "uig", "eng")
    assert parse_langs("zh+Uyghur+en+zh") == ("chi_sim", "uig", "eng")
    with pytest.raises(ValueError, match="unknown OCR language"):
        parse_langs("chi_sim+中文")
    with pytest.raises(ValueError, match="no OCR language"):
        parse_langs(" + ")


def test_options_signature_and_engines():
    opts = OcrOptions()
    assert opts.signature() == "ocr1:auto:chi_sim+uig+eng"
    assert opts.rapid and opts.tesseract_langs == ("uig",)
    only_ug = OcrOptions(mode="always", langs="uig")
    assert only_ug.signature() == "ocr1:always:uig" and not only_ug.rapid
    with pytest.raises(ValueError, match="--ocr must be one of"):
        OcrOptions(mode="sometimes")


def test_cer_ignores_whitespace_and_width_but_counts_errors():
    assert cer("姓名：张三, ID 653121", "姓名:张三，ID653121") == 0.0
    assert cer("abcd", "abxd") == 0.25
    assert cer("abcd", "") == 1.0
    assert cer("", "") == 0.0


def test_check_names_a_missing_tesseract_model():
    OcrOptions().check()  # chi_sim, uig and eng are installed by scripts/setup.sh
    with pytest.raises(ValueError, match="apt-get install tesseract-ocr-kat"):
        OcrOptions(langs="chi_sim+kat").check()  # Georgian: not installed
