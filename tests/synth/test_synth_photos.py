"""The generated photos: EXIF agrees with the file names except where planted; planted duplicates."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import imagehash
from PIL import Image

from .readers import all_photos, photo_name, read_logical


def test_photos_exif_agrees_with_names_except_planted(gen):
    result, truth, _ = gen
    planted = {a["path"]: a for a in truth["anomalies"] if "photo" in a["kind"] or a["kind"].startswith("exif")}
    owners = {path: p["id_number"] for p in truth["persons"] for path in p["photos"]}
    broken = {b["path"] for b in truth["broken"]}
    first, last = (dt.datetime.fromisoformat(x) for x in truth["photo_window"])
    seen, makes = 0, Counter()
    for path, data in all_photos(result.cache):
        if path in broken:
            continue
        number, named = photo_name(path)
        assert owners[path] == number
        img = Image.open(io.BytesIO(data))
        exif = img.getexif()
        taken = dt.datetime.strptime(exif.get_ifd(0x8769)[0x9003], "%Y:%m:%d %H:%M:%S")
        makes[(exif[0x010F], exif[0x0110])] += 1
        kind = planted.get(path, {}).get("kind")
        if kind == "exif_time_mismatch":
            assert taken != named and taken.isoformat() == planted[path]["exif_datetime_original"]
        else:
            assert taken == named and first <= taken <= last, path
        if kind == "edited_photo":
            assert exif[0x0131] == planted[path]["software"]
            assert dt.datetime.strptime(exif[0x0132], "%Y:%m:%d %H:%M:%S") > taken
        else:
            assert 0x0131 not in exif
        seen += 1
    assert seen == len(owners)
    assert makes.most_common(1)[0][1] > seen // 2  # mostly one police camera


def test_planted_duplicates(gen):
    result, truth, _ = gen
    for a in truth["anomalies"]:
        if a["kind"] == "duplicate_photo":
            assert read_logical(result.cache, a["path"]) == read_logical(result.cache, a["of"])
        elif a["kind"] == "near_duplicate_photo":
            near, orig = (read_logical(result.cache, x) for x in (a["path"], a["of"]))
            assert near != orig
            distance = imagehash.phash(Image.open(io.BytesIO(near))) - imagehash.phash(Image.open(io.BytesIO(orig)))
            assert distance <= 4
