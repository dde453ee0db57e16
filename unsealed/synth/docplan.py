"""Which documents the cache holds, in which formats and folders, with which metadata.

Speeches, protocols, notices, minutes and reports as DOCX, text PDF, TXT and
RTF; scanned PDFs with no text layer; a backup archive with another archive
inside. Metadata anomalies (modified before created, dates after the horizon,
a reviewer's name as author) are planted here and recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import names
from .anomalies import Anomalies
from .documents import DocMeta, docx_bytes, pdf_bytes, rtf_bytes, txt_bytes
from .output import CHINA, CacheWriter, zip_bytes
from .people import StaffMember
from .places import COUNTIES, facilities
from .rand import office_time, random_date, rng_for, scaled
from .scans import scan_pdf_bytes
from .texts import GENRES, SCAN_ONLY, DocText, compose

FOLDERS = {"speech": "讲话", "protocol": "规章制度", "notice": "通知", "minutes": "会议纪要", "report": "情况报告"}
EXT = {"docx": "docx", "pdf": "pdf", "txt": "txt", "rtf": "rtf", "pdf-scan": "pdf"}
APPLICATIONS = ("Microsoft Office Word", "Microsoft® Word 2010", "WPS 文字")
DEFAULT_AUTHORS = ("Administrator", "微软用户", "USER", "PC-20170913XJ")
BACKUP = "文件/备份/2018年文件备份.zip"
NESTED = "旧版文件.zip"


@dataclass
class DocJob:
    path: str  # relative to cache/ (or member name inside the backup archive)
    container: str | None  # None, BACKUP, or f"{BACKUP}/{NESTED}"
    format: str
    text: DocText
    meta: DocMeta
    key: str

    @property
    def logical(self) -> str:
        return f"{self.container}/{self.path}" if self.container else self.path


def iso(t: dt.datetime) -> str:
    return t.replace(tzinfo=CHINA).isoformat()


def plan(seed: int, people: int, staff: list[StaffMember], anomalies: Anomalies) -> list[DocJob]:
    """All documents, with metadata anomalies planted on a few of them."""
    rng = rng_for(seed, "documents")
    count = 12 + people // 100
    formats = ["docx"] * 4 + ["pdf"] * 2 + ["txt"] * 2 + ["rtf"] * (1 + people // 10000)
    formats += rng.choices(("docx", "pdf", "txt"), weights=(45, 30, 25), k=count - len(formats))
    rng.shuffle(formats)
    formats += ["pdf-scan"] * (2 + people // 2000)
    signers = [s.name for s in staff if s.ethnicity == "汉族"] or [names.han_name(rng, "男")]
    jobs: list[DocJob] = []
    used: set[str] = set()
    scans = 0
    for serial, fmt in enumerate(formats, 1):
        county = rng.choice(COUNTIES)
        facility = rng.choice(facilities(county)).name
        date = random_date(rng, dt.date(2017, 1, 3), dt.date(2018, 12, 20))
        signer = rng.choice(signers)
        if fmt == "pdf-scan":
            phrase = SCAN_ONLY[scans % len(SCAN_ONLY)]
            scans += 1
            text = compose(rng, "notice", serial, county.name, facility, signer, date, scanned=True, scan_phrase=phrase)
        else:
            text = compose(rng, rng.choice(GENRES), serial, county.name, facility, signer, date)
        created = office_time(rng, date - dt.timedelta(days=rng.randint(0, 5)))
        modified = min(created + dt.timedelta(hours=rng.randint(1, 200)), dt.datetime(2018, 12, 28, 18, 0))
        author = rng.choice((signer, signer, rng.choice(signers), rng.choice(DEFAULT_AUTHORS)))
        meta = DocMeta(author, rng.choice((author, rng.choice(signers))), created, modified, rng.randint(1, 12),
                       rng.choice(APPLICATIONS))
        if fmt == "pdf":  # reportlab writes one date for CreationDate and ModDate
            meta.modified = meta.created
        if fmt == "pdf-scan":
            meta = DocMeta("", "", modified, modified, 1, "Canon iR-ADV C5235")
            path = f"文件/扫描件/扫描_{modified:%Y%m%d%H%M%S}.pdf"
        else:
            path = f"文件/{FOLDERS[text.genre]}/{date:%Y%m%d}_{text.title}.{EXT[fmt]}"
        if path in used:
            path = path.replace(".", f"_{serial}.", 1) if fmt != "pdf-scan" else path[:-4] + f"_{serial}.pdf"
        used.add(path)
        jobs.append(DocJob(path, None, fmt, text, meta, f"doc{serial}"))
    _into_backup(rng, jobs)
    _plant(rng, jobs, people, anomalies)
    return jobs


def _into_backup(rng, jobs: list[DocJob]) -> None:
    """Move a few documents into the backup archive, one of them into the archive nested inside it."""
    plain = [j for j in jobs if j.format in ("docx", "pdf", "txt")]
    chosen = rng.sample(plain, max(2, len(plain) // 8))
    for n, j in enumerate(chosen):
        member = j.path.removeprefix("文件/")
        if n == 0:
            j.container, j.path = f"{BACKUP}/{NESTED}", member.split("/")[-1]
        else:
            j.container, j.path = BACKUP, member


def _plant(rng, jobs: list[DocJob], people: int, anomalies: Anomalies) -> None:
    count = scaled(people, 2000, 1)
    docx = [j for j in jobs if j.format == "docx" and j.container is None]
    picked = rng.sample(docx, min(len(docx), 3 * count))
    for j in picked[:count]:
        j.meta.modified = j.meta.created - dt.timedelta(days=rng.randint(3, 60))
        anomalies.add("modified_before_created", j.logical, created=iso(j.meta.created), modified=iso(j.meta.modified))
    for j in picked[count:2 * count]:
        j.meta.modified = dt.datetime(2019, rng.randint(1, 6), rng.randint(1, 28), rng.randint(9, 18))
        anomalies.add("date_after_horizon", j.logical, field="modified", value=iso(j.meta.modified))
    for j in picked[2 * count:]:
        j.meta.author = rng.choice(names.REVIEWERS)
        anomalies.add("reviewer_author", j.logical, field="author", value=j.meta.author)
    pdfs = [j for j in jobs if j.format == "pdf" and j.container is None]
    if pdfs:
        j = rng.choice(pdfs)
        j.meta.created = j.meta.modified = dt.datetime(2019, 2, rng.randint(1, 28), 10, rng.randint(0, 59))
        anomalies.add("date_after_horizon", j.logical, field="created", value=iso(j.meta.created))


def _render(seed: int, job: DocJob) -> tuple[bytes, int | None]:
    if job.format == "docx":
        return docx_bytes(job.text, job.meta), None
    if job.format == "pdf":
        return pdf_bytes(job.text, job.meta)
    if job.format == "txt":
        return txt_bytes(job.text), None
    if job.format == "rtf":
        return rtf_bytes(job.text, job.meta), None
    return scan_pdf_bytes(seed, job.key, job.text, job.meta.created)


def write(seed: int, writer: CacheWriter, jobs: list[DocJob]) -> list[dict[str, Any]]:
    """Write every document (archived ones into the backup zip); returns their truth entries."""
    truth: list[dict[str, Any]] = []
    nested: list[tuple[str, bytes, dt.datetime]] = []
    archived: list[tuple[str, bytes, dt.datetime]] = []
    for job in jobs:
        data, pages = _render(seed, job)
        if job.container is None:
            writer.write(job.path, data, job.meta.modified)
        elif job.container == BACKUP:
            archived.append((job.path, data, job.meta.modified))
        else:
            nested.append((job.path, data, job.meta.modified))
        truth.append(entry(job, pages))
    when = dt.datetime(2018, 12, 29, 17, 45)
    with writer.zip(BACKUP, when) as z:
        for name, data, t in archived:
            z.add(name, data, t)
        z.add(NESTED, zip_bytes(nested), dt.datetime(2018, 6, 30, 12, 0))
        writer.members += len(nested)
    return truth


def entry(job: DocJob, pages: int | None) -> dict[str, Any]:
    """The truth.json record of one document."""
    m = job.meta
    return {
        "path": job.logical, "format": job.format, "genre": job.text.genre, "title": job.text.title,
        "doc_number": job.text.number, "date": job.text.date.isoformat(), "author": m.author,
        "last_modified_by": m.last_modified_by, "created": iso(m.created), "modified": iso(m.modified),
        "text_layer": job.format != "pdf-scan", "pages": pages, "phrases": job.text.phrases(),
    }
