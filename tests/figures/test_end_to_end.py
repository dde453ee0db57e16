"""End to end on a synthetic cache of 300 people: figures against truth.json, drill-down, charts, mosaic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from unsealed.figures import compute_stats, explain_figure, make_mosaic, write_charts
from unsealed.figures.explain import UnknownFigure
from unsealed.figures.reasons import group_of
from unsealed.figures.sentences import parse_sentence
from unsealed.figures.stats import figure

GENDER = {"男": "male", "女": "female"}
COUNTS = ("people", "detained", "photographed", "photographed_and_detained", "photographed_in_no_table",
          "minors_at_detention")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.ocr.options import OcrOptions
    from unsealed.people import schema
    from unsealed.store.case import Case
    from unsealed.synth import synthesize

    work = tmp_path_factory.mktemp("figures")
    synthesize(work / "s", people=300, seed=3)
    truth = json.loads((work / "s" / "truth.json").read_text(encoding="utf-8"))
    case = Case.open(work / "case", create=True)
    # no OCR or search index: the figures read neither, and OCR of the scans is most of the ingest time
    ingest(case, [work / "s" / "cache"], IngestOptions(workers=2, index=False, ocr=OcrOptions(mode="never")))
    if not schema.is_current(case.conn):
        from unsealed.people import build_people

        build_people(case)
    yield case, truth, compute_stats(case), work
    case.close()


def _findable(truth: dict) -> list[dict]:
    """Truth persons some table row or photo names: the ones a tool reading the cache can count.

    truth.json's ``people`` counts every invented person, also those only in text files or nowhere.
    """
    return [p for p in truth["persons"] if p["appears_in"] or p["photos"]]


def _truth_sets(truth: dict) -> dict[str, list[dict]]:
    found = _findable(truth)
    return {
        "people": found,
        "detained": [p for p in found if p["detained"]],
        "photographed": [p for p in found if p["photos"]],
        "photographed_and_detained": [p for p in found if p["photos"] and p["detained"]],
        "photographed_in_no_table": [p for p in found if p["photos"] and not p["appears_in"]],
        "minors_at_detention": [p for p in found if p["detained"] and p["age_at_detention"] < 18],
    }


def test_truth_figures_exactly(built):
    _case, truth, stats, _work = built
    t = truth["figures"]
    sets = _truth_sets(truth)
    # every detained or photographed person is findable, so these equal truth.json's own figures
    for fid in COUNTS[1:]:
        assert figure(stats, fid)["value"] == t[fid] == len(sets[fid]), fid
    assert figure(stats, "people")["value"] == len(sets["people"])
    assert figure(stats, "youngest_age")["value"] == t["youngest_age"] == 15
    assert figure(stats, "oldest_age")["value"] == t["oldest_age"] == 73
    assert figure(stats, "staff")["value"] == sum(1 for s in truth["staff"] if s["appears_in"])
    for group, split in t["by_gender"].items():
        got = {b["key"]: b["value"] for b in figure(stats, group)["breakdown"]}
        if group == "people":  # truth counts all invented persons; compare with the findable ones
            split = {g: sum(1 for p in sets["people"] if GENDER[p["gender"]] == g) for g in ("male", "female")}
        assert got == {**split, "unknown": 0}, group
    assert stats["built"] and stats["current"]


def test_youngest_and_oldest_name_who_with_source(built):
    _case, truth, stats, _work = built
    by_number = {p["id_number"]: p for p in truth["persons"]}
    for fid in ("youngest_age", "oldest_age"):
        persons = figure(stats, fid)["persons"]
        expected = {p["id_number"] for p in _truth_sets(truth)["detained"]
                    if p["age_at_detention"] == figure(stats, fid)["value"]}
        assert {p["id_number"] for p in persons} == expected
        for p in persons:
            assert by_number[p["id_number"]]["age_at_detention"] == p["age"]
            src = p["sources"][0]
            assert src["path"] and "derived" in src["basis"] and p["birth_date"] in src["basis"]


def test_distributions_agree_with_truth_person_by_person(built):
    case, truth, stats, _work = built
    from unsealed.figures import population

    pop = population.load(case)
    by_number = {p.id_number: p for p in pop.persons.values()}
    checked = 0
    for t in _truth_sets(truth)["detained"]:
        p = by_number[t["id_number"]]
        if p.fields.get("reason"):
            assert group_of(p.fields["reason"]) == t["reason"]
        if p.fields.get("sentence"):
            assert parse_sentence(p.fields["sentence"]).months == parse_sentence(t["sentence"]).months
        if p.fields.get("facility"):
            assert p.fields["facility"] == t["facility"]
        if p.detention_date:
            assert p.detention_date == t["detention_date"]
        checked += 1
    assert checked == truth["figures"]["detained"]
    for fid in ("reasons", "sentences", "facilities", "statuses", "detentions_by_month", "age_at_detention"):
        f = figure(stats, fid)
        assert sum(b["value"] for b in f["breakdown"]) == f["value"] > 0, fid
        assert f["value"] + f["unknown"] == truth["figures"]["detained"], fid
    reasons = figure(stats, "reasons")
    assert {b["key"] for b in reasons["breakdown"]} <= {t["reason"] for t in truth["persons"] if t["detained"]}
    for b in reasons["breakdown"]:
        assert sum(v["value"] for v in b["variants"]) == b["value"]
        assert all(group_of(v["wording"]) == b["key"] for v in b["variants"])
    s = figure(stats, "sentences")["summary"]
    assert s["terms"] > 0 and s["mean_months"] > 0 and s["unparsed"] == 0


def test_explain_lists_exactly_the_persons_behind_each_figure(built):
    case, truth, stats, _work = built
    sets = _truth_sets(truth)
    for fid in COUNTS:
        result = explain_figure(case, fid)
        assert result["value"] == len(result["rows"]) == figure(stats, fid)["value"], fid
        assert {r["id_number"] for r in result["rows"]} == {p["id_number"] for p in sets[fid]}, fid
        for row in result["rows"]:
            assert row["sources"], (fid, row)
            for src in row["sources"]:
                assert src["path"]
                if fid in ("people", "detained"):
                    assert src["row"] is not None or fid == "people"
    detained = explain_figure(case, "detained")
    assert all(s["sheet"] is not None or s["path"].endswith((".csv", ".txt")) or s["row"] is not None
               for r in detained["rows"] for s in r["sources"])
    minors = explain_figure(case, "minors_at_detention")
    assert all(r["value"] < 18 and "derived" in r["sources"][0]["basis"] for r in minors["rows"])


def test_explain_parts_and_unknown_names(built):
    case, _truth, stats, _work = built
    for fid in ("detained", "reasons", "detentions_by_month", "documents", "photos_by_month"):
        for part in figure(stats, fid)["breakdown"][:3]:
            result = explain_figure(case, f"{fid}:{part['key']}")
            assert result["value"] == part["value"] == len(result["rows"]), (fid, part)
    reason = figure(stats, "reasons")["breakdown"][0]["key"]
    rows = explain_figure(case, f"reasons:{reason}")["rows"]
    assert all(group_of(r["wording"]) == reason and r["sources"][0]["field"] == "reason" for r in rows)
    with pytest.raises(UnknownFigure, match="choose one of"):
        explain_figure(case, "nonsense")
    with pytest.raises(UnknownFigure, match="has no part"):
        explain_figure(case, "reasons:no such reason")


def test_charts_png_and_svg_with_chinese_labels(built):
    _case, _truth, stats, work = built
    from PIL import Image

    result = write_charts(stats, work / "charts", charts=("age_pyramid", "detentions_by_month", "reasons",
                                                          "sentences"))
    names = {Path(f).name for f in result["files"]}
    for chart in ("age_pyramid", "detentions_by_month", "reasons", "sentences"):
        assert {f"{chart}.png", f"{chart}.svg"} <= names
        with Image.open(work / "charts" / f"{chart}.png") as im:
            assert im.width > 500 and im.height > 300
    assert result["font"] and not result["warnings"]
    svg = (work / "charts" / "reasons.svg").read_text(encoding="utf-8")
    top = figure(stats, "reasons")["breakdown"][0]["key"]
    assert "拘留原因" in svg and f">{top}<" in svg  # text, not glyph outlines
    assert "无期" in (work / "charts" / "sentences.svg").read_text(encoding="utf-8") or not any(
        b["key"] == "无期" for b in figure(stats, "sentences")["breakdown"])


def _areas(html: str) -> list[tuple[tuple[int, ...], str]]:
    return [(tuple(int(n) for n in m.group(1).split(",")), m.group(2))
            for m in re.finditer(r'<area shape="rect" coords="([\d,]+)" href="([^"]+)"', html)]


def test_mosaic_tiles_map_and_stable_bytes(built):
    case, _truth, stats, work = built
    from PIL import Image

    out = work / "m1" / "composite.jpg"
    result = make_mosaic(case, out, tile=32, workers=2, chunk=16)
    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert doc["tiles"] == result["tiles"]
    photographed = figure(stats, "photographed")["value"]
    assert len(doc["tiles"]) + len(doc["skipped"]) == photographed and len(doc["tiles"]) >= photographed - 1
    assert len({t["person"] for t in doc["tiles"]}) == len(doc["tiles"])
    with Image.open(out) as im:
        assert (im.width, im.height) == (doc["width"], doc["height"])
    cells = set()
    for t in doc["tiles"]:
        assert 0 <= t["x"] and t["x"] + t["w"] <= doc["width"] and 0 <= t["y"] and t["y"] + t["h"] <= doc["height"]
        assert t["x"] % t["w"] == 0 and t["y"] % t["h"] == 0  # on the grid, so distinct cells never overlap
        cells.add((t["x"], t["y"]))
    assert len(cells) == len(doc["tiles"])
    areas = _areas(out.with_suffix(".html").read_text(encoding="utf-8"))
    assert areas == [((t["x"], t["y"], t["x"] + t["w"], t["y"] + t["h"]), f"people/{t['person']}.html")
                     for t in doc["tiles"]]
    again = work / "m2" / "composite.jpg"
    make_mosaic(case, again, tile=32, workers=2, chunk=16)
    for suffix in (".jpg", ".json", ".html"):
        assert out.with_suffix(suffix).read_bytes() == again.with_suffix(suffix).read_bytes(), suffix


def test_mosaic_options(built):
    case, _truth, stats, work = built
    from unsealed.figures.mosaic import MosaicError

    out = work / "m3" / "faces.png"
    result = make_mosaic(case, out, detained=True, tile=16, cols=10, link="../p/{id_number}/", workers=0)
    assert result["count"] <= figure(stats, "photographed_and_detained")["value"] and result["cols"] == 10
    assert result["width"] == 160 and out.with_name("faces.html").exists()
    detained = {r["person"] for r in explain_figure(case, "detained")["rows"]}
    assert {t["person"] for t in result["tiles"]} <= detained
    assert f'href="../p/{result["tiles"][0]["id_number"]}/"' in out.with_suffix(".html").read_text(encoding="utf-8")
    for bad in ({"link": "{name}.html"}, {"tile": 2}, {"cols": 0}):
        with pytest.raises(MosaicError):
            make_mosaic(case, work / "m4" / "x.jpg", **bad)
    with pytest.raises(MosaicError, match="jpg"):
        make_mosaic(case, work / "m4" / "x.gif")


def test_cli_json_is_the_library_dict_and_errors_are_clear(built, capsys):
    case, _truth, stats, _work = built
    from unsealed.cli import main

    assert main(["stats", "--case", str(case.root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == stats
    assert main(["stats", "--case", str(case.root), "--explain", "minors_at_detention"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Minors at detention:") and "← " in text
    assert main(["stats", "--case", str(case.root), "--explain", "nope"]) == 2
    assert "choose one of" in capsys.readouterr().err
