"""The parts of verify on their own: near-duplicate search, image facts on real camera files, time in names,
document-author rules, camera census, horizon, and the HTML page's escaping."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.corpora import CORPORA
from tests.verify.helpers import assert_self_contained

EXIF = CORPORA / "exif-samples" / "jpg"
needs_exif = pytest.mark.skipif(not EXIF.exists(), reason="../shared/corpora not present")


def test_near_pairs_finds_exactly_the_pairs_brute_force_finds():
    from unsealed.verify.duplicates import near_pairs

    rng = random.Random(3)
    hashes = {f"h{i:04d}": rng.getrandbits(64) for i in range(600)}
    for i in range(40):  # plant copies at 0..6 bits
        base = hashes[f"h{i:04d}"]
        for bit in rng.sample(range(64), i % 7):
            base ^= 1 << bit
        hashes[f"c{i:04d}"] = base
    for bits in (2, 4, 6):
        keys = sorted(hashes)
        brute = sorted(
            (a, b, (hashes[a] ^ hashes[b]).bit_count())
            for n, a in enumerate(keys)
            for b in keys[n + 1 :]
            if (hashes[a] ^ hashes[b]).bit_count() <= bits
        )
        assert near_pairs(hashes, bits) == brute
        assert len(brute) >= 40 * (bits + 1) // 7


def test_quality_estimate_matches_what_pillow_wrote():
    from PIL import Image

    from unsealed.verify.imagehash_cache import estimate_quality

    img = Image.new("RGB", (32, 32), (90, 120, 150))
    for quality in (50, 75, 85, 92):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality)
        tables = Image.open(io.BytesIO(buf.getvalue())).quantization
        assert estimate_quality(tuple(tables[0])) == quality


@needs_exif
def test_camera_thumbnails_match_and_an_edited_image_does_not(tmp_path):
    from PIL import Image, ImageDraw

    from unsealed.verify.editing import THUMB_BITS
    from unsealed.verify.imagehash_cache import compute

    originals = [
        "Canon_PowerShot_S40.jpg",
        "exif-org/kodak-dc240.jpg",
        "exif-org/ricoh-rdc5300.jpg",
        "gps/DSCN0010.jpg",
        "Nikon_D70.jpg",
    ]
    for name in originals:
        phash, distance, qsig, quality, error = compute(str(EXIF / name))
        assert error is None and len(phash) == 16 and qsig and 1 <= quality <= 100, name
        assert distance is not None and distance <= THUMB_BITS, (name, distance)
    # Replace half the picture and save it with the camera's EXIF (and so its old thumbnail): an edit.
    src = Image.open(EXIF / "exif-org/kodak-dc240.jpg")
    edited = src.convert("RGB")
    ImageDraw.Draw(edited).rectangle((0, 0, edited.width // 2, edited.height), fill=(250, 250, 250))
    ImageDraw.Draw(edited).ellipse(
        (edited.width // 2, 10, edited.width - 5, edited.height - 10), fill=(20, 20, 20)
    )
    path = tmp_path / "edited.jpg"
    edited.save(path, "JPEG", quality=95, exif=src.info["exif"])
    _phash, distance, _qsig, quality, error = compute(str(path))
    assert error is None and quality == 95
    assert distance is not None and distance > THUMB_BITS
    # A real one: this Casio picture (EXIF Software is only the firmware, "1.00") was cropped after the camera
    # wrote its thumbnail, which still shows the wider scene.
    _phash, distance, *_rest, error = compute(str(EXIF / "tests" / "35-empty.jpg"))
    assert error is None and distance > THUMB_BITS


@needs_exif
def test_damaged_images_give_an_error_not_an_exception(tmp_path):
    from unsealed.verify.imagehash_cache import compute

    data = (EXIF / "Nikon_D70.jpg").read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) // 3])
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg" * 10)
    for path in (cut, garbage, tmp_path / "missing.jpg", EXIF / "corrupted.jpg"):
        result = compute(str(path))
        assert len(result) == 5
        assert result[4] is None or isinstance(result[4], str)
    assert compute(str(garbage))[4] and compute(str(tmp_path / "missing.jpg"))[4]


def test_editor_software_names():
    from unsealed.verify.editing import editor_in

    assert editor_in("GIMP 2.4.5") == "gimp"
    assert editor_in("Adobe Photoshop CC 2018 (Windows)") == "photoshop"
    assert editor_in("美图秀秀") == "美图"
    for firmware in ("Ver1.00", "Digital Camera DX-10 Ver1.00", "v981-79", "ALP-AL00 8.0.0.143", None, ""):
        assert editor_in(firmware) is None


@pytest.mark.parametrize(
    ("path", "expected", "with_time"),
    [
        (
            "照片/x.zip/2018-03/653121199612270338_20180227124035.jpg",
            dt.datetime(2018, 2, 27, 12, 40, 35),
            True,
        ),
        (
            "照片/x.zip/2018-03/20180310-140534-653121197103284337.jpg",
            dt.datetime(2018, 3, 10, 14, 5, 34),
            True,
        ),
        (
            "照片/疏附县/补拍/IMG_20180426_163240_653121197905157727.JPG",
            dt.datetime(2018, 4, 26, 16, 32, 40),
            True,
        ),
        ("照片/按身份证号/653121197905157727/20180426163240.jpg", dt.datetime(2018, 4, 26, 16, 32, 40), True),
        ("照片/653121197905157727_20180426.jpg", dt.datetime(2018, 4, 26), False),
        ("照片/653121197905157727.jpg", None, False),  # the birth date inside the ID is no timestamp
    ],
)
def test_time_in_photo_names(path, expected, with_time):
    from unsealed.verify.photo_times import name_time

    assert name_time(path) == (expected, with_time)


def _meta(path: str, meta: dict, kind: str = "jpeg", depth: int = 0, modified: str | None = None):
    from unsealed.verify.base import ItemMeta

    return ItemMeta(path, f"{abs(hash(path)):064x}"[:64], kind, depth, modified, meta)


def test_one_unexpected_camera_among_many_is_a_finding():
    from unsealed.verify import photo_times

    images = [
        _meta(
            f"p/{i:04d}_20180301120000.jpg",
            {
                "exif_make": "Canon",
                "exif_model": "Canon EOS 6D",
                "exif_datetime_original": "2018-03-01T12:00:00",
            },
        )
        for i in range(400)
    ]
    images.append(
        _meta(
            "p/odd_20180301120000.jpg",
            {"exif_make": "Apple", "exif_model": "iPhone X", "exif_datetime_original": "2018-03-01T12:00:00"},
        )
    )
    result = photo_times.run(SimpleNamespace(images=images))
    assert [(f.kind, f.path, f.severity) for f in result.findings] == [
        ("rare_camera", "p/odd_20180301120000.jpg", "warn")
    ]
    assert result.figures["cameras"] == {"Apple iPhone X": 1, "Canon EOS 6D": 400}
    assert result.status == "warn"


def test_generic_authors_and_script():
    from unsealed.verify.doc_metadata import GENERIC, _script

    for generic in (
        "Administrator",
        "微软用户",
        "PC-20170913XJ",
        "USER",
        "DESKTOP-7H3K2LM",
        "Lenovo",
        "walkinnet",
    ):
        assert GENERIC.match(generic), generic
    for person in ("Jonas Brekke", "Clara Vossberg", "王建国", "review-team-07"):
        assert not GENERIC.match(person), person
    assert _script("王建国") == "Chinese" and _script("Jonas Brekke") == "Latin"


def test_dominant_horizon_ignores_a_few_late_items():
    from unsealed.verify.horizon import dominant_horizon

    items = [
        _meta(f"d/{i}.docx", {"modified": f"2018-{1 + i % 12:02d}-10T10:00:00+08:00"}, "docx")
        for i in range(200)
    ]
    items += [_meta(f"d/old{i}.docx", {"created": "2016-05-01T10:00:00"}, "docx") for i in range(100)]
    items += [
        _meta("d/late.docx", {"modified": "2019-06-06T12:00:00+08:00"}, "docx"),
        _meta("z.zip/m.txt", {}, "text", depth=1, modified="2019-01-02T00:00:00"),
    ]
    assert dominant_horizon(SimpleNamespace(items=items)) == dt.date(2018, 12, 31)
    items += [_meta(f"d/new{i}.docx", {"modified": "2019-03-01T10:00:00"}, "docx") for i in range(40)]
    assert dominant_horizon(SimpleNamespace(items=items)) == dt.date(2019, 12, 31)


def test_html_escapes_hostile_content_and_loads_nothing():
    from unsealed.verify import render_html

    evil = '<script>alert("x")</script><img src=https://evil.example/x.png onerror=alert(1)>'
    finding = {
        "path": f"docs/{evil}.docx",
        "id_number": evil,
        "sheet": evil,
        "row": 3,
        "detail": f"author {evil}",
        "kind": "unusual_author",
        "severity": "warn",
        "values": {},
    }
    report = {
        "manifest": {
            "tool": "unsealed",
            "tool_version": "0",
            "report_version": 1,
            "checks": {"x": 1},
            "horizon": {"date": "2018-12-31", "basis": "dominant"},
            "status": "warn",
            "originals": {
                "count": 1,
                "distinct": 1,
                "listing_sha256": "0" * 64,
                "files": [{"path": evil, "sha256": "a" * 64, "size": 1}],
            },
            "digest": "d" * 64,
            "digest_covers": evil,
            "environment": {"python": evil},
        },
        "checks": [
            {
                "id": "x",
                "title": evil,
                "version": 1,
                "status": "warn",
                "summary": evil,
                "counts": {"fail": 0, "warn": 1, "info": 0},
                "figures": {"note": evil},
                "chart": {"title": evil, "bars": [[evil, 3], ["ok", 1]]},
                "findings": [finding],
            }
        ],
    }
    html = render_html(report)
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert_self_contained(html)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'id="f-x-1"' in html and 'href="#check-x"' in html


def test_an_old_15_digit_id_gives_no_century():
    from unsealed.records import idnumber
    from unsealed.verify.ages import birth_of
    from unsealed.verify.base import TableRecord

    parsed = idnumber.parse("653121000516123")
    assert parsed.status == idnumber.OLD15 and parsed.birth_date == dt.date(1900, 5, 16)
    born_2000 = TableRecord("t.xlsx", "S", 3, {"birth_date": [("2000年5月16日", "出生日期")]})
    assert birth_of(parsed, born_2000) == dt.date(2000, 5, 16)
    other = TableRecord("t.xlsx", "S", 4, {"birth_date": [("2001-05-16", "出生日期")]})
    assert birth_of(parsed, other) == dt.date(1900, 5, 16)
    full = idnumber.parse("653121200005161238")
    assert birth_of(full, born_2000) == full.birth_date


@needs_exif
def test_editing_check_on_real_camera_files(tmp_path):
    import shutil

    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.ocr.options import OcrOptions
    from unsealed.store.case import Case
    from unsealed.verify import run_verify

    src = tmp_path / "photos"
    src.mkdir()
    for name in (
        "Canon_40D.jpg",
        "exif-org/kodak-dc240.jpg",
        "tests/35-empty.jpg",
        "exif-org/nikon-e950.jpg",
    ):
        shutil.copy(EXIF / name, src / Path(name).name)
    with Case.open(tmp_path / "case", create=True) as case:
        ingest(case, [src], IngestOptions(workers=1, index=False, ocr=OcrOptions(mode="never")))
        report = run_verify(case, checks=["editing"])
    found = {(f["path"], f["kind"]) for f in report["checks"][0]["findings"]}
    assert ("Canon_40D.jpg", "editor_software") in found  # EXIF Software: GIMP 2.4.5
    assert ("35-empty.jpg", "thumbnail_mismatch") in found  # cropped after the camera wrote the thumbnail
    assert not {k for p, k in found if p in ("kodak-dc240.jpg", "nikon-e950.jpg")}  # camera originals
    assert report["checks"][0]["figures"]["with_thumbnail"] == 4
