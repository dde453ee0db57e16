"""The report as one self-contained HTML page a reporter can read, keep and share.

No external assets and no scripts: inline CSS, bar charts drawn with CSS widths, every value
from the cache escaped (file names and metadata are hostile input). The summary links to each
check and its first finding; every finding has its own anchor (``#f-<check>-<n>``).
"""

from __future__ import annotations

from html import escape

MAX_FINDINGS = 2000  # per check on the page; the JSON report has them all
MAX_ORIGINALS = 20000
BADGE = {"pass": "pass", "warn": "warn", "fail": "fail", "info": "info"}

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","Microsoft YaHei",
sans-serif;margin:0;color:#1d232a;background:#fafafa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;margin:36px 0 6px;border-top:1px solid #ddd;padding-top:18px}
.muted{color:#5b6470}.mono,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
code{overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
th,td{border:1px solid #e1e4e8;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5;font-weight:600}
.badge{display:inline-block;min-width:44px;text-align:center;border-radius:4px;padding:1px 8px;
font-weight:700;font-size:12px;text-transform:uppercase;color:#fff}
.pass{background:#2f7d32}.warn{background:#b26a00}.fail{background:#b3261e}.info{background:#5b6470}
.chart td{border:none;padding:2px 6px}.chart .label{width:32%;text-align:right}
.bar{background:#4a6fa5;height:14px;min-width:1px}.chart .n{width:12%}
.digest{word-break:break-all}
details{margin:10px 0}summary{cursor:pointer}
tr:target{background:#fff3bf}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _badge(status: str) -> str:
    cls = BADGE.get(status, "info")
    return f'<span class="badge {cls}">{_e(status)}</span>'


def _chart(chart: dict | None) -> str:
    if not chart or not chart.get("bars"):
        return ""
    bars = [(str(label), value) for label, value in chart["bars"] if isinstance(value, (int, float))]
    top = max((v for _l, v in bars), default=0) or 1
    rows = "".join(
        f'<tr><td class="label">{_e(label)}</td>'
        f'<td><div class="bar" style="width:{100 * v / top:.1f}%"></div></td>'
        f'<td class="n mono">{v:,}</td></tr>'
        for label, v in bars
    )
    return f'<p class="muted">{_e(chart.get("title", ""))}</p><table class="chart">{rows}</table>'


def _figures(figures: dict) -> str:
    simple = [(k, v) for k, v in figures.items() if isinstance(v, (int, float, str)) or v is None]
    if not simple:
        return ""
    cells = "".join(
        f'<tr><th>{_e(k.replace("_", " "))}</th><td class="mono">{_e(v)}</td></tr>' for k, v in simple
    )
    return f"<details><summary>Figures</summary><table>{cells}</table></details>"


def _findings(check: dict) -> str:
    findings = check["findings"]
    if not findings:
        return '<p class="muted">No findings.</p>'
    shown = findings[:MAX_FINDINGS]
    rows = []
    anchor = f"f-{_e(check['id'])}"
    for n, f in enumerate(shown, 1):
        rows.append(
            f'<tr id="{anchor}-{n}"><td class="mono"><a href="#{anchor}-{n}">{n}</a></td>'
            f"<td>{_badge(f['severity'])}</td><td><code>{_e(f['path'])}</code></td>"
            f'<td class="mono">{_e(f["id_number"])}</td><td>{_e(f["sheet"])}</td>'
            f'<td class="mono">{_e(f["row"])}</td><td>{_e(f["detail"])}</td></tr>'
        )
    more = (
        f'<p class="muted">{len(findings) - len(shown):,} more findings are in the JSON report '
        f"(<code>unsealed verify --json</code>).</p>"
        if len(findings) > len(shown)
        else ""
    )
    return (
        "<table><tr><th>#</th><th>severity</th><th>item path</th><th>ID number</th><th>sheet</th><th>row</th>"
        f"<th>detail</th></tr>{''.join(rows)}</table>{more}"
    )


def _summary(checks: list[dict]) -> str:
    rows = []
    for c in checks:
        first = f' <a href="#f-{_e(c["id"])}-1">first finding</a>' if c["findings"] else ""
        counts = c.get("counts", {})
        rows.append(
            f'<tr><td><a href="#check-{_e(c["id"])}">{_e(c["title"])}</a></td><td>{_badge(c["status"])}</td>'
            f'<td>{_e(c["summary"])}</td><td class="mono">{counts.get("fail", 0)}/{counts.get("warn", 0)}/'
            f"{counts.get('info', 0)}{first}</td></tr>"
        )
    return (
        "<table><tr><th>check</th><th>status</th><th>summary</th><th>findings fail/warn/info</th></tr>"
        f"{''.join(rows)}</table>"
    )


def _manifest(m: dict) -> str:
    versions = "".join(
        f'<tr><td>{_e(k)}</td><td class="mono">{_e(v)}</td></tr>' for k, v in m["checks"].items()
    )
    env = "".join(
        f'<tr><td>{_e(k)}</td><td class="mono">{_e(v)}</td></tr>'
        for k, v in (m.get("environment") or {}).items()
    )
    o = m["originals"]
    files = o["files"][:MAX_ORIGINALS]
    listing = "".join(
        f'<tr><td class="mono">{_e(f["sha256"] or f.get("status", "not stored"))}</td>'
        f'<td><code>{_e(f["path"])}</code></td><td class="mono">{_e(f["size"])}</td></tr>'
        for f in files
    )
    more = (
        f'<p class="muted">{o["count"] - len(files):,} more in the JSON report.</p>'
        if o["count"] > len(files)
        else ""
    )
    tool = f"{m['tool']} {m['tool_version']} (report format {m['report_version']})"
    return f"""<h2 id="manifest">Manifest</h2>
<table><tr><th>tool</th><td class="mono">{_e(tool)}</td></tr>
<tr><th>horizon</th><td class="mono">{_e(m["horizon"]["date"])} ({_e(m["horizon"]["basis"])})</td></tr>
<tr><th>report digest</th><td class="mono digest">{_e(m["digest"])}</td></tr>
<tr><th>digest covers</th><td>{_e(m.get("digest_covers"))}</td></tr>
<tr><th>originals</th><td>{o["count"]:,} items, {o["distinct"]:,} distinct contents; SHA-256 of the
listing (<code>sha256␠␠path</code> lines, sorted):
<span class="mono digest">{_e(o["listing_sha256"])}</span></td></tr></table>
<table><tr><th>check</th><th>version</th></tr>{versions}</table>
<details><summary>Environment (not part of the digest)</summary><table>{env}</table></details>
<details><summary>SHA-256 of every original ({o["count"]:,})</summary>
<table><tr><th>SHA-256</th><th>path</th><th>bytes</th></tr>{listing}</table>{more}</details>"""


def render(report: dict) -> str:
    """One HTML page for a report returned by ``run_verify``."""
    m, checks = report["manifest"], report["checks"]
    sections = []
    for c in checks:
        head = f'<section id="check-{_e(c["id"])}"><h2>{_e(c["title"])} {_badge(c["status"])}</h2>'
        sections.append(f"""{head}
<p>{_e(c["summary"])}</p>{_chart(c.get("chart"))}{_figures(c.get("figures") or {})}{_findings(c)}
<p class="muted"><a href="#top">back to the summary</a></p></section>""")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authenticity report: {_e(m["status"])}</title><style>{CSS}</style></head>
<body><main id="top">
<h1>Authenticity report {_badge(m["status"])}</h1>
<p class="muted">Made by {_e(m["tool"])} {_e(m["tool_version"])} from the case's catalog. Anyone can re-run
<code>unsealed verify</code> on the same cache and compare the digest below: the same files give the same
digest, wherever they are stored.</p>
<p>Report digest: <span class="mono digest">{_e(m["digest"])}</span></p>
{_summary(checks)}
{"".join(sections)}
{_manifest(m)}
</main></body></html>
"""
