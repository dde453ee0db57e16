"""Who is detained, when, where and why; who is photographed.

Detainees are 15 to 73 years old at detention, like the real lists; one person
is planted exactly 15 and one exactly 73 so the youngest and oldest ages are
known. Reasons are stored canonically here; the spreadsheets write variants.
"""

from __future__ import annotations

import datetime as dt
import random

from .people import Person
from .places import COUNTIES, Facility, cell_label, facilities
from .rand import DETENTION_FIRST, DETENTION_LAST, age_on, random_date

MIN_AGE, MAX_AGE = 15, 73

# canonical reason -> ways the lists write it
REASONS: dict[str, tuple[str, ...]] = {
    "宗教极端": ("宗教极端", "宗教极端思想", "受宗教极端思想影响"),
    "非法宗教活动": ("非法宗教活动", "参与非法宗教活动", "组织非法宗教活动"),
    "去过26个敏感国家": ("去过26个敏感国家", "去过26国", "赴26个重点国家"),
    "使用翻墙软件": ("使用翻墙软件", "翻墙", "使用VPN翻墙软件"),
    "扰乱社会秩序": ("扰乱社会秩序", "聚众扰乱社会秩序"),
    "非法持有宗教宣传品": ("非法持有宗教宣传品", "持有非法宗教宣传品"),
    "不放心人员": ("不放心人员", "不放心人"),
}
REASON_WEIGHTS = (30, 22, 12, 10, 10, 8, 8)
RELIGIOUS = ("宗教极端", "非法宗教活动", "非法持有宗教宣传品")
SENTENCES = ("1年6个月", "3年", "5年", "5年6个月", "7年", "10年", "10年", "15年", "无期")


def _candidate_day(rng: random.Random) -> dt.date:
    if rng.random() < 0.75:
        return random_date(rng, dt.date(2018, 1, 2), DETENTION_LAST)
    return random_date(rng, DETENTION_FIRST, dt.date(2017, 12, 31))


def _probability(p: Person, age: int) -> float:
    if age < 18:
        return 0.12
    if age > 60:
        return 0.3
    return 0.75 if p.gender == "男" else 0.4


def choose_detained(rng: random.Random, persons: list[Person]) -> None:
    """Mark detainees with a detention date, keeping every detainee within 15..73 years."""
    for p in persons:
        day = _candidate_day(rng)
        age = age_on(p.birth_date, day)
        if MIN_AGE <= age <= MAX_AGE and rng.random() < _probability(p, age):
            p.detained, p.detention_date = True, day
    _plant_extreme(rng, persons, MIN_AGE, lambda p: 2000 <= p.birth_date.year <= 2005, avoid=None)
    youngest = next(p for p in persons if p.detained and p.age_at_detention == MIN_AGE)
    _plant_extreme(rng, persons, MAX_AGE, lambda p: p.birth_date.year <= 1950, avoid=youngest.key)


def _plant_extreme(rng: random.Random, persons: list[Person], age: int, likely, avoid: int | None) -> None:
    """Make one person detained at exactly ``age`` (moving their birth date if needed)."""
    pool = [p for p in persons if likely(p) and p.key != avoid] or [p for p in persons if p.key != avoid]
    p = rng.choice(pool)
    day = random_date(rng, dt.date(2018, 1, 2), DETENTION_LAST)
    anniversary = day.replace(year=day.year - age)
    p.birth_date = anniversary - dt.timedelta(days=rng.randint(0, 360))
    p.detained, p.detention_date = True, day


def _facility_for(rng: random.Random, p: Person, fac: tuple[Facility, ...]) -> Facility:
    if p.age_at_detention is not None and p.age_at_detention < 18:
        return fac[2]
    return rng.choices(fac, weights=(30, 10, 60))[0]


def describe_detentions(rng: random.Random, persons: list[Person]) -> None:
    """Fill reason, status, sentence, facility and cell for every detainee."""
    by_county = {c.name: facilities(c) for c in COUNTIES}
    for p in persons:
        if not p.detained:
            continue
        facility = _facility_for(rng, p, by_county[p.county.name])
        p.facility, p.cell = facility.name, cell_label(rng, facility)
        p.reason = rng.choices(list(REASONS), weights=REASON_WEIGHTS)[0]
        if facility.kind == "detention":
            if rng.random() < 0.7:
                p.status, p.sentence = "已判", rng.choice(SENTENCES)
            else:
                p.status, p.sentence = "在押", ""
        elif facility.kind == "custody":
            p.status, p.sentence = "在押", ""
        else:
            p.status, p.sentence = rng.choice(("教育转化中", "教育转化中", "在押", "已结业")), ""


def choose_photographed(rng: random.Random, persons: list[Person]) -> None:
    """Most detainees are photographed; so are some people who will appear in no list at all."""
    for p in persons:
        if p.detained:
            p.photographed = rng.random() < 0.88
    others = [p for p in persons if not p.detained and age_on(p.birth_date, dt.date(2018, 4, 1)) >= MIN_AGE]
    for p in rng.sample(others, min(len(others), max(1, len(persons) // 12))):
        p.photographed = p.photo_only = True
