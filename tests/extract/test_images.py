"""Image metadata on the exif-samples corpus and on images built here."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from tests.corpora import CORPORA
from unsealed.extract import images
from unsealed.extract.base import Context, Corrupt, Extraction, ExtractionError, Hostile, Limits, Probe
from unsealed.ingest.detect import detect

EXIF = CORPORA / "exif-samples"
TIKA_IMG = CORPORA / "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules" \
    / "tika-parser-image-module/src/test/resources/test-documents"

corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="peer corpora not present")


def run(path: Path, tmp_path: Path, kind: str | None = None, **ctx) -> Extraction:
    d = detect(path)
    probe = Probe(kind=kind or d.kind, mime=d.mime, name=path.name, size=path.stat().st_size,
                  head=path.read_bytes()[:8192])
    assert images.accepts(probe), probe.kind
    return images.extract(path, probe, Context(workdir=tmp_path, **ctx))


def hostile_samples() -> list[Path]:
    if not EXIF.is_dir():
        return []
    return sorted([*(EXIF / "jpg/tests").iterdir(), *(EXIF / "jpg/invalid").glob("*.jpg"),
                   EXIF / "jpg/corrupted.jpg"])


@corpora
@pytest.mark.parametrize("path", hostile_samples(), ids=lambda p: p.name)
def test_files_that_crashed_exif_readers_end_cleanly(tmp_path, path):
    try:
        result = run(path, tmp_path, kind="jpeg")
    except ExtractionError as exc:
        assert str(exc)
        return
    assert isinstance(result, Extraction) and result.metadata["width"] > 0
    assert result.status in ("ok", "partial") and (result.status == "ok") == (result.error is None)


def _dump_gps() -> dict[str, tuple[float, float]]:
    """Expected coordinates from exif-py's own dump of the corpus (an independent reader)."""
    if not (EXIF / "dump").is_file():
        return {}
    out: dict[str, tuple[float, float]] = {}
    current, fields = None, {}
    for line in (EXIF / "dump").read_text(errors="replace").splitlines():
        if line.startswith("Opening: "):
            current, fields = line.split("exif-samples-master/", 1)[-1], {}
        m = re.match(r"GPS GPS(Latitude|Longitude)(Ref)? \(\w+\): (.*)", line)
        if current and current.startswith("jpg/gps/") and m:
            fields[m.group(1) + (m.group(2) or "")] = m.group(3).strip()
            if len(fields) == 4:
                out[current] = tuple(_dms(fields[k], fields[k + "Ref"]) for k in ("Latitude", "Longitude"))
    return out


def _dms(text: str, ref: str) -> float:
    parts = [p.strip() for p in text.strip("[]").split(",")]
    nums = [int(a) / int(b) if "/" in p else float(p) for p in parts for a, _, b in [p.partition("/")]]
    value = nums[0] + nums[1] / 60 + nums[2] / 3600
    return -value if ref in ("S", "W") else value


@corpora
def test_gps_matches_exif_py_on_the_gps_folder(tmp_path):
    expected = {k: v for k, v in _dump_gps().items() if k.startswith("jpg/gps/")}
    assert len(expected) == 9
    for rel, (lat, lon) in expected.items():
        meta = run(EXIF / rel, tmp_path).metadata
        assert meta["exif_gps_lat"] == pytest.approx(lat, abs=1e-6), rel
        assert meta["exif_gps_lon"] == pytest.approx(lon, abs=1e-6), rel
    first = run(EXIF / "jpg/gps/DSCN0010.jpg", tmp_path).metadata
    assert first["exif_gps_lat"] == pytest.approx(43.4674483) and first["exif_gps_lon"] == pytest.approx(11.8851267)
    assert first["exif_gps_datetime"] == "2008-10-23T14:27:07+00:00"


@corpora
def test_camera_fields_and_dates(tmp_path):
    result = run(EXIF / "jpg/gps/DSCN0010.jpg", tmp_path)
    meta = result.metadata
    assert result.status == "ok" and result.pages == []
    assert (meta["width"], meta["height"], meta["format"], meta["frames"]) == (640, 480, "JPEG", 1)
    assert meta["exif_make"] == "NIKON" and meta["exif_model"] == "COOLPIX P6000"
    assert meta["exif_datetime_original"] == "2008-10-22T16:28:39" == meta["created"]
    assert meta["exif_datetime"] == "2008-11-01T21:15:07"
    assert meta["exif_software"] == "Nikon Transfer 1.1 W" and meta["exif_has_thumbnail"] is True
    assert "exif_description" not in meta  # blank padding is not a value


@corpora
def test_heic_with_offset_and_western_gps(tmp_path):
    meta = run(EXIF / "heic/IMG_5195.HEIC", tmp_path).metadata
    assert meta["format"] == "HEIF" and meta["exif_make"] == "Apple"
    assert meta["exif_datetime_original"] == "2021-04-11T15:47:53-05:00"
    assert meta["exif_gps_lon"] < 0 < meta["exif_gps_lat"]


@corpora
def test_orientation(tmp_path):
    orient = [run(EXIF / f"jpg/orientation/landscape_{i}.jpg", tmp_path).metadata.get("exif_orientation")
              for i in range(1, 9)]
    assert orient == list(range(1, 9))


@corpora
def test_camera_raw_keeps_its_exif(tmp_path):
    result = run(TIKA_IMG / "testARW.arw", tmp_path, kind="tiff")
    assert result.status == "partial" and "camera RAW" in result.error
    assert result.metadata["exif_make"] == "SONY" and result.metadata["exif_model"] == "NEX-6"


def test_built_photo_with_chinese_fields_offsets_and_southern_gps(tmp_path):
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Huawei", "P20"
    exif[0x013B] = "张三".encode("gbk")  # Artist written by a GBK system
    exif[0x9C9D] = "买合买提·达吾提".encode("utf-16-le") + b"\0\0"  # XPAuthor from Windows Explorer
    exif[0x0132] = "0000:00:00 00:00:00"
    sub = exif.get_ifd(0x8769)
    sub[0x9003], sub[0x9011] = "2018:03:14 09:30:00", "+08:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (39.0, 28.0, 12.0), "W", (75.0, 59.0, 30.0)
    gps[29], gps[7] = "2018:03:14", (1.0, 30.0, 0.0)
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 48), "gray").save(path, exif=exif)
    meta = run(path, tmp_path).metadata
    assert meta["exif_artist"] == "张三" == meta["author"]
    assert meta["exif_xp_author"] == "买合买提·达吾提"
    assert meta["exif_datetime_original"] == "2018-03-14T09:30:00+08:00"
    assert "exif_datetime" not in meta and meta["exif_datetime_raw"] == "0000:00:00 00:00:00"
    assert meta["exif_gps_lat"] == pytest.approx(-39.47) and meta["exif_gps_lon"] == pytest.approx(-75.9916667)
    assert meta["exif_gps_datetime"] == "2018-03-14T01:30:00+00:00"


@pytest.mark.parametrize("fmt, kind", [("PNG", "png"), ("GIF", "gif"), ("TIFF", "tiff"), ("WEBP", "webp"),
                                       ("BMP", "bmp"), ("JPEG2000", "jp2")])
def test_other_formats(tmp_path, fmt, kind):
    path = tmp_path / f"img.{kind}"
    Image.new("RGB", (40, 30), "white").save(path, fmt)
    result = run(path, tmp_path)
    assert result.status == "ok", result.error
    assert (result.metadata["width"], result.metadata["height"]) == (40, 30)
    assert detect(path).kind == kind


def test_animated_gif_frames_and_png_text(tmp_path):
    frames = [Image.new("RGB", (10, 10), color) for color in ("red", "green", "blue")]
    gif = tmp_path / "a.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:], comment=b"made by hand")
    meta = run(gif, tmp_path).metadata
    assert meta["frames"] == 3 and meta["comment"] == "made by hand"
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Software", "Photoshop")
    info.add_text("Author", "李娜")
    png = tmp_path / "t.png"
    Image.new("RGB", (5, 5)).save(png, pnginfo=info)
    meta = run(png, tmp_path).metadata
    assert meta["application"] == "Photoshop" and meta["author"] == "李娜"


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    idat = b"IDAT" + zlib.compress(b"")
    iend = b"IEND"
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
            + struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
            + struct.pack(">I", 0) + iend + struct.pack(">I", zlib.crc32(iend)))


def test_decompression_bombs_are_refused(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header(5000, 5000))
    with pytest.raises(Hostile, match=r"image of 25 megapixels \(5000×5000\): larger than the limit of 10"):
        run(path, tmp_path, limits=Limits(max_image_pixels=10_000_000))
    assert run(path, tmp_path).metadata["width"] == 5000  # under the default limit: header read, nothing decoded
    huge = tmp_path / "huge.png"
    huge.write_bytes(_png_header(100_000, 100_000))
    with pytest.raises(Hostile, match="megapixels: larger than the limit"):
        run(huge, tmp_path)


def test_pixels_are_never_decoded(tmp_path, monkeypatch):
    path = tmp_path / "p.jpg"
    Image.new("RGB", (300, 200), "red").save(path)

    def no_decoding(self):
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert run(path, tmp_path).metadata["width"] == 300


def test_truncated_and_garbage_images(tmp_path):
    path = tmp_path / "full.jpg"
    Image.effect_noise((400, 300), 64).convert("RGB").save(path, quality=95)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    result = run(cut, tmp_path)
    assert result.status == "partial" and "truncated" in result.error and result.metadata["width"] == 400
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 4)
    with pytest.raises(Corrupt, match="not a readable JPEG image"):
        run(junk, tmp_path, kind="jpeg")
