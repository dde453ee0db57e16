"""Per-person files: the "one person, one file" dossiers (一人一档) and household-visit notes.

These give the cache its bulk of small files, as in a real police file share:
a registration form and an interview note per detainee, a monthly score sheet
per month in custody, and a visit note per relative left at home. Their words
avoid the distinctive document phrases in ``texts.PHRASES`` where they can, so
search precision can be tested on the documents.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from . import names
from .detention import REASONS
from .output import CacheWriter
from .people import Person, StaffMember
from .rand import age_on, office_time, rng_for

LAST_SCORE_MONTH = {"camp": (2018, 11), "other": (2018, 7)}
INTERVIEW = (
    "本人表示愿意认真学习国家通用语言和法律法规知识。",
    "本人对所犯错误有一定认识，思想较为稳定。",
    "本人提出希望了解家中老人身体情况。",
    "谈话中情绪平稳，能够如实回答问题。",
    "本人表示今后遵守各项规定，服从管理。",
)


@dataclass
class FileJob:
    path: str
    kind: str  # "register", "interview", "scores", "visit"
    person: int
    when: dt.datetime
    other: int | None = None  # for a visit note: the detained relative
    relation: str | None = None
    month: tuple[int, int] | None = None


def _months(first: dt.date, last: tuple[int, int]) -> list[tuple[int, int]]:
    y, m = max((first.year, first.month), (2018, 1))
    out = []
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def plan(seed: int, persons: list[Person]) -> list[FileJob]:
    """Every per-person file to write, in writing order."""
    rng = rng_for(seed, "dossiers")
    jobs: list[FileJob] = []
    for p in persons:
        if not p.detained or rng.random() > 0.85:
            continue
        folder = f"一人一档/{p.county.name}/{p.id_number}_{names.written(p.name, '')}"
        start = office_time(rng, p.detention_date)
        jobs.append(FileJob(f"{folder}/登记表.txt", "register", p.key, start))
        talk = office_time(rng, p.detention_date + dt.timedelta(days=rng.randint(3, 40)))
        talk = min(talk, dt.datetime(2018, 12, 20, 16, 0))
        jobs.append(FileJob(f"{folder}/谈话记录_{talk:%Y%m%d}.txt", "interview", p.key, talk))
        last = LAST_SCORE_MONTH["camp" if p.facility and p.facility.endswith("培训中心") else "other"]
        for y, m in _months(p.detention_date, last):
            when = dt.datetime(y, m, 28, 17, rng.randint(0, 59))
            jobs.append(FileJob(f"{folder}/考评/{y}-{m:02d}.csv", "scores", p.key, when, month=(y, m)))
    visits: dict[str, int] = {}  # a relative of two detainees may be visited twice on one day: two files
    for d in persons:
        if not d.detained:
            continue
        for k, relation in d.relatives:
            r = persons[k]
            if r.detained or r.photo_only or age_on(r.birth_date, d.detention_date) < 16 or rng.random() > 0.5:
                continue
            when = office_time(rng, d.detention_date + dt.timedelta(days=rng.randint(5, 60)))
            when = min(when, dt.datetime(2018, 12, 20, 16, 0))
            stem = f"家访记录/{r.county.name}/{r.id_number}_{when:%Y%m%d}"
            visits[stem] = visits.get(stem, 0) + 1
            suffix = f"_{visits[stem]}" if visits[stem] > 1 else ""
            jobs.append(FileJob(f"{stem}{suffix}.txt", "visit", r.key, when, other=d.key, relation=relation))
    return jobs


def _register(rng, p: Person, persons: list[Person], clerk: str, when: dt.datetime) -> str:
    lines = [
        "在押人员登记表", f"姓名：{p.name}", f"性别：{p.gender}", f"民族：{p.ethnicity}",
        f"出生日期：{p.birth_date.year}年{p.birth_date.month}月{p.birth_date.day}日", f"公民身份号码：{p.id_number}",
        f"住址：{p.address}", f"入所日期：{p.detention_date.year}年{p.detention_date.month}月{p.detention_date.day}日",
        f"关押地点：{p.facility} {p.cell}", f"原因：{rng.choice(REASONS[p.reason])}", "家庭成员：",
    ]
    for k, relation in p.relatives:
        r = persons[k]
        if not r.photo_only:
            lines.append(f"  {relation}  {r.name}  {r.id_number}")
    lines.append(f"填表人：{clerk}    填表日期：{when.year}年{when.month}月{when.day}日")
    return "\r\n".join(lines) + "\r\n"


def _interview(rng, p: Person, clerk: str, when: dt.datetime) -> str:
    lines = [
        "谈话记录", f"时间：{when:%Y年%m月%d日 %H:%M}", f"地点：{p.facility}", f"谈话人：{clerk}",
        f"被谈话人：{p.name}（{p.id_number}）", "内容：" + "".join(rng.sample(INTERVIEW, 3)),
    ]
    return "\r\n".join(lines) + "\r\n"


def _scores(rng, p: Person, month: tuple[int, int]) -> tuple[bytes, int]:
    study, work, rules = rng.randint(20, 40), rng.randint(15, 30), rng.randint(15, 30)
    total = study + work + rules
    grade = "优" if total >= 85 else "良" if total >= 70 else "中" if total >= 55 else "差"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["姓名", "公民身份号码", "月份", "学习", "劳动", "纪律", "总分", "等级"])
    w.writerow([p.name, p.id_number, f"{month[0]}年{month[1]}月", study, work, rules, total, grade])
    return buf.getvalue().encode("utf-8-sig"), 2


def _visit(rng, r: Person, d: Person, relation: str, clerk: str, when: dt.datetime) -> str:
    lines = [
        "家访记录", f"走访时间：{when:%Y年%m月%d日}", f"走访人：{clerk}", f"走访对象：{r.name}（{r.id_number}）",
        f"住址：{r.address}", f"情况：走访对象系在押人员{d.name}（{d.id_number}）的{relation}，家庭生活基本正常。",
    ]
    return "\r\n".join(lines) + "\r\n"


def write(seed: int, writer: CacheWriter, jobs: list[FileJob], persons: list[Person],
          staff: list[StaffMember]) -> None:
    """Write every planned per-person file and note where each person appears or is mentioned."""
    rng = rng_for(seed, "dossiers", "text")
    clerks = [s.name for s in staff] or ["值班民警"]
    for job in jobs:
        p = persons[job.person]
        clerk = rng.choice(clerks)
        if job.kind == "scores":
            data, row = _scores(rng, p, job.month)
            p.appears_in.append({"path": job.path, "sheet": None, "row": row, "table": "scores"})
            writer.write(job.path, data, job.when)
            continue
        if job.kind == "register":
            text = _register(rng, p, persons, clerk, job.when)
        elif job.kind == "interview":
            text = _interview(rng, p, clerk, job.when)
        else:
            d = persons[job.other]
            text = _visit(rng, p, d, job.relation, clerk, job.when)
            d.mentioned_in.append(job.path)
        p.mentioned_in.append(job.path)
        if job.kind == "register":
            for k, _ in p.relatives:
                if not persons[k].photo_only:
                    persons[k].mentioned_in.append(job.path)
        writer.write(job.path, text.encode("gb18030"), job.when)
