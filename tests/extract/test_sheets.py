"""Spreadsheets through python-calamine: cells as shown, IDs never through floats, damage reported."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.corpora import CORPORA
from unsealed.extract import sheets
from unsealed.extract.base import Context, Corrupt, Encrypted, Hostile, Limits

from .probes import probe_of

CALAMINE = CORPORA / "calamine/tests"
EASYEXCEL = CORPORA / "easyexcel/easyexcel-test/src/test/resources"
TIKA_MS = (CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules"
           / "tika-parser-microsoft-module/src/test/resources/test-documents")

corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")




def run(path: Path, tmp_path: Path, kind: str | None = None, **ctx):
    probe = probe_of(path, kind)
    assert sheets.accepts(probe), probe.kind
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return sheets.extract(path, probe, Context(workdir=work, **ctx))


def cells_of(result, sheet: str, number: int) -> list[str]:
    return next(r.cells for r in result.rows if r.sheet == sheet and r.number == number)


@pytest.fixture()
def id_workbook(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["B2"], ws["C2"], ws["D2"], ws["E2"] = "姓名", "公民身份号码", "身份证号(数字)", "旧身份证号"
    ws["B3"] = "买合买提·达吾提"
    ws["C3"] = "653121199001011234"  # stored as text: must stay digit-exact
    ws["D3"] = 653121199001011234  # stored as a number: Excel has already lost the last digits
    ws["E3"] = 653121900101123  # 15 digits: exact in a double, shown in full
    ws["F3"] = "'653121199001011234"  # an apostrophe written into the text itself
    ws["B4"], ws["C4"], ws["D4"], ws["E4"] = 42, 2.5, True, dt.datetime(2018, 3, 1, 12, 30, 5)
    ws["F4"], ws["G4"] = dt.date(2018, 3, 1), 0.1 + 0.2
    wb.create_sheet("Empty")
    wb.properties.creator = "张警官"
    wb.properties.lastModifiedBy = "reviewer"
    path = tmp_path / "ids.xlsx"
    wb.save(path)
    return path


def test_ids_as_text_stay_exact_and_float_ids_never_invent_digits(id_workbook, tmp_path):
    result = run(id_workbook, tmp_path)
    assert result.status == "ok", result.error
    # row numbers and column positions are the ones Excel shows (data starts at B2)
    assert cells_of(result, "名单", 2) == ["", "姓名", "公民身份号码", "身份证号(数字)", "旧身份证号"]
    row3 = cells_of(result, "名单", 3)
    assert row3[2] == "653121199001011234"
    assert row3[3] == "6.53121E+17"
    assert "65312119900101" not in row3[3]
    assert row3[4] == "653121900101123"
    assert row3[5] == "'653121199001011234"
    assert cells_of(result, "名单", 4) == ["", "42", "2.5", "TRUE", "2018-03-01 12:30:05", "2018-03-01", "0.3"]
    meta = result.metadata
    assert meta["float_ids"] == 1
    assert meta["sheets"] == ["名单", "Empty"] and meta["rows"] == 3
    assert meta["author"] == "张警官" and meta["last_modified_by"] == "reviewer"
    assert meta["created"].endswith("+00:00")
    assert [p.number for p in result.pages] == [1, 2]
    assert "买合买提·达吾提" in result.pages[0].text and "653121199001011234" in result.pages[0].text
    assert result.pages[1].text == "Empty"  # an empty sheet's page holds only its name


def test_blob_without_extension_is_read_by_content(id_workbook, tmp_path):
    blob = tmp_path / "3f2a9c"  # the blob store keeps no file name
    shutil.copy(id_workbook, blob)
    result = run(blob, tmp_path)
    assert cells_of(result, "名单", 3)[2] == "653121199001011234"


def test_row_limit_gives_partial(id_workbook, tmp_path):
    result = run(id_workbook, tmp_path, limits=Limits(max_rows=2))
    assert result.status == "partial" and "row limit" in result.error
    assert len(result.rows) == 2


@pytest.mark.parametrize(("value", "shown"), [
    (653121199001011234.0, "6.53121E+17"), (1e12 + 0.5, "1000000000000.5"), (123456789012.0, "123456789012"),
    (1e15, "1E+15"), (-5.0, "-5"), (1 / 3, "0.333333333333333"), (0.00001, "0.00001"), (1e-12, "1E-12"),
])
def test_show_number(value, shown):
    assert sheets.show_number(value) == shown


@corpora
def test_issue_174_numbers_without_float_noise(tmp_path):
    result = run(CALAMINE / "issue_174.xlsx", tmp_path)
    assert cells_of(result, "Sheet1", 1)[:3] == ["Your Ref #", "Contact Name", "Contact Number"]
    assert cells_of(result, "Sheet1", 2)[:8] == [
        "123", "Test Contact Name", "Test Contact Number", "Hello Address", "My City", "1.5", "1", "1.201"]
    assert result.metadata["author"] == "Abdulla" and result.metadata["application"] == "gnumeric"


@corpora
def test_xls_sst_continue_records(tmp_path):
    result = run(CALAMINE / "sst_continue.xls", tmp_path)
    text = result.pages[0].text
    assert "This is a long string with a serial" in text and "New CONTINUE block" in text
    assert result.metadata["author"] == "John"
    assert result.metadata["modified"] == "2025-09-03T23:23:58+00:00"


@corpora
def test_chinese_xls_and_summary_information(tmp_path):
    result = run(EASYEXCEL / "compatibility/t01.xls", tmp_path)
    assert result.metadata["sheets"] == ["产品数据"]
    assert "包装数量" in result.pages[0].text
    assert cells_of(result, "产品数据", 2)[:3] == ["材质*", "等级", "标准号*"]
    assert result.metadata["application"] == "Microsoft Macintosh Excel"  # SummaryInformation, Mac code page


@corpora
def test_chinese_xlsx_two_sheets_with_dates(tmp_path):
    result = run(EASYEXCEL / "demo/demo.xlsx", tmp_path)
    assert result.metadata["sheets"] == ["Sheet1", "Sheet2"]
    assert cells_of(result, "Sheet1", 1) == ["字符串标题", "日期标题", "数字标题"]
    assert cells_of(result, "Sheet1", 2) == ["字符串0", "2020-01-01 01:01:01", "1"]
    assert cells_of(result, "Sheet2", 2)[0] == "表2字符串0"
    assert result.metadata["last_modified_by"] == "扛大炮的小鱼"


@corpora
def test_xlsb_and_ods_dates_and_durations(tmp_path):
    xlsb = run(CALAMINE / "date.xlsb", tmp_path)
    assert [r.cells for r in xlsb.rows] == [["2021-01-01", "15"], ["2021-01-02", "16"], ["255:10:10", "17"]]
    assert xlsb.metadata["author"] == "Алена"
    ods = run(CALAMINE / "date.ods", tmp_path)
    assert ods.rows[1].cells == ["2021-01-01 10:10:10", "16"]
    assert ods.metadata["application"].startswith("LibreOffice")


@corpora
@pytest.mark.parametrize("path", [
    CALAMINE / "pass_protected.ods",
    CORPORA / "ingest-file/tests/fixtures/password_protected.xls",
    TIKA_MS / "testEXCEL_protected_passtika.xls",
])
def test_password_protected_workbooks(path, tmp_path):
    with pytest.raises(Encrypted, match="--password"):
        run(path, tmp_path)


@corpora
def test_encrypted_xls_opens_with_the_given_password(tmp_path):
    result = run(TIKA_MS / "testEXCEL_protected_passtika.xls", tmp_path, passwords=("wrong", "tika"))
    assert result.status == "ok"
    assert result.pages[0].text == "Sheet1\nThis is an Encrypted Excel spreadsheet."
    assert result.metadata["encrypted"] is True and result.metadata["opened_with_password"] is True


@corpora
def test_write_protected_xls_opens_with_excels_default_password(tmp_path):
    result = run(CALAMINE / "issue_385.xls", tmp_path)  # calamine alone says "password protected"
    assert result.status == "ok" and result.metadata["sheets"] == ["Sheet1"]
    assert result.metadata["encrypted"] is True and result.metadata["opened_with_password"] is False


@corpora
def test_not_an_ole_file_is_corrupt(tmp_path):
    # content says text; forcing the xls reader (as a name-based router would) must fail cleanly
    with pytest.raises(Corrupt, match="Invalid OLE"):
        run(CALAMINE / "too_small.xls", tmp_path, kind="xls")


@corpora
def test_ods_cell_bomb_is_hostile(tmp_path):
    with pytest.raises(Hostile, match="Cell limit"):
        run(CALAMINE / "issue_594_dos.ods", tmp_path)


@corpora
def test_calamine_panic_becomes_corrupt(tmp_path):
    # calamine panics ("no entry found for key") on this Tika file; the panic must not escape
    with pytest.raises(Corrupt, match="calamine"):
        run(TIKA_MS / "testEXCEL.xlsb", tmp_path)


@corpora
def test_chart_sheet_is_skipped_not_an_error(tmp_path):
    result = run(CALAMINE / "any_sheets.xlsb", tmp_path)
    assert result.status == "ok", result.error
    assert result.metadata["sheets"] == ["Visible", "Hidden", "VeryHidden", "Chart"]
    assert result.metadata["hidden_sheets"] == ["Hidden", "VeryHidden"]  # hidden data matters in a leak
    assert len(result.pages) == 4
