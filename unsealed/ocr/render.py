"""Turn what OCR reads into upright RGB pictures: PDF pages rendered with pypdfium2, image frames.

Every picture is capped at ``max_pixels`` (scaled down, never refused), images
are turned upright by their EXIF orientation, and transparent images are laid on
a background that contrasts with their ink (white text on a transparent PNG must
not vanish on white).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence

from unsealed.extract.base import TimedOut

IMAGE_KINDS = frozenset({"jpeg", "png", "gif", "tiff", "webp", "heic", "bmp", "jp2"})
MAX_SOURCE_PIXELS = 180_000_000  # larger images are refused as decompression bombs (as Limits)


class RenderError(Exception):
    """A page or image could not be turned into a picture; the message says why."""


def pdf_page_count(path: Path) -> int:
    """Number of pages of the PDF at ``path``; RenderError if pdfium cannot open it."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium raises PdfiumError and others for broken or encrypted files
        raise RenderError(f"cannot open the PDF for OCR: {exc}") from exc
    try:
        return len(pdf)
    finally:
        pdf.close()


def pdf_pages(path: Path, numbers: list[int], dpi: int = 300,
              max_pixels: int = 40_000_000) -> Iterator[tuple[int, Image.Image | RenderError]]:
    """Render the 1-based ``numbers`` of the PDF at ``dpi``; yields (number, picture or error)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:
        for number in numbers:
            yield number, RenderError(f"cannot open the PDF for OCR: {exc}")
        return
    try:
        for number in numbers:
            try:
                page = pdf[number - 1]
                try:
                    width, height = page.get_size()  # points
                    scale = dpi / 72
                    if width * height * scale * scale > max_pixels:
                        scale = math.sqrt(max_pixels / max(width * height, 1.0))
                    bitmap = page.render(scale=scale, grayscale=True)
                    picture = bitmap.to_pil().convert("RGB")
                finally:
                    page.close()
            except TimedOut:
                raise
            except Exception as exc:
                yield number, RenderError(f"cannot render the page: {exc}")
                continue
            yield number, picture
    finally:
        pdf.close()


def image_frames(path: Path, kind: str, max_pixels: int = 40_000_000, max_frames: int = 500,
                 draft: int | None = None) -> Iterator[tuple[int, Image.Image | RenderError]]:
    """Pages of an image file: one for most formats, one per frame of a multi-page TIFF.

    ``draft``: a JPEG may be decoded at a reduced scale that still covers this many pixels.
    """
    if kind == "heic":
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except ImportError:
            yield 1, RenderError("cannot read HEIC images: install pillow-heif")
            return
    try:
        image = Image.open(path)
        width, height = image.size
        if width * height > MAX_SOURCE_PIXELS:
            image.close()
            yield 1, RenderError(f"image of {width}x{height} pixels is too large to OCR"
                                 " (decompression bomb?)")
            return
    except Exception as exc:
        yield 1, RenderError(f"cannot decode the image: {exc}")
        return
    if draft and image.format == "JPEG":
        image.draft("RGB", (draft, draft))
    with image:
        frames = ImageSequence.Iterator(image) if kind == "tiff" else [image]
        number = 0
        try:
            for frame in frames:
                number += 1
                if number > max_frames:
                    if draft is None:
                        yield number, RenderError(f"more than {max_frames} frames: the rest were not read")
                    return
                try:
                    picture = upright(frame, max_pixels)
                except TimedOut:
                    raise
                except Exception as exc:  # truncated or corrupt data shows up at load time
                    yield number, RenderError(f"cannot decode the image: {exc}")
                    return
                yield number, picture
        except TimedOut:
            raise
        except Exception as exc:  # a broken frame table
            yield number + 1, RenderError(f"cannot decode frame {number + 1}: {exc}")


def preview(path: Path, kind: str, side: int) -> Image.Image:
    """The first frame of an image, at most ``side`` pixels long, decoded cheaply (JPEG at 1/2..1/8 scale).

    Raises RenderError when the image cannot be decoded.
    """
    for _, picture in image_frames(path, kind, max_pixels=_PREVIEW_DECODE_PIXELS, max_frames=1, draft=side):
        if isinstance(picture, RenderError):
            raise picture
        picture.thumbnail((side, side), Image.Resampling.BILINEAR)
        return picture
    raise RenderError("the image has no frames")


_PREVIEW_DECODE_PIXELS = 16_000_000


def upright(image: Image.Image, max_pixels: int = 40_000_000) -> Image.Image:
    """An RGB copy of ``image``: EXIF-rotated, transparency flattened, scaled under ``max_pixels``."""
    if image.format == "JPEG" and image.width * image.height > max_pixels:
        image.draft("RGB", (image.width // 2, image.height // 2))  # decode at reduced size
    image.load()
    picture = ImageOps.exif_transpose(image) or image
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        picture = _flatten(picture.convert("RGBA"))
    elif picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    if picture.width * picture.height > max_pixels:
        scale = math.sqrt(max_pixels / (picture.width * picture.height))
        picture = picture.resize((max(1, int(picture.width * scale)), max(1, int(picture.height * scale))),
                                 Image.Resampling.BILINEAR)
    return picture.convert("RGB")


def _flatten(rgba: Image.Image) -> Image.Image:
    """Lay a transparent image on white, or on black when its visible ink is light."""
    alpha = rgba.getchannel("A")
    gray = rgba.convert("L")
    hist = gray.histogram(mask=alpha.point(lambda a: 255 if a > 127 else 0))
    opaque = sum(hist)
    mean = sum(i * n for i, n in enumerate(hist)) / opaque if opaque else 0
    background = (0, 0, 0, 255) if mean > 160 else (255, 255, 255, 255)
    base = Image.new("RGBA", rgba.size, background)
    return Image.alpha_composite(base, rgba).convert("RGB")
