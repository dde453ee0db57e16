"""CSV, plain text, HTML and XML: encodings found from the bytes, markup turned into text safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpora import CORPORA
from unsealed.extract import csvfile, encoding, text
from unsealed.extract.base import Context, Hostile, Limits, Probe, Unsupported
from unsealed.ingest.detect import detect

TIKA = CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules"
TIKA_HTML = TIKA / "tika-parser-html-module/src/test/resources/test-documents"
TIKA_TEXT = TIKA / "tika-parser-text-module/src/test/resources/test-documents"
TIKA_XML = TIKA / "tika-parser-xml-module/src/test/resources/test-documents"
EASYEXCEL = CORPORA / "easyexcel/easyexcel-test/src/test/resources"
INGEST = CORPORA / "ingest-file/tests/fixtures"
UNSTRUCTURED = CORPORA / "unstructured/example-docs"

corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")


def run(module, path: Path, tmp_path: Path, **ctx):
    d = detect(path)
    probe = Probe(kind=d.kind, mime=d.mime, name=path.name, size=path.stat().st_size,
                  head=path.read_bytes()[:8192])
    assert module.accepts(probe), probe.kind
    return module.extract(path, probe, Context(workdir=tmp_path, **ctx))


# --- CSV -----------------------------------------------------------------------------------

ROSTER = ("姓名,公民身份号码,住址\n"
          "买合买提·达吾提,'653121199001011234,新疆喀什地区疏附县\n"
          "阿依古丽,653121198505052345,\n")


def test_gbk_csv_with_chinese_headers(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(ROSTER.encode("gbk"))
    result = run(csvfile, path, tmp_path)
    assert result.status == "ok", result.error
    assert result.metadata["encoding"] == "gb18030" and result.metadata["delimiter"] == "comma"
    assert [r.cells for r in result.rows] == [
        ["姓名", "公民身份号码", "住址"],
        ["买合买提·达吾提", "'653121199001011234", "新疆喀什地区疏附县"],
        ["阿依古丽", "653121198505052345"],  # trailing empty cell trimmed
    ]
    assert [r.number for r in result.rows] == [1, 2, 3] and {r.sheet for r in result.rows} == {""}
    assert result.pages[0].text == ROSTER


def test_utf8_bom_csv(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ROSTER.encode("utf-8"))
    result = run(csvfile, path, tmp_path)
    assert result.metadata["encoding"] == "utf-8" and result.metadata["bom"] is True
    assert result.rows[0].cells[0] == "姓名"  # no BOM glued to the first header
    assert result.pages[0].text.startswith("姓名,")


def test_semicolon_quotes_and_multiline_records_keep_line_numbers(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('id;note;x\n1;"two\nlines; here";a\n\n2;"say ""hi""";b;extra\n3\n', encoding="utf-8")
    result = run(csvfile, path, tmp_path)
    assert result.metadata["delimiter"] == "semicolon"
    assert [(r.number, r.cells) for r in result.rows] == [
        (1, ["id", "note", "x"]),
        (2, ["1", "two\nlines; here", "a"]),
        (5, ["2", 'say "hi"', "b", "extra"]),  # ragged row kept whole
        (6, ["3"]),
    ]


def test_csv_row_limit(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("".join(f"{i},x\n" for i in range(50)), encoding="utf-8")
    result = run(csvfile, path, tmp_path, limits=Limits(max_rows=10))
    assert result.status == "partial" and "row limit" in result.error and len(result.rows) == 10


@corpora
def test_easyexcel_csvs(tmp_path):
    result = run(csvfile, EASYEXCEL / "converter/converterCsv.csv", tmp_path)
    assert result.metadata["bom"] is True
    assert "大数的数字" in result.rows[0].cells and "日期的字符串" in result.pages[0].text
    office = run(csvfile, EASYEXCEL / "bom/office_bom.csv", tmp_path)
    assert office.rows[0].cells == ["姓名", "年纪"] and office.rows[1].cells == ["姓名0", "20"]
    assert office.metadata["rows"] == 11


@corpora
def test_non_utf8_utf16_and_tab_separated(tmp_path):
    german = run(csvfile, INGEST / "countries_nonutf.csv", tmp_path)
    assert german.metadata["encoding"] == "cp1252"
    assert german.rows[1].cells[2] == "Flensburg, Stadt" and german.metadata["rows"] == 21
    wide = run(csvfile, UNSTRUCTURED / "stanley-cups-utf-16.csv", tmp_path)
    assert wide.metadata["encoding"] == "utf-16-be"
    assert wide.rows[1].cells == ["Team", "Location", "Stanley Cups"]
    tabbed = run(csvfile, UNSTRUCTURED / "stanley-cups.tsv", tmp_path)
    assert tabbed.metadata["delimiter"] == "tab" and tabbed.rows[4].cells == ["Maple Leafs", "TOR", "13"]


# --- encodings -----------------------------------------------------------------------------


def test_encoding_decisions():
    chinese = "公民身份号码 买合买提·达吾提 新疆维吾尔自治区喀什地区".encode("gbk")
    assert encoding.decode(chinese).encoding == "gb18030"
    assert encoding.decode("Café résumé naïve".encode("cp1252")).text == "Café résumé naïve"
    assert encoding.decode("Однажды в студеную зимнюю пору".encode("cp1251")).encoding == "cp1251"
    assert encoding.decode("ascii only".encode("utf-16-le")).text == "ascii only"  # no BOM
    assert encoding.decode(b"\xef\xbb\xbfabc") == encoding.Decoded("abc", "utf-8", True, 0)
    # a page still declaring gb2312 after being saved as UTF-8 is UTF-8
    assert encoding.decode("中文".encode(), declared="gb2312").text == "中文"
    assert encoding.normalize("GB2312") == "gb18030" and encoding.normalize("x-unknown") is None


# --- text, HTML, XML -----------------------------------------------------------------------


@corpora
def test_text_files_in_legacy_and_wide_encodings(tmp_path):
    german = run(text, INGEST / "non_utf.txt", tmp_path)
    assert german.metadata["encoding"] == "cp1252"
    assert "Großbritanniens größter Partei" in german.pages[0].text
    quotes = run(text, TIKA_TEXT / "testTXT_win-1252.txt", tmp_path)
    assert "“windows” encoding" in quotes.pages[0].text
    for name in ("fake-text-utf-16.txt", "fake-text-utf-16-le.txt", "fake-text-utf-16-be.txt"):
        result = run(text, UNSTRUCTURED / name, tmp_path)
        assert result.metadata["encoding"].startswith("utf-16")
        assert "Hamburgers are delicious" in result.pages[0].text


@corpora
def test_html_charsets_titles_and_bad_script(tmp_path):
    utf16 = run(text, TIKA_HTML / "testHTML_charset_utf16le.html", tmp_path)
    assert utf16.metadata == {"encoding": "utf-16-le", "title": "Title"}
    assert utf16.pages[0].text == "This is a sample text"
    bad = run(text, TIKA_HTML / "testHTMLBadScript.html", tmp_path)
    assert "This is a test" in bad.pages[0].text and "cool script" not in bad.pages[0].text
    edrm = run(text, INGEST / "EDRM Micro Datasets « EDRM.htm", tmp_path)
    assert edrm.metadata["title"] == "EDRM Micro Datasets « EDRM"
    assert "Creating Practical Resources to Improve" in edrm.pages[0].text
    cp1252 = run(text, UNSTRUCTURED / "fake-html-cp1252.html", tmp_path)
    assert "Die schöne Frau" in cp1252.pages[0].text


def test_html_meta_charset_gbk_and_scripts_dropped(tmp_path):
    page = ('<html><head><meta charset="gb2312"><title>通报</title><style>p{color:red}</style></head>'
            "<body><script>alert('x')</script><p>在押人员名单</p><table><tr><td>姓名</td><td>张三</td></tr>"
            "</table></body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gbk"))
    result = run(text, path, tmp_path / "w")
    assert result.metadata == {"encoding": "gb18030", "title": "通报"}
    assert result.pages[0].text == "在押人员名单\n\n姓名\t张三"


@corpora
def test_xml_utf16_and_external_entity_not_fetched(tmp_path):
    factbook = run(text, UNSTRUCTURED / "factbook-utf-16.xml", tmp_path)
    assert "United States" in factbook.pages[0].text and "Washington, DC" in factbook.pages[0].text
    xxe = run(text, TIKA_XML / "testXXE.xml", tmp_path)
    assert xxe.status == "ok" and xxe.pages[0].text == ""


def test_svg_text_without_script_or_style(tmp_path):
    path = tmp_path / "map.svg"
    path.write_text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><title>营地平面图</title>'
                    "<style>text{fill:red}</style><script>fetch('http://x')</script>"
                    '<text x="1" y="2">A 栋 <tspan>3 楼</tspan></text></svg>', encoding="utf-8")
    result = run(text, path, tmp_path)
    assert result.status == "ok"
    assert result.pages[0].text == "营地平面图\nA 栋\n3 楼"


def test_xml_entity_bomb_is_hostile(tmp_path):
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    path = tmp_path / "bomb.xml"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{lol}]><lolz>&lol9;</lolz>')
    with pytest.raises(Hostile, match="entity bomb"):
        run(text, path, tmp_path)


def test_xml_plain_entity_and_malformed_xml_read_leniently(tmp_path):
    path = tmp_path / "doc.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY org "公安局">]><d><p>报告 &org;</p></d>')
    result = run(text, path, tmp_path)
    assert "报告" in result.pages[0].text and "not expanded" in result.metadata["xml_note"]
    broken = tmp_path / "broken.xml"
    broken.write_text('<?xml version="1.0"?><root><a>first</a><b>second</root>')
    result = run(text, broken, tmp_path)
    assert "first" in result.pages[0].text and "second" in result.pages[0].text
    assert "not well-formed" in result.metadata["xml_note"]


def test_binary_mistaken_for_text_is_unsupported(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"\x1f\x9d\x1eB" * 10 + bytes(range(32)) * 4)
    with pytest.raises(Unsupported, match="binary"):
        text.extract(path, Probe("text", "text/plain", path.name, path.stat().st_size, b""), Context(tmp_path))


def test_text_limit_gives_partial(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("证据" * 1000, encoding="utf-8")
    result = run(text, path, tmp_path, limits=Limits(max_text_chars=100))
    assert result.status == "partial" and "limit" in result.error
    assert result.pages[0].text == "证据" * 50
