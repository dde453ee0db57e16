"""Charts of the figures as PNG and SVG, drawn with matplotlib (Agg, no display needed).

Chinese labels need a CJK font: the first of ``$UNSEALED_CJK_FONT``, Noto Sans CJK, WenQuanYi
Micro/Zen Hei or AR PL (Debian packages fonts-noto-cjk, fonts-wqy-microhei, ...) found on disk is
loaded by path; nothing is downloaded. SVG text stays text (``svg.fonttype: none``), so labels
are searchable and copyable; viewers draw them with any CJK font they have.
"""

from __future__ import annotations

import os
import re
import warnings as warnings_module
from collections.abc import Iterable
from pathlib import Path

from unsealed.figures.stats import figure

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
CHARTS = ("age_pyramid", "detentions_by_month", "photos_by_month", "reasons", "sentences", "facilities")
MALE, FEMALE = "#3b6ea8", "#c8553d"
BAR = "#4a4a4a"
_MARGINS = {"": {"left": 0.09, "right": 0.97, "top": 0.9, "bottom": 0.14},
            "detentions_by_month": {"left": 0.09, "right": 0.97, "top": 0.9, "bottom": 0.2},
            "photos_by_month": {"left": 0.09, "right": 0.97, "top": 0.9, "bottom": 0.2},
            "reasons": {"left": 0.3, "right": 0.95, "top": 0.9, "bottom": 0.1},
            "facilities": {"left": 0.3, "right": 0.95, "top": 0.9, "bottom": 0.1}}


class ChartError(Exception):
    """Charts cannot be written (no matplotlib, or the folder is not writable); says what to do."""


def find_cjk_font() -> str | None:
    """The path of a CJK font file on this machine, or None."""
    override = os.environ.get("UNSEALED_CJK_FONT")
    for path in ((override,) if override else ()) + FONT_CANDIDATES:
        if path and os.path.isfile(path):
            return path
    return None


def write_charts(stats: dict, out_dir: Path | str, formats: Iterable[str] = ("png", "svg"),
                 charts: Iterable[str] = CHARTS) -> dict:
    """Draw the charts of a ``compute_stats`` result into ``out_dir`` (``NAME.png``, ``NAME.svg``).

    Returns ``{"files": [paths], "font": path or None, "warnings": [...]}``.
    """
    try:
        import matplotlib
        from matplotlib import font_manager
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ChartError("charts need matplotlib: pip install matplotlib") from exc
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ChartError(f"cannot create the chart folder {out}: {exc.strerror}") from exc
    wanted = set(charts)
    unknown = wanted - set(CHARTS)
    if unknown:
        raise ChartError(f"no chart {', '.join(sorted(unknown))}: choose from {', '.join(CHARTS)}")
    warnings: list[str] = []
    font = find_cjk_font()
    families = ["DejaVu Sans"]
    if font:
        font_manager.fontManager.addfont(font)
        families.insert(0, font_manager.FontProperties(fname=font).get_name())
    else:
        warnings.append("no CJK font found: Chinese labels will show as boxes; install fonts-wqy-microhei "
                        "or fonts-noto-cjk, or set UNSEALED_CJK_FONT to a .ttf/.ttc/.otf file")
    files: list[str] = []
    rc = {"font.family": families, "svg.fonttype": "none", "svg.hashsalt": "unsealed",
          "axes.spines.top": False, "axes.spines.right": False, "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        for name in (c for c in CHARTS if c in wanted):
            fig = Figure(figsize=(9, 5.5))
            fig.subplots_adjust(**_MARGINS.get(name, _MARGINS[""]))  # fixed: constrained layout doubled the time
            FigureCanvasAgg(fig)  # Agg: no display, no pyplot state
            drawn = _DRAW[name](fig, stats)
            if not drawn:
                warnings.append(f"{name}: nothing to draw")
                continue
            for fmt in formats:
                path = out / f"{name}.{fmt}"
                meta = {"Date": None} if fmt == "svg" else {"Software": None} if fmt == "png" else None
                try:
                    with warnings_module.catch_warnings():  # one warning about the font is enough
                        warnings_module.filterwarnings("ignore", message="Glyph .* missing")
                        fig.savefig(path, format=fmt, dpi=150, metadata=meta)
                except OSError as exc:
                    raise ChartError(f"cannot write {path}: {exc.strerror}") from exc
                files.append(str(path))
    return {"files": files, "font": font, "warnings": warnings}


def _bars(ax, labels: list[str], values: list[int], horizontal: bool, color: str = BAR) -> None:
    if horizontal:
        bars = ax.barh(range(len(values)), values, color=color)
        ax.set_yticks(range(len(values)), labels)
        ax.invert_yaxis()
    else:
        bars = ax.bar(range(len(values)), values, color=color)
        ax.set_xticks(range(len(values)), labels, rotation=90 if len(labels) > 12 else 0)
    ax.bar_label(bars, fontsize=8, padding=2)


def _title(fig, entry: dict, chinese: str) -> None:
    fig.suptitle(f"{entry['title']} · {chinese}", fontsize=13)


def _age_pyramid(fig, stats: dict) -> bool:
    entry = figure(stats, "age_at_detention")
    rows = entry["breakdown"]
    if not rows:
        return False
    ax = fig.subplots()
    labels = [r["key"] for r in rows]
    ys = range(len(rows))
    men = ax.barh(ys, [-r["male"] for r in rows], color=MALE, label="男 male")
    women = ax.barh(ys, [r["female"] for r in rows], color=FEMALE, label="女 female")
    ax.bar_label(men, labels=[str(r["male"]) if r["male"] else "" for r in rows], fontsize=8, padding=2)
    ax.bar_label(women, labels=[str(r["female"]) if r["female"] else "" for r in rows], fontsize=8, padding=2)
    ax.set_yticks(list(ys), labels)
    ax.set_ylabel("拘留时年龄 age at detention")
    ax.set_xlabel("人数 persons")
    lim = max(max(r["male"], r["female"]) for r in rows) * 1.15 or 1
    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{abs(int(x))}")
    ax.axvline(0, color="black", linewidth=0.6)
    ax.legend(loc="lower right")
    _title(fig, entry, "按性别的年龄金字塔")
    return True


def _by_month(fid: str, chinese: str, ylabel: str):
    def draw(fig, stats: dict) -> bool:
        entry = figure(stats, fid)
        rows = entry["breakdown"]
        if not rows:
            return False
        counts = {r["key"]: r["value"] for r in rows}
        months = _months([r["key"] for r in rows])  # months with none are drawn as zero, not skipped
        ax = fig.subplots()
        _bars(ax, months, [counts.get(m, 0) for m in months], horizontal=False)
        if len(months) <= 12:
            fig.subplots_adjust(bottom=0.12)
        ax.set_ylabel(ylabel)
        note = f" (+{entry['unknown']} 日期不详 undated)" if entry.get("unknown") else ""
        ax.set_xlabel("月份 month" + note)
        _title(fig, entry, chinese)
        return True
    return draw


def _months(keys: list[str]) -> list[str]:
    """Every YYYY-MM from the first key to the last (at most 240); the keys as they are if not months."""
    if not all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", k) for k in keys):
        return keys
    first, last = keys[0], keys[-1]
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while len(out) < 240:
        key = f"{y:04d}-{m:02d}"
        out.append(key)
        if key >= last:
            break
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _ranked(fid: str, chinese: str, xlabel: str, limit: int = 20):
    def draw(fig, stats: dict) -> bool:
        entry = figure(stats, fid)
        rows = entry["breakdown"][:limit]
        if not rows:
            return False
        ax = fig.subplots()
        _bars(ax, [r["key"] for r in rows], [r["value"] for r in rows], horizontal=True)
        note = f" (+{entry['unknown']} 不详 unknown)" if entry.get("unknown") else ""
        ax.set_xlabel(xlabel + note)
        _title(fig, entry, chinese)
        return True
    return draw


def _sentences(fig, stats: dict) -> bool:
    entry = figure(stats, "sentences")
    rows = entry["breakdown"]
    if not rows:
        return False
    ax = fig.subplots()
    _bars(ax, [r["key"] for r in rows], [r["value"] for r in rows], horizontal=False)
    s = entry["summary"]
    if s["mean_months"] is not None:
        ax.set_xlabel(f"刑期 sentence — 有期徒刑 fixed terms: mean {s['mean_months']:.1f} months, "
                      f"median {s['median_months']:g} months")
    ax.set_ylabel("人数 persons")
    _title(fig, entry, "刑期")
    return True


_DRAW = {
    "age_pyramid": _age_pyramid,
    "detentions_by_month": _by_month("detentions_by_month", "按月拘留人数", "人数 persons"),
    "photos_by_month": _by_month("photos_by_month", "按月照片数", "照片 photos"),
    "reasons": _ranked("reasons", "拘留原因", "人数 persons"),
    "sentences": _sentences,
    "facilities": _ranked("facilities", "关押场所", "人数 persons"),
}
