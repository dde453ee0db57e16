"""Who and what each figure counts: the persons, photos and documents behind every number.

``load`` reads what the figures need from the people tables and the catalog once;
``members`` and ``parts`` say which persons (or files) a figure and each of its breakdown
keys count. The figures (``stats``) and the drill-down (``explain``) both use these two
functions, so a number and the list behind it cannot disagree.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from unsealed.figures import reasons as reasonmod
from unsealed.figures.definitions import BY_ID, COUNT_FIGURES, GENDERS
from unsealed.figures.sentences import NONE, TERM, parse_sentence

_YEAR = re.compile(r"^((?:19|20)\d\d)-\d\d")
_DOC_EXCLUDED = ("image", "archive")
SENTENCE_ORDER = {TERM: 0, "life": 1, "death_suspended": 2, "death": 3, "unparsed": 4}


@dataclass(slots=True)
class Person:
    id: str
    id_number: str | None
    name: str
    gender: str | None
    birth_date: str | None
    ethnicity: str | None
    detained: bool
    detention_date: str | None
    age: int | None
    minor: bool
    staff: bool
    fields: dict
    in_table: bool = False
    photos: list[tuple[str, str, int, str]] = field(default_factory=list)  # (taken or '', path, item_id, basis)


@dataclass(slots=True)
class Photo:
    item_id: int
    path: str
    taken: str | None
    persons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    item_id: int
    path: str
    kind: str
    type: str  # the kind's family: pdf, doc, sheet, text, email, html, other
    year: str  # YYYY or 'undated'
    basis: str  # 'metadata created' | 'metadata modified' | ''


@dataclass
class Population:
    persons: dict[str, Person]  # in the order of each person's first source
    photos: dict[int, Photo]  # linked photo files by item id, in path order
    documents: list[Document]
    built: bool
    current: bool
    _attrs: dict[str, dict[str, str]] = field(default_factory=dict)  # figure id → person id → attribute
    _bases: dict[str, list[Person]] = field(default_factory=dict)  # count figure id → its persons
    _split: dict[str, tuple[list, list]] = field(default_factory=dict)  # figure id → (members, unknown)


def load(case, documents: bool = True) -> Population:
    """Read the people tables and (unless told not to) the catalog's document list.

    People are empty when the people tables were never built.
    """
    from unsealed.people import schema

    conn = case.conn
    built = schema.exists(conn)
    persons: dict[str, Person] = {}
    photos: dict[int, Photo] = {}
    if built:
        for r in conn.execute(
            "SELECT id, id_number, name, gender, birth_date, ethnicity, detained, detention_date,"
            " age_at_detention, minor, staff, fields FROM persons ORDER BY first_source, id"
        ):
            persons[r[0]] = Person(r[0], r[1], r[2] or "", r[3], r[4], r[5], bool(r[6]), r[7], r[8], bool(r[9]),
                                   bool(r[10]), _json(r[11]))
        for (pid,) in conn.execute("SELECT DISTINCT person_id FROM person_values WHERE row IS NOT NULL"):
            if pid in persons:
                persons[pid].in_table = True
        for pid, item_id, path, taken, basis in conn.execute(
            "SELECT person_id, item_id, path, taken, basis FROM person_links WHERE kind = 'photo'"
            " ORDER BY path, item_id, person_id"
        ):
            photo = photos.get(item_id)
            if photo is None:
                photo = photos[item_id] = Photo(item_id, path, taken)
            if pid in persons and pid not in photo.persons:
                photo.persons.append(pid)
                persons[pid].photos.append((taken or "", path, item_id, basis))
    for p in persons.values():
        p.photos.sort(key=lambda t: (t[0] == "", t[0], t[1], t[2]))  # dated first, earliest first
    return Population(persons, photos, _documents(conn) if documents else [], built, built and schema.is_current(conn))


def _json(text: str | None) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _documents(conn) -> list[Document]:
    """Every non-image, non-archive item with its type and year.

    Joined in Python (three plain scans and two dicts): at 90,000 items this is several times faster
    than SQLite's join by hash text, and only metadata naming a date is parsed.
    """
    from unsealed.ingest.detect import KINDS, family_of

    kinds = {sha: kind for sha, kind in conn.execute("SELECT sha256, kind FROM blobs")}
    dated: dict[str, tuple[str, str]] = {}
    for sha, meta in conn.execute(
        "SELECT sha256, metadata FROM extractions WHERE metadata LIKE '%\"created\"%'"
        " OR metadata LIKE '%\"modified\"%'"
    ):
        data = _json(meta)
        for key in ("created", "modified"):
            m = _YEAR.match(str(data.get(key) or ""))
            if m:
                dated[sha] = (m.group(1), f"metadata {key}")
                break
    families = {k: family_of(k) for k in KINDS}
    out = []
    for item_id, path, sha in conn.execute("SELECT id, path, sha256 FROM items WHERE sha256 IS NOT NULL"):
        kind = kinds.get(sha)
        family = families.get(kind, "other")
        if kind is None or family in _DOC_EXCLUDED:
            continue
        year, basis = dated.get(sha, ("undated", ""))
        out.append(Document(item_id, path, kind, family, year, basis))
    out.sort(key=lambda d: (d.path, d.item_id))  # in Python: SQLite's sort of long paths took seconds
    return out


# --- which persons each figure counts ---------------------------------------------------------------

def _base(pop: Population, fid: str) -> list[Person]:
    """The persons a count figure counts (in person order)."""
    if fid in pop._bases:
        return pop._bases[fid]
    ps = pop.persons.values()
    rules = {
        "people": lambda p: not p.staff or p.detained or bool(p.photos),
        "staff": lambda p: p.staff,
        "detained": lambda p: p.detained,
        "photographed": lambda p: bool(p.photos),
        "photographed_and_detained": lambda p: bool(p.photos) and p.detained,
        "photographed_in_no_table": lambda p: bool(p.photos) and not p.in_table,
        "minors_at_detention": lambda p: p.detained and p.minor,
    }
    pop._bases[fid] = [p for p in ps if rules[fid](p)]
    return pop._bases[fid]


def aged(pop: Population) -> list[Person]:
    """Detained persons whose age at detention is known."""
    return [p for p in pop.persons.values() if p.detained and p.age is not None]


def age_group(age: int) -> str:
    low = age // 5 * 5
    return f"{low}-{low + 4}"


def gender_of(p: Person) -> str:
    return p.gender if p.gender in ("male", "female") else "unknown"


def _text(value) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _attribute_of(pop: Population, p: Person, fid: str) -> str:
    """``attribute``, computed once per person and figure."""
    memo = pop._attrs.setdefault(fid, {})
    value = memo.get(p.id)
    if value is None:
        value = memo[p.id] = attribute(p, fid)
    return value


def attribute(p: Person, fid: str) -> str:
    """The value of a person that a distribution figure groups on ('' when the person has none)."""
    if fid == "ethnicity":
        return _text(p.ethnicity)
    if fid == "reasons":
        return reasonmod.group_of(_text(p.fields.get("reason"))) or ""
    if fid == "sentences":
        s = parse_sentence(_text(p.fields.get("sentence")))
        return "" if s is None or s.kind == NONE else s.label
    if fid == "statuses":
        return _text(p.fields.get("status"))
    if fid == "facilities":
        return _text(p.fields.get("facility"))
    if fid == "detentions_by_month":
        return (p.detention_date or "")[:7]
    if fid == "age_at_detention":
        return age_group(p.age) if p.age is not None else ""
    raise KeyError(fid)


def universe(pop: Population, fid: str) -> list[Person]:
    """The persons a distribution figure is taken over (those without the attribute are 'unknown')."""
    if fid == "ethnicity":
        return _base(pop, "people")
    return _base(pop, "detained")


def members(pop: Population, fid: str) -> list:
    """The persons (or Photo / Document objects) that a figure's value counts, in a stable order."""
    return _members_and_unknown(pop, fid)[0]


def unknown(pop: Population, fid: str) -> list:
    """Persons or photos in a distribution figure's base that lack the attribute."""
    return _members_and_unknown(pop, fid)[1]


def _members_and_unknown(pop: Population, fid: str) -> tuple[list, list]:
    if fid not in pop._split:
        pop._split[fid] = _select(pop, fid)
    return pop._split[fid]


def _select(pop: Population, fid: str) -> tuple[list, list]:
    if fid in COUNT_FIGURES:
        return _base(pop, fid), []
    if fid in ("youngest_age", "oldest_age"):
        ages = [p.age for p in aged(pop)]
        if not ages:
            return [], []
        edge = min(ages) if fid == "youngest_age" else max(ages)
        return [p for p in aged(pop) if p.age == edge], []
    if fid == "photos_by_month":
        return ([ph for ph in pop.photos.values() if ph.taken], [ph for ph in pop.photos.values() if not ph.taken])
    if fid == "documents":
        return list(pop.documents), []
    if fid in BY_ID:
        known, missing = [], []
        for p in universe(pop, fid):
            (known if _attribute_of(pop, p, fid) else missing).append(p)
        return known, missing
    raise KeyError(fid)


def key_of(item, fid: str, pop: Population | None = None) -> str:
    """The breakdown key an item counted by a figure falls under."""
    if fid in COUNT_FIGURES or fid in ("youngest_age", "oldest_age"):
        return gender_of(item)
    if fid == "photos_by_month":
        return item.taken[:7]
    if fid == "documents":
        return f"{item.type}/{item.year}"
    return _attribute_of(pop, item, fid) if pop is not None else attribute(item, fid)


def parts(pop: Population, fid: str) -> dict[str, list]:
    """A figure's breakdown: key → the items counted under it (every member under exactly one key)."""
    out: dict[str, list] = defaultdict(list)
    if fid in COUNT_FIGURES:
        for g in GENDERS:
            out[g] = []
    for item in members(pop, fid):
        out[key_of(item, fid, pop)].append(item)
    return dict(out)


def sentence_summary(pop: Population) -> dict:
    """Counts by kind, and the mean and median of fixed terms in months."""
    counts: dict[str, int] = defaultdict(int)
    months: list[int] = []
    for p in members(pop, "sentences"):
        s = parse_sentence(_text(p.fields.get("sentence")))
        counts[s.kind] += 1
        if s.kind == TERM:
            months.append(s.months)
    return {
        "terms": counts[TERM], "life": counts["life"], "death_suspended": counts["death_suspended"],
        "death": counts["death"], "unparsed": counts["unparsed"],
        "mean_months": round(statistics.fmean(months), 1) if months else None,
        "median_months": statistics.median(months) if months else None,
    }
