"""Read the text of one picture: RapidOCR for Chinese and English, Tesseract for other scripts.

RapidOCR (PP-OCRv4 detector + recognizer, ONNX models inside its wheel) is run
stage by stage rather than through its one-call API, because on this machine:

- the detector runs on a copy scaled down to ``DET_SIDE`` pixels (a 300 dpi A4
  page at full size costs ~20 CPU-s, at 1280 px ~1 s, same boxes), while the
  recognizer reads line images cut from the full-resolution page;
- its 180-degree line classifier flips correct lines (it turned a clean
  printed line upside down at 0.93 confidence), so instead every line is read
  as is and only a weak line is read again turned round, keeping the better;
- it drops spaces between Latin words, which ``spaces.py`` puts back.

When Tesseract languages are asked for (``uig``), the weak lines (which the
Chinese model cannot read: Arabic script) are read again with Tesseract and
replaced when Tesseract is surer. With no RapidOCR language, Tesseract reads
every detected line. Models load once per process and run single-threaded:
the pipeline runs one worker process per core.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from unsealed.ocr import tesseract
from unsealed.ocr.spaces import restore_spaces

DET_SIDE = 1280  # longest side of the picture the detector sees when reading a page
MIN_SCORE = 0.5  # lines RapidOCR reads with less confidence are dropped (its own default)
WEAK = 0.85  # below this, a line is read again (turned round; by Tesseract when asked)
SPARSE = 0.5  # characters per line height below which a read line is suspect (another script)
ARABIC_LANGS = frozenset({"uig", "ara", "fas", "urd", "pus", "snd"})

_lock = threading.Lock()
_rapid = None


def rapid():
    """The process's RapidOCR instance, loaded on first use (single-threaded inference)."""
    global _rapid
    with _lock:
        if _rapid is None:
            import cv2
            from rapidocr_onnxruntime import RapidOCR

            cv2.setNumThreads(1)
            engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
            # detect at the size we pass in: "min" with a tiny limit means no resizing
            engine.text_det.limit_type = "min"
            engine.text_det.limit_side_len = 32
            _rapid = engine
    return _rapid


@dataclass
class Line:
    text: str
    confidence: float
    box: np.ndarray  # 4x2 corner points in page pixels
    engine: str = "rapidocr"


@dataclass
class PageText:
    """What OCR read from one picture."""

    text: str
    confidence: float  # 0..1, character-weighted mean over the kept lines; 0 when nothing was read
    lines: list[Line] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # parts that failed (e.g. Tesseract timed out)


def detect(rgb: np.ndarray, side: int = DET_SIDE) -> np.ndarray:
    """Text-line boxes (N x 4 x 2, page pixels) found by the detector on a copy at most ``side`` px."""
    import cv2

    engine = rapid()
    h, w = rgb.shape[:2]
    scale = min(1.0, side / max(h, w))
    small = rgb
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    # a lone line of text is found reliably only with room around it (RapidOCR's own letterbox)
    sh, sw = small.shape[:2]
    pad = max(0, (max(64, sw // 8) - sh) // 2)
    if pad:
        small = cv2.copyMakeBorder(small, pad, pad, 0, 0, cv2.BORDER_REPLICATE)
    boxes, _ = engine.text_det(small)
    if boxes is None or len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    boxes = np.asarray(boxes, np.float32)
    boxes[:, :, 1] -= pad
    boxes /= scale
    boxes[:, :, 0] = np.clip(boxes[:, :, 0], 0, w - 1)
    boxes[:, :, 1] = np.clip(boxes[:, :, 1], 0, h - 1)
    return boxes


def read_page(picture: Image.Image, langs: tuple[str, ...], timeout: float = 120.0) -> PageText:
    """OCR one picture in ``langs`` (Tesseract codes; see ``options.py``)."""
    rgb = np.asarray(picture.convert("RGB"))
    engine = rapid()
    boxes = detect(rgb)
    if len(boxes) == 0:
        return PageText("", 0.0)
    boxes = np.asarray(engine.sorted_boxes(boxes), np.float32)
    crops = [np.ascontiguousarray(c) for c in engine.get_crop_img_list(rgb, boxes)]
    use_rapid = any(code in ("chi_sim", "eng") for code in langs)
    others = tuple(code for code in langs if code not in ("chi_sim", "eng"))
    if use_rapid:
        lines = _rapid_lines(crops, boxes)
    else:
        lines = [Line("", 0.0, box) for box in boxes]
    errors: list[str] = []
    if others:
        # the script check: lines the Chinese model read weakly, or read as far fewer characters
        # than the line's length holds (Arabic script comes out as a few digits and marks)
        doubtful = [i for i, line in enumerate(lines) if line.confidence < WEAK or _sparse(line)]
        try:
            _tesseract_pass(lines, [crops[i] for i in doubtful], doubtful, others, timeout)
        except tesseract.TesseractError as exc:
            errors.append(str(exc))
    kept = [line for line in lines if line.text and line.confidence >= MIN_SCORE]
    return PageText(_join(kept), _confidence(kept), kept, errors)


def _rapid_lines(crops: list[np.ndarray], boxes: np.ndarray) -> list[Line]:
    engine = rapid()
    results = list(engine.text_rec(crops, True)[0])
    weak = [i for i, r in enumerate(results) if r[1] < WEAK]
    if weak:  # read weak lines again turned round: upside-down text, or a flip the page needs
        turned = [np.ascontiguousarray(np.rot90(crops[i], 2)) for i in weak]
        for i, crop, again in zip(weak, turned, engine.text_rec(turned, True)[0], strict=True):
            if again[1] >= WEAK and again[1] > results[i][1]:  # sure: it really was upside down
                results[i], crops[i] = again, crop
    lines = []
    for (text, score, info), crop, box in zip(results, crops, boxes, strict=True):
        columns = [c for word in info[2] for c in word]
        lines.append(Line(restore_spaces(text, columns, info[0], crop).strip(), float(score), box))
    return lines


def _sparse(line: Line) -> bool:
    """Fewer characters than a line of this length holds in Chinese (about one per line height)."""
    length = float(np.linalg.norm(line.box[0] - line.box[1]))
    height = float(np.linalg.norm(line.box[0] - line.box[3]))
    chars = sum(1 for ch in line.text if not ch.isspace())
    return length > 3 * height and chars < SPARSE * length / max(height, 1.0)


def _tesseract_pass(lines: list[Line], crops: list[np.ndarray], which: list[int], langs: tuple[str, ...],
                    timeout: float) -> None:
    """Read the ``which`` lines with Tesseract and take its reading where it is surer.

    A line RapidOCR read sparsely (or not at all) takes any confident reading;
    a line it read fully but weakly only a reading Tesseract is surer of.
    """
    if not crops:
        return
    arabic = all(code in ARABIC_LANGS for code in langs)
    for i, got in zip(which, tesseract.read_lines(crops, langs, timeout), strict=True):
        if not got.text or got.confidence < MIN_SCORE:
            continue
        if arabic and _arabic_share(got.text) < 0.5:
            continue  # the Uyghur model's reading of Chinese or Latin glyphs
        if _cjk_share(lines[i].text) >= 0.5 and lines[i].confidence >= MIN_SCORE:
            continue  # RapidOCR read Chinese here: a weak Chinese line, not another script
        if not lines[i].text or _sparse(lines[i]) or got.confidence > lines[i].confidence:
            lines[i] = Line(got.text, got.confidence, lines[i].box, "tesseract")


def _cjk_share(text: str) -> float:
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return 0.0
    return sum(1 for ch in chars if "\u3400" <= ch <= "\u9fff") / len(chars)


def _arabic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff") / len(letters)


def _join(lines: list[Line]) -> str:
    """Lines in reading order: boxes whose vertical centres are close form one row."""
    if not lines:
        return ""
    heights = [float(np.linalg.norm(line.box[0] - line.box[3])) for line in lines]
    tolerance = 0.5 * float(np.median(heights))
    rows: list[list[Line]] = []
    centres: list[float] = []
    for line in sorted(lines, key=lambda ln: float(ln.box[:, 1].mean())):
        centre = float(line.box[:, 1].mean())
        if rows and abs(centre - centres[-1]) <= tolerance:
            rows[-1].append(line)
        else:
            rows.append([line])
            centres.append(centre)
    out = []
    for row in rows:
        row.sort(key=lambda ln: float(ln.box[:, 0].min()))
        if all(ln.engine == "tesseract" and _arabic_share(ln.text) >= 0.5 for ln in row):
            row.reverse()  # right-to-left script: the rightmost box is read first
        out.append(" ".join(ln.text for ln in row))
    return "\n".join(out)


def _confidence(lines: list[Line]) -> float:
    chars = sum(len(line.text) for line in lines)
    if not chars:
        return 0.0
    return round(sum(line.confidence * len(line.text) for line in lines) / chars, 4)
