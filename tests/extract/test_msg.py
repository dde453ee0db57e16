"""Outlook .msg: headers, bodies in every code page, Outlook items, attachments and attached messages."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import olefile
import pytest

from tests.corpora import CORPORA
from unsealed.extract import msg
from unsealed.extract.base import Context, Corrupt, Limits, Probe
from unsealed.extract.msg_embedded import MESSAGE_CLSID, RebuildError
from unsealed.extract.registry import run_extractor
from unsealed.ingest.detect import detect

TIKA = (CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules"
        / "tika-parser-microsoft-module/src/test/resources/test-documents")
KREUZBERG = CORPORA / "kreuzberg/test_documents/email"
UNSTRUCTURED = CORPORA / "unstructured/example-docs"
PISTE = CORPORA / "ingest-file/tests/fixtures/piste.msg"

corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")


def _expected_msg() -> list[tuple[str, list[str]]]:
    path = CORPORA / "expected.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["path"], r.get("text_contains", [])) for r in rows if r["path"].lower().endswith(".msg")]


def run(path: Path, tmp_path: Path, **ctx):
    d = detect(path)
    probe = Probe(kind=d.kind, mime=d.mime, name=path.name, size=path.stat().st_size,
                  head=path.read_bytes()[:8192])
    assert msg.accepts(probe), d.kind
    return msg.extract(path, probe, Context(workdir=tmp_path / "work", **ctx))


# --- the peers' expectations --------------------------------------------------------------


@corpora
@pytest.mark.parametrize("rel,snippets", _expected_msg(), ids=lambda v: Path(v).name if isinstance(v, str) else "")
def test_expected_snippets(rel, snippets, tmp_path):
    path = CORPORA / rel
    if detect(path).kind != "msg":
        pytest.skip("an RFC 822 message named .msg: the EML extractor reads it")
    result = run(path, tmp_path)
    # Matched as the corpus check does (tests/corpus/expectations.py): whitespace removed, case folded.
    found = _squash("\n".join([result.pages[0].text, *map(str, result.metadata.values())]))
    children = _squash("\n".join(c.path.read_bytes().decode("utf-8", "replace") for c in result.children if c.path))
    for snippet in snippets:
        assert _squash(snippet) in found or _squash(snippet) in children, snippet
    assert result.metadata.get("message_class")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


# --- headers and bodies ---------------------------------------------------------------------


@corpora
def test_metadata_like_eml(tmp_path):
    result = run(PISTE, tmp_path)
    meta = result.metadata
    assert result.status == "ok"
    assert meta["subject"] == "Ab auf die Piste!"
    assert meta["from"] == "GMX Magazin <mailings@gmxnet.de>"
    assert meta["date"] == "2010-11-28T23:42:18+01:00"  # from the transport headers, with offset
    assert meta["message_id"] == "<E5-bad037e6-elaine5029/3/2852-f493@mailings.gmx.net>"
    assert meta["message_class"] == "IPM.Note"
    text = result.pages[0].text
    assert text.startswith("From: GMX Magazin <mailings@gmxnet.de>\nTo: ")
    assert "Subject: Ab auf die Piste!" in text and "Mit dem Postfach auf die Piste" in text


@corpora
def test_date_from_submit_time_without_headers(tmp_path):
    result = run(KREUZBERG / "msg/simple/simple_msg.msg", tmp_path)
    assert result.metadata["date"] == "2016-12-03T18:08:54+00:00"  # PR_CLIENT_SUBMIT_TIME, UTC
    assert result.metadata["from"] == "peterpan@neverland.com"
    assert result.metadata["to"] == "crocodile@neverland.com"


@corpora
def test_cc_and_bcc(tmp_path):
    meta = run(UNSTRUCTURED / "fake-email-with-cc-and-bcc.msg", tmp_path).metadata
    assert meta["cc"] == "steve@unstructured.io"
    assert meta["bcc"] == "hello@unstructured.io"


@corpora
def test_8bit_strings_in_the_message_code_page(tmp_path):
    # Traditional Chinese Exchange mail: 8-bit properties in code page 950 (PR_INTERNET_CPID).
    result = run(TIKA / "testMSG_chinese.msg", tmp_path)
    assert result.metadata["subject"] == "Alfresco MSG format testing ( MSG 格式測試 )"
    assert result.metadata["from"] == "Tests Chang@FT (張毓倫)"
    assert "高票當選雲林縣總工會" in result.pages[0].text
    latin = run(TIKA / "test-outlook.msg", tmp_path)
    assert latin.metadata["from"].startswith("L'Équipe Microsoft Outlook Express")


# --- Outlook items other than mail -------------------------------------------------------


@corpora
def test_contact_fields_are_searchable(tmp_path):
    result = run(TIKA / "testMSG_Contact.msg", tmp_path)
    text = result.pages[0].text
    assert "Outlook item: IPM.Contact" in text
    for line in ("Given name: Quick", "Surname: Fox", "Company: Fence Co", "Mobile phone: (456) 789-0123",
                 "E-mail: quickbrown@gmail.com"):
        assert line in text
    assert result.metadata["contact_name"] == "Dr Quick Brown Fox Jr"
    assert result.metadata["contact_email"] == "quickbrown@gmail.com"


@corpora
def test_appointment_and_task_fields(tmp_path):
    appointment = run(TIKA / "testMSG_Appointment.msg", tmp_path)
    assert appointment.metadata["location"] == "under lazy dog"
    assert appointment.metadata["start"] == "2017-02-28T18:30:00+00:00"
    assert "Location: under lazy dog" in appointment.pages[0].text
    task = run(TIKA / "testMSG_Task.msg", tmp_path)
    assert task.metadata["due"] == "2017-03-10T00:00:00+00:00"
    assert task.metadata["status"] == "in progress"
    assert "Quick brown fox must do what he must" in task.pages[0].text


# --- attachments --------------------------------------------------------------------------


@corpora
def test_attachments_become_children(tmp_path):
    result = run(KREUZBERG / "msg/with_attachments/msg_with_png_attachment.msg", tmp_path)
    assert [c.name for c in result.children] == ["canvas.png"]
    child = result.children[0]
    assert child.status == "ok" and child.path.parent == tmp_path / "work"
    assert child.path.read_bytes().startswith(b"\x89PNG")
    assert result.metadata["attachments"] == 1
    text = run(UNSTRUCTURED / "fake-email-attachment.msg", tmp_path).children[0]
    assert text.name == "fake-attachment.txt" and b"Hey this is a fake attachment!" in text.path.read_bytes()


@corpora
def test_attached_message_is_rebuilt_as_msg(tmp_path):
    result = run(TIKA / "testMSG_att_msg.msg", tmp_path)
    names = [c.name for c in result.children]
    assert names == ["Test Attachment.msg", "smbprn.00009008.KdcPjl.pdf"]
    assert result.children[1].path.read_bytes().startswith(b"%PDF")
    inner_path = result.children[0].path
    assert detect(inner_path).kind == "msg"
    with olefile.OleFileIO(str(inner_path)) as ole:
        assert ole.exists("__nameid_version1.0/__substg1.0_00020102")  # the parent's named-property map
    inner = run(inner_path, tmp_path / "inner")
    assert inner.status == "ok"
    assert inner.metadata["subject"] == "Test Attachment"
    assert inner.metadata["date"] == "2010-06-18T09:52:19+10:00"
    assert "Blah blah blah" in inner.pages[0].text
    assert "Blah blah blah" not in result.pages[0].text  # read once, as its own item


@corpora
def test_attached_message_inline_when_rebuild_fails(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise RebuildError("names clash")

    monkeypatch.setattr(msg, "rebuild", refuse)
    result = run(TIKA / "testMSG_att_msg.msg", tmp_path)
    failed = result.children[0]
    assert failed.name == "Test Attachment.msg" and failed.path is None
    assert failed.status == "unsupported" and "names clash" in failed.error
    assert "Subject: Test Attachment" in result.pages[0].text
    assert "Blah blah blah" in result.pages[0].text
    assert result.children[1].status == "ok"


@corpora
def test_encrypted_message_is_partial_with_its_parts_kept(tmp_path):
    result = run(UNSTRUCTURED / "fake-encrypted.msg", tmp_path)
    assert result.status == "partial" and "encrypted" in result.error
    assert result.metadata["encrypted"] == "PGP/MIME"
    assert len([c for c in result.children if c.status == "ok"]) == 2


# --- limits and damage ---------------------------------------------------------------------


@corpora
def test_limits(tmp_path):
    big = run(KREUZBERG / "msg/with_attachments/msg_with_png_attachment.msg", tmp_path,
              limits=Limits(max_member_bytes=100_000))
    assert big.children[0].status == "hostile" and big.children[0].path is None
    cut = run(PISTE, tmp_path / "b", limits=Limits(max_text_chars=100))
    assert cut.status == "partial" and len(cut.pages[0].text) == 100 and "text limit" in cut.error


@corpora
def test_not_a_message_and_truncated(tmp_path):
    doc = CORPORA / "kreuzberg/test_documents/legacy_office/simple.doc"
    doc = doc if doc.exists() else next(CORPORA.rglob("*.doc"))
    probe = Probe(kind="msg", mime="", name="x.msg", size=0, head=b"")
    with pytest.raises(Corrupt, match="not an Outlook message"):
        msg.extract(doc, probe, Context(workdir=tmp_path / "a"))
    junk = tmp_path / "junk.msg"
    junk.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    with pytest.raises(Corrupt, match="damaged or cut short"):
        msg.extract(junk, probe, Context(workdir=tmp_path / "b"))
    data = PISTE.read_bytes()
    for cut in (len(data) // 2, len(data) - 2048):
        short = tmp_path / f"short{cut}.msg"
        short.write_bytes(data[:cut])
        result = run_extractor(short, probe, Context(workdir=tmp_path / f"w{cut}"))
        assert result.status in ("corrupt", "partial") and result.error, result


@corpora
def test_registry_routes_msg_files(tmp_path):
    d = detect(PISTE)
    probe = Probe(kind=d.kind, mime=d.mime, name=PISTE.name, size=PISTE.stat().st_size, head=b"")
    result = run_extractor(PISTE, probe, Context(workdir=tmp_path))
    assert result.extractor == "msg" and result.metadata["subject"] == "Ab auf die Piste!"


# --- synthetic messages: GBK strings, RTF-only body, linked attachment -----------------------


def _build(path: Path, streams: dict[str, bytes], fixed: list[tuple[int, int, bytes]] = (),
           attachments: list[tuple[dict[str, bytes], list]] = ()) -> Path:
    """A minimal .msg written with the same CFB writer the extractor uses for attached messages."""
    from aspose.email_foss.cfb import CFBDocument, CFBStorage, CFBStream, CFBWriter

    def props(header: int, entries) -> CFBStream:
        body = b"".join(struct.pack("<HHI", ptype, pid, 6) + value.ljust(8, b"\x00") for pid, ptype, value in entries)
        return CFBStream(name="__properties_version1.0", data=bytes(header) + body)

    root = CFBStorage(name="Root Entry", clsid=MESSAGE_CLSID)
    root.children.append(props(32, fixed))
    root.children += [CFBStream(name=name, data=data) for name, data in streams.items()]
    for index, (att_streams, att_fixed) in enumerate(attachments):
        store = CFBStorage(name=f"__attach_version1.0_#{index:08X}")
        store.children.append(props(8, att_fixed))
        store.children += [CFBStream(name=name, data=data) for name, data in att_streams.items()]
        root.children.append(store)
    path.write_bytes(CFBWriter.to_bytes(CFBDocument(root=root)))
    return path


def test_gbk_message_with_rtf_only_body_and_linked_attachment(tmp_path):
    from compressed_rtf import compress

    rtf = rb"{\rtf1\ansi\ansicpg936{\fonttbl{\f0 SimSun;}}\f0 \'b9\'ab\'b0\'b2\'be\'d6 report 2018\par}"
    path = _build(
        tmp_path / "gbk.msg",
        {"__substg1.0_001A001E": b"IPM.Note", "__substg1.0_0037001E": "通知 2018".encode("gbk"),
         "__substg1.0_0C1A001E": "买合买提".encode("gbk"), "__substg1.0_5D01001F": "m@example.cn".encode("utf-16-le"),
         "__substg1.0_10090102": compress(rtf, compressed=True)},
        fixed=[(0x3FFD, 0x0003, struct.pack("<I", 936))],
        attachments=[({"__substg1.0_3707001F": "名单.xls".encode("utf-16-le"),
                       "__substg1.0_370D001F": r"\\server\share\名单.xls".encode("utf-16-le")},
                      [(0x3705, 0x0003, struct.pack("<I", 4))])],
    )
    result = run(path, tmp_path)
    assert result.metadata["subject"] == "通知 2018"
    assert result.metadata["from"] == "买合买提 <m@example.cn>"
    assert result.metadata["encoding"] == "gb18030"
    assert "公安局 report 2018" in result.pages[0].text
    linked = result.children[0]
    assert linked.name == "名单.xls" and linked.path is None and linked.status == "unsupported"
    assert r"\\server\share" in linked.error


def test_damaged_rtf_body_is_partial(tmp_path):
    path = _build(tmp_path / "bad.msg", {"__substg1.0_0037001F": "x".encode("utf-16-le"),
                                          "__substg1.0_10090102": b"\x20\x00\x00\x00" * 4 + b"LZFu" + bytes(20)})
    result = run(path, tmp_path)
    assert result.status == "partial" and "RTF body" in result.error
    assert result.metadata["subject"] == "x"
