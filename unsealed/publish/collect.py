"""What the public site says about people: read from the people tables and passed through the Redactor.

Everything returned here is already redacted; the pages and the search index render only these
objects, so no raw value of the case reaches a template.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from unsealed.publish.redact import AddressBook, Redactor
from unsealed.records import names

# Facts shown on a person page, in this order: (field in persons.fields, label).
FACTS = (
    ("reason", "Reason 原因"),
    ("status", "Status 状态"),
    ("facility", "Facility 关押场所"),
    ("sentence", "Sentence 刑期"),
    ("outcome", "Outcome 结果"),
    ("building", "Building 楼"),
    ("cell", "Cell 监室"),
    ("detention_date", "Detained on 收押日期"),
    ("role", "Post 职务"),
    ("badge", "Badge 警号"),
    ("工作单位", "Unit 工作单位"),
)
GENDER = {"male": "male 男", "female": "female 女"}


@dataclass
class PublicPerson:
    pid: str
    name: str
    pinyin: str
    id_shown: str
    gender: str
    birth: str
    ethnicity: str
    county: str
    detained: bool
    minor: bool
    staff: bool
    age: int | None
    facts: list[tuple[str, str]] = field(default_factory=list)
    photos: list[dict] = field(default_factory=list)  # {"sha256", "taken", "file" (set by the site)}
    relatives: list[dict] = field(default_factory=list)  # {"pid", "name", "relation"}
    sources: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _pinyin(search: str) -> str:
    return next((t for t in (search or "").split("|") if t and t.isascii()), "")


def select_ids(conn, detained_only: bool) -> list[str]:
    """Person ids to publish, in the order of their first source."""
    where = " WHERE detained = 1" if detained_only else ""
    return [r[0] for r in conn.execute(f"SELECT id FROM persons{where} ORDER BY first_source, id")]


def known_addresses(conn) -> AddressBook:
    """Every address value the case holds (as normalised and as written), for removal from text."""
    values: set[str] = set()
    for value, raw in conn.execute("SELECT value, raw FROM person_values WHERE field = 'address'"):
        values.update((value, raw))
    for (fields,) in conn.execute("SELECT fields FROM persons"):
        addr = json.loads(fields).get("address")
        if addr:
            values.add(str(addr))
    return AddressBook(values)


def withheld_name_keys(conn, published: set[str]) -> frozenset[str]:
    """Name keys (characters only) of the people who are not published, to hide them in paths."""
    keys = set()
    for pid, name in conn.execute("SELECT id, name FROM persons"):
        if pid not in published and name:
            k = names.key(name)
            if len(k) >= 2:
                keys.add(k)
    return frozenset(keys)


def collect_people(conn, ids: list[str], red: Redactor) -> list[PublicPerson]:
    """The published view of each person in ``ids`` (same order)."""
    wanted = set(ids)
    photos: dict[str, list[dict]] = defaultdict(list)
    seen_photo: set[tuple[str, str]] = set()
    if not red.on("photo"):
        for pid, sha, taken in conn.execute(
            "SELECT l.person_id, i.sha256, l.taken FROM person_links l JOIN items i ON i.id = l.item_id"
            " WHERE l.kind = 'photo' AND i.sha256 IS NOT NULL ORDER BY l.person_id, l.taken IS NULL, l.taken, l.path"
        ):
            if pid in wanted and (pid, sha) not in seen_photo:
                seen_photo.add((pid, sha))
                photos[pid].append({"sha256": sha, "taken": red.text(taken or "")})
    rels: dict[str, list[dict]] = defaultdict(list)
    if not red.on("relatives"):
        seen: set[tuple[str, str]] = set()
        for pid, other, relation, other_name in conn.execute(
            "SELECT r.person_id, r.other_id, r.relation, p.name FROM relations r JOIN persons p ON p.id = r.other_id"
            " ORDER BY r.person_id, r.rowid"
        ):
            if pid in wanted and other in wanted and (pid, other) not in seen:
                seen.add((pid, other))
                rels[pid].append({"pid": other, "name": red.name(other_name), "relation": red.text(relation)})
    sources: dict[str, list[str]] = defaultdict(list)
    for pid, path, sheet, row in conn.execute(
        "SELECT person_id, path, sheet, row FROM person_values WHERE basis != 'check' AND header IS NOT 'derived'"
        " GROUP BY person_id, path, sheet, row ORDER BY person_id, MIN(rowid)"
    ):
        if pid in wanted:
            where = red.text(path) + (f" [{red.text(sheet)}]" if sheet else "") + (f" row {row}" if row else "")
            sources[pid].append(where)
    out: dict[str, PublicPerson] = {}
    for r in conn.execute("SELECT * FROM persons"):
        pid = r["id"]
        if pid not in wanted:
            continue
        fields = json.loads(r["fields"] or "{}")
        facts = []
        for key, label in FACTS:
            value = fields.get(key)
            if value in (None, "") or red.header_hidden(key):
                continue
            facts.append((label, red.text(value)))
        name_hidden = red.on("name")
        out[pid] = PublicPerson(
            pid=pid,
            name=red.name(r["name"]),
            pinyin="" if name_hidden else _pinyin(r["search"]),
            id_shown=red.id_number(r["id_number"]) or "",
            gender=GENDER.get(r["gender"] or "", ""),
            birth=red.birth_date(r["birth_date"]) or "",
            ethnicity=red.text(r["ethnicity"] or ""),
            county=red.text(fields.get("birth_county") or ""),
            detained=bool(r["detained"]),
            minor=bool(r["minor"]),
            staff=bool(r["staff"]),
            age=r["age_at_detention"],
            facts=facts,
            photos=photos.get(pid, []),
            relatives=rels.get(pid, []),
            sources=sources.get(pid, []),
            conflicts=[red.text(c) for c in json.loads(r["conflicts"] or "[]") if not red.header_hidden(c)],
        )
    return [out[p] for p in ids if p in out]
