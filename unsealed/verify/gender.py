"""Check 2, gender digit: the gender column (性别) against the ID number's 17th digit (odd: male).

Only rows with a valid ID and a readable gender cell are compared; the rest are counted.
"""

from __future__ import annotations

from collections import Counter

from unsealed.records import idnumber, values
from unsealed.verify.base import WARN, Check, Context, Finding, Result, pct, share, status_of

_WORD = {"male": "male", "female": "female"}


def run(ctx: Context) -> Result:
    counts: Counter = Counter()
    findings = []
    for rec in ctx.records:
        id_cell, gender_cell = rec.first("id_number"), rec.first("gender")
        if gender_cell is None:
            continue
        parsed = idnumber.parse(id_cell[0]) if id_cell else None
        if parsed is None or not parsed.usable:
            counts["no_valid_id"] += 1
            continue
        written = values.gender(gender_cell[0])
        if written not in _WORD:
            counts["unreadable"] += 1
            continue
        counts["compared"] += 1
        if written == parsed.gender:
            counts["agree"] += 1
            continue
        digit = parsed.number[16]
        findings.append(
            Finding(
                "gender_mismatch",
                WARN,
                f"{gender_cell[1]} says {gender_cell[0]} ({written}) but the ID's 17th digit {digit} is "
                f"{'odd' if int(digit) % 2 else 'even'}: {parsed.gender}",
                path=rec.path,
                sheet=rec.sheet,
                row=rec.row,
                id_number=parsed.number,
                values={
                    "column": gender_cell[1],
                    "written": gender_cell[0],
                    "from_id": parsed.gender,
                    "digit": digit,
                },
            )
        )
    compared, agree = counts["compared"], counts["agree"]
    summary = (
        f"{agree:,} of {compared:,} gender cells agree with the ID's 17th digit ({pct(agree, compared)}); "
        f"{compared - agree} disagree; {counts['no_valid_id']} rows without a valid ID and "
        f"{counts['unreadable']} unreadable gender cells not compared"
    )
    figures = {
        "compared": compared,
        "agree": agree,
        "disagree": compared - agree,
        "no_valid_id": counts["no_valid_id"],
        "unreadable": counts["unreadable"],
        "agree_share": share(agree, compared),
    }
    chart = {"title": "Gender cells", "bars": [["agree with the ID", agree], ["disagree", compared - agree]]}
    return Result(status_of(findings, compared, compared - agree), summary, findings, figures, chart)


CHECK = Check("gender", "Gender column against the ID's 17th digit", 1, run)
