"""The two counties of the real leak, their townships, invented villages and facilities."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class County:
    region: str  # GB/T 2260 code, the first six digits of residents' ID numbers
    name: str
    prefecture: str
    towns: tuple[str, ...]
    weight: float  # share of the invented population


COUNTIES = (
    County(
        "653121", "疏附县", "喀什地区",
        ("托克扎克镇", "兰干乡", "吾库萨克镇", "塔什米里克乡", "木什乡", "站敏乡", "布拉克苏乡", "铁日木乡"),
        0.6,
    ),
    County(
        "654027", "特克斯县", "伊犁哈萨克自治州",
        ("特克斯镇", "乔拉克铁热克镇", "喀拉达拉镇", "齐勒乌泽克乡", "喀拉托海乡", "阔克铁热克乡", "阔克苏乡"),
        0.4,
    ),
)
BY_NAME = {c.name: c for c in COUNTIES}

VILLAGE_HEADS = ("阿亚格", "英买里", "巴格", "库木", "托万", "喀拉", "其兰", "阔纳", "博斯坦", "恰瓦克")


@dataclass(frozen=True)
class Facility:
    name: str
    county: str
    kind: str  # "detention" (看守所: sentences), "custody" (拘留所), "camp" (教培中心)
    buildings: int


def facilities(county: County) -> tuple[Facility, ...]:
    """The facilities of a county, in a fixed order."""
    c = county.name
    return (
        Facility(f"{c}看守所", c, "detention", 4),
        Facility(f"{c}拘留所", c, "custody", 2),
        Facility(f"{c}职业技能教育培训中心", c, "camp", 8),
    )


def choose_county(rng: random.Random) -> County:
    """A county, weighted by its share of the population."""
    return rng.choices(COUNTIES, weights=[c.weight for c in COUNTIES])[0]


def household_address(rng: random.Random, county: County) -> str:
    """An invented street address in a real township of the county."""
    town = rng.choice(county.towns)
    village = rng.choice((f"{rng.choice(VILLAGE_HEADS)}村", f"{rng.randint(1, 16)}村"))
    return (
        f"新疆维吾尔自治区{county.prefecture}{county.name}{town}{village}"
        f"{rng.randint(1, 9)}组{rng.randint(1, 120)}号"
    )


def cell_label(rng: random.Random, facility: Facility) -> str:
    """A building and cell, written as the lists do: '3号楼-204'."""
    return f"{rng.randint(1, facility.buildings)}号楼-{rng.randint(1, 4)}{rng.randint(1, 20):02d}"
