"""Image-only PDFs of Chinese text, like a paper document fed through an office scanner.

Each page is rendered in greyscale at 200 dpi with the WenQuanYi font, tilted a
fraction of a degree, speckled with seeded noise and slightly blurred, then
saved by Pillow as a PDF with no text layer, so its words are findable only by OCR.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from .documents import FONT_PATH
from .rand import rng_for
from .texts import DocText

DPI = 200
PAGE = (1654, 2339)  # A4 at 200 dpi
MARGIN = 150
SIZE = 40  # px, about 14 pt at 200 dpi
PER_LINE = (PAGE[0] - 2 * MARGIN) // SIZE
SCANNER = "Canon iR-ADV C5235"


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size, index=0)


def _lines(doc: DocText) -> list[tuple[str, int]]:
    lines = [("机密★", SIZE), (doc.title, SIZE + 12), (doc.number, SIZE)]
    for para in doc.paragraphs:
        text = "　　" + para
        lines += [(text[i:i + PER_LINE], SIZE) for i in range(0, len(text), PER_LINE)]
    return lines


def _pages(doc: DocText) -> list[list[tuple[str, int]]]:
    pages, page, y = [], [], MARGIN
    for text, size in _lines(doc):
        if y + size * 1.7 > PAGE[1] - MARGIN:
            pages.append(page)
            page, y = [], MARGIN
        page.append((text, size))
        y += size * 1.7
    return pages + [page]


def _render(seed: int, key: str, n: int, lines: list[tuple[str, int]]) -> Image.Image:
    rng = rng_for(seed, "scan", key, n)
    img = Image.new("L", PAGE, 250)
    d = ImageDraw.Draw(img)
    y = MARGIN
    for text, size in lines:
        font = _font(size)
        x = (PAGE[0] - d.textlength(text, font=font)) / 2 if size > SIZE else MARGIN
        d.text((x, y), text, fill=rng.randint(20, 45), font=font)
        y += int(size * 1.7)
    img = img.rotate(rng.uniform(-0.6, 0.6), resample=Image.Resampling.BILINEAR, fillcolor=250)
    # Seeded noise (Pillow's effect_noise uses C rand(), which is not reproducible across processes).
    noise = Image.frombytes("L", PAGE, rng.randbytes(PAGE[0] * PAGE[1])).point(lambda v: v * 28 // 255)
    img = ImageChops.subtract(img, noise)
    return img.filter(ImageFilter.GaussianBlur(0.6))


def scan_pdf_bytes(seed: int, key: str, doc: DocText, scanned_at: dt.datetime) -> tuple[bytes, int]:
    """The PDF's bytes and its page count."""
    pages = [_render(seed, key, n, lines) for n, lines in enumerate(_pages(doc))]
    buf = io.BytesIO()
    when = (scanned_at - dt.timedelta(hours=8)).timetuple()  # Pillow writes the time as UTC ("Z")
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=float(DPI), quality=80,
                  title=f"扫描_{scanned_at:%Y%m%d%H%M%S}", author="", creator=SCANNER, producer=SCANNER,
                  creationDate=when, modDate=when)
    return buf.getvalue(), len(pages)
