"""Character error rate: how far OCR output is from the known text.

CER = Levenshtein edit distance / length of the reference, after NFKC
normalization (full-width ``，`` and ASCII ``,`` count as the same) and with all
whitespace removed, so line breaks and Latin spacing do not count.
"""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import Levenshtein


def normalize(text: str) -> str:
    """NFKC-normalize and drop whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def cer(reference: str, hypothesis: str) -> float:
    """Edit distance between the normalized texts divided by the reference length (0 is perfect)."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)
