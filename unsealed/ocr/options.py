"""OCR settings: when to read pages (``--ocr``) and in which languages (``--ocr-lang``).

Languages use Tesseract's codes. ``--ocr-lang`` takes them joined with ``+`` or
``,`` (``chi_sim+uig+eng`` or ``chi_sim,uig,eng``); a few plain names are
accepted too (``zh``, ``chinese``, ``ug``, ``uyghur``, ``en``, ``english``).
``chi_sim`` and ``eng`` are read by RapidOCR (one model reads both); every other
code is read by Tesseract and needs its Debian package (tesseract-ocr-<code>).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bumped when OCR output changes for the same input, so the pipeline redoes OCR.
OCR_VERSION = 1

MODES = ("auto", "always", "never")
DEFAULT_LANGS = ("chi_sim", "uig", "eng")
RAPID_LANGS = frozenset({"chi_sim", "eng"})  # read by RapidOCR's Chinese+Latin model

_ALIASES = {
    "zh": "chi_sim", "zh-cn": "chi_sim", "zh_cn": "chi_sim", "chi": "chi_sim", "chinese": "chi_sim",
    "ug": "uig", "uyghur": "uig", "uighur": "uig",
    "en": "eng", "english": "eng",
}
_CODE = re.compile(r"^[a-z]{3}(_[a-z]{3,4})?$")


def parse_langs(spec: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``"chi_sim+uig+eng"``, ``"zh,ug,en"`` or a sequence -> normalized codes, order kept.

    Raises ValueError with a readable message for an empty list or a malformed code.
    """
    parts = re.split(r"[+,\s]+", spec) if isinstance(spec, str) else list(spec)
    out: list[str] = []
    for part in parts:
        code = _ALIASES.get(part.strip().lower(), part.strip().lower())
        if not code:
            continue
        if not _CODE.match(code):
            raise ValueError(f"unknown OCR language {part!r}: use Tesseract codes like chi_sim, uig, eng")
        if code not in out:
            out.append(code)
    if not out:
        raise ValueError("no OCR language given: use e.g. --ocr-lang chi_sim+uig+eng")
    return tuple(out)


@dataclass(frozen=True)
class OcrOptions:
    """How ``ocr_pages`` behaves.

    mode: "auto" reads PDF pages without a text layer and images that hold text;
    "always" reads every page and image; "never" reads nothing.
    """

    mode: str = "auto"
    langs: tuple[str, ...] = DEFAULT_LANGS
    dpi: int = 300  # PDF pages are rendered at this resolution
    max_pixels: int = 40_000_000  # cap per rendered page or image (about A2 at 300 dpi)
    min_text_chars: int = 10  # a PDF page with fewer non-space characters counts as "no text layer"
    page_timeout: float = 120.0  # seconds for one Tesseract call
    max_seconds: float | None = None  # OCR time for one file; pages past it are recorded as skipped
    max_frames: int = 500  # pages of a multi-page TIFF

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"--ocr must be one of {', '.join(MODES)}, not {self.mode!r}")
        object.__setattr__(self, "langs", parse_langs(self.langs))

    @property
    def rapid(self) -> bool:
        """True when RapidOCR reads the page (Chinese and/or English asked for)."""
        return any(code in RAPID_LANGS for code in self.langs)

    @property
    def tesseract_langs(self) -> tuple[str, ...]:
        """Languages only Tesseract reads (e.g. ``uig``), in the given order."""
        return tuple(code for code in self.langs if code not in RAPID_LANGS)

    def check(self) -> None:
        """Raise ValueError naming a language whose Tesseract model is missing (call once at start-up)."""
        from unsealed.ocr.tesseract import installed_langs

        have = installed_langs()
        for code in self.tesseract_langs:
            if code not in have:
                package = "tesseract-ocr-" + code.replace("_", "-")
                raise ValueError(f"OCR language {code!r} is not installed here: apt-get install {package}"
                                 f" (installed: {', '.join(sorted(have)) or 'none, install tesseract-ocr'})")

    def signature(self) -> str:
        """A short key for what OCR with these settings produces, e.g. ``ocr1:auto:chi_sim+uig+eng``."""
        return f"ocr{OCR_VERSION}:{self.mode}:{'+'.join(self.langs)}"
