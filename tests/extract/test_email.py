"""E-mail and mailboxes: headers, bodies, attachments as children, damage degrades to partial."""

from __future__ import annotations

import base64
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from tests.corpora import CORPORA
from unsealed.extract import email as mail
from unsealed.extract.base import Context, Limits, Probe
from unsealed.ingest.detect import detect

TIKA_MAIL = (CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules"
             / "tika-parser-mail-module/src/test/resources/test-documents")
INGEST = CORPORA / "ingest-file/tests/fixtures"
EML = CORPORA / "unstructured/example-docs/eml"

corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")


def run(path: Path, tmp_path: Path, kind: str | None = None, **ctx):
    d = detect(path)
    probe = Probe(kind=kind or d.kind, mime=d.mime, name=path.name, size=path.stat().st_size,
                  head=path.read_bytes()[:8192])
    assert mail.accepts(probe), probe.kind
    work = tmp_path / "work"
    return mail.extract(path, probe, Context(workdir=work, **ctx))


def parse(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


@corpora
def test_headers_as_metadata(tmp_path):
    result = run(TIKA_MAIL / "testRFC822", tmp_path)
    meta = result.metadata
    assert meta["from"] == '"Julien Nioche (JIRA)" <jira@apache.org>'
    assert meta["to"] == "dev@tika.apache.org"
    assert meta["subject"] == "[jira] Commented: (TIKA-461) RFC822 messages not parsed"
    assert meta["date"] == "2010-09-06T05:25:34-04:00"
    assert meta["in_reply_to"] == "<6089099.260231278600349994.JavaMail.jira@thor>"
    assert result.pages[0].text.startswith('From: "Julien Nioche (JIRA)"')
    assert "Julien Nioche commented on TIKA-461" in result.pages[0].text


@corpora
def test_encoded_words_in_headers(tmp_path):
    result = run(EML / "mime-word-encoded-subject.eml", tmp_path)
    assert result.metadata["subject"] == "Simple email with ☸☿ Unicode subject"
    i18n = run(TIKA_MAIL / "testRFC822_i18nheaders", tmp_path)
    assert i18n.metadata["from"] == "Keld Jørn Simonsen <keld@dkuug.dk>"


@corpora
def test_attached_message_becomes_a_child_eml(tmp_path):
    result = run(INGEST / "email_attached_plaintext.eml", tmp_path)
    assert result.status == "ok"
    assert "This is the body of the email that contains the attachment." in result.pages[0].text
    assert "body of a plaintext message" not in result.pages[0].text  # attachment: its own item
    [child] = result.children
    assert child.name == "Plaintext only.eml" and child.path.parent == tmp_path / "work"
    inner = parse(child.path)
    assert inner["subject"] == "Plaintext only"
    assert "This is the body of a plaintext message." in inner.get_body().get_content()


@corpora
def test_inline_attached_message_is_shown_in_the_body(tmp_path):
    result = run(INGEST / "email_attached_inline.eml", tmp_path)
    text = result.pages[0].text
    assert "This is the body of the email that contains the attachment." in text
    assert "Subject: Plaintext only" in text and "This is the body of a plaintext message." in text
    assert [c.name for c in result.children] == ["Plaintext only.eml"]


@corpora
def test_attachments_and_differing_html_alternative(tmp_path):
    result = run(TIKA_MAIL / "testRFC822_multipart_attachments.eml", tmp_path)
    text = result.pages[0].text
    assert "This is test email for EML1" in text  # the plain-text body
    assert "This is the html body of the main msg." in text  # HTML says more: kept too
    names = {c.name: c.path for c in result.children}
    assert set(names) == {"Test TxtA.txt", "Test TxtB.txt"}
    assert b"This is Test TXTA File for parser" in names["Test TxtA.txt"].read_bytes()
    assert result.metadata["attachments"] == 2


@corpora
def test_alternatives_that_say_the_same_are_not_doubled(tmp_path):
    same = run(EML / "fake-email.eml", tmp_path)
    assert same.pages[0].text.count("Violets are blue") == 1
    different = run(EML / "mime-different-plain-html.eml", tmp_path / "2")
    assert "This is the text/plain part." in different.pages[0].text
    assert "the first networked email" in different.pages[0].text  # a word only the HTML has


@corpora
def test_malformed_and_empty_messages_degrade(tmp_path):
    malformed = run(EML / "fake-email-malformed-encoding.eml", tmp_path)
    assert malformed.status == "ok"
    assert "Violets are blue" in malformed.pages[0].text and malformed.metadata["subject"] == "Test Email"
    broken_b64 = run(EML / "mime-no-body.eml", tmp_path)
    assert broken_b64.status == "partial" and "InvalidBase64" in broken_b64.error
    assert broken_b64.metadata["subject"] == "Image Only Email"
    empty = run(EML / "empty.eml", tmp_path, kind="eml")  # whitespace only
    assert empty.status == "ok" and empty.pages[0].text == "" and empty.children == []


@corpora
def test_encrypted_mail_is_partial_with_clear_reason(tmp_path):
    result = run(EML / "fake-encrypted.eml", tmp_path)
    assert result.status == "partial" and "encrypted" in result.error and "key" in result.error
    assert result.metadata["encrypted"] == "PGP/MIME"
    assert result.metadata["from"] == "Michael Elkins <elkins@aero.org>"
    assert len(result.children) == 2  # the ciphertext is kept, not dropped


def test_smime_encrypted_mail(tmp_path):
    path = tmp_path / "smime.eml"
    path.write_bytes(
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: secret\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n'
        b'Content-Disposition: attachment; filename="smime.p7m"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        b"MIAGCSqGSIb3DQEHA6CAMIACAQAxggFQ\r\n")
    result = run(path, tmp_path)
    assert result.status == "partial" and result.metadata["encrypted"] == "S/MIME"
    assert "decrypt it with the recipient's key" in result.error
    [child] = result.children
    assert child.name == "smime.p7m" and child.path.read_bytes().startswith(b"0\x80\x06\t*\x86H")


def test_raw_gbk_headers_and_unsafe_attachment_names(tmp_path):
    raw = (
        "From: 张警官 <police@example.cn>\r\nTo: office@example.cn\r\nSubject: 在押人员名单\r\n"
        "Date: Tue, 6 Mar 2018 09:30:00 +0800\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n请查收附件。\r\n"
        "--b\r\nContent-Type: application/octet-stream\r\n"
        'Content-Disposition: attachment; filename="../../etc/passwd"\r\n\r\nroot\r\n'
        '--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="名单.txt"\r\n\r\none\r\n'
        '--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="名单.txt"\r\n\r\ntwo\r\n'
        "--b--\r\n"
    ).encode("gbk")  # 8-bit headers, as some Chinese mail clients still send them
    path = tmp_path / "raw.eml"
    path.write_bytes(raw)
    result = run(path, tmp_path)
    assert result.metadata["subject"] == "在押人员名单"
    assert result.metadata["from"] == "张警官 <police@example.cn>"
    assert result.metadata["date"] == "2018-03-06T09:30:00+08:00"
    assert "请查收附件。" in result.pages[0].text
    assert [c.name for c in result.children] == ["passwd", "名单.txt", "名单 (2).txt"]
    assert all(c.path.parent == tmp_path / "work" for c in result.children)
    assert [c.path.read_bytes().strip() for c in result.children] == [b"root", b"one", b"two"]


def test_encoded_word_and_rfc2231_file_names(tmp_path):
    gbk_word = "=?GB2312?B?" + base64.b64encode("照片.jpg".encode("gbk")).decode() + "?="
    raw = (
        "From: a@example.cn\r\nSubject: =?utf-8?q?=E5=90=8D=E5=8D=95?=\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n'
        f'--b\r\nContent-Type: image/jpeg; name="{gbk_word}"\r\nContent-Disposition: attachment;\r\n'
        f' filename="{gbk_word}"\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n'
        "--b\r\nContent-Type: text/csv\r\nContent-Disposition: attachment;\r\n"
        " filename*=utf-8''%E5%90%8D%E5%8D%95.csv\r\n\r\na,b\r\n--b--\r\n"
    )
    path = tmp_path / "names.eml"
    path.write_text(raw, encoding="ascii")
    result = run(path, tmp_path)
    assert result.metadata["subject"] == "名单"
    assert [c.name for c in result.children] == ["照片.jpg", "名单.csv"]
    assert result.children[0].path.read_bytes().startswith(b"\xff\xd8\xff\xe0")


def test_safe_and_unique_names():
    taken: set[str] = set()
    assert mail.unique_name(mail.safe_name("..\\..\\boot.ini", "x"), taken) == "boot.ini"
    assert mail.unique_name(mail.safe_name("BOOT.INI", "x"), taken) == "BOOT (2).INI"
    assert mail.safe_name(" .. ", "attachment-3") == "attachment-3"
    assert mail.safe_name("a\x00b:c?.txt", "x") == "a_b_c_.txt"


MBOX = b"""From alice@example.org Mon Jun 01 10:00:00 2009
From: Alice <alice@example.org>
Subject: first
Date: Mon, 1 Jun 2009 10:00:00 +0000

Hello.
From here on the line starts with From but is no separator.

From bob@example.org Tue Jun 02 11:00:00 2009
From: Bob <bob@example.org>
Subject: =?utf-8?b?5ZCN5Y2V?=

>From escaped line stays as written.

From carol@example.org Wed Jun 03 12:00:00 2009
From: Carol <carol@example.org>
Subject: third

Bye.
"""


def test_mbox_is_split_into_child_messages(tmp_path):
    path = tmp_path / "box.mbox"
    path.write_bytes(MBOX)
    result = run(path, tmp_path)
    assert result.status == "ok" and result.metadata["messages"] == 3
    assert [c.name for c in result.children] == ["0001.eml", "0002.eml", "0003.eml"]
    first = result.children[0].path.read_bytes()
    assert first.startswith(b"From: Alice") and first.endswith(b"is no separator.\n")
    assert b">From escaped line stays as written." in result.children[1].path.read_bytes()
    assert parse(result.children[1].path)["subject"] == "名单"
    assert result.children[0].modified == "2009-06-01T10:00:00+00:00"
    assert result.pages[0].text.splitlines() == [
        "0001.eml\t2009-06-01T10:00:00+00:00\tAlice <alice@example.org>\tfirst",
        "0002.eml\t\tBob <bob@example.org>\t名单",
        "0003.eml\t\tCarol <carol@example.org>\tthird",
    ]
    # each child goes through the e-mail extractor again as its own item
    again = run(result.children[0].path, tmp_path / "again")
    assert "From here on the line starts with From" in again.pages[0].text


def test_mbox_message_limit(tmp_path):
    path = tmp_path / "box.mbox"
    path.write_bytes(MBOX)
    result = run(path, tmp_path, limits=Limits(max_members=2))
    assert result.status == "partial" and "message limit" in result.error and len(result.children) == 2


@corpora
def test_real_mailboxes(tmp_path):
    plan = run(INGEST / "plan.mbox", tmp_path)
    assert [c.name for c in plan.children] == ["0001.eml"]
    assert "Re: Our friends has a good plan" in plan.pages[0].text
    assert not plan.children[0].path.read_bytes().startswith(b"From ")
    # detected as plain text (a blank line follows the envelope), still read as a mailbox
    simple = run(TIKA_MAIL / "simple.mbox", tmp_path / "simple")
    assert len(simple.children) == 2
    assert b"Test content 2" in simple.children[1].path.read_bytes()
    complex_box = run(TIKA_MAIL / "complex.mbox", tmp_path / "complex")
    assert complex_box.metadata["messages"] == 3
