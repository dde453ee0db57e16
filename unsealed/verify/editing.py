"""Check 5, editing traces in images.

Four signs, each a finding on the photo:
- an editor named in EXIF Software (0x0131): Photoshop, GIMP, Lightroom, Meitu, ... (camera
  firmware versions are not editors);
- EXIF DateTime (when the file was last written) later than DateTimeOriginal (when it was taken);
- an EXIF thumbnail that shows another picture than the image: cameras write both at once, most
  editors rewrite the image and keep the old thumbnail (perceptual hashes more than
  ``THUMB_BITS`` of 64 apart, the thumbnail taken as stored or centre-cropped, whichever is closer);
- recompression: JPEG quantisation tables unlike those of the other photos from the same camera
  model, when that camera is consistent (``CONSISTENT`` of its ``MIN_PHOTOS`` or more photos
  share one set of tables), so cameras that adapt their tables raise nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from unsealed.records import dates
from unsealed.verify.base import (
    WARN,
    Check,
    Context,
    Finding,
    Result,
    camera_name,
    id_in_path,
    pct,
    status_of,
)

EDITORS = (
    "photoshop",
    "lightroom",
    "gimp",
    "paint.net",
    "paintshop",
    "paint shop",
    "pixelmator",
    "affinity",
    "snapseed",
    "picsart",
    "meitu",
    "美图",
    "光影魔术手",
    "photoscape",
    "fotor",
    "acdsee",
    "picasa",
    "photo editor",
    "photos legacy",
    "windows photo",
    "imagemagick",
    "graphicsmagick",
    "darktable",
    "rawtherapee",
    "capture one",
    "luminar",
    "facetune",
    "faceapp",
    "vsco",
    "canva",
    "photoimpact",
    "corel",
    "iphoto",
    "aperture",
    "photodirector",
    "polarr",
    "befunky",
    "pixlr",
    "instagram",
    "xnview",
    "irfanview",
)
LATER = dt.timedelta(seconds=60)  # in-camera processing can stamp DateTime a few seconds late
THUMB_BITS = 14  # real camera thumbnails sit at 0–10 bits from their image; unrelated pictures near 32
CONSISTENT = 0.9
MIN_PHOTOS = 20


def editor_in(software: object) -> str | None:
    """The editor named in an EXIF Software value, or None (firmware and unknown software)."""
    text = str(software or "").lower()
    return next((e for e in EDITORS if e in text), None)


def _usual_tables(ctx: Context, facts: dict) -> dict[str, tuple[str, int | None, int, int]]:
    """Camera -> (its usual table signature, that quality, photos with it, photos) for consistent cameras."""
    by_camera: dict[str, Counter] = defaultdict(Counter)
    quality: dict[str, int | None] = {}
    for sha, camera in {(m.sha256, camera_name(m.metadata)) for m in ctx.images}:
        f = facts.get(sha)
        if camera and f is not None and f.qsig:
            by_camera[camera][f.qsig] += 1
            quality[f.qsig] = f.quality
    out = {}
    for camera, sigs in by_camera.items():
        total = sum(sigs.values())
        sig, n = max(sigs.items(), key=lambda kv: (kv[1], kv[0]))
        if total >= MIN_PHOTOS and n / total >= CONSISTENT:
            out[camera] = (sig, quality[sig], n, total)
    return out


def run(ctx: Context) -> Result:
    facts = ctx.image_hashes
    usual = _usual_tables(ctx, facts)
    counts: Counter = Counter()
    findings: list[Finding] = []
    for item in ctx.images:
        meta, f = item.metadata, facts.get(item.sha256)
        where = {"path": item.path, "id_number": id_in_path(item.path)}
        editor = editor_in(meta.get("exif_software"))
        if editor:
            counts["editor"] += 1
            findings.append(
                Finding(
                    "editor_software",
                    WARN,
                    f"EXIF Software says {meta['exif_software']!r}: the file was saved by an image editor",
                    values={"exif_software": meta["exif_software"]},
                    **where,
                )
            )
        taken = dates.parse_datetime(meta.get("exif_datetime_original"))
        written = dates.parse_datetime(meta.get("exif_datetime"))
        if taken and written and written.replace(tzinfo=None) - taken.replace(tzinfo=None) > LATER:
            counts["modified_later"] += 1
            findings.append(
                Finding(
                    "modified_after_taken",
                    WARN,
                    f"EXIF DateTime {written.isoformat()} is later than DateTimeOriginal "
                    f"{taken.isoformat()}: the file was written again after it was taken",
                    values={
                        "exif_datetime": written.isoformat(),
                        "exif_datetime_original": taken.isoformat(),
                    },
                    **where,
                )
            )
        if f is None:
            continue
        if f.thumb_distance is not None:
            counts["with_thumbnail"] += 1
            if f.thumb_distance > THUMB_BITS:
                counts["thumbnail_differs"] += 1
                findings.append(
                    Finding(
                        "thumbnail_mismatch",
                        WARN,
                        f"the EXIF thumbnail shows another picture ({f.thumb_distance} of 64 "
                        "perceptual-hash bits differ): the image was changed after the camera "
                        "wrote it",
                        values={"hash_distance_bits": f.thumb_distance},
                        **where,
                    )
                )
        camera = camera_name(meta)
        if f.qsig and camera in usual:
            counts["tables_compared"] += 1
            sig, q, n, total = usual[camera]
            if f.qsig != sig:
                counts["recompressed"] += 1
                findings.append(
                    Finding(
                        "recompressed",
                        WARN,
                        f"JPEG quantisation tables (quality ≈ {f.quality}) differ from those of "
                        f"{n:,} of the {total:,} photos from this {camera} (quality ≈ {q}): "
                        "saved again by other software",
                        values={
                            "quality": f.quality,
                            "camera_quality": q,
                            "camera": camera,
                            "tables": f.qsig,
                            "camera_tables": sig,
                        },
                        **where,
                    )
                )
        if f.error:
            counts["undecodable"] += 1
    edited = {f.path for f in findings}
    images = len(ctx.images)
    summary = (
        f"{len(edited):,} of {images:,} images show editing traces ({pct(len(edited), images)}): "
        f"{counts['editor']:,} name an editor, {counts['modified_later']:,} were written after they were "
        f"taken, {counts['thumbnail_differs']:,} of {counts['with_thumbnail']:,} EXIF thumbnails differ, "
        f"{counts['recompressed']:,} of {counts['tables_compared']:,} recompressed; "
        f"{counts['undecodable']} could not be decoded"
    )
    figures = {
        k: counts[k]
        for k in (
            "editor",
            "modified_later",
            "with_thumbnail",
            "thumbnail_differs",
            "tables_compared",
            "recompressed",
            "undecodable",
        )
    }
    figures.update(
        images=images,
        with_traces=len(edited),
        consistent_cameras={
            c: {"quality": q, "photos": t, "with_usual_tables": n}
            for c, (_s, q, n, t) in sorted(usual.items())
        },
    )
    chart = {
        "title": "Editing traces",
        "bars": [
            ["editor in EXIF", counts["editor"]],
            ["written after taken", counts["modified_later"]],
            ["thumbnail differs", counts["thumbnail_differs"]],
            ["recompressed", counts["recompressed"]],
        ],
    }
    return Result(status_of(findings), summary, findings, figures, chart)


CHECK = Check("editing", "Editing traces in images", 1, run)
