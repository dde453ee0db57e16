"""Published photos: pixels only, upright, no metadata, on real camera files (GPS, orientation, HEIC)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.corpora import CORPORA as SHARED_CORPORA
from unsealed.publish.images import reencode, reencode_many

CORPORA = SHARED_CORPORA / "exif-samples"
needs_corpora = pytest.mark.skipif(not CORPORA.exists(), reason="shared/corpora is not beside the repository")


def _clean(path: Path) -> None:
    data = path.read_bytes()
    assert b"Exif" not in data and b"ICC_PROFILE" not in data and b"http://ns.adobe.com/xap" not in data
    with Image.open(path) as im:
        assert im.format == "JPEG" and not im.getexif() and "icc_profile" not in im.info


@needs_corpora
def test_gps_photo_loses_its_metadata(tmp_path):
    src = CORPORA / "jpg" / "gps" / "DSCN0010.jpg"
    with Image.open(src) as im:
        assert im.getexif().get_ifd(0x8825)  # the original does carry GPS
    size = reencode(src, tmp_path / "out.jpg")
    assert max(size) == 480
    _clean(tmp_path / "out.jpg")


@needs_corpora
def test_orientation_is_applied_before_the_tag_goes(tmp_path):
    # portrait_6 is stored landscape with "rotate 90" in EXIF: published upright (taller than wide)
    w, h = reencode(CORPORA / "jpg" / "orientation" / "portrait_6.jpg", tmp_path / "p.jpg")
    assert h > w
    _clean(tmp_path / "p.jpg")


@needs_corpora
def test_heic_and_broken_files(tmp_path):
    heic = sorted(p for p in (CORPORA / "heic").iterdir() if p.suffix.lower() in (".heic", ".heif"))
    assert heic
    jobs = [(p, tmp_path / f"h{i}.jpg") for i, p in enumerate(heic[:2])]
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    jobs.append((bad, tmp_path / "bad-out.jpg"))
    results = reencode_many(jobs, workers=1)
    assert isinstance(results[str(tmp_path / "bad-out.jpg")], str)
    for _, dst in jobs[:-1]:
        assert isinstance(results[str(dst)], tuple)
        _clean(dst)
