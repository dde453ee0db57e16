"""Render one synthetic detainee photo: an abstract figure on a light-grey background.

Never a face: an ellipse head and trapezoid shoulders in muted colours, with
per-shot variation (position, size, colour, background bands, clothing blocks)
large enough that unrelated photos are not perceptual near-duplicates.
The function is pure, so worker processes produce the same bytes as the parent.
"""

from __future__ import annotations

import colorsys
import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from .rand import rng_for

WIDTH, HEIGHT = 240, 320


@dataclass(frozen=True)
class Shot:
    """Everything needed to produce one JPEG's bytes."""

    seed: int
    id_number: str
    number: int  # 0 for the intake photo, 1.. for retakes
    make: str
    model: str
    taken: str  # EXIF DateTimeOriginal, "YYYY:MM:DD HH:MM:SS"
    modified: str  # EXIF DateTime (IFD0)
    software: str | None = None
    quality: int = 85
    size: tuple[int, int] | None = None  # resize to this (width, height)


def _muted(rng, hue: float | None = None, sat=(0.12, 0.35), val=(0.32, 0.6)) -> tuple[int, int, int]:
    h = rng.random() if hue is None else hue
    r, g, b = colorsys.hsv_to_rgb(h, rng.uniform(*sat), rng.uniform(*val))
    return int(r * 255), int(g * 255), int(b * 255)


def _shade(colour: tuple[int, int, int], delta: int) -> tuple[int, int, int]:
    return tuple(max(0, min(255, c + delta)) for c in colour)  # type: ignore[return-value]


def draw(seed: int, id_number: str, number: int) -> Image.Image:
    """The picture for one shot (before resizing and encoding)."""
    rng = rng_for(seed, "figure", id_number, number)
    grey = rng.randint(196, 224)
    bg = (grey, grey, min(255, grey + rng.randint(-2, 4)))
    img = Image.new("RGB", (WIDTH, HEIGHT), bg)
    d = ImageDraw.Draw(img)
    cols, rows = rng.randint(2, 4), rng.randint(3, 5)  # a patchy panelled wall
    for i in range(cols):
        for j in range(rows):
            box = (i * WIDTH // cols, j * HEIGHT // rows, (i + 1) * WIDTH // cols, (j + 1) * HEIGHT // rows)
            d.rectangle(box, fill=_shade(bg, rng.randint(-45, 25)))
    for _ in range(rng.randint(1, 4)):  # height-chart bands
        y = rng.randint(0, 230)
        d.rectangle((0, y, WIDTH, y + rng.randint(2, 14)), fill=_shade(bg, -rng.randint(10, 40)))
    cx = WIDTH // 2 + rng.randint(-40, 40)
    top = rng.randint(190, 250)
    tw, bw = rng.randint(38, 72), rng.randint(95, 135)
    cloth = _muted(rng, val=(0.2, 0.7))
    d.polygon(((cx - tw, top), (cx + tw, top), (cx + bw, HEIGHT), (cx - bw, HEIGHT)), fill=cloth)
    for _ in range(rng.randint(1, 4)):  # clothing blocks
        x0, y0 = cx + rng.randint(-bw, bw - 20), rng.randint(top, HEIGHT - 15)
        box = (x0, y0, x0 + rng.randint(12, 60), y0 + rng.randint(8, 40))
        d.rectangle(box, fill=_shade(cloth, rng.randint(-35, 35)))
    skin = _muted(rng, hue=rng.uniform(0.04, 0.1), sat=(0.18, 0.35), val=(0.5, 0.72))
    d.rectangle((cx - 13, top - 24, cx + 13, top + 4), fill=_shade(skin, -18))
    hw, hh = rng.randint(32, 48), rng.randint(42, 58)
    hx, hy = cx + rng.randint(-8, 8), top - 22 - hh + rng.randint(-6, 6)
    d.ellipse((hx - hw, hy - hh, hx + hw, hy + hh), fill=skin)
    if rng.random() < 0.7:  # hair or cap as a dark cap of the ellipse
        d.chord((hx - hw, hy - hh, hx + hw, hy + hh // 2), 180, 360, fill=_muted(rng, sat=(0.0, 0.2), val=(0.1, 0.3)))
    if rng.random() < 0.5:  # a number board held at the chest
        bx, by = cx + rng.randint(-50, 10), rng.randint(top + 20, HEIGHT - 45)
        d.rectangle((bx, by, bx + rng.randint(40, 70), by + rng.randint(22, 36)), fill=(236, 236, 230))
        for k in range(2):
            d.line((bx + 6, by + 8 + 10 * k, bx + 34, by + 8 + 10 * k), fill=(70, 70, 70), width=2)
    return img


def render(shot: Shot) -> bytes:
    """The JPEG bytes of a shot, with its EXIF (Make, Model, DateTime, DateTimeOriginal, maybe Software)."""
    img = draw(shot.seed, shot.id_number, shot.number)
    if shot.size:
        img = img.resize(shot.size, Image.Resampling.BILINEAR)
    exif = Image.Exif()
    exif[0x010F] = shot.make
    exif[0x0110] = shot.model
    exif[0x0132] = shot.modified
    if shot.software:
        exif[0x0131] = shot.software
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = shot.taken  # DateTimeOriginal
    ifd[0x9004] = shot.taken  # DateTimeDigitized
    ifd[0xA002], ifd[0xA003] = img.size
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=shot.quality, exif=exif)
    return buf.getvalue()
