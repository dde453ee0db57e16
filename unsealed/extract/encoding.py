"""Find the text encoding of bytes and decode them, shared by the CSV, text and e-mail extractors.

Order of evidence: a byte-order mark; the NUL pattern of UTF-16/32 without a mark; an
encoding the file itself declares (HTML meta, MIME charset) when the bytes agree with it;
strict UTF-8; GB18030 when the text decodes strictly and reads as common Chinese; then
charset-normalizer's statistical guess. The checks that decide between UTF-8 and GB18030
are written here rather than left to charset-normalizer because that library mistakes
short GBK text (a few Chinese column headers) for other East-Asian encodings, and GBK
spreadsheets exported to CSV are the most common non-UTF-8 input this tool meets.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Checked longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Declared names that are subsets of a wider encoding real files use under that name.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "ascii": "utf-8", "iso8859-1": "cp1252",
          "big5": "big5hkscs", "shift_jis": "cp932", "euc_kr": "cp949"}
# 7-bit encodings whose bytes are also valid ASCII: a declaration of one must win over UTF-8.
_SEVEN_BIT = ("iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_3", "iso2022_jp_ext", "iso2022_kr",
              "utf-7", "hz")

# When charset-normalizer finds several encodings that give the same text, report the
# most common one (it happily calls German cp1252 text "cp1250").
_PREFERRED = ("utf_8", "gb18030", "cp1252", "cp1251", "big5", "cp1256", "cp932", "shift_jis", "euc_kr",
              "cp949", "cp866", "koi8_r", "cp1250", "cp1254", "cp1253", "cp1255", "cp1257", "iso8859_15")

SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the Python codec name used, and how many characters had to be replaced."""

    text: str
    encoding: str
    bom: bool = False
    replaced: int = 0


def normalize(name: str | None) -> str | None:
    """The Python codec name for a declared charset (widened, e.g. GB2312 -> gb18030), or None."""
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().strip("\"'").lower()).name
    except (LookupError, ValueError):
        return None
    return _WIDER.get(canonical, canonical)


def bom(data: bytes) -> tuple[str, int] | None:
    """The encoding and length of a byte-order mark at the start of ``data``."""
    for mark, enc in _BOMS:
        if data.startswith(mark):
            return enc, len(mark)
    return None


def sniff(data: bytes, declared: str | None = None, final: bool = True) -> tuple[str, int]:
    """Guess the encoding of ``data``; returns (codec name, length of a BOM to skip).

    ``final=False`` says ``data`` is only the start of the content, so a character cut
    at its end is no evidence against an encoding.
    """
    found = bom(data)
    if found:
        return found
    wide = _utf16_or_32(data[:4096])
    if wide:
        return wide, 0
    declared = normalize(declared)
    if declared in _SEVEN_BIT and _fits(data, declared, final):
        return declared, 0
    # Valid multi-byte UTF-8 almost never happens by chance, so it beats a declaration
    # (pages saved as UTF-8 keep their old "gb2312" meta tag).
    if _fits(data, "utf-8", final):
        return "utf-8", 0
    if declared and not declared.startswith(("utf-16", "utf-32")) and _fits(data, declared, final):
        return declared, 0
    if _fits(data, "gb18030", final) and _reads_as_chinese(data):
        return "gb18030", 0
    guess = _statistical(data)
    return guess or "utf-8", 0


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode all of ``data`` with the sniffed encoding, replacing bytes that do not fit."""
    if bom(data) is None and normalize(declared) not in _SEVEN_BIT and _utf16_or_32(data[:4096]) is None:
        try:  # the common case, decoded once rather than checked and then decoded
            return Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    enc, skip = sniff(data, declared)
    return decode_as(data[skip:], enc, bom=skip > 0)


def decode_as(data: bytes, enc: str, bom: bool = False) -> Decoded:
    """Decode ``data`` (without BOM) as ``enc``, counting replaced characters."""
    try:
        return Decoded(data.decode(enc), enc, bom, 0)
    except UnicodeDecodeError:
        text = data.decode(enc, errors="replace")
        genuine = data.decode(enc, errors="ignore").count("\ufffd")
        return Decoded(text, enc, bom, max(text.count("\ufffd") - genuine, 1))


def _fits(data: bytes, enc: str, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(enc)(errors="strict").decode(data, final=final)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _utf16_or_32(head: bytes) -> str | None:
    """UTF-16/32 without BOM: mostly-ASCII text leaves NUL bytes in a fixed pattern."""
    n = len(head) - len(head) % 4
    if n < 8 or head.count(0, 0, n) < n // 4:
        return None
    lanes = [head[i:n:4].count(0) for i in range(4)]
    quarter = n // 4
    full = [c > 0.9 * quarter for c in lanes]
    empty = [c < 0.1 * quarter for c in lanes]
    candidates = []
    if empty[0] and full[1] and full[2] and full[3]:
        candidates.append("utf-32-le")
    if full[0] and full[1] and full[2] and empty[3]:
        candidates.append("utf-32-be")
    odd_zero = head[1:n:2].count(0) > 0.6 * (n // 2)
    even_zero = head[0:n:2].count(0) > 0.6 * (n // 2)
    if odd_zero and head[0:n:2].count(0) < 0.1 * (n // 2):
        candidates.append("utf-16-le")
    if even_zero and head[1:n:2].count(0) < 0.1 * (n // 2):
        candidates.append("utf-16-be")
    for enc in candidates:
        if _fits(head[:n], enc, final=False):
            return enc
    return None


def _reads_as_chinese(data: bytes) -> bool:
    """True when most non-ASCII characters decoded as GB18030 are common (GB2312) Chinese.

    Big5, Shift-JIS and Latin-1 bytes often decode as GB18030 too, but into rare
    characters outside GB2312; genuine GBK text is nearly all GB2312.
    """
    sample = _sample(data)
    text = codecs.getincrementaldecoder("gb18030")(errors="ignore").decode(sample, final=False)
    wide = sum(1 for ch in text if ch > "\x7f")
    if not wide:
        return False
    misses = text.encode("gb2312", errors="replace").count(b"?") - text.count("?")
    return misses <= 0.1 * wide


def _sample(data: bytes) -> bytes:
    """Up to SAMPLE_BYTES starting shortly before the first non-ASCII byte."""
    if len(data) <= SAMPLE_BYTES:
        return data
    first = next((i for i, b in enumerate(data[:SAMPLE_BYTES]) if b > 0x7F), None)
    if first is None:
        for start in range(SAMPLE_BYTES, len(data), SAMPLE_BYTES):
            chunk = data[start:start + SAMPLE_BYTES]
            if not chunk.isascii():
                first = start
                break
        else:
            return data[:SAMPLE_BYTES]
    start = max(0, first - 256)
    start = data.rfind(b"\n", 0, start) + 1 if start else 0  # begin on a line, not mid-character
    return data[start:start + SAMPLE_BYTES]


def _statistical(data: bytes) -> str | None:
    import charset_normalizer  # ~0.1 s to import: only for files that are neither UTF-8 nor GBK

    # UTF-16/32 without a BOM was already ruled out by the NUL-pattern check: never accept it here.
    found = charset_normalizer.from_bytes(_sample(data))
    matches = [m for m in found if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    close = [m for m in matches if m.chaos <= least + 0.01]
    best_rank, best = len(_PREFERRED), None
    for m in sorted(close, key=lambda m: -m.coherence):
        names = [m.encoding, *m.could_be_from_charset]
        for name in names:
            rank = _PREFERRED.index(name) if name in _PREFERRED else len(_PREFERRED)
            if rank < best_rank or best is None:
                best_rank, best = rank, name
    return normalize(best) if best else None
