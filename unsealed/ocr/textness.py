"""Does this image hold text? A cheap test run before full OCR, so portraits are not read.

The test runs only RapidOCR's text detector (DB, PP-OCRv4) on a copy of the
image at most ``TEST_SIDE`` pixels long (~0.1 CPU-s) and looks at the shape of
what it found: text comes in long thin boxes (a line, a word, a vertical
column), while a head or a body, when the detector fires on them at all (8%
of flat synthetic portraits), gives a box about twice as tall as wide. The
recognizer is never run.

Measured by ``bench/ocr.py`` and ``tests/ocr/test_textness.py``: yes for the
RapidOCR and kreuzberg text images and rendered pages, no for flat synthetic
portraits and for the exif-samples camera photos (those without captions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from unsealed.ocr.engines import detect

TEST_SIDE = 640  # longest side the detector sees in the test
MIN_ELONGATION = 2.0  # a text box is at least this much longer than it is thick
MIN_VERTICAL_ELONGATION = 3.5  # the same for a box taller than wide
MIN_THICKNESS = 5  # pixels, at test scale: thinner boxes are edges, not text


@dataclass
class Verdict:
    text: bool
    boxes: int  # boxes the detector found
    text_boxes: int  # of them, shaped like text


def text_verdict(picture: Image.Image) -> Verdict:
    """Run the test and say what it saw."""
    rgb = np.asarray(picture.convert("RGB"))
    scale = min(1.0, TEST_SIDE / max(rgb.shape[:2]))
    boxes = detect(rgb, side=TEST_SIDE)
    textlike = 0
    for box in boxes:
        width = float(np.linalg.norm(box[0] - box[1])) * scale
        height = float(np.linalg.norm(box[0] - box[3])) * scale
        if width >= height:
            textlike += height >= MIN_THICKNESS and width >= MIN_ELONGATION * height
        else:  # a vertical column of text is long; a head or a body is only about twice as tall
            textlike += width >= MIN_THICKNESS and height >= MIN_VERTICAL_ELONGATION * width
    return Verdict(textlike > 0, len(boxes), textlike)


def has_text(picture: Image.Image) -> bool:
    """True when the picture likely holds text worth a full OCR pass."""
    return text_verdict(picture).text
