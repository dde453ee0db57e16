"""Tesseract, run as a subprocess, for the languages RapidOCR cannot read (Uyghur's Arabic script).

Tesseract comes from Debian (``tesseract-ocr`` plus ``tesseract-ocr-<lang>``).
It always runs single-threaded (``OMP_THREAD_LIMIT=1``: its OpenMP threads burn
3x the CPU for the same output), without a shell and with a timeout.

Lines are read in one call: the line images found by the text detector are
scaled to a common height and stacked with blank bands between them, and every
word Tesseract reports is mapped back to its line by position. Tesseract's
layout analysis drops whole lines at some scales (50 px Uyghur at 300 dpi; a
noisy line at 44 px but not at 36 or 52), so the common height keeps text in
the size range it reads best, and lines that come back empty are retried at
other heights. Each line is contrast-stretched first: Tesseract reads nothing
from grey patches pasted on a white sheet.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

LINE_HEIGHTS = (44, 36, 52)  # pixels per stacked line image (text of about 34 px); retries after the first
GAP = 28  # blank rows between stacked lines
MARGIN = 40


class TesseractError(Exception):
    """Tesseract is missing, failed or timed out; the message says which."""


@dataclass
class TessLine:
    text: str
    confidence: float  # mean word confidence, 0..1


@functools.cache
def installed_langs() -> frozenset[str]:
    """Language models Tesseract has here (empty when Tesseract is not installed)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30,
                             env=_env(), check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    lines = out.stdout.splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def _env() -> dict[str, str]:
    return dict(os.environ, OMP_THREAD_LIMIT="1")


def stack(lines: list[np.ndarray], line_height: int = 44) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Line images (RGB or gray) scaled to ``line_height`` and stacked; also each line's row span."""
    scaled = []
    for line in lines:
        gray = cv2.cvtColor(line, cv2.COLOR_RGB2GRAY) if line.ndim == 3 else line
        h, w = gray.shape[:2]
        width = max(1, round(w * line_height / max(h, 1)))
        scaled.append(cv2.resize(gray, (width, line_height), interpolation=cv2.INTER_AREA))
    width = max(s.shape[1] for s in scaled) + 2 * MARGIN
    height = 2 * MARGIN + len(scaled) * line_height + (len(scaled) - 1) * GAP
    sheet = np.full((height, width), 255, np.uint8)
    spans = []
    y = MARGIN
    for s in scaled:
        if np.median(s) < 128:  # light text on a dark band: make it dark on white
            s = 255 - s
        s = _stretch(s)
        sheet[y:y + line_height, MARGIN:MARGIN + s.shape[1]] = s
        spans.append((y, y + line_height))
        y += line_height + GAP
    return sheet, spans


def _stretch(gray: np.ndarray) -> np.ndarray:
    """Paper to white and ink to black: Tesseract reads nothing from grey patches on a white sheet."""
    ink, paper = np.percentile(gray, (3, 60))
    if paper - ink < 16:
        return gray
    out = (gray.astype(np.float32) - ink) * (255.0 / (paper - ink))
    return np.clip(out, 0, 255).astype(np.uint8)


def read_lines(lines: list[np.ndarray], langs: tuple[str, ...], timeout: float = 120.0) -> list[TessLine]:
    """Read each line image with Tesseract in ``langs``; one result per line, in order.

    Lines that come back empty are tried again at other heights: Tesseract skips
    a whole line at one scale and reads it perfectly at another.
    """
    if not lines:
        return []
    missing = [lang for lang in langs if lang not in installed_langs()]
    if missing:
        raise TesseractError(f"Tesseract language model missing: {', '.join(missing)}"
                             f" (install tesseract-ocr-{missing[0].replace('_', '-')})")
    results = [TessLine("", 0.0) for _ in lines]
    todo = list(range(len(lines)))
    for height in LINE_HEIGHTS:
        got = _read([lines[i] for i in todo], langs, timeout, height)
        for i, line in zip(todo, got, strict=True):
            results[i] = line
        todo = [i for i in todo if not results[i].text]
        if not todo:
            break
    return results


def _read(lines: list[np.ndarray], langs: tuple[str, ...], timeout: float, height: int) -> list[TessLine]:
    sheet, spans = stack(lines, height)
    with tempfile.TemporaryDirectory(prefix="unsealed-tess-") as tmp:
        png = Path(tmp) / "lines.png"
        cv2.imwrite(str(png), sheet)
        cmd = ["tesseract", str(png), "stdout", "-l", "+".join(langs), "--psm", "6", "--dpi", "300", "tsv"]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(),
                                 check=False)
        except subprocess.TimeoutExpired as exc:
            raise TesseractError(f"Tesseract took longer than {timeout:.0f} s") from exc
        except OSError as exc:
            raise TesseractError(f"cannot run Tesseract: {exc}") from exc
    if out.returncode != 0:
        raise TesseractError(f"Tesseract failed: {out.stderr.strip()[-300:]}")
    return _assign(out.stdout, spans)


def _assign(tsv: str, spans: list[tuple[int, int]]) -> list[TessLine]:
    """Group Tesseract's TSV words by the stacked line their centre falls in."""
    words: list[list[tuple[str, float]]] = [[] for _ in spans]
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        top, height, conf = int(cols[7]), int(cols[9]), float(cols[10])
        centre = top + height / 2
        for i, (y0, y1) in enumerate(spans):
            if y0 - GAP / 2 <= centre < y1 + GAP / 2:
                words[i].append((cols[11].strip(), max(conf, 0.0) / 100))
                break
    result = []
    for line in words:
        text = " ".join(w for w, _ in line)
        conf = sum(c * len(w) for w, c in line) / max(1, sum(len(w) for w, _ in line))
        result.append(TessLine(text, conf if line else 0.0))
    return result
