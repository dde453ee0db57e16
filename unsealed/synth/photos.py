"""Detainee photos: where they go, what their names and EXIF say, and the planted photo anomalies.

Most photos sit in one zip per county (members in month folders), the rest in
folders by ID number and in loose "re-shot" folders, under several naming
patterns that all carry the ID number and the time the photo was taken.
Rendering runs in two worker processes for large caches; results are consumed
in order, so the output does not depend on scheduling.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .anomalies import Anomalies
from .figure import Shot, render
from .output import CacheWriter
from .people import Person
from .rand import PHOTO_FIRST, PHOTO_LAST, office_time, random_datetime, rng_for, scaled

CANON, NIKON, PHONE = ("Canon", "Canon EOS 6D"), ("NIKON CORPORATION", "NIKON D7200"), ("HUAWEI", "ALP-AL00")
CAMERAS = {  # region code -> (camera, weight): mostly one police camera per county
    "653121": ((CANON, 80), (NIKON, 15), (PHONE, 5)),
    "654027": ((NIKON, 70), (CANON, 25), (PHONE, 5)),
}
EDITORS = ("Adobe Photoshop CC 2018 (Windows)", "Adobe Photoshop Lightroom Classic 7.3 (Windows)", "GIMP 2.10.4")
PARALLEL_FROM = 3000  # photos; below this a worker pool costs more than it saves
BATCH = 1024


@dataclass
class PhotoJob:
    container: str | None  # zip path relative to cache/, or None for a loose file
    path: str  # member name inside the zip, or the file's path relative to cache/
    shot: Shot
    person: int
    taken: dt.datetime  # the time in the file name

    @property
    def logical(self) -> str:
        return f"{self.container}/{self.path}" if self.container else self.path


def exif_time(t: dt.datetime) -> str:
    return t.strftime("%Y:%m:%d %H:%M:%S")


def _intake_time(rng, p: Person) -> dt.datetime:
    if p.detention_date and p.detention_date >= PHOTO_FIRST.date():
        return office_time(rng, p.detention_date)
    return random_datetime(rng, PHOTO_FIRST, PHOTO_LAST)


def _place(rng, p: Person, t: dt.datetime) -> tuple[str | None, str]:
    number, stamp = p.id_number, f"{t:%Y%m%d%H%M%S}"
    r = rng.random()
    if r < 0.7:
        member = rng.choice((f"{number}_{stamp}.jpg", f"{t:%Y%m%d-%H%M%S}-{number}.jpg"))
        return f"照片/{p.county.name}在押人员照片_2018.zip", f"{t:%Y-%m}/{member}"
    if r < 0.85:
        return None, f"照片/按身份证号/{number}/{stamp}.jpg"
    name = rng.choice((f"IMG_{t:%Y%m%d_%H%M%S}_{number}.JPG", f"{number}_{stamp}.jpg"))
    return None, f"照片/{p.county.name}/补拍/{name}"


def plan(seed: int, persons: list[Person], anomalies: Anomalies) -> list[PhotoJob]:
    """Every photo to write, in writing order, with the photo anomalies planted and recorded."""
    rng = rng_for(seed, "photos")
    jobs: list[PhotoJob] = []
    for p in persons:
        if not p.photographed:
            continue
        (make, model), = rng.choices([c for c, _ in CAMERAS[p.county.region]],
                                     weights=[w for _, w in CAMERAS[p.county.region]])
        t0 = _intake_time(rng, p)
        times = [t0]
        if rng.random() < 0.25:
            times.append(t0 + dt.timedelta(seconds=rng.randint(4, 90)))
        if rng.random() < 0.05:
            times.append(random_datetime(rng, PHOTO_FIRST, PHOTO_LAST))
        for n, t in enumerate(times):
            container, path = _place(rng, p, t)
            shot = Shot(seed, p.id_number, n, make, model, exif_time(t), exif_time(t))
            jobs.append(PhotoJob(container, path, shot, p.key, t))
    jobs += _plant(rng, jobs, len(persons), anomalies)
    jobs.sort(key=lambda j: (j.container is None, j.container or "", j.path))
    return jobs


def _plant(rng, jobs: list[PhotoJob], people: int, anomalies: Anomalies) -> list[PhotoJob]:
    count = scaled(people, 250, 2)
    picked = rng.sample(range(len(jobs)), min(len(jobs), 4 * count))
    groups = [picked[i * count:(i + 1) * count] for i in range(4)]
    for i in groups[0]:
        j = jobs[i]
        delta = rng.choice((dt.timedelta(days=rng.randint(2, 40)), -dt.timedelta(hours=rng.randint(2, 9)),
                            -dt.timedelta(days=rng.randint(60, 120))))
        taken = exif_time(j.taken + delta)
        j.shot = dataclasses.replace(j.shot, taken=taken, modified=taken)
        anomalies.add("exif_time_mismatch", j.logical, filename_time=j.taken.isoformat(),
                      exif_datetime_original=(j.taken + delta).isoformat(), id_number=j.shot.id_number)
    for i in groups[1]:
        j = jobs[i]
        edited = j.taken + dt.timedelta(days=rng.randint(60, 420), hours=rng.randint(0, 5))
        j.shot = dataclasses.replace(j.shot, software=rng.choice(EDITORS), modified=exif_time(edited), quality=92)
        anomalies.add("edited_photo", j.logical, software=j.shot.software, exif_datetime=edited.isoformat(),
                      exif_datetime_original=j.taken.isoformat(), id_number=j.shot.id_number)
    extra: list[PhotoJob] = []
    for i in groups[2]:
        j = jobs[i]
        copy = PhotoJob(None, f"照片/备份/{j.shot.id_number}_{j.taken:%Y%m%d%H%M%S}.jpg", j.shot, j.person, j.taken)
        extra.append(copy)
        anomalies.add("duplicate_photo", copy.path, of=j.logical, id_number=j.shot.id_number)
    for i in groups[3]:
        j = jobs[i]
        if rng.random() < 0.5:
            shot, how = dataclasses.replace(j.shot, quality=50), "re-encoded at JPEG quality 50"
        else:
            shot, how = dataclasses.replace(j.shot, size=(216, 288)), "resized to 216x288"
        copy = PhotoJob(None, f"照片/备份/重新压缩/{j.taken:%Y%m%d-%H%M%S}-{j.shot.id_number}.jpg", shot, j.person,
                        j.taken)
        extra.append(copy)
        anomalies.add("near_duplicate_photo", copy.path, of=j.logical, how=how, id_number=j.shot.id_number)
    return extra


def _rendered(jobs: list[PhotoJob]) -> Iterator[bytes]:
    shots = [j.shot for j in jobs]
    if len(shots) < PARALLEL_FROM:
        yield from map(render, shots)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(2) as pool:
        for start in range(0, len(shots), BATCH):  # batches bound the rendered bytes waiting in memory
            yield from pool.imap(render, shots[start:start + BATCH], chunksize=32)


def write(writer: CacheWriter, jobs: list[PhotoJob], persons: list[Person]) -> None:
    """Render and write every planned photo; fills each person's ``photos``."""
    archive = None
    for job, data in zip(jobs, _rendered(jobs), strict=True):
        if archive is not None and archive.rel != job.container:
            archive.close()
            archive = None
        if job.container:
            if archive is None:
                archive = writer.zip(job.container, dt.datetime(2018, 8, 2, 16, 40), zipfile.ZIP_STORED)
            archive.add(job.path, data, job.taken)
        else:
            writer.write(job.path, data, job.taken)
        persons[job.person].photos.append(job.logical)
    if archive is not None:
        archive.close()
    for p in persons:
        p.photos.sort()
