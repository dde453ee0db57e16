"""The wording of the synthetic documents: speeches, protocols, notices, minutes, reports.

Text is assembled from sentence templates. Each document also carries a unique
document number (文号), so a search can be checked to find exactly one file.
``PHRASES`` are the distinctive terms a reporter would search for; the truth
records which of them each document contains by scanning its final text.
``SCAN_ONLY`` phrases are used by scanned documents and nowhere else, so they
can only be found through OCR.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

PHRASES = (
    "开枪", "鸣枪示警", "收押", "防逃跑", "教育转化", "一人一档", "双人押解", "应收尽收",
    "严打", "去极端化", "不放心人员", "瞭望塔", "全封闭管理", "积分管理", "亲属会见",
)
SCAN_ONLY = ("围墙电网", "夜间双岗", "武装巡逻队", "禁止单独会见", "学员脚镣")

SENTENCES = (
    "各单位要切实做好{fac}的防逃跑工作，确保不发生任何安全事故。",
    "对企图脱逃的人员，哨兵应先鸣枪示警，警告无效的，依法开枪射击。",
    "新收押人员一律实行一人一档管理，按照统一标准采集照片和身份信息。",
    "{fac}要严格落实全封闭管理，瞭望塔二十四小时有人值守。",
    "教育转化工作要做到应收尽收，不漏一户、不漏一人。",
    "对不放心人员要逐一排查，建立台账，做到底数清、情况明。",
    "押解途中必须坚持双人押解，严禁单人押解。",
    "要把去极端化作为当前工作的重中之重，持续保持严打高压态势。",
    "学员实行积分管理，积分结果与亲属会见挂钩。",
    "截至{month}月底，{county}共收押{n}人，其中教育转化{m}人。",
    "各乡镇派出所要在{days}日内完成辖区人员摸排，并将名单报县局。",
    "要加强监室管理，每日清点人数不少于三次。",
    "对{county}重点人员实行一人一策，落实包联责任。",
    "严禁向无关人员透露收押人员信息，违者严肃追责。",
    "各级领导干部要提高政治站位，坚决打赢这场硬仗。",
    "要严格执行请示报告制度，重大情况必须在第一时间上报。",
)
SCAN_SENTENCES = (
    "{fac}围墙电网必须保持通电，每班检查两次并登记。",
    "夜间双岗制度一律不得变通，值班民警不得脱岗。",
    "县局组建武装巡逻队，对{fac}周边实行昼夜巡逻。",
    "学员亲属来访一律禁止单独会见，须有两名以上民警在场。",
    "转移途中学员脚镣手铐必须齐全，逐一检查。",
)
MEETINGS = ("全县维护稳定工作会议", "教育转化工作推进会", "看守所安全管理工作会议", "严打专项行动部署会")
TOPICS = ("加强监管场所安全管理", "做好在押人员亲属摸排工作", "开展严打专项行动", "规范新收押人员信息采集")
GENRES = ("speech", "protocol", "notice", "minutes", "report")
NUMERALS = "一二三四五六七八九十"


@dataclass
class DocText:
    """One document's words and the facts recorded about it in truth.json."""

    genre: str
    title: str
    number: str  # 文号, unique per document
    date: dt.date
    signer: str
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] | None = None  # a table of posts and duties for some protocols

    def full_text(self) -> str:
        cells = [c for row in self.table for c in row] if self.table else []
        return "\n".join([self.title, self.number, *self.paragraphs, *cells])

    def phrases(self) -> list[str]:
        text = self.full_text()
        return [p for p in PHRASES + SCAN_ONLY if p in text]


def _article(i: int) -> str:
    if i <= 10:
        return "第" + NUMERALS[i - 1] + "条"
    return "第十" + NUMERALS[i - 11] + "条"


def _fill(rng: random.Random, template: str, county: str, facility: str) -> str:
    return template.format(fac=facility, county=county, month=rng.randint(1, 12), n=rng.randint(300, 4000),
                           m=rng.randint(100, 2500), days=rng.choice((3, 5, 7, 10, 15)))


def compose(rng: random.Random, genre: str, serial: int, county: str, facility: str, signer: str,
            date: dt.date, scanned: bool = False, scan_phrase: str | None = None) -> DocText:
    """Write one document. ``scan_phrase``, for scans, forces that scan-only phrase in."""
    prefix = "疏" if county == "疏附县" else "特"
    number = f"{prefix}公{'' if scanned else '发'}〔{date.year}〕{serial}号"
    if genre == "speech":
        title = f"在{county}{rng.choice(MEETINGS)}上的讲话"
    elif genre == "protocol":
        title = f"{facility}{rng.choice(('安全管理规定', '防逃跑工作规程', '学员管理实施细则'))}"
    elif genre == "notice":
        title = f"关于{rng.choice(TOPICS)}的通知"
    elif genre == "minutes":
        title = f"{county}维稳工作会议纪要（{date.year}年{date.month}月{date.day}日）"
    else:
        title = f"关于{facility}{date.month}月份收押情况的报告"
    pool = SENTENCES
    body = [_fill(rng, s, county, facility) for s in rng.sample(pool, rng.randint(5, 9))]
    if scanned:
        extra = [s for s in SCAN_SENTENCES if scan_phrase and scan_phrase in s]
        extra += rng.sample(SCAN_SENTENCES, 1)
        body = [_fill(rng, s, county, facility) for s in dict.fromkeys(extra)] + body[:4]
    doc = DocText(genre, title, number, date, signer)
    if genre == "speech":
        doc.paragraphs = ["同志们：", *_group(rng, body), f"{signer}", f"{date.year}年{date.month}月{date.day}日"]
    elif genre == "protocol":
        doc.paragraphs = [f"{_article(i)}　{s}" for i, s in enumerate(body, 1)]
        doc.paragraphs.append(f"{_article(len(body) + 1)}　本规定自{date.year}年{date.month}月{date.day}日起施行。")
        if rng.random() < 0.5:
            doc.table = [["岗位", "职责", "人数"], ["瞭望塔", "全天候观察", "2"], ["监区大门", "进出登记", "2"],
                         ["巡逻", "围墙内外巡查", "4"]]
    else:
        head = "各乡镇派出所、各监管场所：" if genre == "notice" else ""
        doc.paragraphs = [p for p in [head, *_group(rng, body)] if p]
        doc.paragraphs += [f"{county}公安局", f"{date.year}年{date.month}月{date.day}日"]
    return doc


def _group(rng: random.Random, sentences: list[str]) -> list[str]:
    out, i = [], 0
    while i < len(sentences):
        n = rng.randint(1, 3)
        out.append("".join(sentences[i:i + n]))
        i += n
    return out
