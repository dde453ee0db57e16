"""Legacy Word/PowerPoint/OLE and RTF extraction on real corpus files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpora import CORPORA
from unsealed.extract import doc, rtf
from unsealed.extract.base import Context

from .probes import probe_of

TIKA = CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules"
MS = TIKA / "tika-parser-microsoft-module/src/test/resources/test-documents"

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")




def run(module, path: Path, tmp_path: Path, **ctx):
    probe = probe_of(path)
    assert module.accepts(probe), probe.kind
    return module.extract(path, probe, Context(workdir=tmp_path, **ctx))


def text_of(result) -> str:
    return "\n".join(p.text for p in result.pages)


# ---- .doc ---------------------------------------------------------------------------------

def test_doc_text_with_antiword(tmp_path):
    result = run(doc, MS / "testWORD_various.doc", tmp_path)
    assert result.status == "ok" and result.metadata["text_reader"] == "antiword"
    for snippet in ("Figure 1 This is a caption for Figure 1", "Suddenly some Japanese text:",
                    "And then some Gothic text:"):
        assert snippet in text_of(result)
    assert result.metadata["author"] == "Michael McCandless"
    assert result.metadata["created"] == "2011-09-02T10:11:00+00:00"


def test_doc_summary_information(tmp_path):
    meta = run(doc, MS / "testWORD_multi_authors.doc", tmp_path).metadata
    assert meta["author"] == "Allison, Timothy B.;author2;author3"
    assert meta["last_modified_by"] == "Allison, Timothy B."
    assert meta["application"] == "Microsoft Office Word"
    assert meta["revision"] == "2" and meta["company"] == "metadata_company"
    assert meta["modified"] == "2015-10-07T18:18:00+00:00"


def test_wps_office_unicode_properties_and_embedded_objects(tmp_path):
    result = run(doc, MS / "testWPSAttachment.doc", tmp_path)
    meta = result.metadata
    assert meta["author"] == "dsx" and meta["last_modified_by"] == "段"  # code page 1200 strings
    assert meta["application"].startswith("WPS Office_11.1")
    by_name = {c.name: c for c in result.children}
    assert by_name["ObjectPool/_1234567891/PDF.pdf"].path.read_bytes()[:5] == b"%PDF-"
    assert by_name["ObjectPool/_1234567890/TXT.txt"].status == "ok"
    assert by_name["ObjectPool/_1234567895/Workbook"].status == "unsupported"


def test_antiword_failure_falls_back_to_piece_table(tmp_path):
    result = run(doc, CORPORA / "extractous/test_files/documents/simple.doc", tmp_path)
    assert result.metadata["text_reader"] == "piece-table"
    assert "This is my first thought. This is my second thought." in text_of(result)


def test_word6_falls_back_to_its_text_run(tmp_path):
    result = run(doc, MS / "testWORD6.doc", tmp_path)
    assert "The quick brown fox jumps over the lazy dog" in text_of(result)


def test_encrypted_doc_keeps_metadata_and_opens_with_password(tmp_path):
    path = MS / "testWORD_protected_passtika.doc"
    locked = run(doc, path, tmp_path)
    assert locked.status == "encrypted" and "--password" in locked.error
    assert locked.metadata["author"] == "Antoni"
    opened = run(doc, path, tmp_path, passwords=("nope", "tika"))
    assert opened.status == "ok" and opened.metadata["encrypted"] is True
    assert "This is an encrypted Word 2007 File." in text_of(opened)


def test_rights_managed_doc_is_encrypted(tmp_path):
    result = run(doc, MS / "testWORD_protected_drm.doc", tmp_path)
    assert result.status == "encrypted" and "rights-managed" in result.error
    assert result.metadata["author"] == "Kondala, Raj"


# ---- .ppt and other OLE files ------------------------------------------------------------

def test_ppt_best_effort_text(tmp_path):
    result = run(doc, MS / "testPPT_various.ppt", tmp_path)
    text = text_of(result)
    assert result.status == "ok"
    assert "Row 1 Col 1" in text and "Here is a text box" in text
    assert "Click to edit Master" not in text
    assert result.metadata["title"] == "Slide 1"


def test_encrypted_ppt(tmp_path):
    path = MS / "testPPT_protected_passtika.ppt"
    assert run(doc, path, tmp_path).status == "encrypted"
    opened = run(doc, path, tmp_path, passwords=("tika",))
    assert opened.status == "ok" and opened.metadata["encrypted"] is True
    assert "This is an encrypted PowerPoint 2007 slide." in text_of(opened)


def test_other_ole_keeps_metadata_as_partial(tmp_path):
    result = run(doc, TIKA / "tika-parser-microsoft-module/src/test/resources/test-documents/testPROJECT2003.mpp",
                 tmp_path)
    assert result.status == "partial" and "metadata only" in result.error
    assert result.metadata["ole_type"] == "Microsoft Project 12.0"


# ---- RTF ---------------------------------------------------------------------------------

def test_rtf_japanese_unicode(tmp_path):
    result = run(rtf, MS / "testRTFJapanese.rtf", tmp_path)
    assert "東京都三鷹市" in text_of(result)
    assert result.metadata["author"] == "VMazel"


def test_rtf_code_page_and_info(tmp_path):
    result = run(rtf, MS / "testRTF-ms932.rtf", tmp_path)
    assert "こんにちは" in text_of(result)
    meta = result.metadata
    assert meta["encoding"] == "cp932" and meta["title"] == "タイトル"
    assert meta["author"] == "shinsuke" and meta["last_modified_by"] == "shinsuke"
    assert meta["created"] == "2010-10-08T14:18:00" and meta["modified"] == "2010-10-10T06:59:00"


def test_rtf_gbk_chinese(tmp_path):
    def esc(text: str) -> str:
        return "".join(f"\\'{b:02x}" if b > 127 else chr(b) for b in text.encode("gbk"))

    body = esc("新疆公安厅 张伟")
    source = ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil SimSun;}}"
              "{\\info{\\title " + body + "}{\\author " + esc("张伟") + "}{\\operator reviewer}"
              "{\\creatim\\yr2018\\mo3\\dy14\\hr9\\min30}}\\f0 " + body + "\\par}")
    path = tmp_path / "gbk.rtf"
    path.write_text(source, encoding="ascii")
    result = run(rtf, path, tmp_path / "work")
    assert text_of(result) == "新疆公安厅 张伟"
    assert result.metadata["author"] == "张伟" and result.metadata["last_modified_by"] == "reviewer"
    assert result.metadata["created"] == "2018-03-14T09:30:00" and result.metadata["encoding"] == "cp936"


def test_rtf_embedded_and_linked_objects(tmp_path):
    result = run(rtf, MS / "testRTFEmbeddedFiles.rtf", tmp_path)
    by_name = {c.name: c for c in result.children}
    assert len(result.children) == 14
    assert by_name["objects/5/testJPEG_____.jpg"].path.read_bytes()[:3] == b"\xff\xd8\xff"
    assert by_name["objects/1/Word.Document.8"].path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    linked = run(rtf, MS / "testRTFEmbeddedLink.rtf", tmp_path / "l").children
    assert [c.status for c in linked] == ["unsupported"] and "linked" in linked[0].error
