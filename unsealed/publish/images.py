"""Published photos: pixels only, re-encoded, so no EXIF, GPS, maker notes, thumbnails, ICC or comments leave.

The image is decoded (turned upright by its EXIF orientation first), scaled down, copied into a
fresh image that carries nothing but pixels, and written as a plain JPEG (JFIF header only).
Work is spread over processes; a photo that cannot be decoded is skipped with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

MAX_SIDE = 480
QUALITY = 82


def reencode(src: Path | str, dst: Path | str, max_side: int = MAX_SIDE, quality: int = QUALITY) -> tuple[int, int]:
    """Write the pixels of ``src`` to ``dst`` as a metadata-free JPEG; returns (width, height)."""
    from PIL import Image, ImageOps

    _heif()
    with Image.open(src) as im:
        if im.format == "JPEG":
            im.draft("RGB", (max_side, max_side))
        im = ImageOps.exif_transpose(im)
        im = im.convert("RGB")
        im.thumbnail((max_side, max_side))
        clean = Image.frombytes("RGB", im.size, im.tobytes())  # a new image: no info, no exif, no icc
    dst = Path(dst)
    tmp = dst.with_name(dst.name + ".tmp")
    clean.save(tmp, "JPEG", quality=quality, optimize=False, progressive=False)
    tmp.replace(dst)
    return clean.size


def _heif() -> None:
    """Let Pillow open HEIC photos (phones) too, when pillow-heif is installed."""
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # pragma: no cover - pillow-heif is a dependency; without it HEIC photos are skipped
        pass


def _one(job: tuple[str, str, int]) -> tuple[str, tuple[int, int] | str]:
    src, dst, side = job
    try:
        return dst, reencode(src, dst, side)
    except Exception as exc:  # noqa: BLE001 - any decoder failure costs only this photo
        return dst, f"{type(exc).__name__}: {exc}"[:200]


def reencode_many(jobs: Iterable[tuple[Path, Path]], workers: int = 2,
                  max_side: int = MAX_SIDE) -> dict[str, tuple[int, int] | str]:
    """Re-encode (src, dst) pairs; returns {dst: (width, height)} or {dst: error} when it could not be decoded."""
    todo = [(str(s), str(d), max_side) for s, d in jobs]
    if workers <= 1 or len(todo) < 50:
        return dict(map(_one, todo))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(_one, todo, chunksize=64))
