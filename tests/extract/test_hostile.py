"""Hostile archives: traversal names, links, bombs, quines, deep nesting. Nothing may escape or hang."""

from __future__ import annotations

import io
import re
import tarfile
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.corpora import CORPORA
from unsealed.extract import archives
from unsealed.extract.archive_sink import Sink
from unsealed.extract.base import Context, Hostile, Limits, Probe, TimedOut
from unsealed.ingest.detect import detect

RE_BOMBS = CORPORA / "RecursiveExtractor/RecursiveExtractor.Tests/TestData/Bombs"
SLIP = CORPORA / "zip-slip-vulnerability/archives"
PKG = CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules" \
    / "tika-parser-pkg-module/src/test/resources/test-documents"
FIXTURES = CORPORA / "ingest-file/tests/fixtures"
MB = 1024 * 1024
# small limits so bombs are stopped after a few MB and tests stay light
SMALL = Limits(ratio_floor=1 * MB, max_ratio=100, max_member_bytes=64 * MB, max_unpacked_bytes=128 * MB)

corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")


def unpack(path: Path, tmp_path: Path, kind: str | None = None, **ctx):
    d = detect(path)
    probe = Probe(kind=kind or d.kind, mime=d.mime, name=path.name, size=path.stat().st_size,
                  head=path.read_bytes()[:8192])
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    result = archives.extract(path, probe, Context(workdir=work, **ctx))
    assert_contained(tmp_path, work)
    return result


def assert_contained(tmp_path: Path, work: Path) -> None:
    """Only generated files, directly in the workdir; nothing beside or above it."""
    for item in tmp_path.rglob("*"):
        if item == work or item.parent == tmp_path and item.name != "work":
            continue
        assert item.parent == work and re.fullmatch(r"m\d{6}", item.name), item
        assert not item.is_symlink()


def by_name(result) -> dict:
    return {c.name: c for c in result.children}


# ---------------------------------------------------------------- traversal


@corpora
@pytest.mark.parametrize("name", ["zip-slip.zip", "zip-slip.tar", "zip-slip-win.zip", "zip-slip-win.tar"])
def test_zip_slip_corpus_keeps_evidence_under_a_safe_name(tmp_path, name):
    result = unpack(SLIP / name, tmp_path)
    names = by_name(result)
    assert names["good.txt"].status == "ok"
    (evil,) = [c for c in result.children if c.name != "good.txt"]
    assert evil.status == "hostile" and ".." not in evil.name and not evil.name.startswith("/")
    assert evil.name in ("tmp/evil.txt", "Temp/evil.txt")
    assert evil.error.startswith("member name escapes the archive: '..")
    assert evil.path.read_bytes().startswith(b"this is an evil one")  # kept: it is evidence
    assert result.status == "partial" and "1 member hostile" in result.error


def test_built_traversal_names(tmp_path):
    path = tmp_path / "slip.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../x", b"up")
        zf.writestr("/etc/x", b"abs")
        zf.writestr("C:/Windows/x.dll", b"drive")
        zf.writestr("ok/fine.txt", b"fine")
    result = unpack(path, tmp_path)
    assert [(c.name, c.status) for c in result.children] == [
        ("x", "hostile"), ("etc/x", "hostile"), ("Windows/x.dll", "hostile"), ("ok/fine.txt", "ok")]
    assert result.children[0].error == "member name escapes the archive: '../../x'"
    assert result.children[1].path.read_bytes() == b"abs"
    assert not (tmp_path.parent / "x").exists()


# ---------------------------------------------------------------- links and special files


def test_built_tar_links_and_devices(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        good = tarfile.TarInfo("dir/good.txt")
        good.size = 4
        tf.addfile(good, io.BytesIO(b"good"))
        entries = (("passwd", tarfile.SYMTYPE, "/etc/passwd"), ("dir/rel", tarfile.SYMTYPE, "good.txt"),
                   ("hard", tarfile.LNKTYPE, "dir/good.txt"), ("shadow", tarfile.LNKTYPE, "/etc/shadow"),
                   ("fifo", tarfile.FIFOTYPE, ""), ("tty", tarfile.CHRTYPE, ""))
        for name, kind, target in entries:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tf.addfile(info)
    path = tmp_path / "links.tar"
    path.write_bytes(buf.getvalue())
    names = by_name(unpack(path, tmp_path))
    assert (names["passwd"].status, names["passwd"].error, names["passwd"].path) == (
        "hostile", "symbolic link to /etc/passwd not followed", None)
    assert names["dir/rel"].status == "unsupported" and names["dir/rel"].path is None
    assert names["hard"].status == "ok" and names["hard"].path.read_bytes() == b"good"
    assert names["shadow"].status == "hostile" and names["shadow"].path is None
    assert names["fifo"].error == "named pipe not unpacked"
    assert names["tty"].error == "character device not unpacked"


def test_built_zip_symlink(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("secret.txt")
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    (child,) = unpack(path, tmp_path).children
    assert (child.status, child.error, child.path) == ("hostile", "symbolic link to /etc/passwd not followed", None)


@corpora
@pytest.mark.parametrize("name", ["badzip.zip", "badtar.tar", "bad7zip.7z", "badrar.rar"])
def test_symlink_corpus_is_never_followed(tmp_path, name):
    result = unpack(FIXTURES / name, tmp_path)
    (child,) = [c for c in result.children if c.name.endswith("secret.txt")]
    assert child.status == "hostile" and child.path is None
    assert child.error == "symbolic link to /ingestors/tests/fixtures/secret.txt not followed"
    assert not any(c.path and b"This is a secret" in c.path.read_bytes() for c in result.children)


# ---------------------------------------------------------------- bombs


@pytest.fixture(scope="module")
def zero_bombs(tmp_path_factory):
    """A zip and a gzip each holding 200 MB of zeros (about 200 KB on disk), written in chunks."""
    folder = tmp_path_factory.mktemp("bombs")
    chunk = bytes(MB)
    zip_path = folder / "zeros.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf, \
            zf.open("zeros.bin", "w", force_zip64=True) as out:
        for _ in range(200):
            out.write(chunk)
    gz_path = folder / "zeros.bin.gz"
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(gz_path, "wb") as out:
        for _ in range(200):
            out.write(comp.compress(chunk))
        out.write(comp.flush())
    return zip_path, gz_path


def _measured(fn):
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, time.monotonic() - started, peak


def test_zip_bomb_refused_on_its_claims(tmp_path, zero_bombs):
    zip_path, _ = zero_bombs
    assert zip_path.stat().st_size < 1 * MB
    result, seconds, peak = _measured(lambda: unpack(zip_path, tmp_path, limits=SMALL))
    (child,) = result.children
    assert child.status == "hostile" and child.path is None
    assert child.error == "member claims 200 MB unpacked, more than the limit of 64 MB: not unpacked"
    assert seconds < 5 and peak < 16 * MB


def test_gzip_bomb_stopped_while_streaming(tmp_path, zero_bombs):
    _, gz_path = zero_bombs
    result, seconds, peak = _measured(lambda: unpack(gz_path, tmp_path, limits=SMALL))
    (child,) = result.children
    assert child.status == "hostile" and child.path is None
    # cut just past 100 × the packed size, counted on the real output (gzip makes no claims)
    packed = gz_path.stat().st_size
    assert re.search(r"more than 100× its packed size of \d+ KB: stopped at \d+ MB", child.error)
    assert 100 * packed < result.metadata["unpacked_bytes"] < 100 * packed + 2 * MB < 200 * MB
    assert seconds < 5 and peak < 16 * MB
    assert list((tmp_path / "work").iterdir()) == []  # the cut-off part is not kept


def test_tar_gz_bomb_stops_the_stream(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("zeros.bin")
        info.size = 30 * MB
        tf.addfile(info, io.BytesIO(bytes(30 * MB)))
        after = tarfile.TarInfo("after.txt")
        after.size = 5
        tf.addfile(after, io.BytesIO(b"after"))
    path = tmp_path / "bomb.tgz"
    path.write_bytes(buf.getvalue())
    result = unpack(path, tmp_path, limits=SMALL)  # the archive-wide ratio stops it
    assert [(c.name, c.status) for c in result.children] == [("zeros.bin", "hostile")]
    assert result.status == "partial" and re.search(r"its size of \d+ KB: stopped at \d MB \(decompression bomb\)",
                                                    result.error)
    member_limit = Limits(max_member_bytes=2 * MB, max_ratio=1e6)  # the member limit stops it
    result = unpack(path, tmp_path, limits=member_limit)
    assert [(c.name, c.status) for c in result.children] == [("zeros.bin", "hostile")]
    assert "the rest of the compressed tar was not unpacked" in result.error


def test_7z_bomb_stops_the_archive(tmp_path):
    import py7zr

    src = tmp_path / "src.bin"
    with open(src, "wb") as out:
        for _ in range(4):
            out.write(bytes(MB))
    path = tmp_path / "bomb.7z"
    with py7zr.SevenZipFile(path, "w") as z:
        z.write(src, "zeros.bin")
        z.writestr(b"tail", "tail.txt")
    src.unlink()
    result, _, peak = _measured(lambda: unpack(path, tmp_path, limits=SMALL))
    names = by_name(result)
    assert names["zeros.bin"].status == "hostile" and names["zeros.bin"].path is None
    assert result.status == "partial" and "decompression bomb" in result.error
    # py7zr would hand out 128 MB chunks; ours are 1 MiB (the rest of the peak is LZMA's 16 MB dictionary)
    assert result.metadata["unpacked_bytes"] <= 2 * MB + 1 and peak < 32 * MB


def test_total_size_and_member_count_limits(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(30):
            zf.writestr(f"f{i:02d}.bin", bytes(MB // 4))
    total = unpack(path, tmp_path, limits=Limits(max_unpacked_bytes=2 * MB))
    assert sum(c.status == "ok" for c in total.children) == 8
    assert "archive unpacks to more than 2 MB" in total.error
    count = unpack(path, tmp_path, limits=Limits(max_members=10))
    assert len(count.children) == 10 and "more than 10 members" in count.error


def test_time_limit_stops_unpacking(tmp_path):
    path = tmp_path / "slow.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.txt", b"a")
    result = unpack(path, tmp_path, limits=Limits(seconds=0))
    assert result.status == "partial" and "reached the time limit of 0 s" in result.error


def test_the_workers_alarm_is_never_taken_for_member_damage(tmp_path):
    def alarm_mid_member():
        yield b"some bytes"
        raise TimedOut("reading took longer than the time limit")

    sink = Sink(Context(workdir=tmp_path), Path(__file__))
    with pytest.raises(TimedOut):
        sink.write("member.txt", alarm_mid_member())
    assert sink.children == [] and list(tmp_path.iterdir()) == []


@corpora
def test_overlapping_entry_bomb(tmp_path):
    result, seconds, _ = _measured(lambda: unpack(RE_BOMBS / "zbsm.zip", tmp_path))
    assert len(result.children) == 250 and all(c.status == "hostile" for c in result.children)
    assert sum("overlap" in c.error for c in result.children) == 249
    assert seconds < 5


@corpora
@pytest.mark.parametrize("name", ["10GB.bz2", "10GB.zip.bz2", "10GB.gz.bz2"])
def test_ten_gigabyte_bzip2_bombs(tmp_path, name):
    result, seconds, peak = _measured(lambda: unpack(RE_BOMBS / name, tmp_path))
    (child,) = result.children
    assert child.status == "hostile" and "decompression bomb" in child.error
    assert seconds < 10 and peak < 32 * MB


@corpora
def test_quines_are_not_unpacked_again(tmp_path):
    droste = by_name(unpack(PKG / "droste.zip", tmp_path))
    assert droste["droste.jpg"].status == "ok"
    assert droste["droste.zip"].status == "hostile" and "copy of the archive itself" in droste["droste.zip"].error
    (quine,) = unpack(PKG / "quine.gz", tmp_path).children
    assert quine.status == "hostile" and quine.path is None


def test_deep_nesting_stops_at_max_depth(tmp_path):
    data = b"innermost"
    name = "secret.txt"
    for level in range(10):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(name, data)
        data, name = buf.getvalue(), f"level{level}.zip"
    path = tmp_path / name
    path.write_bytes(data)
    depth = 0
    with pytest.raises(Hostile, match="archive nested deeper than 4 levels: not unpacked"):
        while True:
            work = tmp_path / f"d{depth}"
            work.mkdir()
            result = archives.extract(path, Probe("zip", "", path.name, 0, b""),
                                      Context(workdir=work, depth=depth, limits=Limits(max_depth=4)))
            (child,) = result.children
            path, depth = child.path, depth + 1
    assert depth == 4
