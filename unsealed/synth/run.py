"""Generate the whole synthetic cache: persons first, then every file, then truth.json."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import broken, docplan, dossiers, photos, printouts, tableplant, tables
from .anomalies import Anomalies
from .detention import choose_detained, choose_photographed, describe_detentions
from .output import CacheWriter
from .people import Person, StaffMember, assign_ids, build_population, build_staff, link_relatives
from .places import COUNTIES, facilities
from .rand import rng_for
from .sheets import table_bytes
from .tables import TableFile
from .truth import build, write

MIN_PEOPLE = 10


@dataclass
class SynthResult:
    """Where the cache went and how big it is."""

    cache: Path
    truth_path: Path
    files: int  # files on disk under cache/
    archive_members: int  # files inside archives (nested ones included)
    seconds: float
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def items(self) -> int:
        """Files plus archive members: what an ingest will see."""
        return self.files + self.archive_members


def plan_tables(seed: int, people: int) -> tuple[list[Person], list[StaffMember], list[TableFile], Anomalies]:
    """The persons, the staff and every spreadsheet planned in memory, table anomalies planted (nothing written)."""
    persons = build_population(rng_for(seed, "people"), people)
    choose_detained(rng_for(seed, "detention"), persons)
    link_relatives(persons)
    taken: set[str] = set()
    assign_ids(rng_for(seed, "ids"), persons, taken)
    describe_detentions(rng_for(seed, "detention", "details"), persons)
    choose_photographed(rng_for(seed, "photographed"), persons)
    facility_names = [f.name for c in COUNTIES for f in facilities(c)]
    staff = build_staff(rng_for(seed, "staff"), max(8, people // 100), facility_names, taken)
    authors = [s.name for s in staff] + ["Administrator", "微软用户"]

    anomalies = Anomalies()
    planned = (tables.detainee_lists(seed, persons, authors) + tables.relatives_lists(seed, persons, authors)
               + tables.religion_lists(seed, persons, authors) + tables.staff_rosters(seed, staff))
    tableplant.plant(seed, planned, persons, anomalies)
    tableplant.record_appearances(planned, persons, staff)
    return persons, staff, planned, anomalies


def synthesize(out_dir: Path, people: int = 500, seed: int = 1,
               progress: Callable[[int, int], None] | None = None) -> SynthResult:
    """Write ``out_dir/cache/`` and ``out_dir/truth.json`` for ``people`` invented persons.

    The same ``seed`` and ``people`` give byte-identical files. ``progress`` is
    called now and then with (items written, items expected). Raises
    ValueError for too few people and FileExistsError if ``out_dir/cache``
    already holds files (nothing is overwritten).
    """
    if people < MIN_PEOPLE:
        raise ValueError(f"--people must be at least {MIN_PEOPLE} (got {people})")
    out_dir = Path(out_dir)
    cache = out_dir / "cache"
    if cache.exists() and any(cache.iterdir()):
        raise FileExistsError(f"{cache} already holds files; choose another --out or remove it first")
    started = time.perf_counter()

    persons, staff, planned, anomalies = plan_tables(seed, people)
    photo_jobs = photos.plan(seed, persons, anomalies)
    dossier_jobs = dossiers.plan(seed, persons)
    doc_jobs = docplan.plan(seed, people, staff, anomalies)
    printout_jobs = printouts.plan(planned, anomalies)

    writer = CacheWriter(cache, progress)
    writer.expected = len(photo_jobs) + len(planned) + len(dossier_jobs) + len(doc_jobs) + len(printout_jobs) + 12
    try:
        photos.write(writer, photo_jobs, persons)
        for f in planned:
            writer.write(f.path, table_bytes(f), f.when)
        printed = printouts.write(writer, printout_jobs, persons)
        dossiers.write(seed, writer, dossier_jobs, persons, staff)
        documents = docplan.write(seed, writer, doc_jobs)
        broken_entries, broken_docs = broken.write(seed, writer, persons, planned, staff[0].name)
        documents += broken_docs
    finally:
        writer.close()

    truth = build(seed, persons, staff, planned, documents, anomalies, broken_entries,
                  writer.files, writer.members)
    truth["printouts"] = printed
    truth_path = out_dir / "truth.json"
    write(truth_path, truth)
    writer.finish()
    return SynthResult(cache, truth_path, writer.files, writer.members, time.perf_counter() - started,
                       truth["figures"])
