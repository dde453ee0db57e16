"""The OCR stage the ingest pipeline calls once per extracted blob.

``ocr_pages`` decides which pages need OCR (PDF pages without a usable text
layer, images that hold text; or all/none by mode), reads them, and returns new
``Page(source="ocr")`` entries plus one error string per page that failed. It
never raises for a bad file: a page that cannot be rendered, decoded or read is
reported and the other pages go on.
"""

from __future__ import annotations

import time
from pathlib import Path

from unsealed.extract.base import Extraction, Page, Probe, TimedOut
from unsealed.ocr import engines, render
from unsealed.ocr.options import OcrOptions
from unsealed.ocr.textness import TEST_SIDE, has_text


def needs_ocr(probe: Probe, opts: OcrOptions) -> bool:
    """Could this blob get OCR pages at all (cheap: looks at the kind only)?"""
    return opts.mode != "never" and (probe.kind == "pdf" or probe.kind in render.IMAGE_KINDS)


def pdf_pages_to_read(extraction: Extraction, page_count: int, opts: OcrOptions) -> list[int]:
    """1-based PDF pages to OCR: all in mode "always", else those whose text layer is (nearly) empty."""
    if opts.mode == "always":
        return list(range(1, page_count + 1))
    chars = {n: 0 for n in range(1, page_count + 1)}
    for page in extraction.pages:
        if page.source == "text" and page.number in chars:
            chars[page.number] += sum(1 for ch in page.text if not ch.isspace())
    return [n for n, count in chars.items() if count < opts.min_text_chars]


def ocr_pages(blob_path: Path, probe: Probe, extraction: Extraction,
              opts: OcrOptions) -> tuple[list[Page], list[str]]:
    """OCR what needs it in one blob; returns (new OCR pages, errors naming the failed pages)."""
    if not needs_ocr(probe, opts):
        return [], []
    started = time.monotonic()
    if probe.kind == "pdf":
        try:
            count = render.pdf_page_count(blob_path)
        except render.RenderError as exc:
            return [], [str(exc)]
        numbers = pdf_pages_to_read(extraction, count, opts)
        if not numbers:
            return [], []
        pictures = render.pdf_pages(blob_path, numbers, opts.dpi, opts.max_pixels)
        check_text = False
    else:
        check_text = opts.mode == "auto"
        if check_text and probe.kind != "tiff":  # test a cheaply decoded small copy first
            try:
                if not has_text(render.preview(blob_path, probe.kind, TEST_SIDE)):
                    return [], []
            except render.RenderError as exc:
                return [], [f"page 1: {exc}"]
            except TimedOut:
                return [], ["page 1: not OCR'd, the time limit for this file ran out"]
            except Exception as exc:  # the detector failed: say so, never raise
                return [], [f"page 1: has-text test failed: {type(exc).__name__}: {exc}"]
            check_text = False  # multi-frame TIFFs are tested frame by frame below
        pictures = render.image_frames(blob_path, probe.kind, opts.max_pixels, opts.max_frames)
    pages: list[Page] = []
    errors: list[str] = []
    while True:
        try:
            item = next(pictures, None)
        except TimedOut:  # the worker's time limit struck while a page was being rendered
            errors.append("pages not yet read: not OCR'd, the time limit for this file ran out")
            break
        if item is None:
            break
        number, picture = item
        if opts.max_seconds is not None and time.monotonic() - started > opts.max_seconds:
            errors.append(f"page {number} and later: not OCR'd, the OCR time limit of"
                          f" {opts.max_seconds:.0f} s was used up (re-run with a larger limit)")
            break
        if isinstance(picture, render.RenderError):
            errors.append(f"page {number}: {picture}")
            continue
        try:
            if check_text and not has_text(picture):
                continue
            result = engines.read_page(picture, opts.langs, opts.page_timeout)
        except TimedOut:
            errors.append(f"page {number} and later: not OCR'd, the time limit for this file ran out")
            break
        except MemoryError:
            errors.append(f"page {number}: OCR ran out of memory")
            continue
        except Exception as exc:  # an engine failure on one page must not lose the others
            errors.append(f"page {number}: OCR failed: {type(exc).__name__}: {exc}")
            continue
        finally:
            picture.close()
        pages.append(Page(number, result.text, source="ocr", confidence=result.confidence))
        errors.extend(f"page {number}: {err}" for err in result.errors)
    return pages, errors


def apply(extraction: Extraction, pages: list[Page], errors: list[str]) -> Extraction:
    """Add OCR results to an extraction; failed pages make it "partial" with the errors in ``error``."""
    extraction.pages.extend(pages)
    if errors:
        if extraction.status == "ok":
            extraction.status = "partial"
        message = "OCR: " + "; ".join(errors)
        extraction.error = f"{extraction.error}; {message}" if extraction.error else message
    return extraction
