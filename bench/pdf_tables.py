"""What reading person tables costs the PDF extractor, and how fast a long list is read.

    .venv/bin/python bench/pdf_tables.py            # the PDFs of ../shared/corpora, and a generated list
    .venv/bin/python bench/pdf_tables.py --rows 5000

1. Every PDF under ../shared/corpora is extracted twice, with and without the table
   reader: CPU seconds, pages, pages handed to the table finder, rows kept.
2. A ruled detainee list of ``--rows`` people (reportlab, as Word or WPS would export
   it) is extracted: pages, rows read, rows per second, and whether every ID number
   came back in its own cell.
Prints one figure per line with units.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unsealed.extract import pdf  # noqa: E402
from unsealed.extract.base import Context, ExtractionError, Probe  # noqa: E402

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def _extract(path: Path, workdir: Path):
    with open(path, "rb") as fh:
        head = fh.read(8192)
    probe = Probe(kind="pdf", mime="application/pdf", name=path.name, size=path.stat().st_size, head=head)
    return pdf.extract(path, probe, Context(workdir))


def corpora(files: list[Path], workdir: Path) -> None:
    asked: list[int] = []
    real = pdf.pdf_tables.read_tables

    def counting(path, password, pages, readable, deadline, max_rows):
        pages = list(pages)
        asked.append(len(pages))
        return real(path, password, pages, readable, deadline, max_rows)

    def run(tables: bool) -> tuple[float, int, int]:
        pdf.pdf_tables.read_tables = counting if tables else (lambda *a, **k: ([], []))
        start, pages, rows = time.process_time(), 0, 0
        for path in files:
            try:
                result = _extract(path, workdir)
            except ExtractionError:
                continue
            pages += len(result.pages)
            rows += len(result.rows)
        return time.process_time() - start, pages, rows

    try:
        without, pages, _ = run(False)
        with_tables, _, rows = run(True)
    finally:
        pdf.pdf_tables.read_tables = real
    print(f"corpora PDFs: {len(files)} ({pages} pages)")
    print(f"corpora CPU without tables: {without:.2f} s")
    print(f"corpora CPU with tables: {with_tables:.2f} s ({with_tables / max(without, 1e-9):.2f}x)")
    print(f"corpora pages given to the table finder: {sum(asked)} in {len(asked)} files (and pages after tables)")
    print(f"corpora table rows kept: {rows}")


def generated(rows: int, workdir: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle
    from stdnum.cn import ric

    from unsealed.synth.documents import FONT_NAME, FONT_PATH

    pdfmetrics.registerFont(TTFont(FONT_NAME, FONT_PATH, subfontIndex=0))
    ids = []
    for i in range(rows):
        body = f"653121{1960 + i % 40}{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
        ids.append(body + ric.calc_check_digit(body + "0"))
    data = [["序号", "姓名", "公民身份号码", "性别", "收押原因"]]
    data += [[str(i + 1), f"买买提·{'一二三四五六七八九十'[i % 10]}", ids[i], "男", "宗教极端"] for i in range(rows)]
    table = Table(data)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    path = workdir / "list.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([table])
    start = time.perf_counter()
    result = _extract(path, workdir)
    seconds = time.perf_counter() - start
    found = [row.cells[2] for row in result.rows[1:] if len(row.cells) > 2]
    sheets = sorted({r.sheet for r in result.rows})
    print(f"generated list: {rows} people on {len(result.pages)} pages, tables {sheets}")
    print(f"generated list extract: {seconds:.2f} s ({rows / seconds:.0f} rows/s, "
          f"{len(result.pages) / seconds:.1f} pages/s)")
    exact = sum(a == b for a, b in zip(found, ids, strict=False))
    print(f"generated list ID numbers back in their cells: {exact}/{rows}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=2000, help="people in the generated list")
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # pdfminer's warnings about damaged corpus files
    with tempfile.TemporaryDirectory() as tmp:
        files = sorted(CORPORA.glob("**/*.pdf"))
        if files:
            corpora(files, Path(tmp))
        else:
            print(f"corpora: none found under {CORPORA}")
        generated(args.rows, Path(tmp))


if __name__ == "__main__":
    main()
