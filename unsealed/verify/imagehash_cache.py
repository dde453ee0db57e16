"""Perceptual hashes and JPEG facts of image blobs, computed once and cached in the catalog.

For each image blob: a 64-bit perceptual hash (imagehash's phash; JPEGs decoded in Pillow's
draft mode, grey at 1/2–1/8 scale, which is all a 32x32 DCT hash needs), the distance between
that hash and the hash of the EXIF thumbnail when there is one (as stored, and centre-cropped to
the image's shape, whichever is closer), and the JPEG quantisation
tables (a short signature and the IJG quality they correspond to). Rows are keyed by blob
SHA-256 and ``VERSION``, so a re-run computes only new blobs and a change of method redoes all.
Large batches run in two worker processes.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

VERSION = 2  # 2: thumbnails compared as stored or centre-cropped, whichever is closer
PARALLEL_FROM = 400  # blobs to hash; below this two processes cost more than they save
BATCH = 500
MAX_THUMBNAIL = 1 << 20

SCHEMA = """
CREATE TABLE IF NOT EXISTS verify_image_facts (
    sha256         TEXT NOT NULL,
    version        INTEGER NOT NULL,
    phash          TEXT,            -- 16 hex digits, NULL when the image could not be decoded
    thumb_distance INTEGER,         -- bits between the image's and its EXIF thumbnail's phash
    qsig           TEXT,            -- signature of the JPEG quantisation tables
    quality        INTEGER,         -- IJG quality those tables correspond to (approximate)
    error          TEXT,
    PRIMARY KEY (sha256, version)
);
"""

# The IJG (libjpeg) luminance table at quality 50, natural order: quality q scales it.
_IJG_LUMA = (
    16,
    11,
    10,
    16,
    24,
    40,
    51,
    61,
    12,
    12,
    14,
    19,
    26,
    58,
    60,
    55,
    14,
    13,
    16,
    24,
    40,
    57,
    69,
    56,
    14,
    17,
    22,
    29,
    51,
    87,
    80,
    62,
    18,
    22,
    37,
    56,
    68,
    109,
    103,
    77,
    24,
    35,
    55,
    64,
    81,
    104,
    113,
    92,
    49,
    64,
    78,
    87,
    103,
    121,
    120,
    101,
    72,
    92,
    95,
    98,
    112,
    100,
    103,
    99,
)


@dataclass(frozen=True)
class ImageFacts:
    phash: int | None
    thumb_distance: int | None
    qsig: str | None
    quality: int | None
    error: str | None


def ijg_table(quality: int) -> list[int]:
    """The libjpeg luminance table for a quality setting (1–100)."""
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return [min(255, max(1, (v * scale + 50) // 100)) for v in _IJG_LUMA]


_IJG = {q: ijg_table(q) for q in range(1, 101)}


@lru_cache(maxsize=256)
def estimate_quality(luma: tuple[int, ...]) -> int | None:
    """The IJG quality whose luminance table is closest to ``luma`` (an estimate for other encoders)."""
    if len(luma) != 64:
        return None
    return min(range(1, 101), key=lambda q: (sum(abs(a - b) for a, b in zip(_IJG[q], luma, strict=True)), -q))


def _thumbnail_bytes(im, raw: bytes | None) -> bytes | None:
    """The JPEG thumbnail stored in EXIF IFD1, or None."""
    from PIL import ExifTags

    if not raw:
        return None
    try:
        ifd1 = im.getexif().get_ifd(ExifTags.IFD.IFD1)
    except Exception:  # damaged EXIF: no thumbnail to compare
        return None
    offset, length = ifd1.get(0x0201), ifd1.get(0x0202)
    if not isinstance(offset, int) or not isinstance(length, int) or not 0 < length <= MAX_THUMBNAIL:
        return None
    base = 6 if raw.startswith(b"Exif\x00\x00") else 0
    data = raw[base + offset : base + offset + length]
    return data if data.startswith(b"\xff\xd8") else None


def _crop_to(img, width: int, height: int):
    """Centre-crop ``img`` to the aspect ratio width:height (cameras letterbox thumbnails)."""
    w, h = img.size
    if not (w and h and width and height) or abs(w / h - width / height) < 0.02:
        return img
    if w / h > width / height:
        nw = round(h * width / height)
        return img.crop(((w - nw) // 2, 0, (w - nw) // 2 + nw, h))
    nh = round(w * height / width)
    return img.crop((0, (h - nh) // 2, w, (h - nh) // 2 + nh))


def _grey(im):
    from PIL import Image

    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        flat = Image.new("RGBA", im.size, (255, 255, 255, 255))
        flat.alpha_composite(im)
        im = flat
    return im.convert("L")


def compute(path: str) -> tuple:
    """(phash hex, thumbnail distance, quantisation signature, quality, error) for one image file."""
    import imagehash
    from PIL import Image

    try:
        with Image.open(path) as im:
            size = im.size
            qsig = quality = thumb = None
            if im.format == "JPEG":
                tables = getattr(im, "quantization", None) or {}
                if tables:
                    flat = [[int(v) for v in tables[k]] for k in sorted(tables)]
                    qsig = hashlib.sha256(repr(flat).encode()).hexdigest()[:12]
                    quality = estimate_quality(tuple(flat[0]))
                thumb = _thumbnail_bytes(im, im.info.get("exif"))
                im.draft("L", (64, 64))
            main = imagehash.phash(_grey(im))
        distance = None
        if thumb:
            try:
                with Image.open(io.BytesIO(thumb)) as t:
                    t.load()
                    grey = _grey(t)  # cameras squash the picture into the thumbnail or letterbox it
                    distance = min(
                        int(main - imagehash.phash(grey)), int(main - imagehash.phash(_crop_to(grey, *size)))
                    )
            except Exception:  # an unreadable thumbnail is no evidence either way
                distance = None
        return str(main), distance, qsig, quality, None
    except Exception as exc:  # any damage: recorded, never raised
        return None, None, None, None, f"{type(exc).__name__}: {exc}"[:300]


def _facts(row: tuple) -> ImageFacts:
    phash, distance, qsig, quality, error = row
    return ImageFacts(int(phash, 16) if phash else None, distance, qsig, quality, error)


def image_facts(
    case, shas: list[str], progress: Callable[[str], None] | None = None
) -> dict[str, ImageFacts]:
    """Facts for every blob in ``shas``: read from the cache table, computing (and storing) the missing."""
    conn = case.conn
    writable = not getattr(case, "readonly", False)
    if writable:
        conn.executescript(SCHEMA)
    have: dict[str, ImageFacts] = {}
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'verify_image_facts'").fetchone():
        wanted = set(shas)
        for sha, *row in conn.execute(
            "SELECT sha256, phash, thumb_distance, qsig, quality, error FROM verify_image_facts"
            " WHERE version = ?",
            (VERSION,),
        ):
            if sha in wanted:
                have[sha] = _facts(tuple(row))
    missing = [s for s in shas if s not in have]
    if not missing:
        return have
    paths = [str(case.blobs.path(s)) for s in missing]
    results = _run(paths, progress)
    rows = []
    for sha, path, row in zip(missing, paths, results, strict=True):
        if row[4] and not case.blobs.has(sha):
            row = (
                None,
                None,
                None,
                None,
                f"the original is missing from the case ({path}): run unsealed fsck",
            )
        have[sha] = _facts(row)
        rows.append((sha, VERSION, *row))
    if writable:
        for start in range(0, len(rows), BATCH):
            with case.transaction():
                conn.executemany(
                    "INSERT OR REPLACE INTO verify_image_facts VALUES (?,?,?,?,?,?,?)",
                    rows[start : start + BATCH],
                )
    return have


def _run(paths: list[str], progress: Callable[[str], None] | None) -> list[tuple]:
    if len(paths) < PARALLEL_FROM:
        return [compute(p) for p in paths]
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    out: list[tuple] = []
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        for row in pool.map(compute, paths, chunksize=64):
            out.append(row)
            if progress and len(out) % 2000 == 0:
                progress(f"perceptual hashes: {len(out):,} of {len(paths):,} images")
    return out
