"""Archive unpacking on real archives from the peer corpora and on archives built here."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.corpora import CORPORA
from unsealed.extract import archives, registry
from unsealed.extract.base import Context, Corrupt, Encrypted
from unsealed.extract.safe_names import decode_name, link_verdict, safe_name, zip_unicode_path
from unsealed.ingest.detect import detect

from .probes import probe_of

RE = CORPORA / "RecursiveExtractor/RecursiveExtractor.Tests/TestData/TestDataArchives"
PKG = CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules" \
    / "tika-parser-pkg-module/src/test/resources/test-documents"
FIXTURES = CORPORA / "ingest-file/tests/fixtures"
LOREM = "Lorem ipsum dolor sit amet, consectetur"

corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")
needs_unar = pytest.mark.skipif(shutil.which("unar") is None and shutil.which("unrar") is None,
                                reason="no RAR tool (unar/unrar) installed")




def unpack(path: Path, tmp_path: Path, kind: str | None = None, **ctx):
    probe = probe_of(path, kind)
    assert archives.accepts(probe), probe.kind
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return archives.extract(path, probe, Context(workdir=work, **ctx))


def by_name(result) -> dict:
    return {c.name: c for c in result.children}


def content(child) -> bytes:
    assert child.path is not None, (child.name, child.status, child.error)
    return child.path.read_bytes()


# ---------------------------------------------------------------- formats


@corpora
@pytest.mark.parametrize("name, members", [
    ("TestData.zip", 5), ("TestData.7z", 3), ("TestData.tar", 5), ("TestData.tar.gz", 5),
    ("TestData.tar.bz2", 5), ("TestData.tar.xz", 3), ("100trees.7z", 101),
])
def test_every_format_unpacks_all_members(tmp_path, name, members):
    result = unpack(RE / name, tmp_path)
    assert result.status == "ok", result.error
    assert result.metadata["members"] == members == len(result.children)
    assert all(c.status == "ok" and c.path.parent == tmp_path / "work" for c in result.children)
    texts = [c for c in result.children if c.name.endswith("Lorem.txt")]
    jpegs = [c for c in result.children if c.name.endswith(".jpg")]
    assert texts or jpegs
    assert all(content(c).startswith(b"Lorem ipsum") for c in texts)
    assert all(content(c).startswith(b"\xff\xd8\xff") for c in jpegs)


@corpora
@needs_unar
@pytest.mark.parametrize("name", ["TestData.rar", "TestData.rar4"])
def test_rar_unpacks_through_the_tool(tmp_path, name):
    result = unpack(RE / name, tmp_path)
    assert result.status == "ok", result.error
    assert sorted(by_name(result)) == ["TestData/Foo/Bar/Lorem.txt", "TestData/Foo/Lorem.txt", "TestData/Lorem.txt"]
    assert all(LOREM.encode() in content(c) for c in result.children)
    assert result.metadata["archive_format"] == "rar"


@corpora
def test_tar_gz_comes_out_as_its_members_not_a_tar(tmp_path):
    result = unpack(PKG / "test-documents.tgz", tmp_path)
    assert result.metadata["archive_format"] == "tar.gz"
    names = by_name(result)
    assert "test-documents/testTXT.txt" in names and not any(n.endswith(".tar") for n in names)
    assert names["test-documents/testPDF.pdf"].path.read_bytes().startswith(b"%PDF")
    assert names["test-documents/testTXT.txt"].modified.startswith("2007-10-01T")


@corpora
def test_single_gzip_is_named_from_its_header_and_bz2_from_its_name(tmp_path):
    bob = unpack(PKG / "bob.gz", tmp_path)
    assert [c.name for c in bob.children] == ["alice.txt"]  # FNAME in the gzip header
    bz = unpack(PKG / "test-bz2.txt.bz2", tmp_path)
    assert [c.name for c in bz.children] == ["test-bz2.txt"]
    assert bz.metadata["archive_format"] == "bzip2"


def test_xz_and_gzip_without_file_name(tmp_path):
    src = tmp_path / "report.csv.xz"
    src.write_bytes(lzma.compress("姓名,身份证号\n".encode() * 100))
    result = unpack(src, tmp_path)
    assert [c.name for c in result.children] == ["report.csv"]
    assert content(result.children[0]).decode().count("身份证号") == 100
    plain = tmp_path / "noext"
    plain.write_bytes(gzip.compress(b"hello"))  # gzip.compress writes no FNAME
    assert [c.name for c in unpack(plain, tmp_path).children] == ["noext.unpacked"]


@corpora
def test_nested_archives_come_out_as_archive_children(tmp_path):
    zz = unpack(PKG / "test-zip-of-zip.zip", tmp_path)
    (inner,) = zz.children
    assert inner.name == "html-within-zip.zip" and detect(inner.path).kind == "zip"
    tarball = unpack(PKG / "test-nested-tarball.tar", tmp_path)
    assert [c.name for c in tarball.children] == ["folderContainingTgz/inner/nested.tgz"]
    inner2 = unpack(tarball.children[0].path, tmp_path, depth=1)
    assert inner2.status == "ok" and inner2.children


@corpora
def test_gbk_member_names_are_decoded(tmp_path):
    result = unpack(PKG / "gbk.zip", tmp_path)
    expected = "审计压缩包文件检索测试/集团邮件审计系统2021年自动巡检需求文档_V4.0.doc"
    assert [c.name for c in result.children] == [expected]
    assert result.metadata["name_encoding"] == "gb18030"


def test_built_gbk_and_utf8_names(tmp_path):
    gbk = "公安局/名单.xlsx".encode("gbk")
    placeholder = b"X" * len(gbk)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(placeholder.decode(), b"data")
        zf.writestr("报告/说明.txt", b"utf8 flagged")  # zipfile sets the UTF-8 flag
    path = tmp_path / "names.zip"
    path.write_bytes(buf.getvalue().replace(placeholder, gbk))
    result = unpack(path, tmp_path)
    assert [c.name for c in result.children] == ["公安局/名单.xlsx", "报告/说明.txt"]


def test_zip_comment_times_and_empty_members(tmp_path):
    path = tmp_path / "c.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.comment = "拘留所 2018".encode()
        zf.writestr(zipfile.ZipInfo("empty.txt", (2018, 3, 14, 9, 30, 0)), b"")
        zf.writestr("dir/", b"")
    result = unpack(path, tmp_path)
    assert result.metadata["comment"] == "拘留所 2018"
    assert result.metadata["members"] == 1 and result.metadata["encrypted"] is False
    (child,) = result.children
    assert child.name == "empty.txt" and content(child) == b"" and child.modified == "2018-03-14T09:30:00"


def test_deflate64_member(tmp_path):
    import inflate64

    data = b"Deflate64 from Windows Explorer. " * 5000
    deflater = inflate64.Deflater()
    packed = deflater.deflate(data) + deflater.flush()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("big.txt", packed)
    raw = bytearray(buf.getvalue())
    crc = zlib.crc32(data)
    local = raw.index(b"PK\x03\x04")
    central = raw.index(b"PK\x01\x02")
    struct.pack_into("<H", raw, local + 8, 9)
    struct.pack_into("<I", raw, local + 14, crc)
    struct.pack_into("<I", raw, local + 22, len(data))
    struct.pack_into("<H", raw, central + 10, 9)
    struct.pack_into("<I", raw, central + 16, crc)
    struct.pack_into("<I", raw, central + 24, len(data))
    path = tmp_path / "d64.zip"
    path.write_bytes(bytes(raw))
    result = unpack(path, tmp_path)
    assert result.status == "ok", result.error
    assert content(result.children[0]) == data


# ---------------------------------------------------------------- passwords


@corpora
@pytest.mark.parametrize("name", ["TestDataEncryptedZipCrypto.zip", "TestDataEncryptedAES.zip",
                                  "EncryptedWithPlainNames.7z"])
def test_encrypted_members_need_the_password(tmp_path, name):
    locked = unpack(RE / name, tmp_path)
    assert locked.status == "partial" and locked.metadata["encrypted"] is True
    assert len(locked.children) == 3
    assert all(c.status == "encrypted" and c.path is None for c in locked.children)
    assert all(c.error == "encrypted: re-run ingest with --password PW" for c in locked.children)
    opened = unpack(RE / name, tmp_path, passwords=("wrong", "TestData"))
    assert opened.status == "ok", opened.error
    assert all(LOREM.encode() in content(c) for c in opened.children)


@corpora
def test_encrypted_names_raise_without_password_and_open_with_it(tmp_path):
    with pytest.raises(Encrypted, match="encrypted file names: re-run ingest with --password"):
        unpack(RE / "TestDataEncrypted.7z", tmp_path)
    opened = unpack(RE / "TestDataEncrypted.7z", tmp_path, passwords=("TestData",))
    assert opened.metadata["header_encrypted"] is True and len(opened.children) == 3
    with pytest.raises(Encrypted, match="none of the 1 given password"):
        unpack(PKG / "full_encrypted.7z", tmp_path, passwords=("nope",))


@corpora
def test_tika_protected_7z_and_mixed_zip(tmp_path):
    result = unpack(PKG / "test7Z_protected_passTika.7z", tmp_path, passwords=("Tika",))
    assert content(by_name(result)["text.txt"]).startswith(b"TEST DATA FOR TIKA.")
    mixed = unpack(PKG / "testZipEncrypted.zip", tmp_path, passwords=("nope",))
    names = by_name(mixed)
    assert names["unencrypted.txt"].status == "ok" and names["unencrypted.txt"].path.read_bytes()
    assert names["encrypted.txt"].status == "encrypted" and "none of the 1 given password" in names[
        "encrypted.txt"].error
    assert mixed.status == "partial" and "1 member encrypted" in mixed.error


@corpora
@needs_unar
def test_rar5_password(tmp_path):
    locked = unpack(RE / "TestDataEncrypted.rar", tmp_path)
    assert {c.status for c in locked.children} == {"encrypted"}
    opened = unpack(RE / "TestDataEncrypted.rar", tmp_path, passwords=("TestData",))
    assert opened.status == "ok" and all(LOREM.encode() in content(c) for c in opened.children)


@corpora
def test_registry_records_encrypted_archive(tmp_path):
    path = PKG / "full_encrypted.7z"
    result = registry.run_extractor(path, probe_of(path), Context(workdir=tmp_path))
    assert result.status == "encrypted" and result.extractor == "archives"
    assert "--password" in result.error


# ---------------------------------------------------------------- damage


@corpora
def test_corrupt_tar_header_is_skipped_and_later_members_recovered(tmp_path):
    result = unpack(RE / "TestDataCorrupt.tar", tmp_path, kind="tar")
    assert result.status == "partial"
    assert re.search(r"damaged tar data skipped at bytes 0-\d+ \(bad checksum\)", result.error)
    assert "TestData/Foo/Bar/Lorem.txt" in by_name(result)


def _truncate(src: Path, dst: Path, keep: int) -> Path:
    dst.write_bytes(src.read_bytes()[:keep])
    return dst


@corpora
@pytest.mark.parametrize("kind", ["tar", "tgz", "zip"])
def test_truncated_archives_keep_members_before_the_damage(tmp_path, kind):
    plain = (FIXTURES / "test-documents.tar").read_bytes()
    if kind == "tar":
        path = _truncate(FIXTURES / "test-documents.tar", tmp_path / "t.tar", 50_000)
    elif kind == "tgz":
        path = tmp_path / "t.tgz"
        path.write_bytes(gzip.compress(plain)[:30_000])
    else:
        path = _truncate(FIXTURES / "test-documents.zip", tmp_path / "t.zip", 40_000)
    result = unpack(path, tmp_path)
    assert result.status == "partial" and result.error
    ok = [c for c in result.children if c.status == "ok"]
    assert len(ok) >= 3
    assert any(c.name.endswith("testEXCEL.xls") for c in ok)
    assert any(c.status in ("partial", "corrupt") for c in result.children)
    if kind == "tgz":
        assert "gzip stream damaged: EOFError" in result.error


def test_truncated_gzip_keeps_what_decompressed(tmp_path):
    data = bytes(range(256)) * 4000 + b"".join(str(i).encode() for i in range(200_000))
    path = tmp_path / "log.txt.gz"
    full = gzip.compress(data)
    path.write_bytes(full[: len(full) // 2])
    result = unpack(path, tmp_path)
    (child,) = result.children
    assert child.status == "partial" and "damaged after" in child.error
    kept = content(child)
    assert len(kept) > len(data) // 3 and data.startswith(kept)


@corpora
def test_zip_with_misplaced_directory_is_read_from_local_headers(tmp_path):
    result = unpack(PKG / "testZip_with_DataDescriptor.zip", tmp_path)
    assert [c.name for c in result.children] == ["en0", "en1", "en2", "en3", "en4"]
    assert all(c.status == "ok" for c in result.children)
    assert result.metadata["recovered"] is True and "local headers" in result.error


@corpora
def test_split_7z_part_and_garbage_raise_corrupt(tmp_path):
    with pytest.raises(Corrupt, match="not a readable 7z archive"):
        unpack(FIXTURES / "500_pages.7z.001", tmp_path)
    junk = tmp_path / "junk.bz2"
    junk.write_bytes(b"BZh9" + b"\x00" * 200)
    with pytest.raises(Corrupt, match="not a readable bzip2 stream"):
        unpack(junk, tmp_path)
    bz = tmp_path / "ok.bz2"
    bz.write_bytes(bz2.compress(b"x"))
    assert unpack(bz, tmp_path).status == "ok"


# ---------------------------------------------------------------- names and links


def test_safe_name_rules():
    assert safe_name("a/b.txt") == ("a/b.txt", None)
    assert safe_name("./a//b.txt") == ("a/b.txt", None)
    assert safe_name("dir\\file.txt") == ("dir/file.txt", None)
    for hostile, cleaned in (("../../evil.txt", "evil.txt"), ("/etc/passwd", "etc/passwd"),
                             ("C:\\Windows\\x.dll", "Windows/x.dll"), ("..\\..\\Temp\\e.txt", "Temp/e.txt"),
                             ("a/../../b", "a/b")):
        name, reason = safe_name(hostile)
        assert name == cleaned and reason == f"member name escapes the archive: {hostile!r}"
    assert safe_name("..")[0] == "unnamed" and safe_name("a\x00b")[0] == "a_b"


def test_link_verdicts():
    assert link_verdict("x/link", "/etc/passwd") == ("hostile", "symbolic link to /etc/passwd not followed")
    assert link_verdict("x/link", "../../up")[0] == "hostile"
    assert link_verdict("x/link", "../sibling.txt")[0] == "unsupported"
    assert link_verdict("link", "C:\\x")[0] == "hostile"


def test_name_decoding_and_unicode_path_field():
    assert decode_name("公安".encode("gbk")) == ("公安", "gb18030")
    assert decode_name("café".encode("cp437"))[1] == "cp437"  # accents are not taken for GBK
    raw = b"\x81\x82.txt"
    field = struct.pack("<HHBI", 0x7075, 5 + len("名.txt".encode()), 1, zlib.crc32(raw)) + "名.txt".encode()
    assert zip_unicode_path(field, raw) == "名.txt"
    assert zip_unicode_path(field, b"other") is None


@corpora
@needs_unar
def test_rar4_encryption_says_what_to_install_when_only_unar_is_there(tmp_path):
    result = unpack(RE / "EncryptedWithPlainNames.rar4", tmp_path, passwords=("TestData",))
    assert len(result.children) == 3
    if shutil.which("unrar"):
        assert result.status == "ok" and all(LOREM.encode() in content(c) for c in result.children)
    else:  # Debian's unar 1.10 cannot decrypt RAR 2.9/3.x content: the record says so
        assert all(c.status == "encrypted" and "install unrar" in c.error for c in result.children)


def test_not_a_zip_at_all_is_corrupt(tmp_path):
    path = tmp_path / "fake.zip"
    path.write_bytes(b"PK\x03\x04" + b"\xff" * 300)
    with pytest.raises(Corrupt, match="not a readable zip: central directory unreadable"):
        unpack(path, tmp_path, kind="zip")
