"""DOCX/PPTX/ODT/ODP and password-protected OOXML on real corpus files, plus built bombs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.corpora import CORPORA
from unsealed.extract import office
from unsealed.extract.base import Context, Corrupt, Encrypted, Hostile, Probe
from unsealed.ingest.detect import detect

from .probes import probe_of

TIKA = CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules"
MS = TIKA / "tika-parser-microsoft-module/src/test/resources/test-documents"
MISC = TIKA / "tika-parser-miscoffice-module/src/test/resources/test-documents"

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")




def run(path: Path, tmp_path: Path, **ctx):
    probe = probe_of(path)
    assert office.accepts(probe), probe.kind
    return office.extract(path, probe, Context(workdir=tmp_path, **ctx))


def text_of(result) -> str:
    return "\n".join(p.text for p in result.pages)


def test_chinese_docx_text_metadata_and_embeddings(tmp_path):
    result = run(CORPORA / "extractous/test_files/issue-52-chinese.docx", tmp_path)
    assert result.status == "ok"
    assert "则复数在复平面内所对应的" in text_of(result)
    assert "轴建立直角坐标系" in text_of(result)
    meta = result.metadata
    assert meta["company"] == "微软中国"
    assert meta["application"].startswith("WPS Office")
    assert meta["last_modified_by"] == "CXL" and meta["author"] == "Administrator"
    assert meta["created"] == "2018-04-10T03:24:00+00:00"
    embedded = [c for c in result.children if c.name.startswith("word/embeddings/oleObject")]
    assert len(embedded) == 48
    assert all(c.path.parent == tmp_path and c.path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0" for c in embedded)


def test_docx_core_app_and_custom_metadata(tmp_path):
    meta = run(MS / "testWORD_multi_authors.docx", tmp_path).metadata
    assert meta["author"] == "Allison, Timothy B.;author2;author3"
    assert meta["last_modified_by"] == "Allison, Timothy B."
    assert meta["company"] == "metadata_company"
    assert meta["application"] == "Microsoft Office Word"
    assert meta["revision"] == "1"
    assert meta["created"] == "2015-10-07T18:14:00+00:00"
    assert meta["modified"] == "2015-10-07T18:18:00+00:00"
    assert meta["custom_properties"] == {"Checked by": "metadata_checked_by"}


def test_docx_tables_headers_footers_footnotes_text_boxes(tmp_path):
    text = text_of(run(MS / "testWORD_various.docx", tmp_path))
    for snippet in ("Figure 1 This is a caption for Figure 1", "Suddenly some Japanese text:",
                    "Row 1 Col 1\tRow 1 Col 2\tRow 1 Col 3", "This is the header text.",
                    "This is the footer text.", "This is a footnote.", "Here is a text box"):
        assert snippet in text
    assert text.count("Here is a text box") == 1  # mc:Fallback copy skipped


def test_docx_tracked_changes_and_comment_authors(tmp_path):
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = (f'<w:document {ns}><w:body><w:p><w:r><w:t>Kept </w:t></w:r>'
                '<w:del w:author="Reviewer Li"><w:r><w:delText>removed words</w:delText></w:r></w:del>'
                '<w:ins w:author="Editor Wang"><w:r><w:t>added</w:t></w:r></w:ins></w:p></w:body></w:document>')
    path = tmp_path / "tracked.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", document)
    result = run(path, tmp_path / "work")
    assert text_of(result) == "Kept added"
    assert result.metadata["deleted_text"] == "removed words"
    assert result.metadata["revision_authors"] == ["Editor Wang", "Reviewer Li"]


def test_pptx_one_page_per_slide_with_notes(tmp_path):
    result = run(CORPORA / "kreuzberg/test_documents/presentations/powerpoint_sample.pptx", tmp_path)
    assert [p.number for p in result.pages] == [1, 2, 3]
    assert result.metadata["page_count"] == 3
    assert "Test Table Slide" in result.pages[0].text
    assert "And baz things" in result.pages[1].text
    assert "Some notes on the second slide." in result.pages[1].text


def test_odt_text_notes_and_meta(tmp_path):
    result = run(CORPORA / "kreuzberg/test_documents/odt/endnote.odt", tmp_path)
    assert "Some text with an endnote." in text_of(result)
    assert "Endnote text" in text_of(result)
    assert result.metadata["author"] == "Martin Linnemann"
    assert result.metadata["created"] == "2015-03-01T17:26:12"
    assert result.metadata["application"].startswith("OpenOffice/4.0.1")


def test_odp_slides(tmp_path):
    result = run(MISC / "versions/LibreOfficeImpress_odp_1.3.odp", tmp_path)
    assert len(result.pages) == 2 and result.metadata["page_count"] == 2
    assert "An example Impress file" in result.pages[0].text
    assert result.metadata["title"] == "Beehive"


def test_encrypted_odt_says_what_to_do(tmp_path):
    with pytest.raises(Encrypted, match="LibreOffice"):
        run(MISC / "testODTEncrypted.odt", tmp_path)


def test_protected_docx_opens_with_password(tmp_path):
    path = MS / "testWORD_protected_passtika.docx"
    assert probe_of(path).kind == "ooxml-encrypted"
    with pytest.raises(Encrypted, match="--password"):
        run(path, tmp_path)
    with pytest.raises(Encrypted, match="none of the given passwords"):
        run(path, tmp_path, passwords=("wrong",))
    result = run(path, tmp_path, passwords=("wrong", "tika"))
    assert "This is an encrypted Word 2007 File" in text_of(result)
    assert result.metadata["encrypted"] is True and result.metadata["author"] == "Antoni"


def test_protected_xlsx_is_handed_on_decrypted(tmp_path):
    result = run(MS / "testEXCEL_protected_passtika.xlsx", tmp_path, passwords=("tika",))
    [child] = result.children
    assert child.name == "decrypted.xlsx" and zipfile.is_zipfile(child.path)
    assert detect(child.path).kind == "xlsx"


def test_truncated_docx_is_corrupt(tmp_path):
    path = MS / "testWORD_truncated.docx"
    probe = Probe(kind="docx", mime="", name=path.name, size=path.stat().st_size, head=path.read_bytes()[:8192])
    with pytest.raises(Corrupt, match="truncated"):
        office.extract(path, probe, Context(workdir=tmp_path))


def _docx(path: Path, document: bytes | str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", document)
    return path


def test_xml_entity_bomb_is_hostile(tmp_path):
    lol = ['<!ENTITY a0 "lol">'] + [f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)]
    bomb = ('<?xml version="1.0"?><!DOCTYPE w:document [' + "".join(lol) + ']>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>')
    path = _docx(tmp_path / "bomb.docx", bomb)
    assert probe_of(path).kind == "docx"
    with pytest.raises(Hostile, match="XML entity bomb in word/document.xml"):
        run(path, tmp_path / "work")
    utf16 = _docx(tmp_path / "bomb16.docx", bomb.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
                  .encode("utf-16"))
    with pytest.raises(Hostile, match="XML entity bomb in word/document.xml"):
        run(utf16, tmp_path / "work16")


def test_zip_bomb_is_hostile(tmp_path):
    path = _docx(tmp_path / "zipbomb.docx", b"<" + b" " * (40 * 1024**2) + b"/>")
    assert path.stat().st_size < 200_000
    with pytest.raises(Hostile, match="zip bomb: word/document.xml"):
        run(path, tmp_path / "work")
