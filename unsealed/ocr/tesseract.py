"""Tesseract, run as a subprocess, for the languages RapidOCR cannot read (Uyghur's Arabic script).

Tesseract comes from Debian (``tesseract-ocr`` plus ``tesseract-ocr-<lang>``).
It always runs single-threaded (``OMP_THREAD_LIMIT=1``: its OpenMP threads burn
3x the CPU for the same output), without a shell and with a timeout.

Lines are read in one call: the line images found by the text detector are
scaled to a common height, written as the pages of a list file and read as
single lines (``--psm 7``); Tesseract's own line finding splits Arabic-script
lines at their dots and reads half-lines twice. The common height keeps text
in the size range Tesseract reads best; lines that come back empty or unsure
are retried at other heights (a noisy line is skipped at one scale and read
perfectly at another). Each line is contrast-stretched first: Tesseract reads
nothing from a grey, speckled patch.
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
RETRY_BELOW = 0.85  # lines read empty or with less confidence are read again at the next height
MARGIN = 24  # white pixels around each line image


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


def prepare(line: np.ndarray, line_height: int) -> np.ndarray:
    """A line image as Tesseract reads it best: grey, dark on white, ``line_height`` tall, with a margin."""
    gray = cv2.cvtColor(line, cv2.COLOR_RGB2GRAY) if line.ndim == 3 else line
    h, w = gray.shape[:2]
    width = max(1, round(w * line_height / max(h, 1)))
    gray = cv2.resize(gray, (width, line_height), interpolation=cv2.INTER_AREA)
    if np.median(gray) < 128:  # light text on a dark band: make it dark on white
        gray = 255 - gray
    return cv2.copyMakeBorder(_stretch(gray), MARGIN, MARGIN, MARGIN, MARGIN, cv2.BORDER_CONSTANT, value=255)


def _stretch(gray: np.ndarray) -> np.ndarray:
    """Paper to white and ink to black: Tesseract reads nothing from grey patches on a white sheet."""
    ink, paper = np.percentile(gray, (3, 60))
    if paper - ink < 16:
        return gray
    out = (gray.astype(np.float32) - ink) * (255.0 / (paper - ink))
    return np.clip(out, 0, 255).astype(np.uint8)


def read_lines(lines: list[np.ndarray], langs: tuple[str, ...], timeout: float = 120.0) -> list[TessLine]:
    """Read each line image with Tesseract in ``langs``; one result per line, in order.

    Lines that come back empty or unsure are tried again at other heights, keeping
    the surest reading: Tesseract garbles or skips a line at one scale and reads
    it perfectly at another.
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
            if line.text and line.confidence > results[i].confidence:
                results[i] = line
        todo = [i for i in todo if results[i].confidence < RETRY_BELOW]
        if not todo:
            break
    return results


def _read(lines: list[np.ndarray], langs: tuple[str, ...], timeout: float, height: int) -> list[TessLine]:
    """One Tesseract process for all lines: each is a page of a list file, read as a single line."""
    with tempfile.TemporaryDirectory(prefix="unsealed-tess-") as tmp:
        names = []
        for i, line in enumerate(lines):
            png = Path(tmp) / f"line{i:05d}.png"
            cv2.imwrite(str(png), prepare(line, height))
            names.append(str(png))
        listing = Path(tmp) / "lines.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        cmd = ["tesseract", str(listing), "stdout", "-l", "+".join(langs), "--psm", "7", "--dpi", "300",
               "tsv"]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(),
                                 check=False)
        except subprocess.TimeoutExpired as exc:
            raise TesseractError(f"Tesseract took longer than {timeout:.0f} s") from exc
        except OSError as exc:
            raise TesseractError(f"cannot run Tesseract: {exc}") from exc
    if out.returncode != 0:
        raise TesseractError(f"Tesseract failed: {out.stderr.strip()[-300:]}")
    return _assign(out.stdout, len(lines))


def _assign(tsv: str, count: int) -> list[TessLine]:
    """Group Tesseract's TSV words by page, i.e. by line image."""
    words: list[list[tuple[str, float]]] = [[] for _ in range(count)]
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        page = int(cols[1]) - 1
        if 0 <= page < count:
            words[page].append((cols[11].strip(), max(float(cols[10]), 0.0) / 100))
    result = []
    for line in words:
        text = " ".join(w for w, _ in line)
        conf = sum(c * len(w) for w, c in line) / max(1, sum(len(w) for w, _ in line))
        result.append(TessLine(text, conf if line else 0.0))
    return result
