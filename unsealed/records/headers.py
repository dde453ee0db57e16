"""Recognising person tables: which row is the header, and which column holds which field.

Lists come from many hands: a title row or two above the header, headers worded a dozen
ways (姓名/名字/name, 公民身份号码/身份证号/ID, ...), extra columns nobody planned. A header
cell is folded (full-width, spaces, "*", trailing colon, a parenthesised note such as
"（18位）") and then looked up: first exact wordings, then ordered substring rules, so
"在押人员姓名" is the detainee's name and not the row's own name. Columns no rule knows
are kept under their header text (``extra``), never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Canonical fields of a person row.
FIELDS = (
    "seq",
    "name",
    "id_number",
    "gender",
    "ethnicity",
    "birth_date",
    "age",
    "address",
    "reason",
    "status",
    "sentence",
    "facility",
    "building",
    "cell",
    "detention_date",
    "relation",
    "detainee_name",
    "detainee_id",
    "outcome",
    "badge",
    "role",
    "phone",
)

# Exact wordings (after folding).
EXACT: dict[str, str] = {}
for _field, _words in {
    "seq": ("序号", "编号", "序", "no", "no.", "#", "number"),
    "name": ("姓名", "名字", "name", "fullname", "人员姓名", "本人姓名", "姓名(中文)"),
    "id_number": (
        "公民身份号码",
        "身份证号",
        "身份证号码",
        "身份证",
        "id",
        "idnumber",
        "idno",
        "证件号码",
        "证件号",
        "身份号码",
        "公民身份证号码",
        "公民身份证号",
        "身份证件号码",
    ),
    "gender": ("性别", "gender", "sex"),
    "ethnicity": ("民族", "ethnicity", "nation", "族别"),
    "birth_date": ("出生日期", "出生年月日", "出生年月", "生日", "birthdate", "dateofbirth", "dob", "birth"),
    "age": ("年龄", "年纪", "age", "岁数", "周岁"),
    "address": (
        "住址",
        "户籍地址",
        "家庭住址",
        "现住址",
        "户籍地",
        "居住地址",
        "地址",
        "address",
        "户籍所在地",
        "现居住地",
        "住所",
    ),
    "reason": (
        "拘留原因",
        "收押原因",
        "关押原因",
        "reason",
        "案由",
        "原因",
        "涉嫌罪名",
        "罪名",
        "收押事由",
        "主要问题",
        "charge",
    ),
    "status": ("状态", "目前状态", "羁押状态", "在押状态", "现状", "status", "当前状态"),
    "sentence": ("刑期", "判处刑期", "sentence", "判决刑期"),
    "facility": (
        "关押地点",
        "羁押场所",
        "所在单位",
        "facility",
        "关押场所",
        "羁押地点",
        "所在监所",
        "监所",
        "所在看守所",
        "关押单位",
        "收押单位",
        "prison",
    ),
    "building": ("楼号", "楼栋", "building"),
    "cell": ("监室", "监室号", "楼号/监室", "楼号监室", "楼号-监室", "监号", "cell", "房号"),
    "detention_date": (
        "收押日期",
        "入所日期",
        "拘留日期",
        "羁押日期",
        "收押时间",
        "入所时间",
        "拘留时间",
        "detentiondate",
        "关押日期",
        "关押时间",
    ),
    "relation": (
        "与在押人员关系",
        "与被关押人员关系",
        "关系",
        "与本人关系",
        "亲属关系",
        "relation",
        "relationship",
        "称谓",
        "与户主关系",
    ),
    "detainee_name": ("在押人员姓名", "被关押人员姓名", "在押人姓名", "被拘留人员姓名", "在押人员"),
    "detainee_id": (
        "在押人员身份证号",
        "在押人员公民身份号码",
        "在押人员身份证号码",
        "被关押人员身份证号",
        "在押人身份证号",
    ),
    "outcome": ("处理结果", "处理情况", "处理意见", "outcome"),
    "badge": ("警号", "badge"),
    "role": ("职务", "岗位", "职位", "role"),
    "phone": ("电话", "联系电话", "手机号", "手机号码", "phone"),
}.items():
    for _w in _words:
        EXACT[_w] = _field

# Substring rules, most specific first (checked when no exact wording matched).
CONTAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("detainee_id", ("在押人员身份", "被关押人员身份", "在押人员公民身份", "在押人员证件")),
    ("detainee_name", ("在押人员姓名", "被关押人员姓名", "在押人员名")),
    ("relation", ("关系",)),
    ("id_number", ("身份证", "身份号码", "公民身份")),
    ("birth_date", ("出生",)),
    ("detention_date", ("收押日期", "拘留日期", "羁押日期", "入所日期", "收押时间", "关押日期")),
    ("reason", ("原因", "事由", "罪名")),
    ("facility", ("关押地点", "羁押场所", "看守所", "监所")),
    ("cell", ("监室",)),
    ("address", ("住址", "户籍", "地址")),
    ("name", ("姓名",)),
    ("ethnicity", ("民族",)),
    ("gender", ("性别",)),
    ("sentence", ("刑期",)),
    ("status", ("状态",)),
    ("age", ("年龄", "年纪")),
)

# Fields that make a row about a person (at least one must be a column).
IDENTITY = ("name", "id_number")
HEADER_SCAN_ROWS = 15

_PAREN = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")
_NOISE = re.compile(r"[\s*:：_\-]+")


@lru_cache(maxsize=8192)
def fold(header: str) -> str:
    """A header cell folded for lookup: full-width, spaces, '*', colons and a parenthesised note removed."""
    text = unicodedata.normalize("NFKC", header or "").strip().lower()
    bare = _NOISE.sub("", _PAREN.sub("", text))
    return bare or _NOISE.sub("", text)


@lru_cache(maxsize=16384)
def field_of(header: str) -> str | None:
    """The canonical field a header cell names, or None for a column no rule knows."""
    text = unicodedata.normalize("NFKC", header or "").strip().lower()
    if not text or len(text) > 40 or sum(c.isdigit() for c in text) > 4:
        return None  # data, not a header
    for candidate in (_NOISE.sub("", text), fold(header)):
        if candidate in EXACT:
            return EXACT[candidate]
    folded = fold(header)
    for name, needles in CONTAINS:
        if any(n in folded for n in needles):
            return name
    return None


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as written
    field: str  # canonical field, or "extra"

    @property
    def key(self) -> str:
        """Where the value goes: the canonical field, or the folded header text for an extra column."""
        return self.field if self.field != "extra" else (fold(self.header) or f"column {self.index + 1}")


@dataclass(frozen=True)
class Header:
    row: int  # the row number (as in table_rows) of the header
    columns: tuple[Column, ...]

    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field != "extra"}

    def column(self, field: str) -> Column | None:
        for c in self.columns:
            if c.field == field:
                return c
        return None


def map_header(cells: list[str]) -> list[Column]:
    """Columns of a header row: each non-empty cell with its field (a field claimed twice keeps the first)."""
    return list(_map_header(tuple(cells)))


@lru_cache(maxsize=1024)
def _map_header(cells: tuple[str, ...]) -> tuple[Column, ...]:
    out: list[Column] = []
    taken: set[str] = set()
    for i, cell in enumerate(cells):
        text = (cell or "").strip()
        if not text:
            continue
        field = field_of(text)
        if field is None or field in taken:
            field = "extra"
        else:
            taken.add(field)
        out.append(Column(i, text, field))
    return tuple(out)


# Every wording of a name or ID header holds one of these (a cheap test before mapping a row's cells).
_IDENTITY_HINTS = ("名", "身份", "证", "在押", "id", "name", "ｉｄ", "ｎａｍｅ")
_HINT = re.compile("|".join(_IDENTITY_HINTS), re.IGNORECASE)


def score(cells: list[str]) -> int:
    """How much a row looks like a person-table header: the number of distinct known fields it names."""
    if not _HINT.search("\t".join(c for c in cells if c)):
        return 0
    known = {field_of(c) for c in cells if c and c.strip()}
    known.discard(None)
    if not known & {"name", "id_number", "detainee_name", "detainee_id"}:
        return 0
    return len(known)


def detect(rows: list[tuple[int, list[str]]]) -> Header | None:
    """The header among a sheet's first rows ((number, cells) pairs), or None if it is no person table.

    The header is the first best-scoring row naming a name or ID column and at least one
    more known field; title rows above it (one merged cell, a date line) score 0 or 1.
    """
    best: tuple[int, int, list[str]] | None = None
    for number, cells in rows[:HEADER_SCAN_ROWS]:
        s = score(cells)
        if s >= 2 and (best is None or s > best[0]):
            best = (s, number, cells)
    if best is None:
        return None
    columns = _map_header(tuple(best[2]))
    if not {c.field for c in columns} & set(IDENTITY):
        return None
    return Header(best[1], columns)
