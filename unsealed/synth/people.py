"""Invented persons in families, with names that follow the Uyghur naming rule.

A household is a father, usually a mother, their children, and sometimes the
eldest son's wife and children. Every child's name is "own given name · father's
given name", so families can be recognised from names alone, as investigators do.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import idnumbers, names
from .places import COUNTIES, County, choose_county, household_address
from .rand import random_date

RELATION_ORDER = ("父亲", "母亲", "丈夫", "妻子", "哥哥", "弟弟", "姐姐", "妹妹", "儿子", "女儿")


@dataclass
class Person:
    """One invented person and everything the files will say about them."""

    key: int
    household: int
    given: str
    father_given: str
    gender: str  # '男' or '女'
    birth_date: dt.date
    county: County
    address: str
    ethnicity: str
    father: int | None = None  # keys of family members within the population
    mother: int | None = None
    spouse: int | None = None
    id_number: str = ""
    relatives: list[tuple[int, str]] = field(default_factory=list)  # (key, what that person is to this one)
    detained: bool = False
    detention_date: dt.date | None = None
    reason: str | None = None
    status: str | None = None
    sentence: str | None = None
    facility: str | None = None
    cell: str | None = None
    photographed: bool = False  # planned; the photo paths land in ``photos``
    photo_only: bool = False  # photographed but in no spreadsheet at all
    photos: list[str] = field(default_factory=list)
    appears_in: list[dict] = field(default_factory=list)
    mentioned_in: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return names.uyghur_name(self.given, self.father_given)

    @property
    def age_at_detention(self) -> int | None:
        if self.detention_date is None:
            return None
        return self.detention_date.year - self.birth_date.year - (
            (self.detention_date.month, self.detention_date.day) < (self.birth_date.month, self.birth_date.day)
        )


@dataclass
class StaffMember:
    """A guard or official (mostly Han names) on a roster or a document."""

    id_number: str
    name: str
    gender: str
    birth_date: dt.date
    ethnicity: str
    role: str
    badge: str
    facility: str
    appears_in: list[dict] = field(default_factory=list)


def _birth(rng: random.Random, year: int) -> dt.date:
    return random_date(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))


def _unique_given(rng: random.Random, gender: str, used: list[str]) -> str:
    for _ in range(50):
        given = names.given_name(rng, gender)
        if given not in used:
            used.append(given)
            return given
    used.append(given)
    return given


def _household(rng: random.Random, hh: int, start: int) -> list[Person]:
    county = choose_county(rng)
    address = household_address(rng, county)
    ethnicity = "哈萨克族" if county.region == "654027" and rng.random() < 0.25 else "维吾尔族"

    def person(given: str, father_given: str, gender: str, birth: dt.date) -> Person:
        return Person(start + len(members), hh, given, father_given, gender, birth, county, address, ethnicity)

    members: list[Person] = []
    father_year = rng.randint(1944, 1982)
    father = person(names.given_name(rng, "男"), names.given_name(rng, "男"), "男", _birth(rng, father_year))
    members.append(father)
    mother = None
    if rng.random() < 0.92:
        mother = person(names.given_name(rng, "女"), names.given_name(rng, "男"), "女",
                        _birth(rng, min(1986, father_year + rng.randint(-2, 7))))
        mother.spouse, father.spouse = father.key, mother.key
        members.append(mother)
    used: list[str] = []
    year = (mother.birth_date.year if mother else father_year) + rng.randint(19, 24)
    children: list[Person] = []
    for _ in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5))):
        if year > 2012:
            break
        gender = rng.choice(("男", "女"))
        child = person(_unique_given(rng, gender, used), father.given, gender, _birth(rng, year))
        child.father, child.mother = father.key, mother.key if mother else None
        members.append(child)
        children.append(child)
        year += rng.randint(1, 4)
    sons = [c for c in children if c.gender == "男" and c.birth_date.year <= 1994]
    if sons and rng.random() < 0.35:
        son = sons[0]
        wife = person(names.given_name(rng, "女"), names.given_name(rng, "男"), "女",
                      _birth(rng, min(1996, son.birth_date.year + rng.randint(-1, 5))))
        wife.spouse, son.spouse = son.key, wife.key
        members.append(wife)
        used = []
        year = son.birth_date.year + rng.randint(21, 25)
        for _ in range(rng.choice((0, 1, 2, 3))):
            if year > 2015:
                break
            gender = rng.choice(("男", "女"))
            grandchild = person(_unique_given(rng, gender, used), son.given, gender, _birth(rng, year))
            grandchild.father, grandchild.mother = son.key, wife.key
            members.append(grandchild)
            year += rng.randint(1, 3)
    return members


def build_population(rng: random.Random, people: int) -> list[Person]:
    """Exactly ``people`` persons in households (the last household is cut to fit)."""
    persons: list[Person] = []
    hh = 0
    while len(persons) < people:
        members = _household(rng, hh, len(persons))
        persons.extend(members[: people - len(persons)])
        hh += 1
    for p in persons:  # drop links to members cut from the last household
        for attr in ("father", "mother", "spouse"):
            if getattr(p, attr) is not None and getattr(p, attr) >= len(persons):
                setattr(p, attr, None)
    return persons


def link_relatives(persons: list[Person]) -> None:
    """Fill each person's ``relatives`` from the parent and spouse links (run after birth dates are final)."""
    children: dict[int, list[int]] = {}
    for p in persons:
        for parent in (p.father, p.mother):
            if parent is not None:
                children.setdefault(parent, []).append(p.key)
    for p in persons:
        rel: list[tuple[int, str]] = []
        if p.father is not None:
            rel.append((p.father, "父亲"))
        if p.mother is not None:
            rel.append((p.mother, "母亲"))
        if p.spouse is not None:
            rel.append((p.spouse, "丈夫" if p.gender == "女" else "妻子"))
        if p.father is not None:
            for k in children.get(p.father, []):
                if k == p.key:
                    continue
                s = persons[k]
                older = (s.birth_date, s.key) < (p.birth_date, p.key)
                if s.gender == "男":
                    rel.append((k, "哥哥" if older else "弟弟"))
                else:
                    rel.append((k, "姐姐" if older else "妹妹"))
        for k in children.get(p.key, []):
            rel.append((k, "儿子" if persons[k].gender == "男" else "女儿"))
        rel.sort(key=lambda r: (RELATION_ORDER.index(r[1]), persons[r[0]].birth_date, r[0]))
        p.relatives = rel


def assign_ids(rng: random.Random, persons: list[Person], taken: set[str]) -> None:
    """Give every person a valid ID number that agrees with their birth date and gender."""
    for p in persons:
        p.id_number = idnumbers.new_id(rng, p.county.region, p.birth_date, p.gender, taken)


ROLES = ("民警", "民警", "辅警", "辅警", "辅警", "管教", "所长", "教导员", "看护队员")


def build_staff(rng: random.Random, count: int, facilities: list[str], taken: set[str]) -> list[StaffMember]:
    """Guards and officials: mostly Han, some Uyghur, each with a badge number and post."""
    staff = []
    for i in range(count):
        gender = "男" if rng.random() < 0.85 else "女"
        county = COUNTIES[i % len(COUNTIES)]
        birth = _birth(rng, rng.randint(1965, 1996))
        if rng.random() < 0.75:
            name, ethnicity = names.han_name(rng, gender), "汉族"
        else:
            name = names.uyghur_name(names.given_name(rng, gender), names.given_name(rng, "男"))
            ethnicity = "维吾尔族"
        number = idnumbers.new_id(rng, county.region, birth, gender, taken)
        badge = f"{rng.randint(100000, 999999)}"
        staff.append(StaffMember(number, name, gender, birth, ethnicity, rng.choice(ROLES), badge,
                                 rng.choice([f for f in facilities if f.startswith(county.name)])))
    return staff
