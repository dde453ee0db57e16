"""What the spreadsheets say: detainee lists, relatives lists, a religion list, staff rosters.

Tables are planned in memory as :class:`TableFile` specs (cell values already
rendered the way that file writes them), anomalies are planted into the specs
(``tableplant.py``), and ``sheets.py`` writes them as XLSX, XLS or CSV. Each
file has its own habits: title rows, header wording, date format, ID style and
name separator, like the real lists that came from many hands.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from . import names
from .detention import REASONS, RELIGIOUS
from .people import Person, StaffMember
from .places import COUNTIES, facilities
from .rand import rng_for

# canonical column key -> ways the lists word its header
HEADERS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "name": ("姓名",),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth": ("出生日期", "出生年月日"),
    "age": ("年龄",),
    "address": ("住址", "家庭住址", "户籍地址", "现住址"),
    "id": ("公民身份号码", "身份证号", "身份证号码"),
    "reason": ("拘留原因", "收押原因", "关押原因", "案由"),
    "status": ("状态", "目前状态", "羁押状态"),
    "sentence": ("刑期",),
    "facility": ("关押地点", "羁押场所", "所在单位"),
    "cell": ("楼号/监室", "监室号", "楼号监室"),
    "date": ("收押日期", "入所日期", "拘留日期"),
    "relation": ("与在押人员关系", "与被关押人员关系", "关系"),
    "detainee_name": ("在押人员姓名", "被关押人员姓名"),
    "detainee_id": ("在押人员身份证号", "在押人员公民身份号码"),
    "outcome": ("处理结果", "处理情况"),
    "badge": ("警号",),
    "unit": ("所在单位", "工作单位"),
    "role": ("职务", "岗位"),
}
DATE_FORMATS = ("iso", "slash", "chinese", "compact", "excel")
OUTCOMES = {"detention": "判刑", "custody": "刑事拘留", "camp": "教育转化"}


@dataclass
class Sheet:
    """One sheet (or a whole CSV): title rows, a header row, data rows and who each row names."""

    name: str | None  # None for CSV
    titles: list[str]
    header: list[str]
    keys: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    refs: list[list[tuple[str, int | str]]] = field(default_factory=list)  # per row: (role, person key | staff id)

    def row_number(self, index: int) -> int:
        """The 1-based spreadsheet row of data row ``index``."""
        return len(self.titles) + 2 + index


@dataclass
class TableFile:
    path: str
    format: str  # "xlsx", "xls" or "csv"
    kind: str  # "detainees", "relatives", "religion" or "staff"
    when: dt.datetime
    author: str
    sheets: list[Sheet]
    encoding: str | None = None  # CSV only
    date_format: str = "iso"
    birth_format: str = "iso"
    id_style: str = "text"  # "text", "apostrophe" (every ID) or "mixed"
    separator: str = names.SEP


def render_date(day: dt.date, fmt: str) -> Any:
    """A date as a file writes it; 'excel' keeps a real date for a date cell."""
    if fmt == "iso":
        return day.isoformat()
    if fmt == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if fmt == "chinese":
        return f"{day.year}年{day.month}月{day.day}日"
    if fmt == "compact":
        return f"{day:%Y%m%d}"
    return day


def _new_file(rng: random.Random, path: str, kind: str, when: dt.datetime, author: str, fmt: str) -> TableFile:
    ext = {"xlsx": ".xlsx", "xls": ".xls", "csv": ".csv"}[fmt]
    dates = DATE_FORMATS if fmt != "csv" else DATE_FORMATS[:-1]
    f = TableFile(path + ext, fmt, kind, when, author, [], date_format=rng.choice(dates))
    f.birth_format = f.date_format if rng.random() < 0.8 else rng.choice(dates)
    if fmt == "csv":
        f.encoding = rng.choices(("gbk", "utf-8-sig", "utf-8"), weights=(6, 2, 2))[0]
    f.id_style = rng.choices(("text", "apostrophe", "mixed"), weights=(70, 15, 15))[0]
    seps = names.GBK_SEPARATORS if f.encoding == "gbk" else names.SEPARATORS
    f.separator = rng.choices(seps, weights=(8, 2, 1, 1)[: len(seps)])[0]
    return f


def _id_cell(rng: random.Random, f: TableFile, number: str) -> str:
    if f.id_style == "apostrophe" or (f.id_style == "mixed" and rng.random() < 0.5):
        return "'" + number
    return number


def _header(rng: random.Random, keys: list[str]) -> list[str]:
    return [rng.choice(HEADERS[k]) for k in keys]


def _detainee_keys(rng: random.Random, kind: str) -> list[str]:
    keys = ["seq", "name", "gender", "ethnicity", "birth", "address", "id"]
    if rng.random() < 0.2:
        keys = ["seq", "name", "id", "gender", "ethnicity", "birth", "address"]
    optional = [("reason", 0.9), ("status", 0.7), ("sentence", 0.9 if kind == "detention" else 0.3),
                ("facility", 0.6), ("cell", 0.7), ("date", 0.85)]
    keys += [k for k, share in optional if rng.random() < share]
    if "date" in keys and rng.random() < 0.35:
        keys.insert(keys.index("birth") + 1, "age")
    return keys


def _detainee_row(rng: random.Random, f: TableFile, keys: list[str], i: int, p: Person) -> list[Any]:
    values = {
        "seq": i + 1, "name": names.written(p.name, f.separator), "gender": p.gender, "ethnicity": p.ethnicity,
        "birth": render_date(p.birth_date, f.birth_format), "age": p.age_at_detention, "address": p.address,
        "id": _id_cell(rng, f, p.id_number), "reason": rng.choice(REASONS[p.reason]) if p.reason else None,
        "status": p.status, "sentence": p.sentence or None, "facility": p.facility, "cell": p.cell,
        "date": render_date(p.detention_date, f.date_format) if p.detention_date else None,
    }
    return [values[k] for k in keys]


def _chunks(rng: random.Random, items: list, low: int, high: int) -> list[list]:
    out, i = [], 0
    while i < len(items):
        n = rng.randint(low, high)
        out.append(items[i:i + n])
        i += n
    return out


def _list_date(rng: random.Random, chunk: list[Person]) -> dt.datetime:
    last = max(p.detention_date for p in chunk) + dt.timedelta(days=rng.randint(1, 20))
    return dt.datetime.combine(min(last, dt.date(2018, 8, 20)), dt.time(rng.randint(9, 18), rng.randint(0, 59)))


def detainee_lists(seed: int, persons: list[Person], authors: list[str]) -> list[TableFile]:
    """Detainee lists per facility (several sheets per workbook), plus county summaries naming some again."""
    rng = rng_for(seed, "tables", "detainees")
    files: list[TableFile] = []
    counter = 0
    for county in COUNTIES:
        for fac in facilities(county):
            group = sorted((p for p in persons if p.facility == fac.name), key=lambda p: (p.detention_date, p.key))
            chunks = _chunks(rng, group, 20, 150)
            while chunks:
                fmt = rng.choices(("xlsx", "xls", "csv"), weights=(50, 25, 25))[0]
                take = 1 if fmt == "csv" else min(len(chunks), rng.choice((1, 1, 2, 3)))
                parts, chunks = chunks[:take], chunks[take:]
                when = _list_date(rng, parts[-1])
                counter += 1
                stem = rng.choice((f"{fac.name}在押人员名单{when:%Y%m}", f"在押人员花名册_{when.year}年{when.month}月",
                                   f"{when.month}月份收押人员统计"))
                f = _new_file(rng, f"表格/{county.name}/{fac.name}/{stem}_{counter:04d}", "detainees", when,
                              rng.choice(authors), fmt)
                keys = _detainee_keys(rng, fac.kind)
                header = _header(rng, keys)
                for part in parts:
                    last = max(p.detention_date for p in part)
                    titles = [f"{fac.name}在押人员名单（{last.year}年{last.month}月）"]
                    if rng.random() < 0.4:
                        filed = f"{when.year}年{when.month}月{when.day}日"
                        titles.append(f"填报单位：{county.name}公安局    填报日期：{filed}")
                    if rng.random() < 0.15:
                        titles = []
                    name = None if fmt == "csv" else _sheet_name(rng, f, last)
                    sheet = Sheet(name, titles, header, keys)
                    for i, p in enumerate(part):
                        sheet.rows.append(_detainee_row(rng, f, keys, i, p))
                        sheet.refs.append([("detainees", p.key)])
                    f.sheets.append(sheet)
                _extra_sheet(rng, f)
                files.append(f)
    files += _summaries(rng, persons, authors, _dated(files))
    return files


def _dated(files: list[TableFile]) -> set[int]:
    """Keys of the persons named in a row of a sheet with a detention-date column."""
    return {who for f in files for s in f.sheets if "date" in s.keys for refs in s.refs for _, who in refs}


def _sheet_name(rng: random.Random, f: TableFile, last: dt.date) -> str:
    name = rng.choice((f"{last.month}月", f"{last.year}年{last.month}月", f"Sheet{len(f.sheets) + 1}"))
    taken = {s.name for s in f.sheets}
    base, n = name, 2
    while name in taken:
        name, n = f"{base}({n})", n + 1
    return name


def _extra_sheet(rng: random.Random, f: TableFile) -> None:
    if f.format == "csv" or rng.random() > 0.3:
        return
    if rng.random() < 0.5:
        f.sheets.append(Sheet(f"Sheet{len(f.sheets) + 1}", [], [], []))
    else:
        f.sheets.append(Sheet("说明", ["说明：本表信息以公民身份号码为准，如有出入请及时核对。"], [], []))


def _summaries(rng: random.Random, persons: list[Person], authors: list[str], dated: set[int]) -> list[TableFile]:
    """County summaries (always with a date column): a quarter of the detainees, plus every detainee whose
    facility lists give no detention date, so each detainee's date is written somewhere."""
    files = []
    for county in COUNTIES:
        chosen = [p for p in persons
                  if p.detained and p.county == county and (rng.random() < 0.25 or p.key not in dated)]
        for n, chunk in enumerate(_chunks(rng, chosen, 150, 300), 1):
            when = dt.datetime(2018, 8, rng.randint(21, 31), rng.randint(9, 18), rng.randint(0, 59))
            f = _new_file(rng, f"表格/{county.name}/汇总/{county.name}2018年收押人员汇总表_{n}", "detainees", when,
                          rng.choice(authors), "xlsx")
            keys = ["seq", "name", "gender", "birth", "id", "facility", "reason", "date"]
            sheet = Sheet("汇总", [f"{county.name}2018年收押人员汇总表"], _header(rng, keys), keys)
            for i, p in enumerate(sorted(chunk, key=lambda p: p.id_number)):
                sheet.rows.append(_detainee_row(rng, f, keys, i, p))
                sheet.refs.append([("detainees", p.key)])
            f.sheets.append(sheet)
            files.append(f)
    return files


def relatives_lists(seed: int, persons: list[Person], authors: list[str]) -> list[TableFile]:
    """'Relatives of the detained' lists: each row a relative, with the detainee it belongs to."""
    rng = rng_for(seed, "tables", "relatives")
    files: list[TableFile] = []
    for county in COUNTIES:
        rows: list[tuple[Person, Person, str]] = []
        for d in persons:
            if d.detained and d.county == county and rng.random() < 0.6:
                rows += [(persons[k], d, rel) for k, rel in d.relatives if not persons[k].photo_only]
        for n, chunk in enumerate(_chunks(rng, rows, 100, 250), 1):
            fmt = rng.choices(("xlsx", "xls", "csv"), weights=(60, 20, 20))[0]
            when = dt.datetime(2018, rng.randint(5, 9), rng.randint(1, 28), rng.randint(9, 18), rng.randint(0, 59))
            f = _new_file(rng, f"表格/{county.name}/亲属/在押人员亲属信息_{n:03d}", "relatives", when,
                          rng.choice(authors), fmt)
            keys = ["seq", "name", "id", "relation", "detainee_name", "detainee_id"]
            if rng.random() < 0.5:
                keys.insert(3, "address")
            title = rng.choice((f"{county.name}在押人员亲属信息表", f"在押人员亲属摸排表（{when:%Y}年{when.month}月）"))
            sheet = Sheet(None if fmt == "csv" else "亲属", [title], _header(rng, keys), keys)
            for i, (r, d, rel) in enumerate(chunk):
                values = {"seq": i + 1, "name": names.written(r.name, f.separator), "id": _id_cell(rng, f, r.id_number),
                          "address": r.address, "relation": rel, "detainee_name": names.written(d.name, f.separator),
                          "detainee_id": _id_cell(rng, f, d.id_number)}
                sheet.rows.append([values[k] for k in keys])
                sheet.refs.append([("relatives", r.key), ("relatives-detainee", d.key)])
            f.sheets.append(sheet)
            files.append(f)
    return files


def religion_lists(seed: int, persons: list[Person], authors: list[str]) -> list[TableFile]:
    """One list per county of 'persons struck hard because of religion'."""
    rng = rng_for(seed, "tables", "religion")
    kinds = {fac.name: fac.kind for c in COUNTIES for fac in facilities(c)}
    files = []
    for county in COUNTIES:
        chosen = [p for p in persons if p.detained and p.county == county and p.reason in RELIGIOUS]
        if not chosen:
            continue
        when = dt.datetime(2018, 7, rng.randint(1, 28), 10, rng.randint(0, 59))
        f = _new_file(rng, f"表格/{county.name}/因宗教被严打人员名单", "religion", when, rng.choice(authors), "xlsx")
        keys = ["seq", "name", "gender", "id", "address", "reason", "outcome"]
        sheet = Sheet("名单", [f"{county.name}因宗教问题被严打人员名单"], _header(rng, keys), keys)
        for i, p in enumerate(chosen):
            values = {"seq": i + 1, "name": names.written(p.name, f.separator), "gender": p.gender,
                      "id": _id_cell(rng, f, p.id_number), "address": p.address,
                      "reason": rng.choice(REASONS[p.reason]), "outcome": OUTCOMES[kinds[p.facility]]}
            sheet.rows.append([values[k] for k in keys])
            sheet.refs.append([("religion", p.key)])
        f.sheets.append(sheet)
        files.append(f)
    return files


def staff_rosters(seed: int, staff: list[StaffMember]) -> list[TableFile]:
    """A roster of police and auxiliary staff per county."""
    rng = rng_for(seed, "tables", "staff")
    files = []
    for county in COUNTIES:
        members = [s for s in staff if s.facility.startswith(county.name)]
        when = dt.datetime(2018, 3, rng.randint(1, 28), 11, rng.randint(0, 59))
        f = _new_file(rng, f"表格/{county.name}/民警辅警花名册", "staff", when, "Administrator", "xls")
        keys = ["seq", "name", "gender", "ethnicity", "id", "badge", "role", "unit"]
        sheet = Sheet("花名册", [f"{county.name}公安局民警辅警花名册"], _header(rng, keys), keys)
        for i, s in enumerate(members):
            values = {"seq": i + 1, "name": names.written(s.name, f.separator), "gender": s.gender,
                      "ethnicity": s.ethnicity, "id": _id_cell(rng, f, s.id_number), "badge": s.badge,
                      "role": s.role, "unit": s.facility}
            sheet.rows.append([values[k] for k in keys])
            sheet.refs.append([("staff", s.id_number)])
        f.sheets.append(sheet)
        files.append(f)
    return files
