"""The FollowTheMoney export, validated with the followthemoney library itself."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from unsealed.export import ExportError, export_case
from unsealed.store.case import Case

ftm = pytest.importorskip("followthemoney", reason="followthemoney is a dependency: pip install -e .")


@pytest.fixture(scope="module")
def entities(synth_case, tmp_path_factory):
    case_dir, _ = synth_case
    out = tmp_path_factory.mktemp("ftm") / "case.ftm.json"
    with Case.open(case_dir, readonly=True) as case:
        result = export_case(case, "ftm", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == result["entities"]
    return [json.loads(line) for line in lines], result


def test_every_entity_is_valid_ftm(entities):
    from followthemoney import model

    data, _ = entities
    ids = set()
    for d in data:
        proxy = model.get_proxy(d, cleaned=False)  # raises on an unknown schema or property
        assert proxy.schema.validate(d) is None
        for name in proxy.schema.required:
            assert proxy.get(name), (d["schema"], name)
        for name, values in d["properties"].items():
            prop = proxy.schema.get(name)
            assert prop is not None, (d["schema"], name)
            for v in values:
                assert prop.type.clean(v) is not None, (d["schema"], name, v)
        assert d["id"] not in ids
        ids.add(d["id"])
    for d in data:  # every reference points at an entity in the file
        proxy = model.get_proxy(d, cleaned=False)
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in ids, (d["schema"], prop.name, value)


def test_persons_carry_the_truth(entities, synth_case):
    data, result = entities
    _, truth = synth_case
    persons = {d["properties"]["idNumber"][0]: d for d in data if d["schema"] == "Person" and
               d["properties"].get("idNumber")}
    assert result["counts"]["Person"] == len([d for d in data if d["schema"] == "Person"])
    checked = 0
    for p in truth["persons"]:
        e = persons.get(p["id_number"])
        if e is None:
            continue
        props = e["properties"]
        assert props["birthDate"] == [p["birth_date"]]
        assert props["gender"] == [{"男": "male", "女": "female"}[p["gender"]]]
        assert props["nationality"] == ["cn"]
        checked += 1
    assert checked >= 150


def test_files_hashes_and_links(entities, synth_case):
    data, _ = entities
    case_dir, truth = synth_case
    by_id = {d["id"]: d for d in data}
    images = [d for d in data if d["schema"] == "Image" and d["properties"].get("pictured")]
    assert len(images) >= 90
    with Case.open(case_dir, readonly=True) as case:
        for d in images[:20]:
            sha256 = next(n for n in d["properties"]["notes"] if n.startswith("SHA-256 "))[8:]
            blob = case.blobs.path(sha256).read_bytes()
            assert d["properties"]["contentHash"] == [hashlib.sha1(blob).hexdigest()]
            assert d["properties"]["fileSize"] == [str(len(blob))]
    assert any(d["schema"] == "Table" for d in data) and any(d["schema"] == "Package" for d in data)
    members = [d for d in data if d["properties"].get("parent")]
    assert members and all(by_id[d["properties"]["parent"][0]]["schema"] == "Package" for d in members)
    docs = [d for d in data if d["schema"] == "Documentation"]
    assert docs and all(by_id[d["properties"]["entity"][0]]["schema"] == "Person" for d in docs)
    speech = next(d for d in truth["documents"] if d["genre"] == "speech" and d["format"] == "docx")
    name = speech["path"].rsplit("/", 1)[-1]
    entity = next(d for d in data if d["properties"].get("fileName") == [name])
    assert entity["schema"] == "Pages" and speech["doc_number"] in entity["properties"]["bodyText"][0]


def test_family_relations(entities, synth_case):
    data, _ = entities
    _, truth = synth_case
    idn = {d["id"]: d["properties"].get("idNumber", [None])[0] for d in data if d["schema"] == "Person"}
    edges = {(idn[p["person"][0]], idn[p["relative"][0]], p["relationship"][0])
             for p in (d["properties"] for d in data if d["schema"] == "Family")}
    truths = {(p["id_number"], r["id_number"], r["relation"]) for p in truth["persons"] for r in p["relatives"]}
    assert len(edges & truths) >= 0.8 * len(edges) and len(edges) >= 50


def test_export_is_not_redacted_and_says_so(synth_case, tmp_path):
    case_dir, truth = synth_case
    out = tmp_path / "people.csv"
    run = subprocess.run([sys.executable, "-m", "unsealed", "export", "--format", "csv", "--out", str(out),
                          "--case", str(case_dir)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "NOT REDACTED" in run.stdout
    text = out.read_text(encoding="utf-8-sig")
    assert truth["persons"][0]["id_number"] in text and truth["persons"][0]["address"] in text
    helptext = subprocess.run([sys.executable, "-m", "unsealed", "export", "--help"], capture_output=True,
                              text=True, timeout=60).stdout
    assert "NOT redacted" in helptext or "NOT REDACTED" in helptext


def test_bad_requests(synth_case, tmp_path):
    case_dir, _ = synth_case
    with Case.open(case_dir, readonly=True) as case:
        with pytest.raises(ExportError, match="unknown format"):
            export_case(case, "xml", tmp_path / "x")
        with pytest.raises(ExportError, match="is a folder"):
            export_case(case, "csv", tmp_path)


def test_ftm_tool_reads_it_unchanged(entities, tmp_path):
    """The followthemoney command-line tool re-parses and cleans every entity to the same values."""
    data, result = entities
    tool = Path(sys.executable).with_name("ftm")
    if not tool.exists():
        pytest.skip("the ftm command of followthemoney is not installed beside this Python")
    out = tmp_path / "validated.json"
    run = subprocess.run([str(tool), "validate", "-i", result["out"], "-o", str(out)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]

    def canon(items):
        return sorted((d["id"], d["schema"], sorted((k, sorted(v)) for k, v in d["properties"].items()))
                      for d in items)

    again = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert canon(again) == canon(data)
