"""The pipeline's OCR call: which pages get read, modes, and bad input turned into error strings."""

import struct
import zlib
from pathlib import Path

from PIL import Image
from reportlab.pdfgen import canvas

from tests.ocr.corpora import EXIF, RAPID
from unsealed.extract.base import Extraction, Page, Probe, TimedOut
from unsealed.ocr import OcrOptions, apply, engines, ocr_pages
from unsealed.ocr.cer import cer
from unsealed.ocr.samples import NOTICE_ZH, portrait, render_page

AUTO = OcrOptions()


def _probe(path: Path, kind: str) -> Probe:
    return Probe(kind=kind, mime="", name=path.name, size=path.stat().st_size, head=path.read_bytes()[:64])


def _scanned_pdf(tmp_path: Path) -> Path:
    """A two-page PDF holding only pictures of text (a scan): page 2 is blank paper."""
    lines = NOTICE_ZH[:3]
    first = render_page(lines, size=(1748, 700), margin=80)  # A5 width at 300 dpi
    blank = Image.new("L", (1748, 700), 255)
    path = tmp_path / "scan.pdf"
    first.save(path, "PDF", resolution=300, save_all=True, append_images=[blank])
    return path


def test_image_only_pdf_gets_ocr_pages(tmp_path):
    path = _scanned_pdf(tmp_path)
    extraction = Extraction(pages=[Page(1, ""), Page(2, " \n")], extractor="pdf")
    pages, errors = ocr_pages(path, _probe(path, "pdf"), extraction, AUTO)
    assert errors == []
    assert [(p.number, p.source) for p in pages] == [(1, "ocr"), (2, "ocr")]
    assert cer("".join(NOTICE_ZH[:3]), pages[0].text) <= 0.03, pages[0].text
    assert 0.9 < pages[0].confidence <= 1.0
    assert pages[1].text == "" and pages[1].confidence == 0.0  # read, and found empty


def test_pdf_with_a_text_layer_is_read_only_when_always(tmp_path):
    path = tmp_path / "text.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("Helvetica", 20)
    pdf.drawString(72, 700, "Konasheher county detention list, March 2018")
    pdf.save()
    extraction = Extraction(pages=[Page(1, "Konasheher county detention list, March 2018")], extractor="pdf")
    probe = _probe(path, "pdf")
    assert ocr_pages(path, probe, extraction, AUTO) == ([], [])
    assert ocr_pages(path, probe, extraction, OcrOptions(mode="never")) == ([], [])
    pages, errors = ocr_pages(path, probe, extraction, OcrOptions(mode="always"))
    assert errors == [] and len(pages) == 1
    assert "Konasheher county detention list" in pages[0].text


def test_images_auto_skips_portraits_always_reads_them(tmp_path):
    photo = tmp_path / "653121198503150417.jpg"
    portrait(7).save(photo, quality=90)
    probe = _probe(photo, "jpeg")
    assert ocr_pages(photo, probe, Extraction(), AUTO) == ([], [])
    pages, errors = ocr_pages(photo, probe, Extraction(), OcrOptions(mode="always"))
    assert errors == [] and [p.number for p in pages] == [1]
    text_image = RAPID / "img_exif_orientation.jpg"  # must be turned upright by its EXIF tag
    pages, errors = ocr_pages(text_image, _probe(text_image, "jpeg"), Extraction(), AUTO)
    assert errors == [] and "我是中国人" in pages[0].text


def test_multi_page_tiff_reads_each_frame(tmp_path):
    path = tmp_path / "fax.tiff"
    frames = [render_page([line], size=(1900, 200), margin=40) for line in NOTICE_ZH[:2]]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    pages, errors = ocr_pages(path, _probe(path, "tiff"), Extraction(), AUTO)
    assert errors == []
    assert [p.number for p in pages] == [1, 2]
    assert cer(NOTICE_ZH[1], pages[1].text) <= 0.05


def test_corrupt_files_give_errors_not_exceptions(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes((EXIF / "Canon_40D.jpg").read_bytes()[:600])
    pages, errors = ocr_pages(broken, _probe(broken, "jpeg"), Extraction(), OcrOptions(mode="always"))
    assert pages == [] and len(errors) == 1 and errors[0].startswith("page 1: cannot decode the image")
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    pages, errors = ocr_pages(garbage, _probe(garbage, "png"), Extraction(), AUTO)
    assert pages == [] and "cannot decode the image" in errors[0]
    bad_pdf = tmp_path / "bad.pdf"
    bad_pdf.write_bytes(b"%PDF-1.4\n%garbage with no objects\n")
    pages, errors = ocr_pages(bad_pdf, _probe(bad_pdf, "pdf"), Extraction(), AUTO)
    assert pages == [] and "cannot open the PDF for OCR" in errors[0]


def test_failed_pages_make_the_extraction_partial():
    extraction = apply(Extraction(pages=[Page(1, "text")]), [Page(2, "ocr text", "ocr", 0.9)],
                       ["page 3: cannot render the page: boom"])
    assert extraction.status == "partial"
    assert extraction.error == "OCR: page 3: cannot render the page: boom"
    assert [p.source for p in extraction.pages] == ["text", "ocr"]
    assert apply(Extraction(), [], []).status == "ok"


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def test_decompression_bomb_image_is_refused_without_decoding(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(30_000, 30_000))  # 900 megapixels announced, no pixel data
    for mode in ("auto", "always"):
        pages, errors = ocr_pages(bomb, _probe(bomb, "png"), Extraction(), OcrOptions(mode=mode))
        assert pages == [] and len(errors) == 1 and "page 1:" in errors[0], errors


def test_time_limit_during_ocr_keeps_earlier_pages(tmp_path, monkeypatch):
    path = _scanned_pdf(tmp_path)
    real = engines.read_page
    calls = []

    def slow(picture, langs, timeout):
        calls.append(1)
        if len(calls) == 2:
            raise TimedOut("reading took longer than the time limit")
        return real(picture, langs, timeout)

    monkeypatch.setattr(engines, "read_page", slow)
    pages, errors = ocr_pages(path, _probe(path, "pdf"), Extraction(), AUTO)
    assert [p.number for p in pages] == [1]
    assert errors == ["page 2 and later: not OCR'd, the time limit for this file ran out"]
