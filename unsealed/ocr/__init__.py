"""OCR: read scanned PDF pages and photographed documents (Chinese, Uyghur, English).

Use::

    from unsealed.ocr import OcrOptions, ocr_pages
    opts = OcrOptions(mode="auto", langs=("chi_sim", "uig", "eng"))
    pages, errors = ocr_pages(blob_path, probe, extraction, opts)

Heavy imports (RapidOCR, onnxruntime, OpenCV) happen on first use, in the
worker process that reads pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from unsealed.ocr.options import DEFAULT_LANGS, MODES, OCR_VERSION, OcrOptions, parse_langs

if TYPE_CHECKING:
    from pathlib import Path

    from PIL import Image

    from unsealed.extract.base import Extraction, Page, Probe

__all__ = ["DEFAULT_LANGS", "MODES", "OCR_VERSION", "OcrOptions", "apply", "has_text", "ocr_pages",
           "parse_langs"]


def ocr_pages(blob_path: Path, probe: Probe, extraction: Extraction,
              opts: OcrOptions) -> tuple[list[Page], list[str]]:
    """OCR what needs it in one blob; see :func:`unsealed.ocr.stage.ocr_pages`."""
    from unsealed.ocr.stage import ocr_pages as run

    return run(blob_path, probe, extraction, opts)


def apply(extraction: Extraction, pages: list[Page], errors: list[str]) -> Extraction:
    """Add OCR pages and errors to an extraction; see :func:`unsealed.ocr.stage.apply`."""
    from unsealed.ocr.stage import apply as run

    return run(extraction, pages, errors)


def has_text(picture: Image.Image) -> bool:
    """The cheap does-this-image-hold-text test; see :mod:`unsealed.ocr.textness`."""
    from unsealed.ocr.textness import has_text as run

    return run(picture)
