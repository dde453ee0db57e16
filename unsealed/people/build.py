"""Building the people tables from the catalog, in one transaction.

Pass 1 streams every person table row by row: values go to a temporary staging table,
only compact identity keys stay in memory. Photos are scanned for ID numbers. Then
records are resolved into persons (``resolve``), values are copied to ``person_values``
with their person, each person is summarised (``summary``), and photo links and
relations are written. Readers see the old tables until the single commit.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable

from unsealed.people import relatives, resolve, schema, summary
from unsealed.people.photos import IMAGE_KINDS
from unsealed.people.photos import scan as scan_photos
from unsealed.records import rows as rowmod
from unsealed.records import tables
from unsealed.records.dates import parse_datetime
from unsealed.records.idnumber import USABLE

Progress = Callable[[int, int], None]  # (sheets and images read, total), as sync_index reports

_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS _source (sid INTEGER PRIMARY KEY, item_id INTEGER, path TEXT, sheet TEXT);
CREATE TEMP TABLE IF NOT EXISTS _stage (
    rid INTEGER, field TEXT, value TEXT, raw TEXT, basis TEXT, sid INTEGER, row INTEGER, col INTEGER,
    header TEXT);
CREATE TEMP TABLE IF NOT EXISTS _owner (rid INTEGER PRIMARY KEY, person_id TEXT, ord INTEGER);
"""
_BATCH = 5000
_INSERT_PERSON = "INSERT INTO persons VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"


class _Builder:
    def __init__(self, conn, progress: Progress | None):
        self.conn = conn
        self.progress = progress
        self.done = 0
        self.total = 0
        if progress:
            self.total = conn.execute(
                "SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT sha256, sheet FROM table_rows))"
                " + (SELECT COUNT(*) FROM items i JOIN blobs b ON b.sha256 = i.sha256 WHERE b.kind IN ("
                + ",".join(f"'{k}'" for k in IMAGE_KINDS) + "))").fetchone()[0]
        self.keys: list[resolve.Key] = []
        self.edges: list[relatives.Edge] = []
        self.detained: set[int] = set()  # record ids with detention evidence in a detention list
        self.staff: set[int] = set()
        self.photo_links: list[tuple] = []  # (rid, item_id, path, basis, id_number, taken)
        self.unlinked: list[tuple[int, str]] = []
        self.batch: list[tuple] = []
        self.tables = 0
        self.rows = 0
        self.sources: list[tuple] = []  # (sid, item_id, path, sheet) not yet written
        self.source_count = 0
        self.places: list[str] = [""]  # by source number: 'path\tsheet', to order records

    def _tick(self) -> None:
        self.done += 1
        if self.progress and self.done % 200 == 0:
            self.progress(self.done, max(self.total, self.done))

    def _source(self, item_id: int, path: str, sheet: str | None) -> int:
        """A staged source (a sheet or a photo); values refer to it by number."""
        self.source_count += 1
        self.sources.append((self.source_count, item_id, path, sheet))
        self.places.append(f"{path}\t{sheet or ''}")
        return self.source_count

    def _stage(self, rid: int, v: rowmod.Value, sid: int, row: int | None) -> None:
        self.batch.append((rid, v.field, v.value, v.raw, v.basis, sid, row, v.column, v.header))
        if len(self.batch) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.sources:
            self.conn.executemany("INSERT INTO _source VALUES (?,?,?,?)", self.sources)
            self.sources.clear()
        if self.batch:
            self.conn.executemany("INSERT INTO _stage VALUES (?,?,?,?,?,?,?,?,?)", self.batch)
            self.batch.clear()

    def read_tables(self) -> None:
        for index, (table, data) in enumerate(tables.iter_tables(self.conn)):
            self.tables += 1
            sid = self._source(table.item_id, table.path, table.sheet)
            head: int | None = None  # the 本人 record heading a household group
            for number, cells in data:
                result = rowmod.parse_row(table.header, number, cells, table.kind)
                if result is None:
                    continue
                self.rows += 1
                rids = [self._record(index, table, sid, rec) for rec in result.records]
                if result.relation is not None:
                    head = self._relation(table, number, rids, result.relation, head)
            self._tick()
        self.flush()

    def _relation(self, table: tables.Table, number: int, rids: list[int], relation: tuple[str, rowmod.Value],
                  head: int | None) -> int | None:
        """Record the link a relatives row states; returns the household head for the rows that follow."""
        rel, cell = relation
        where = (table.item_id, table.path, table.sheet, number, cell.column)
        if table.kind == tables.RELATIVES and len(rids) == 2:  # rids: the relative, then the detainee
            self.edges.append(relatives.Edge(rids[1], rids[0], rel, *where))
        elif table.kind == tables.HOUSEHOLD:
            if rel == relatives.SELF:
                return rids[0]
            if head is not None:
                self.edges.append(relatives.Edge(head, rids[0], rel, *where))
        return head

    def _record(self, index: int, table: tables.Table, sid: int, rec: rowmod.Record) -> int:
        rid = len(self.keys)
        usable = rec.id.number if rec.id is not None and rec.id.status in USABLE else None
        self.keys.append(
            resolve.Key(rid, usable, rec.id, rec.name_key, rec.birth_key, rec.role, index, sid, rec.row)
        )
        if rec.role == "row" and table.kind == tables.DETENTION and rec.detention_evidence:
            self.detained.add(rid)
        if rec.role == "row" and table.kind == tables.STAFF:
            self.staff.add(rid)
        for v in rec.values:
            self._stage(rid, v, sid, rec.row)
        return rid

    def read_photos(self) -> None:
        for photo in scan_photos(self.conn):
            self._tick()
            if not photo.ids:
                self.unlinked.append((photo.item_id, photo.path))
                continue
            taken = photo.taken.isoformat(sep="T") if photo.taken else None
            sid = self._source(photo.item_id, photo.path, None)
            for parsed in photo.ids:
                rid = len(self.keys)
                self.keys.append(
                    resolve.Key(rid, parsed.number, parsed, "", None, "photo", -1, sid, 0)
                )
                self.photo_links.append((rid, photo.item_id, photo.path, photo.basis, parsed.number, taken))
                for v in rowmod.id_values(parsed, parsed.raw, None, photo.basis):
                    self._stage(rid, v, sid, None)
        self.flush()
        if self.progress:
            self.progress(self.total, self.total)


_COPY_VALUES = (
    "INSERT INTO person_values (person_id, field, value, raw, basis, item_id, path, sheet, row,"
    ' "column", header) SELECT o.person_id, s.field, s.value, s.raw, s.basis, t.item_id, t.path,'
    " t.sheet, s.row, s.col, s.header FROM _stage s JOIN _owner o ON o.rid = s.rid"
    " JOIN _source t ON t.sid = s.sid ORDER BY o.person_id, o.ord, s.col"
)


def build_people(case, progress: Progress | None = None) -> dict:
    """(Re)build the people tables from the catalog; returns counts. One transaction: all or nothing."""
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        timings[stage] = round(time.perf_counter() - started - sum(timings.values()), 2)

    if getattr(case, "readonly", False):
        from unsealed.store.case import CaseError

        raise CaseError("the people tables cannot be built in a case opened read-only")
    conn = case.conn
    schema.create(conn)
    conn.executescript(_STAGE)
    b = _Builder(conn, progress)
    with case.transaction():
        state = schema.catalog_state(conn)
        for temp in ("_stage", "_owner", "_source"):
            conn.execute(f"DELETE FROM {temp}")
        b.read_tables()
        lap("tables")
        b.read_photos()
        lap("photos")
        seeds, where, rules = resolve.resolve(b.keys, b.places)
        person_of = {rid: seeds[i].pid for rid, i in where.items()}
        places = b.places
        order = {k.rid: n for n, k in enumerate(sorted(b.keys, key=lambda k: (places[k.sid], k.row, k.rid)))}
        lap("resolve")
        conn.executemany("INSERT INTO _owner VALUES (?,?,?)",
                         ((rid, pid, order[rid]) for rid, pid in person_of.items()))
        for table in schema.TABLES:
            conn.execute(f"DELETE FROM {table}")
        conn.execute(_COPY_VALUES)
        lap("values")
        facts = _facts(b, seeds, where)
        genders = _write_persons(conn, seeds, facts)
        lap("persons")
        conn.executemany("INSERT INTO person_links VALUES (?,?,?,'photo',?,?,?)",
                         ((person_of[rid], item, path, basis, number, taken)
                          for rid, item, path, basis, number, taken in b.photo_links))
        conn.executemany("INSERT INTO unlinked_photos VALUES (?,?)", b.unlinked)
        links = relatives.links(b.edges, person_of, genders)
        conn.executemany("INSERT INTO relations VALUES (?,?,?,?,?,?,?,?,?)", links)
        lap("links")
        counts = {
            "persons": len(seeds),
            "with_id_number": sum(1 for s in seeds if s.id_number),
            "detained": sum(1 for f in facts.values() if f.detained),
            "tables": b.tables,
            "rows": b.rows,
            "records": len(b.keys) - len(b.photo_links),
            "photos_linked": len({link[1] for link in b.photo_links}),
            "photos_unlinked": len(b.unlinked),
            "relations": len(links) // 2,
            "matching": rules,
            "seconds": round(time.perf_counter() - started, 2),
            "seconds_by_stage": timings,
        }
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('people', ?)",
                     (json.dumps({"version": schema.PEOPLE_VERSION, "catalog": state, **counts},
                                 ensure_ascii=False),))
    for temp in ("_stage", "_owner", "_source"):
        conn.execute(f"DELETE FROM {temp}")
    return counts


def _facts(b: _Builder, seeds: list[resolve.Seed], where: dict[int, int]) -> dict[str, summary.Facts]:
    facts: dict[str, summary.Facts] = defaultdict(summary.Facts)
    for rid in b.detained:
        facts[seeds[where[rid]].pid].detained = True
    for rid in b.staff:
        facts[seeds[where[rid]].pid].staff = True
    for rid, item_id, path, _basis, _number, taken in b.photo_links:
        when = parse_datetime(taken) if taken else None
        if when:
            facts[seeds[where[rid]].pid].photo_dates.append((when, (item_id, path)))
    return facts


def _write_persons(conn, seeds, facts) -> dict[str, str | None]:
    """Summarise every person from their values (streamed in person order) and insert the persons rows.

    Only four short columns are read back (reading whole rows was the slowest part at scale);
    the sources of the few derived ages are fetched afterwards by rowid.
    """
    seed_by_pid = {s.pid: s for s in seeds}
    genders: dict[str, str | None] = {}
    rows: list[tuple] = []
    ages: list[tuple] = []  # (person id, age, derivation, rowid of the detention date | (item_id, path))

    def finish(pid: str, vals: list[summary.Val]) -> None:
        seed = seed_by_pid[pid]
        s = summary.summarise(seed.id_number, vals, facts.get(pid) or summary.Facts())
        genders[pid] = s["gender"]
        rows.append((pid, s["id_number"], s["name"], s["gender"], s["birth_date"], s["ethnicity"],
                     int(s["detained"]), s["detention_date"], s["age_at_detention"], int(s["minor"]),
                     int(s["staff"]), s["search"], json.dumps(s["fields"], ensure_ascii=False),
                     json.dumps(s["conflicts"], ensure_ascii=False), len(seed.rids), seed.first_source))
        if s["age_at_detention"] is not None:
            ages.append((pid, s["age_at_detention"], s["age_derivation"], s["age_source"]))
        if len(rows) >= _BATCH:
            conn.executemany(_INSERT_PERSON, rows)
            rows.clear()

    current, vals = None, []
    Val = summary.Val
    for rowid, pid, fld, value, basis in conn.execute(
            "SELECT rowid, person_id, field, value, basis FROM person_values ORDER BY rowid"):
        if pid != current:
            if current is not None:
                finish(current, vals)
            current, vals = pid, []
        vals.append(Val(fld, value, basis, rowid))
    if current is not None:
        finish(current, vals)
    conn.executemany(_INSERT_PERSON, rows)
    conn.executemany("INSERT INTO person_values VALUES (?,?,?,?,?,?,?,?,?,?,?)", _age_values(conn, ages))
    return genders


def _age_values(conn, ages: list[tuple]) -> list[tuple]:
    """person_values rows for derived ages, each pointing at the detention-date cell or the photo used."""
    rowids = [src for *_rest, src in ages if isinstance(src, int)]
    cells: dict[int, tuple] = {}
    for i in range(0, len(rowids), 500):
        chunk = rowids[i:i + 500]
        for rowid, *cell in conn.execute(
                'SELECT rowid, item_id, path, sheet, row, "column" FROM person_values WHERE rowid IN'
                f" ({','.join('?' * len(chunk))})", chunk):
            cells[rowid] = tuple(cell)
    out = []
    for pid, age, derivation, src in ages:
        item_id, path, sheet, row, column = cells[src] if isinstance(src, int) else (*src, None, None, None)
        out.append((pid, "age_at_detention", str(age), "", derivation, item_id, path, sheet, row, column,
                    "derived"))
    return out
