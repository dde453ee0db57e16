"""Check 4, photo times: EXIF DateTimeOriginal against the timestamp in the file name; the range of
photo dates; which cameras took the photos.

The detainee photos of the real files are named with the person's ID and the time taken, and
their EXIF agrees. A name and EXIF that disagree by more than ``TOLERANCE`` are a finding; so is a
camera model behind fewer than ``RARE_SHARE`` of the photos of a large set (one unexpected camera
among thousands). The ID number in a name is removed before reading its timestamp.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from unsealed.people.photos import ids_in_path
from unsealed.records import dates
from unsealed.verify.base import WARN, Check, Context, Finding, Result, camera_name, pct, share, status_of

TOLERANCE = dt.timedelta(minutes=10)  # a camera clock and a naming script can differ by a little
RARE_SHARE = 0.005  # a camera model behind fewer than 0.5% of the photos is unexpected...
RARE_FROM = 200  # ...once there are this many photos with a camera model


def name_time(path: str) -> tuple[dt.datetime | None, bool]:
    """The timestamp in a photo's file name (ID numbers taken out) and whether it gives a time of day."""
    name = path.rsplit("/", 1)[-1]
    ids, basis = ids_in_path(path)
    if basis == "filename":
        for parsed in ids:
            for form in (parsed.number, parsed.raw):
                if form:
                    name = name.replace(form, " ")
    stem = name.rsplit(".", 1)[0]
    when = dates.stamp_in_name(stem)
    if when is None:
        return None, False
    with_time = re.search(f"{when:%Y%m%d}[_\\-T ]?{when:%H%M}", stem)
    return when, with_time is not None


def _exif_time(meta: dict) -> dt.datetime | None:
    when = dates.parse_datetime(meta.get("exif_datetime_original"))
    return when.replace(tzinfo=None) if when else None


def run(ctx: Context) -> Result:
    counts: Counter = Counter()
    findings: list[Finding] = []
    taken: list[dt.datetime] = []
    cameras: Counter = Counter()
    camera_of: dict[str, str] = {}
    for item in ctx.images:
        meta = item.metadata
        exif = _exif_time(meta)
        named, has_time = name_time(item.path)
        if exif:
            taken.append(exif)
        camera = camera_name(meta)
        if camera:
            cameras[camera] += 1
            camera_of[item.path] = camera
        if named is None:
            counts["no_name_time"] += 1
            continue
        if exif is None:
            counts["no_exif_time"] += 1
            continue
        counts["compared"] += 1
        gap = exif - named if has_time else dt.timedelta(days=(exif.date() - named.date()).days)
        if abs(gap) <= (TOLERANCE if has_time else dt.timedelta(0)):
            continue
        ids, _basis = ids_in_path(item.path)
        findings.append(
            Finding(
                "time_mismatch",
                WARN,
                f"EXIF DateTimeOriginal {exif.isoformat()} but the file name says "
                f"{named.isoformat() if has_time else named.date().isoformat()} ({_span(gap)})",
                path=item.path,
                id_number=ids[0].number if ids else None,
                values={
                    "exif_datetime_original": exif.isoformat(),
                    "name_time": named.isoformat(),
                    "difference_seconds": int(gap.total_seconds()),
                },
            )
        )
    mismatched = len(findings)
    total_cam = sum(cameras.values())
    if total_cam >= RARE_FROM:
        rare = {c for c, n in cameras.items() if n / total_cam < RARE_SHARE}
        for path, camera in sorted(camera_of.items()):
            if camera in rare:
                findings.append(
                    Finding(
                        "rare_camera",
                        WARN,
                        f"taken with a {camera}, a camera behind {cameras[camera]} of {total_cam:,} photos "
                        f"(the usual: {', '.join(c for c, _n in cameras.most_common(3))})",
                        path=path,
                        values={
                            "camera": camera,
                            "photos_with_it": cameras[camera],
                            "photos_with_a_camera": total_cam,
                        },
                    )
                )
    first, last = (min(taken), max(taken)) if taken else (None, None)
    compared = counts["compared"]
    summary = (
        f"{compared - mismatched:,} of {compared:,} photos' EXIF time agrees with the time in their name "
        f"({pct(compared - mismatched, compared)}), {mismatched} disagree; photos taken "
        f"{first.date().isoformat() if first else '?'} to {last.date().isoformat() if last else '?'}; "
        f"{len(cameras)} camera models ({', '.join(f'{c} {n:,}' for c, n in cameras.most_common(4))})"
    )
    months = Counter(t.strftime("%Y-%m") for t in taken)
    figures = {
        "images": len(ctx.images),
        "compared": compared,
        "mismatched": mismatched,
        "agree_share": share(compared - mismatched, compared),
        "no_name_time": counts["no_name_time"],
        "no_exif_time": counts["no_exif_time"],
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
        "cameras": dict(sorted(cameras.items())),
        "by_month": dict(sorted(months.items())),
    }
    chart = {"title": "Photos by month taken (EXIF)", "bars": [[m, n] for m, n in sorted(months.items())]}
    return Result(status_of(findings, compared, mismatched), summary, findings, figures, chart)


def _span(gap: dt.timedelta) -> str:
    seconds = abs(gap.total_seconds())
    sign = "later" if gap.total_seconds() > 0 else "earlier"
    if seconds >= 86400:
        return f"EXIF {seconds / 86400:.1f} days {sign}"
    if seconds >= 3600:
        return f"EXIF {seconds / 3600:.1f} hours {sign}"
    return f"EXIF {seconds / 60:.0f} minutes {sign}"


CHECK = Check("photo_times", "Photo times and cameras", 1, run)
