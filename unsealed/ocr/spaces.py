"""Put back the spaces RapidOCR's recognizer drops between Latin words ("invideos,we").

The recognizer reports, for every character it reads, the column of the line
image where it saw it. Between two Latin characters printed without a space, we
look at the line image itself: a blank vertical gap wider than a fraction of
the text height is a word space. Written here because RapidOCR only groups
characters into "words" by a fixed column gap, which splits wide letters and
misses tight spaces; no library restores spaces from glyph positions.
"""

from __future__ import annotations

import cv2
import numpy as np

GAP_OF_HEIGHT = 0.2  # a blank gap this wide (times the ink height) between letters is a space


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ",.;:!?)]}%'\"")


def _latin_start(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "([{'\"")


def ink_columns(crop: np.ndarray) -> tuple[np.ndarray, int]:
    """Per column of the line image: does it hold ink? Plus the height of the inked rows."""
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    _, mask = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if mask.mean() > 0.5:  # light text on a dark ground: ink is the minority
        mask = 1 - mask
    rows = np.flatnonzero(mask.sum(axis=1) > max(1, mask.shape[1] // 200))
    height = int(rows[-1] - rows[0] + 1) if rows.size else mask.shape[0]
    return mask.sum(axis=0) > 0, height


def restore_spaces(text: str, columns: list[int], total_columns: float, crop: np.ndarray) -> str:
    """``text`` with a space inserted between Latin characters separated by a word-sized gap.

    ``columns`` holds the recognizer's column for each character of ``text`` and
    ``total_columns`` the number of columns that cover ``crop`` (the line image).
    """
    if len(columns) != len(text) or total_columns <= 0 or len(text) < 2:
        return text
    if not any(_latin(a) and _latin_start(b) for a, b in zip(text, text[1:], strict=False)):
        return text
    inked, height = ink_columns(crop)
    width = crop.shape[1]
    min_gap = max(2, GAP_OF_HEIGHT * height)
    out = [text[0]]
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if _latin(a) and _latin_start(b) and not (a.isdigit() and b.isdigit()):  # "1" is narrow: no
            x0 = int(columns[i - 1] / total_columns * width)
            x1 = int(columns[i] / total_columns * width)
            if x1 - x0 > min_gap and _longest_blank(inked[x0:x1]) >= min_gap:
                out.append(" ")
        out.append(b)
    return "".join(out)


def _longest_blank(inked: np.ndarray) -> int:
    best = run = 0
    for has_ink in inked:
        run = 0 if has_ink else run + 1
        best = max(best, run)
    return best
