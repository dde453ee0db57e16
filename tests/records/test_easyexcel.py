"""Header detection on real Chinese spreadsheets (alibaba/easyexcel's test files): none of them is a
person table except the two-column 姓名/年龄 CSVs, and title rows above a header are skipped."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.corpora import CORPORA
from unsealed.records import headers, rows, tables

EASYEXCEL = (
    CORPORA
    / "easyexcel"
    / "easyexcel-test"
    / "src"
    / "test"
    / "resources"
)


def _sheets(path: Path) -> dict[str, list[tuple[int, list[str]]]]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return {"": [(n, r) for n, r in enumerate(csv.reader(fh), 1) if r]}
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(str(path))
    return {
        name: [
            (n, ["" if c is None else str(c) for c in r])
            for n, r in enumerate(book.get_sheet_by_name(name).to_python(), 1)
        ]
        for name in book.sheet_names
    }


@pytest.mark.parametrize(
    "name",
    [
        "compatibility/t01.xls",
        "compatibility/t02.xlsx",
        "compatibility/t03.xlsx",
        "compatibility/t04.xlsx",
        "demo/demo.xlsx",
        "demo/cellDataDemo.xlsx",
        "demo/fill/complex.xlsx",
        "fill/byName.xlsx",
        "fill/style.xlsx",
        "simple/simple07.xlsx",
        "converter/converter07.xlsx",
        "dataformat/dataformat.xlsx",
        "demo/demo.csv",
    ],
)
def test_no_person_table_in_product_and_template_sheets(name):
    path = EASYEXCEL / name
    assert path.exists(), path
    for sheet, data in _sheets(path).items():
        header = headers.detect(data)
        assert header is None or not tables.looks_like_people(
            header, [r for r in data if r[0] > header.row][:40]
        ), (name, sheet)


@pytest.mark.parametrize("name", ["bom/no_bom.csv", "bom/office_bom.csv"])
def test_name_and_age_list_is_read_as_people(name):
    data = _sheets(EASYEXCEL / name)[""]
    header = headers.detect(data)
    assert header is not None and header.row == 1
    assert [(c.header, c.field) for c in header.columns] == [("姓名", "name"), ("年纪", "age")]
    body = [r for r in data if r[0] > header.row]
    assert tables.looks_like_people(header, body) and tables.kind_of(header) == tables.PERSONS
    records = [rows.parse_row(header, n, cells, tables.PERSONS).records[0] for n, cells in body]
    assert [(r.name, [v.value for v in r.values if v.field == "age"]) for r in records] == [
        (f"姓名{n}", ["20"]) for n in range(10)
    ]


def test_title_row_above_header_in_a_real_sheet():
    data = _sheets(EASYEXCEL / "compatibility/t02.xlsx")["测试配方1027"]
    assert data[0][1][0] == "测试配方1027" and data[1][1][:2] == ["序号", "原料编号"]
    # Put a person header in place of the product header: the title row above it is skipped.
    person = [
        data[0],
        (2, ["序号", "姓名", "身份证号", "性别"]),
        (3, ["1", "买合买提·达吾提", "653121199001011230", "男"]),
    ]
    header = headers.detect(person)
    assert header is not None and header.row == 2
