"""Image extractor: size, format and EXIF (camera, dates, GPS) from the headers only.

Pillow opens images lazily: nothing here decodes pixels, so a photo costs about
0.1 ms whatever its size. HEIC/HEIF goes through pillow-heif. Images larger than
``ctx.limits.max_image_pixels`` are refused as decompression bombs (later stages
that decode pixels must not touch them). No pages: OCR adds those later.
"""

from __future__ import annotations

import math
import re
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import pillow_heif
from PIL import ExifTags, Image, UnidentifiedImageError

from unsealed.extract.base import Context, Corrupt, Extraction, ExtractionError, Hostile, Probe
from unsealed.extract.safe_names import decode_name

pillow_heif.register_heif_opener()
_PASS = (ExtractionError, MemoryError, RecursionError)  # never swallowed by the broad handlers below

# detected kind -> Pillow format names to try (restricting them is faster and avoids misreads)
FORMATS: dict[str, tuple[str, ...]] = {
    "jpeg": ("JPEG", "MPO"),
    "png": ("PNG",),
    "gif": ("GIF",),
    "tiff": ("TIFF",),
    "webp": ("WEBP",),
    "heic": ("HEIF", "AVIF"),
    "bmp": ("BMP", "DIB"),
    "jp2": ("JPEG2000",),
}

# IFD0 text tags -> metadata key
_IFD0_TEXT = {0x010F: "exif_make", 0x0110: "exif_model", 0x0131: "exif_software", 0x013B: "exif_artist",
              0x010E: "exif_description", 0x8298: "exif_copyright", 0x013C: "exif_host_computer"}
# Exif IFD text tags -> metadata key
_EXIF_TEXT = {0xA434: "exif_lens", 0xA433: "exif_lens_make", 0xA431: "exif_serial_number",
              0xA430: "exif_camera_owner", 0xA420: "exif_image_unique_id"}
# Windows "XP" tags (UTF-16LE): titles and authors typed into Explorer's properties dialog
_XP_TEXT = {0x9C9B: "exif_xp_title", 0x9C9C: "exif_xp_comment", 0x9C9D: "exif_xp_author",
            0x9C9E: "exif_xp_keywords", 0x9C9F: "exif_xp_subject"}
# (date tag, its IFD, offset tag in the Exif IFD, metadata key)
_DATES = ((0x9003, "exif", 0x9011, "exif_datetime_original"), (0x9004, "exif", 0x9012, "exif_datetime_digitized"),
          (0x0132, "ifd0", 0x9010, "exif_datetime"))
_DATE = re.compile(r"^\s*(\d{4})[:\-/](\d{2})[:\-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")
_XMP_TOOL = re.compile(rb"CreatorTool(?:>|=\")([^<\"]{1,200})")
_PNG_TEXT = {"Title": "title", "Author": "author", "Software": "application", "Description": "comment",
             "Comment": "comment", "Creation Time": "png_creation_time"}


def accepts(probe: Probe) -> bool:
    """Raster images by content-detected kind."""
    return probe.kind in FORMATS


def extract(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """Read an image's dimensions, format and EXIF without decoding its pixels."""
    with open(path, "rb") as fh:
        try:
            im = _open(fh, probe.kind)
        except Corrupt:
            if probe.kind != "tiff":
                raise
            return _tiff_header_only(fh)  # camera RAW (CR2, NEF, ARW ...) is TIFF-shaped: its EXIF still reads
        try:
            width, height = im.size
            limit = ctx.limits.max_image_pixels
            if width * height > limit:
                raise Hostile(f"image of {width * height / 1e6:.0f} megapixels ({width}×{height}): larger than the "
                              f"limit of {limit / 1e6:.0f}, not decoded (decompression bomb?)")
            meta: dict[str, Any] = {"width": width, "height": height, "format": im.format, "mode": im.mode}
            problems: list[str] = []
            _info(im, meta)
            try:
                _exif(im.getexif(), im.info, meta)
            except _PASS:
                raise
            except Exception as exc:  # noqa: BLE001 - damaged EXIF must not lose the rest
                problems.append(f"EXIF block unreadable ({type(exc).__name__}: {exc})"[:300])
            try:  # after EXIF: counting frames moves a TIFF to its later directories
                meta["frames"] = int(getattr(im, "n_frames", 1))
            except _PASS:
                raise
            except Exception as exc:  # noqa: BLE001 - a broken later frame still leaves the first one
                problems.append(f"frames unreadable ({type(exc).__name__}: {exc})")
            truncated = _truncated(fh, probe.kind)
            if truncated:
                problems.append(truncated)
        finally:
            im.close()
    _common(meta)
    if problems:
        return Extraction(metadata=meta, status="partial", error="; ".join(problems))
    return Extraction(metadata=meta)


def _open(fh, kind: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(fh, formats=FORMATS.get(kind))
    except Image.DecompressionBombError as exc:
        match = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(match.group(1)) / 1e6:.0f} megapixels" if match else "too many pixels"
        raise Hostile(f"image of {size}: larger than the limit, not decoded (decompression bomb?)") from exc
    except UnidentifiedImageError as exc:
        raise Corrupt(f"not a readable {kind.upper()} image: its header is damaged or missing") from exc
    except _PASS:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow plugins raise many types on damaged headers
        raise Corrupt(f"not a readable {kind.upper()} image: {type(exc).__name__}: {exc}"[:300]) from exc


def _truncated(fh, kind: str) -> str | None:
    """A cheap check of the file's end: JPEGs end with an EOI marker, PNGs with an IEND chunk."""
    if kind not in ("jpeg", "png"):
        return None
    size = fh.seek(0, 2)
    tail_len = min(size, 65536)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    if kind == "jpeg" and b"\xff\xd9" not in tail:
        return "the JPEG has no end marker: the file is probably truncated and the picture cut off"
    if kind == "png" and b"IEND" not in tail[-4096:]:
        return "the PNG has no IEND chunk: the file is probably truncated and the picture cut off"
    return None


def _text(value: Any) -> str | None:
    """EXIF text, cleaned; Chinese text stored as GBK/UTF-8 bytes is decoded as such."""
    if isinstance(value, str):
        try:
            raw = value.encode("latin-1")  # Pillow decodes ASCII tags as Latin-1
        except UnicodeEncodeError:
            raw = None
        text = decode_name(raw, "latin-1")[0] if raw is not None else value
    elif isinstance(value, bytes):
        text = decode_name(value, "latin-1")[0]
    else:
        return None
    text = text.replace("\x00", " ").strip()
    return text[:2000] or None


def _xp_text(value: Any) -> str | None:
    if isinstance(value, tuple):
        value = bytes(value)
    if not isinstance(value, bytes):
        return None
    return value.decode("utf-16-le", "replace").replace("\x00", " ").strip()[:2000] or None


def iso_exif_date(value: Any, offset: Any = None) -> str | None:
    """'2018:03:14 09:30:00' (+ offset '+08:00') -> '2018-03-14T09:30:00+08:00'; None when not a date."""
    text = _text(value)
    match = _DATE.match(text or "")
    if not match:
        return None
    try:
        stamp = datetime(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None
    off = _text(offset)
    return stamp + off if off and _OFFSET.match(off) else stamp


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _degrees(value: Any) -> float | None:
    parts = value if isinstance(value, tuple | list) else (value,)
    numbers = [_number(p) for p in parts[:3]]
    if not numbers or any(n is None for n in numbers):
        return None
    deg = sum(n / 60**i for i, n in enumerate(numbers))  # type: ignore[operator]
    return deg


def _gps(gps: dict[int, Any], meta: dict[str, Any]) -> None:
    for tag, ref_tag, key, negative, bound in ((2, 1, "exif_gps_lat", "S", 90), (4, 3, "exif_gps_lon", "W", 180)):
        deg = _degrees(gps.get(tag)) if tag in gps else None
        if deg is None:
            continue
        ref = (_text(gps.get(ref_tag)) or "").upper()
        if ref.startswith(negative):
            deg = -deg
        if abs(deg) <= bound:
            meta[key] = round(deg, 7)
    alt = _number(gps.get(6)) if 6 in gps else None
    if alt is not None:
        below = gps.get(5) in (1, b"\x01", "\x01")
        meta["exif_gps_altitude"] = round(-alt if below else alt, 2)
    date, time = _text(gps.get(29)), gps.get(7)
    if date and isinstance(time, tuple | list) and len(time) == 3:
        hms = [_number(t) for t in time]
        if all(h is not None for h in hms):
            stamp = iso_exif_date(f"{date} {int(hms[0]):02d}:{int(hms[1]):02d}:{int(hms[2]):02d}")  # type: ignore[arg-type]
            if stamp:
                meta["exif_gps_datetime"] = stamp + "+00:00"  # GPS time is UTC


def _tiff_header_only(fh) -> Extraction:
    """EXIF from a TIFF-shaped file whose pixels Pillow cannot read; Corrupt when even that fails."""
    fh.seek(0)
    exif = Image.Exif()
    meta: dict[str, Any] = {"format": "TIFF"}
    try:
        exif.load(fh.read(4 << 20))  # RAW files keep their IFDs near the start
        _exif(exif, {}, meta)
    except _PASS:
        raise
    except Exception as exc:  # noqa: BLE001 - nothing readable at all
        raise Corrupt(f"not a readable TIFF image or camera RAW file: {type(exc).__name__}: {exc}"[:300]) from exc
    if not exif:
        raise Corrupt("not a readable TIFF image: its header is damaged or missing")
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    width, height = exif_ifd.get(0xA002), exif_ifd.get(0xA003)
    if isinstance(width, int) and isinstance(height, int):
        meta["width"], meta["height"] = width, height
    _common(meta)
    return Extraction(metadata=meta, status="partial",
                      error="pixel data not readable (camera RAW or unusual TIFF): only the EXIF header was read")


def _exif(exif: Image.Exif, info: dict[str, Any], meta: dict[str, Any]) -> None:
    if not exif:
        if info.get("thumbnails"):
            meta["exif_has_thumbnail"] = True
        return
    ifds = {"ifd0": exif, "exif": exif.get_ifd(ExifTags.IFD.Exif)}
    for tag, key in _IFD0_TEXT.items():
        if (text := _text(exif.get(tag))) is not None:
            meta[key] = text
    for tag, key in _EXIF_TEXT.items():
        if (text := _text(ifds["exif"].get(tag))) is not None:
            meta[key] = text
    for tag, key in _XP_TEXT.items():
        if (text := _xp_text(exif.get(tag))) is not None:
            meta[key] = text
    for tag, ifd, offset_tag, key in _DATES:
        raw = ifds[ifd].get(tag)
        if raw is None:
            continue
        stamp = iso_exif_date(raw, ifds["exif"].get(offset_tag))
        if stamp:
            meta[key] = stamp
        elif (text := _text(raw)) is not None:
            meta[key + "_raw"] = text  # kept as found: an impossible date is itself a finding
    orientation = exif.get(0x0112)
    if isinstance(orientation, int) and 1 <= orientation <= 8:
        meta["exif_orientation"] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if gps:
        _gps(gps, meta)
    ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
    meta["exif_has_thumbnail"] = bool(ifd1.get(0x0201) and ifd1.get(0x0202)) or bool(info.get("thumbnails"))


def _info(im: Image.Image, meta: dict[str, Any]) -> None:
    """Comments and text chunks some formats carry outside EXIF."""
    info = im.info
    comment = info.get("comment")
    if comment and (text := _text(comment)):
        meta["comment"] = text
    if im.format == "PNG":
        for chunk, key in _PNG_TEXT.items():
            if isinstance(info.get(chunk), str) and (text := info[chunk].strip()):
                meta.setdefault(key, text[:2000])
    xmp = info.get("xmp")
    if isinstance(xmp, bytes) and (match := _XMP_TOOL.search(xmp)):
        meta["xmp_creator_tool"] = match.group(1).decode("utf-8", "replace").strip()


def _common(meta: dict[str, Any]) -> None:
    """The cross-format keys (created, modified, author, application, title) from the EXIF ones."""
    for key, source in (("created", "exif_datetime_original"), ("modified", "exif_datetime"),
                        ("author", "exif_artist"), ("author", "exif_xp_author"),
                        ("application", "exif_software"), ("application", "xmp_creator_tool"),
                        ("title", "exif_xp_title"), ("title", "exif_description")):
        if source in meta:
            meta.setdefault(key, meta[source])
