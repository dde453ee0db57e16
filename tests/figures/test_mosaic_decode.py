"""Decoding one tile: reduced size, exact tile size, and the next photo when one is damaged or missing."""

from __future__ import annotations

from PIL import Image

from unsealed.figures.mosaic import _decode_chunk, check_link, decode_tile


def _photo(path, size=(480, 640), color=(200, 40, 40)):
    Image.new("RGB", size, color).save(path, "JPEG", quality=90)
    return str(path)


def test_tile_has_the_tile_size_whatever_the_photo(tmp_path):
    wide = _photo(tmp_path / "wide.jpg", size=(900, 300))
    data = decode_tile(wide, (32, 43))
    assert len(data) == 32 * 43 * 3
    png = tmp_path / "p.png"
    Image.new("L", (50, 50), 128).save(png)  # not a JPEG, not RGB
    assert len(decode_tile(str(png), (32, 43))) == 32 * 43 * 3


def test_damaged_or_missing_photo_falls_back_to_the_next(tmp_path):
    good = _photo(tmp_path / "good.jpg")
    whole = (tmp_path / "good.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(whole[: len(whole) * 4 // 10])
    cut, missing = str(tmp_path / "cut.jpg"), str(tmp_path / "nowhere.jpg")
    results = _decode_chunk([(0, [cut, good]), (1, [missing, cut]), (2, [good])], (16, 21))
    assert [(i, used) for i, used, _data in results] == [(0, 1), (1, -1), (2, 0)]
    errors = results[1][2]
    assert "original missing" in errors[0] and errors[1]
    assert results[0][2] == results[2][2]  # the same photo gives the same tile


def test_link_pattern():
    assert check_link("people/{person_id}.html") and check_link("p/{id_number}/")
