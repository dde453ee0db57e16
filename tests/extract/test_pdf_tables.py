"""Person tables inside PDFs: read from their ruling lines, names wrapped in narrow cells joined,
a list running over pages kept as one table, other tables and unruled text left alone, and the
rows becoming people traced to file, page, table and row."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib import colors, pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from tests.corpora import CORPORA
from tests.extract.probes import probe_of
from tests.people.helpers import make_id
from unsealed.extract import pdf, pdf_tables
from unsealed.extract.base import Context
from unsealed.ingest.pipeline import IngestOptions, ingest
from unsealed.ocr import OcrOptions
from unsealed.people import build_people, list_people
from unsealed.search import search
from unsealed.store.case import Case
from unsealed.synth.documents import FONT_NAME, FONT_PATH

HEADER = ["序号", "姓名", "公民身份号码", "性别", "收押原因"]


PEOPLE = [
    ("阿依古丽·吐尔逊", make_id("653121", "19900101", 122), "女", "宗教极端"),
    ("艾买提·托合提", make_id("653121", "19850312", 457), "男", "出国"),
    ("王伟", make_id("654027", "19770405", 1), "男", "不放心人员"),
]


def _pdf(path: Path, rows: list[list[str]], ruled: bool = True, title: str = "疏附县看守所在押人员名单",
         password: str | None = None, widths: list[int] | None = None) -> Path:
    """A PDF like one exported from Word: a title, then the table (names in a narrow column wrap)."""
    style = _style()
    wrap = (1,) if widths is None else range(len(rows[0]))
    cells = [[Paragraph(c, style) if j in wrap else c for j, c in enumerate(row)] for row in rows]
    table = Table(cells, colWidths=widths or ([30, 50, 150, 30, 80] if len(rows[0]) == 5 else None))
    commands = [("FONT", (0, 0), (-1, -1), FONT_NAME, 10)]
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    table.setStyle(TableStyle(commands))
    encrypt = pdfencrypt.StandardEncryption(password) if password else None
    SimpleDocTemplate(str(path), pagesize=A4, encrypt=encrypt).build([Paragraph(title, style), table])
    return path


def _style() -> ParagraphStyle:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, FONT_PATH, subfontIndex=0))
    return ParagraphStyle("cell", fontName=FONT_NAME, fontSize=10)


def _extract(path: Path, tmp_path: Path):
    return pdf.extract(path, probe_of(path), Context(tmp_path / "work"))


def _rows(result) -> dict[str, list[tuple[int, list[str]]]]:
    out: dict[str, list[tuple[int, list[str]]]] = {}
    for row in result.rows:
        out.setdefault(row.sheet, []).append((row.number, row.cells))
    return out


def test_ruled_person_table_becomes_rows_with_wrapped_names_joined(tmp_path):
    rows = [HEADER] + [[str(i), *p] for i, p in enumerate(PEOPLE, 1)]
    result = _extract(_pdf(tmp_path / "名单.pdf", rows), tmp_path)
    # the page text has the names broken over lines, as the layout wraps them
    assert "阿依古丽·吐尔逊" not in result.pages[0].text
    assert result.status == "ok", result.error
    assert _rows(result) == {"page 1 table 1": [(1, HEADER)] + [(i + 1, r) for i, r in enumerate(rows[1:], 1)]}


def test_a_list_over_several_pages_is_one_table_numbered_on(tmp_path):
    born = [f"1990{i % 12 + 1:02d}{i % 28 + 1:02d}" for i in range(1, 81)]
    people = [[str(i), f"买买提{i}", make_id("653121", day, 2 * i + 1), "男", "出国"] for i, day in enumerate(born, 1)]
    result = _extract(_pdf(tmp_path / "long.pdf", [HEADER] + people), tmp_path)
    assert len(result.pages) >= 2
    tables = _rows(result)
    assert list(tables) == [f"pages 1-{len(result.pages)} table 1"]
    (rows,) = tables.values()
    assert [n for n, _ in rows] == list(range(1, 82))
    assert rows[0][1] == HEADER and [cells for _, cells in rows[1:]] == people


def test_later_pages_without_header_words_or_whole_id_numbers_go_on_with_the_list(tmp_path):
    # a narrow ID column wraps every number, so page 2's text holds neither 姓名 nor a whole ID
    born = [f"1990{i % 12 + 1:02d}{i % 28 + 1:02d}" for i in range(1, 41)]
    people = [[str(i), f"买买提{i}", make_id("653121", day, 2 * i + 1), "男", "出国"] for i, day in enumerate(born, 1)]
    result = _extract(_pdf(tmp_path / "narrow.pdf", [HEADER] + people, widths=[30, 60, 40, 30, 60]), tmp_path)
    assert len(result.pages) >= 2 and "姓名" not in result.pages[-1].text
    assert not pdf_tables.could_hold_people(result.pages[-1].text)
    tables = _rows(result)
    assert list(tables) == [f"pages 1-{len(result.pages)} table 1"]
    assert [cells for _, cells in tables[f"pages 1-{len(result.pages)} table 1"]] == [HEADER] + people


def test_encrypted_list_is_read_with_the_password_that_opens_it(tmp_path):
    rows = [HEADER] + [[str(i), *p] for i, p in enumerate(PEOPLE, 1)]
    path = _pdf(tmp_path / "locked.pdf", rows, password="secret")
    result = pdf.extract(path, probe_of(path), Context(tmp_path / "work", passwords=("wrong", "secret")))
    assert result.metadata["opened_with_password"] and result.status == "ok", result.error
    assert [r.cells for r in result.rows] == rows


def test_unruled_table_is_left_as_text(tmp_path):
    rows = [HEADER] + [[str(i), *p] for i, p in enumerate(PEOPLE, 1)]
    result = _extract(_pdf(tmp_path / "plain.pdf", rows, ruled=False), tmp_path)
    assert result.rows == [] and result.status == "ok"
    assert PEOPLE[2][1] in result.pages[0].text


def test_tables_without_person_columns_are_not_kept(tmp_path):
    rows = [["年份", "评级", "机构"], ["2023", "AA+", "中诚信"], ["2022", "AA", "联合资信"]]
    assert _extract(_pdf(tmp_path / "评级.pdf", rows, title="人员姓名统计"), tmp_path).rows == []
    corpus = CORPORA / "PyMuPDF/tests/resources/chinese-tables.pdf"
    if not corpus.exists():
        pytest.skip("shared corpora not present")
    result = _extract(corpus, tmp_path)
    assert result.rows == [] and "徽商银行" in result.pages[0].text


def test_english_person_table_is_read_and_other_name_tables_are_not_looked_at(tmp_path):
    header = ["No.", "Name", "Date of birth", "ID number"]
    rows = [header, ["1", "Aygul Tursun", "1990-01-01", PEOPLE[0][1]], ["2", "Ahmet Tohti", "1985-03-12", PEOPLE[1][1]]]
    assert _rows(_extract(_pdf(tmp_path / "list.pdf", rows, title="Detainees"), tmp_path)) == {
        "page 1 table 1": list(enumerate(rows, 1))}
    path = CORPORA / "kreuzberg/test_documents/pdfs_with_tables/tiny.pdf"  # a Name | Celsius | Fahrenheit table
    if not path.exists():
        pytest.skip("shared corpora not present")
    result = _extract(path, tmp_path)
    assert "Water Freezing Point" in result.pages[0].text and result.rows == []


def test_pdf_list_gives_people_traced_to_page_table_and_row(tmp_path):
    source = tmp_path / "cache"
    source.mkdir()
    _pdf(source / "在押人员名单.pdf", [HEADER] + [[str(i), *p] for i, p in enumerate(PEOPLE, 1)])
    with Case.open(tmp_path / "case", create=True) as case:
        ingest(case, [source], IngestOptions(workers=1, ocr=OcrOptions(mode="never"), people=False))
        build_people(case)
        people = {p["id_number"]: p for p in list_people(case, limit=100)["people"]}
        hits = search(case, "阿依古丽")
    assert set(people) == {p[1] for p in PEOPLE}
    first = people[PEOPLE[0][1]]
    assert first["name"] == "阿依古丽·吐尔逊" and first["gender"] == "female"
    assert [(s["path"], s["sheet"], s["row"]) for s in first["sources"]] == [
        ("在押人员名单.pdf", "page 1 table 1", 2)]
    # the row is in the page text too: the PDF is found once, as its page
    assert hits["total"] == 1 and hits["hits"][0]["page"] == 1 and hits["hits"][0]["sheet"] is None


def _list_rows() -> list[list[str]]:
    return [HEADER] + [[str(i), *p] for i, p in enumerate(PEOPLE, 1)]


def test_a_damaged_page_costs_the_tables_never_the_text(tmp_path):
    born = [f"1990{i % 12 + 1:02d}{i % 28 + 1:02d}" for i in range(1, 81)]
    people = [[str(i), f"买买提{i}", make_id("653121", day, 2 * i + 1), "男", "出国"] for i, day in enumerate(born, 1)]
    data = _pdf(tmp_path / "long.pdf", [HEADER] + people).read_bytes()
    broken = tmp_path / "broken.pdf"  # the last page loses its /MediaBox: PDFium copes, pdfminer does not
    broken.write_bytes(data[::-1].replace(b"/MediaBox"[::-1], b"/MediaBoy"[::-1], 1)[::-1])
    result = _extract(broken, tmp_path)
    assert len(result.pages) >= 2 and people[-1][2] in "".join(p.text for p in result.pages).replace("\n", "")
    assert result.status == "partial" and "tables" in result.error


def test_two_lists_on_consecutive_pages_stay_apart(tmp_path):
    first = _list_rows()
    # as many columns as the first, in another order: only its own header says it is a new list
    second = [["序号", "身份证号", "姓名", "性别", "案由"],
              ["1", make_id("654027", "19800101", 3), "李强", "男", "出国"]]
    style = _style()
    tables = []
    for rows in (first, second):
        table = Table(rows)
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                                   ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        tables.append(table)
    path = tmp_path / "two.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph("名单", style), tables[0], PageBreak(), tables[1]])
    tables_read = _rows(_extract(path, tmp_path))
    assert [cells for _, cells in tables_read["page 1 table 1"]][0] == HEADER
    assert tables_read["page 2 table 1"] == list(enumerate(second, 1))


def test_a_header_spread_over_its_cell_and_a_rotated_page(tmp_path):
    spread = [["序号", "姓\u3000名", "公民身份号码"]] + [[str(i), p[0], p[1]] for i, p in enumerate(PEOPLE, 1)]
    assert len(_extract(_pdf(tmp_path / "spread.pdf", spread), tmp_path).rows) == 4
    data = _pdf(tmp_path / "upright.pdf", _list_rows()).read_bytes()
    assert b"/Rotate 0 " in data
    turned = tmp_path / "turned.pdf"  # pdfplumber would give turned cells (names reversed): not read
    turned.write_bytes(data.replace(b"/Rotate 0 ", b"/Rotate 90", 1))
    result = _extract(turned, tmp_path)
    assert result.rows == [] and PEOPLE[2][1] in result.pages[0].text


def test_wrapped_cell_lines_are_joined_as_they_were_written():
    cases = {"阿依古\n丽·吐尔\n逊": "阿依古丽·吐尔逊", "65312119900101\n123X": "65312119900101123X",
             "Water\nFreezing": "Water Freezing", "2017-05-01\n10:30": "2017-05-01 10:30",
             "阿依古丽\nAygul": "阿依古丽 Aygul", "ئۇيغۇر\nتېكىست": "ئۇيغۇر تېكىست",
             "疏附县7村6\n组103号": "疏附县7村6组103号"}
    assert {k: pdf_tables._cell(k) for k in cases} == cases
