"""The cheap has-text test on real corpus images, camera photos and generated portraits."""

import pytest
from PIL import Image

from tests.ocr.corpora import EXIF, KREUZBERG, RAPID
from unsealed.ocr.render import upright
from unsealed.ocr.samples import NOTICE_ZH, portrait, render_page, scanned
from unsealed.ocr.textness import text_verdict

TEXT_IMAGES = [
    RAPID / "ch_en_num.jpg",  # product photo with Chinese
    RAPID / "en.jpg",  # photographed English document
    RAPID / "white_font_color_transparent.png",  # white text on transparency
    RAPID / "text_vertical_words.png",  # vertical Chinese columns
    RAPID / "text_rec.jpg",  # one short line
    RAPID / "arabic.png",  # Arabic script
    KREUZBERG / "chi_sim_image.jpeg",
    KREUZBERG / "invoice_image.png",
    KREUZBERG / "layout_parser_ocr.jpg",  # scanned paper page
    EXIF / "orientation" / "landscape_1.jpg",  # a photo with words written on it
]
NO_TEXT_IMAGES = [
    RAPID / "empty_black.jpg",
    KREUZBERG / "flower_no_text.jpg",
    EXIF / "Canon_PowerShot_S40.jpg",
    EXIF / "mobile" / "jolla.jpg",
    EXIF / "exif-org" / "canon-ixus.jpg",
    EXIF / "exif-org" / "nikon-e950.jpg",
    EXIF / "exif-org" / "kodak-dc210.jpg",
    EXIF / "gps" / "DSCN0010.jpg",
    EXIF / "gps" / "DSCN0025.jpg",
    EXIF / "tests" / "42_IndexError.jpg",
]


def _open(path):
    with Image.open(path) as image:
        return upright(image)


@pytest.mark.parametrize("path", TEXT_IMAGES, ids=lambda p: p.name)
def test_text_images_say_yes(path):
    verdict = text_verdict(_open(path))
    assert verdict.text, verdict


@pytest.mark.parametrize("path", NO_TEXT_IMAGES, ids=lambda p: p.name)
def test_camera_photos_without_text_say_no(path):
    verdict = text_verdict(_open(path))
    assert not verdict.text, verdict


def test_portraits_say_no_and_pages_say_yes():
    said_yes = [seed for seed in range(20) if text_verdict(portrait(seed)).text]
    assert said_yes == []
    page = render_page(NOTICE_ZH[:4])
    assert text_verdict(page).text_boxes >= 4
    assert text_verdict(scanned(page)).text
