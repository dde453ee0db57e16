"""Check 1, ID checksums: how many ID numbers are valid, and where each invalid one appears.

Validity is ``unsealed.records.idnumber``'s (python-stdnum's check character and a real birth
date; a region code that stdnum's table dates later than the birth, as for real Tekes numbers,
does not make a number invalid). Read from every ID cell of every person table and every
ID-shaped number in file and folder names. Full-width and old 15-digit numbers are valid but
reported as quirks; a number Excel turned into a float is invalid (its last digits are lost).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from stdnum.cn.ric import calc_check_digit

from unsealed.records import idnumber
from unsealed.verify.base import FAIL, INFO, WARN, Check, Context, Finding, Result, pct, share, status_of

_KIND = {
    idnumber.BAD_CHECKSUM: "bad_checksum",
    idnumber.EXCEL_FLOAT: "excel_float",
    idnumber.BAD_DATE: "bad_birth_date",
    idnumber.BAD_FORMAT: "bad_format",
}
# An ID-shaped token in a name: 17 digits and a check character, not part of a longer number.
_IN_NAME = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def _cell_findings(ctx: Context, counts: Counter) -> list[Finding]:
    out = []
    for rec in ctx.records:
        for raw, header in rec.cells.get("id_number", []):
            parsed = idnumber.parse(raw)
            if parsed.status == idnumber.EMPTY:
                continue
            counts["cells"] += 1
            where = dict(path=rec.path, sheet=rec.sheet, row=rec.row)
            if parsed.usable:
                counts["valid_cells"] += 1
                if any("０" <= c <= "９" for c in raw):
                    counts["fullwidth"] += 1
                    out.append(
                        Finding(
                            "fullwidth",
                            INFO,
                            f"valid ID written in full-width digits in column {header}",
                            id_number=parsed.number,
                            values={"column": header, "written": raw},
                            **where,
                        )
                    )
                if parsed.status == idnumber.OLD15:
                    counts["old15"] += 1
                    out.append(
                        Finding(
                            "old15",
                            INFO,
                            f"old 15-digit ID in column {header}, read as {parsed.number}",
                            id_number=parsed.number,
                            values={"column": header, "written": raw},
                            **where,
                        )
                    )
                continue
            kind = _KIND.get(parsed.status, "bad_format")
            counts[kind] += 1
            written = idnumber.clean(raw)
            problem = parsed.problem
            if parsed.status == idnumber.EXCEL_FLOAT and len(written) == 18 and written.isdigit():
                # 18 digits ending in zeros: Excel's lost digits, or a typing error in the check character
                check = calc_check_digit(written)
                problem += f", or its check character is wrong (the first 17 digits give {check})"
            out.append(
                Finding(
                    kind,
                    WARN,
                    f"column {header}: {problem}",
                    id_number=written if len(written) in (15, 18) else None,
                    values={"column": header, "written": raw, "status": parsed.status},
                    **where,
                )
            )
    return out


def _name_findings(ctx: Context, counts: Counter) -> list[Finding]:
    """ID-shaped numbers in file and folder names (photo names carry the person's ID)."""
    seen: set[str] = set()
    out = []
    for item in ctx.items:
        parts = item.path.split("/")
        for i in range(len(parts)):
            prefix = "/".join(parts[: i + 1])
            if prefix in seen:
                continue
            seen.add(prefix)
            for token in _IN_NAME.findall(unicodedata.normalize("NFKC", parts[i])):
                parsed = idnumber.parse(token)
                counts["names"] += 1
                if parsed.usable:
                    counts["valid_names"] += 1
                    continue
                kind = _KIND.get(parsed.status, "bad_format")
                counts[kind] += 1
                what = "file" if i == len(parts) - 1 else "folder"
                out.append(
                    Finding(
                        kind,
                        WARN,
                        f"{what} name holds {token}: {parsed.problem}",
                        path=prefix,
                        id_number=token.upper(),
                        values={"written": token, "status": parsed.status, "in": what},
                    )
                )
    return out


def run(ctx: Context) -> Result:
    counts: Counter = Counter()
    findings = _cell_findings(ctx, counts) + _name_findings(ctx, counts)
    total, valid = counts["cells"] + counts["names"], counts["valid_cells"] + counts["valid_names"]
    invalid = total - valid
    summary = (
        f"{valid:,} of {total:,} ID numbers valid ({pct(valid, total)}): {counts['valid_cells']:,} of "
        f"{counts['cells']:,} table cells, {counts['valid_names']:,} of {counts['names']:,} in file or "
        f"folder names; {counts['bad_checksum']} wrong check character, {counts['excel_float']} "
        f"rounded by Excel, {counts['bad_birth_date']} impossible birth date, {counts['bad_format']} "
        f"malformed; quirks: {counts['fullwidth']} full-width, {counts['old15']} old 15-digit"
    )
    figures = {
        k: counts[k]
        for k in (
            "cells",
            "valid_cells",
            "names",
            "valid_names",
            "bad_checksum",
            "excel_float",
            "bad_birth_date",
            "bad_format",
            "fullwidth",
            "old15",
        )
    }
    figures["valid_share"] = share(valid, total)
    status = status_of(findings, total, invalid)
    if status == FAIL:
        summary += (
            f" — more than {pct(5, 100)} invalid: numbers like these are not what police systems export"
        )
    chart = {
        "title": "ID numbers",
        "bars": [
            ["valid", valid],
            ["wrong check character", counts["bad_checksum"]],
            ["rounded by Excel", counts["excel_float"]],
            ["impossible birth date", counts["bad_birth_date"]],
            ["malformed", counts["bad_format"]],
        ],
    }
    return Result(status, summary, findings, figures, chart)


CHECK = Check("checksums", "ID numbers: check character and birth date", 1, run)
