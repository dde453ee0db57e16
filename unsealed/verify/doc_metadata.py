"""Check 6, document metadata: created/modified order, dates after the horizon, who wrote the files.

Read from every non-image item whose extraction gave author or date metadata (Word, PDF, RTF,
spreadsheets). Findings:
- modified before created (beyond ``SKEW``, or 14 hours when a time has no UTC offset);
- created or modified after the horizon, with who last modified it;
- an unusual author or last-modified-by: a value that is no generic default (Administrator,
  微软用户, PC-2017..., ...), is no person named in any table, occurs in no other file's text,
  and is rare (under ``RARE_SHARE`` of the documents) or in another script than most authors.
  The real files' early uploads carried reviewers' names exactly there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from unsealed.records import dates, names
from unsealed.verify.base import IMAGE_KINDS, WARN, Check, Context, Finding, Result, status_of

SKEW = dt.timedelta(minutes=1)
NAIVE_SKEW = dt.timedelta(hours=14)  # a time without offset may be local anywhere from UTC-12 to UTC+14
RARE_SHARE = 0.05
MAX_TEXT_LOOKUPS = 200  # unusual names looked up in other files' text (each is a scan of the pages)
PEOPLE_FIELDS = ("author", "last_modified_by")
GENERIC = re.compile(
    r"^(administrator|admin|user|users|owner|guest|author|unknown|microsoft|windows|微软用户|微软中国|微软|"
    r"用户|系统管理员|管理员|个人用户|windows 用户|windows user|lenovo|lenovo user|dell|hp|acer|asus|"
    r"thinkpad|samsung|china|中国|sky|walkinnet|mc sys|ylmf|deepin|番茄花园|雨林木风|深度|ghost|pc|匿名用户|"
    r"(pc|desktop|laptop|win|user|admin)[-_ ]?[0-9a-z]{4,20}|[0-9a-z]{2,12}-pc)$",
    re.IGNORECASE,
)


def when(value: object) -> dt.datetime | None:
    return dates.parse_datetime(value) if value else None


def is_after(t: dt.datetime, horizon: dt.date) -> bool:
    """After the horizon's last day, in the time's own zone (a naive time is taken as written)."""
    return t.date() > horizon


def _order_gap(created: dt.datetime, modified: dt.datetime) -> dt.timedelta | None:
    """How far modified lies before created, beyond the allowed skew; None when the order is fine."""
    aware = created.tzinfo is not None and modified.tzinfo is not None
    if aware:
        gap, skew = created - modified, SKEW
    else:
        gap, skew = created.replace(tzinfo=None) - modified.replace(tzinfo=None), NAIVE_SKEW
    return gap if gap > skew else None


def _script(text: str) -> str:
    if re.search(r"[\u3400-\u9fff]", text):
        return "Chinese"
    if re.search(r"[A-Za-z]", text):
        return "Latin"
    return "other"


class _Names:
    """Who the cache knows: people named in tables, and text of its files (looked up on demand)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.people = {names.key(n) for (n,) in ctx.conn.execute("SELECT name FROM persons") if n}
        self.people.discard("")
        self.lookups = 0
        self._text: dict[str, bool] = {}

    def in_tables(self, value: str) -> bool:
        return names.key(value) in self.people

    def in_text(self, value: str, own: set[str]) -> bool:
        """Whether another file's text contains the value (its own files' text does not count)."""
        if value in self._text:
            return self._text[value]
        if self.lookups >= MAX_TEXT_LOOKUPS or len(value) < 2:
            return True  # cannot tell: do not accuse
        self.lookups += 1
        found = False
        for (sha,) in self.ctx.conn.execute(
            "SELECT DISTINCT sha256 FROM pages WHERE instr(text, ?) > 0", (value,)
        ):
            if sha not in own:
                found = True
                break
        self._text[value] = found
        return found


def run(ctx: Context) -> Result:
    docs = [
        m
        for m in ctx.items
        if m.kind not in IMAGE_KINDS
        and any(m.metadata.get(k) for k in ("author", "last_modified_by", "created", "modified"))
    ]
    horizon = ctx.horizon
    counts: Counter = Counter()
    findings: list[Finding] = []
    census: dict[str, Counter] = {k: Counter() for k in (*PEOPLE_FIELDS, "application")}
    shas_of: dict[tuple[str, str], set[str]] = {}
    for m in docs:
        for key in census:
            value = str(m.metadata.get(key) or "").strip()
            if value:
                census[key][value] += 1
                shas_of.setdefault((key, value), set()).add(m.sha256)
    for m in docs:
        meta, where = m.metadata, {"path": m.path}
        created, modified = when(meta.get("created")), when(meta.get("modified"))
        if created and modified:
            counts["ordered"] += 1
            gap = _order_gap(created, modified)
            if gap is not None:
                counts["modified_before_created"] += 1
                findings.append(
                    Finding(
                        "modified_before_created",
                        WARN,
                        f"modified {meta['modified']} is {gap.days} days "
                        f"{gap.seconds // 3600} hours before created {meta['created']}",
                        values={"created": meta["created"], "modified": meta["modified"]},
                        **where,
                    )
                )
        late = [
            (k, meta[k])
            for k, t in (("created", created), ("modified", modified))
            if t and is_after(t, horizon)
        ]
        if late:
            counts["after_horizon"] += 1
            who = str(meta.get("last_modified_by") or "").strip()
            findings.append(
                Finding(
                    "after_horizon",
                    WARN,
                    " and ".join(f"{k} {v}" for k, v in late)
                    + f" {'are' if len(late) > 1 else 'is'} after the horizon {horizon}"
                    + (f" (last modified by {who!r})" if who else ""),
                    values={**dict(late), "horizon": horizon.isoformat(), "last_modified_by": who or None},
                    **where,
                )
            )
    findings += _unusual_people(ctx, docs, census, shas_of, counts)
    authors = census["author"]
    summary = (
        f"{len(docs):,} documents with metadata: {counts['modified_before_created']} modified before "
        f"created, {counts['after_horizon']} dated after {horizon}, {counts['unusual']} unusual author or "
        f"editor names; {len(authors)} distinct authors (most: "
        f"{', '.join(f'{a} {n}' for a, n in authors.most_common(3)) or 'none'}), "
        f"{len(census['application'])} applications"
    )
    figures = {
        "documents": len(docs),
        "ordered": counts["ordered"],
        "modified_before_created": counts["modified_before_created"],
        "after_horizon": counts["after_horizon"],
        "unusual_names": counts["unusual"],
        "authors": dict(sorted(authors.items())),
        "applications": dict(sorted(census["application"].items())),
        "last_modified_by": dict(sorted(census["last_modified_by"].items())),
    }
    chart = {
        "title": "Most frequent authors",
        "bars": [[a, n] for a, n in sorted(authors.items(), key=lambda kv: (-kv[1], kv[0]))[:12]],
    }
    return Result(status_of(findings), summary, findings, figures, chart)


def _unusual_people(ctx: Context, docs, census, shas_of, counts: Counter) -> list[Finding]:
    known = _Names(ctx)
    total = len({m.sha256 for m in docs}) or 1
    scripts = Counter(
        _script(v)
        for k in PEOPLE_FIELDS
        for v, n in census[k].items()
        for _ in range(n)
        if not GENERIC.match(v)
    )
    usual_script = scripts.most_common(1)[0][0] if scripts else "other"
    unusual: dict[tuple[str, str], str] = {}
    for key in PEOPLE_FIELDS:
        for value, n in sorted(census[key].items()):
            if GENERIC.match(value) or known.in_tables(value):
                continue
            rare, foreign = n / total < RARE_SHARE, _script(value) != usual_script
            if not (rare or foreign):
                continue
            if known.in_text(value, shas_of[(key, value)]):
                continue
            why = [f"on {n} of {total} documents"] + (
                [f"in {_script(value)} script where most names are {usual_script}"] if foreign else []
            )
            unusual[(key, value)] = ", ".join(why)
    out = []
    for m in docs:
        for key in PEOPLE_FIELDS:
            value = str(m.metadata.get(key) or "").strip()
            if (key, value) in unusual:
                counts["unusual"] += 1
                label = "author" if key == "author" else "last modified by"
                out.append(
                    Finding(
                        "unusual_author" if key == "author" else "unusual_editor",
                        WARN,
                        f"{label} {value!r}: {unusual[(key, value)]}, and named nowhere else in the "
                        "cache (no table lists them, no other file's text mentions them)",
                        path=m.path,
                        values={"field": key, "value": value},
                    )
                )
    return out


CHECK = Check("doc_metadata", "Document metadata", 1, run)
