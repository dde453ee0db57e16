"""PDF extraction on real files from the peer corpora (../shared/corpora)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpora import CORPORA
from unsealed.extract import pdf
from unsealed.extract.base import Context, Corrupt, Encrypted, Limits, Probe

from .probes import probe_of

TIKA_PDF = CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules" \
    / "tika-parser-pdf-module/src/test/resources/test-documents"
ENCRYPTION = CORPORA / "pdfminer.six/samples/encryption"

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")




def run(path: Path, tmp_path: Path, **ctx):
    probe = probe_of(path)
    assert pdf.accepts(probe)
    return pdf.extract(path, probe, Context(workdir=tmp_path, **ctx))


def text_of(result) -> str:
    return "\n".join(p.text for p in result.pages)


def test_chinese_text_page_count_and_text_pages(tmp_path):
    result = run(CORPORA / "PyMuPDF/tests/resources/chinese-tables.pdf", tmp_path)
    assert result.status == "ok"
    assert result.metadata["page_count"] == 1 and len(result.pages) == 1
    assert "年度第四期超短期融资券募" in result.pages[0].text
    assert "\r" not in result.pages[0].text
    assert result.metadata["text_pages"] == [1]
    assert result.metadata["encrypted"] is False


def test_metadata_and_pdf_dates(tmp_path):
    result = run(CORPORA / "pdfminer.six/samples/zen_of_python_corrupted.pdf", tmp_path)
    meta = result.metadata
    assert meta["title"] == "zen_of_python.txt"
    assert meta["application"] == "a2ps version 4.14"  # the Info dictionary's Creator
    assert meta["producer"] == "GPL Ghostscript 9.18"
    assert meta["created"] == "2018-05-30T13:31:07+02:00"
    assert "Beautiful is better than ugly." in text_of(result)


@pytest.mark.parametrize("value, iso", [
    ("D:20180314093000+08'00'", "2018-03-14T09:30:00+08:00"),
    ("D:20180314093000Z", "2018-03-14T09:30:00+00:00"),
    ("D:20180314093000-05'30", "2018-03-14T09:30:00-05:30"),
    ("D:2018031409", "2018-03-14T09:00:00"),
    ("20180314", "2018-03-14T00:00:00"),
    ("D:20181399000000", None),
    ("yesterday", None),
])
def test_pdf_date(value, iso):
    assert pdf.pdf_date(value) == iso


@pytest.mark.parametrize("text, usable", [
    ("Secret!", False),  # under 10 characters
    ("  \n\n  \t ", False),
    ("新疆维吾尔自治区公安厅文件", True),
    ("\ue012\ue013\ue014\ue015\ue016\ue017\ue018\ue019\ue01a\ue01b\ue01c 12", False),  # broken font
    ("\ufffd" * 30 + "abcdefghijk", False),
    ("Hello World, this is text", True),
    ("!\"#!$%&$'()&)!!#\"!#'*+&),!\"#!!#'*+)&#*#", False),  # glyph codes of a Type3 font
    ("合计金额 1,234.56 元", True),
])
def test_usable_text(text, usable):
    assert pdf.usable_text(text) is usable


@pytest.mark.parametrize("name", ["aes-128.pdf", "aes-256.pdf", "rc4-40.pdf", "rc4-128.pdf"])
def test_encrypted_needs_password_then_opens(tmp_path, name):
    path = ENCRYPTION / name
    with pytest.raises(Encrypted, match="--password"):
        run(path, tmp_path)
    result = run(path, tmp_path, passwords=("wrong", "foo"))
    assert result.status == "ok"
    assert text_of(result).strip() == "Secret!"
    assert result.metadata["encrypted"] is True and result.metadata["opened_with_password"] is True


def test_wrong_passwords_say_so(tmp_path):
    with pytest.raises(Encrypted, match="none of the 2 given password"):
        run(CORPORA / "pdfplumber/tests/pdfs/password-example.pdf", tmp_path, passwords=("a", "b"))
    result = run(CORPORA / "pdfplumber/tests/pdfs/password-example.pdf", tmp_path, passwords=("test",))
    assert result.metadata["page_count"] == 4
    assert result.metadata["text_pages"] == [1, 2, 3, 4]
    assert "Backup4all" in result.pages[0].text


def test_empty_user_password_opens_without_asking(tmp_path):
    result = run(TIKA_PDF / "testPDF_no_extract_no_accessibility_owner_empty.pdf", tmp_path)
    assert "Hello World" in text_of(result)
    assert result.metadata["encrypted"] is True
    assert "opened_with_password" not in result.metadata


def test_image_only_pages_are_flagged_for_ocr(tmp_path):
    result = run(CORPORA / "kreuzberg/test_documents/pdfs/image_only_german_pdf.pdf", tmp_path)
    assert result.metadata["page_count"] == 3
    assert result.metadata["text_pages"] == []


def test_fonts_without_unicode_map_count_as_no_text(tmp_path):
    # Type3 fonts: PDFium reads only control characters, so the pages need OCR
    result = run(CORPORA / "ingest-file/tests/fixtures/example.pdf", tmp_path)
    assert result.metadata["page_count"] == 9
    assert result.metadata["text_pages"] == []
    assert not any(ch in result.pages[0].text for ch in "\x01\x04\x05\x0b")


def test_damaged_pdf_is_corrupt(tmp_path):
    with pytest.raises(Corrupt, match="damaged PDF"):
        run(CORPORA / "py-pdf-sample-files/017-unreadable-meta-data/unreadablemetadata.pdf", tmp_path)


def test_truncated_and_empty_pdf_are_corrupt(tmp_path):
    source = CORPORA / "pdfminer.six/samples/encryption/base.pdf"
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(source.read_bytes()[:200])
    with pytest.raises(Corrupt):
        pdf.extract(cut, probe_of(cut), Context(workdir=tmp_path / "w"))
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    probe = Probe(kind="pdf", mime="application/pdf", name="empty.pdf", size=0, head=b"")
    with pytest.raises(Corrupt, match="empty file"):
        pdf.extract(empty, probe, Context(workdir=tmp_path / "w"))


def test_a_failing_page_is_recorded_and_the_others_kept(tmp_path, monkeypatch):
    real = pdf._page_text

    def flaky(doc, index):
        if index == 1:
            raise RuntimeError("bad content stream")
        return real(doc, index)

    monkeypatch.setattr(pdf, "_page_text", flaky)
    result = run(CORPORA / "pdfplumber/tests/pdfs/password-example.pdf", tmp_path, passwords=("test",))
    assert result.status == "partial"
    assert "page 2" in result.error and "bad content stream" in result.error
    assert [p.number for p in result.pages] == [1, 2, 3, 4]
    assert result.pages[1].text == "" and "Backup4all" in result.pages[0].text
    assert result.metadata["text_pages"] == [1, 3, 4]


def test_time_limit_stops_with_partial(tmp_path):
    result = run(TIKA_PDF / "testPDF_bad_page_303226.pdf", tmp_path, limits=Limits(seconds=0))
    assert result.status == "partial"
    assert "time limit" in result.error
    assert result.metadata["page_count"] == 19


def test_attachments_become_children(tmp_path):
    result = run(TIKA_PDF / "testPDF_multiFormatEmbFiles.pdf", tmp_path)
    names = {c.name: c for c in result.children}
    assert "attachments/Test.txt" in names
    child = names["attachments/Test.txt"]
    assert child.status == "ok" and child.path.parent == tmp_path and child.path.stat().st_size > 0
