"""Publishing a generated case: every output byte scanned for the truth's ID numbers and addresses."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.publish.leakscan import scan
from unsealed.publish import PublishError, publish_site
from unsealed.store.case import Case


def _secrets(truth: dict) -> tuple[set[str], set[str]]:
    ids = {p["id_number"] for p in truth["persons"]} | {s["id_number"] for s in truth["staff"]}
    addresses = {p["address"] for p in truth["persons"] if p.get("address")}
    return ids, addresses


def test_summary(site, synth_case):
    out, result = site
    _, truth = synth_case
    assert result["people"] >= 150 and result["photos"] >= 90
    assert result["composite"] and result["figures"]
    assert result["redacted"] == ["address", "birth_date", "id_number", "phone"]
    assert result["search_index_bytes"] == (out / "search-index.js").stat().st_size
    assert (out / "index.html").exists() and (out / "composite.jpg").exists() and (out / "figures.html").exists()
    assert len(list((out / "people").glob("p*.html"))) == result["people"]
    assert any((out / "charts").glob("*.svg"))


def test_no_unredacted_id_or_address_anywhere(site, synth_case):
    out, _ = site
    _, truth = synth_case
    ids, addresses = _secrets(truth)
    assert len(ids) >= 200 and len(addresses) >= 30
    assert scan(out, ids, addresses) == []


def test_no_redact_publishes_everything_and_the_scan_sees_it(synth_case, tmp_path):
    case_dir, truth = synth_case
    ids, addresses = _secrets(truth)
    with Case.open(case_dir, readonly=True) as case:
        result = publish_site(case, tmp_path / "raw", redact=frozenset())
    assert result["redacted"] == [] and result["documents_published"] == result["documents"]
    leaks = scan(tmp_path / "raw", ids, addresses)
    assert any(": id " in leak for leak in leaks)
    assert any(": address " in leak for leak in leaks)
    assert "Not redacted" in (tmp_path / "raw" / "index.html").read_text(encoding="utf-8")


def test_photos_carry_no_metadata(site):
    out, _ = site
    photos = list((out / "photos").glob("*.jpg")) + [out / "composite.jpg"]
    assert len(photos) > 50
    for path in photos:
        data = path.read_bytes()
        assert b"Exif" not in data and b"http://ns.adobe.com/xap" not in data and b"ICC_PROFILE" not in data
        with Image.open(path) as im:
            assert not im.getexif() and "exif" not in im.info and "icc_profile" not in im.info
            assert "comment" not in im.info


def test_person_page(site, synth_case):
    out, _ = site
    _, truth = synth_case
    person = next(p for p in truth["persons"] if p["detained"] and p["photos"] and p["reason"])
    pid = "p" + hashlib.sha256(person["id_number"].encode()).hexdigest()[:10]
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / "people").glob("p*.html")}
    page = pages.get(f"{pid}.html") or next(t for t in pages.values() if person["id_number"][:10] in t
                                             and person["name"] in t)
    assert person["id_number"][:10] + "********" in page
    assert person["name"] in page
    assert person["facility"] in page
    assert person["birth_date"][:4] in page and person["birth_date"] not in page
    assert re.search(r'<img src="\.\./photos/p[0-9a-f]+-1\.jpg"', page)


def test_relatives_link_only_to_published_people(site):
    out, _ = site
    linked = set()
    for page in (out / "people").glob("p*.html"):
        text = page.read_text(encoding="utf-8")
        if "Relatives also in this archive" in text:
            linked |= set(re.findall(r'<li>[^<]*: <a href="(p[0-9a-f]+)\.html">', text))
    assert linked, "no relatives linked at all"
    assert all((out / "people" / f"{pid}.html").exists() for pid in linked)


def test_documents_published_only_without_personal_data(site, synth_case):
    out, _ = site
    case_dir, truth = synth_case
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    published = {d["sha256"]: d["file"] for d in manifest["documents"] if d["published"]}
    with Case.open(case_dir, readonly=True) as case:
        sha_of = {r[0]: r[1] for r in case.conn.execute("SELECT path, sha256 FROM items")}
    speeches = [d for d in truth["documents"] if d["genre"] in ("speech", "protocol")]
    assert speeches
    for d in speeches:
        sha = sha_of[d["path"]]
        assert sha in published, d["path"]
        assert hashlib.sha256((out / published[sha]).read_bytes()).hexdigest() == sha
    for table in truth["tables"]:
        assert sha_of.get(table["path"]) not in published, table["path"]
    listing = (out / "documents" / "index.html").read_text(encoding="utf-8")
    assert all(sha_of[d["path"]] in listing for d in speeches)


def test_detained_only(synth_case, tmp_path):
    case_dir, truth = synth_case
    with Case.open(case_dir, readonly=True) as case:
        result = publish_site(case, tmp_path / "det", detained_only=True, redact=frozenset({"id_number", "address",
                                                                                        "phone", "birth_date",
                                                                                        "photo"}))
        detained = case.conn.execute("SELECT COUNT(*) FROM persons WHERE detained = 1").fetchone()[0]
        shown = {r[0] for r in case.conn.execute("SELECT name FROM persons WHERE detained = 1")}
        others = [r[0] for r in case.conn.execute("SELECT name FROM persons WHERE detained = 0")
                  if r[0] not in shown]
    assert result["people"] == detained and result["photos"] == 0 and not result["composite"]
    index = (tmp_path / "det" / "search-index.js").read_text(encoding="utf-8")
    assert sum(1 for name in others if name and len(name) >= 4 and name in index) == 0
    ids, addresses = _secrets(truth)
    assert scan(tmp_path / "det", ids, addresses) == []


def test_refuses_a_folder_it_did_not_write(synth_case, tmp_path):
    case_dir, _ = synth_case
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("keep me")
    with Case.open(case_dir, readonly=True) as case, pytest.raises(PublishError, match="not empty"):
        publish_site(case, tmp_path / "mine")
    assert (tmp_path / "mine" / "thesis.txt").read_text() == "keep me"


def test_cli(synth_case, tmp_path):
    case_dir, _ = synth_case
    cmd = [sys.executable, "-m", "unsealed", "publish", "--case", str(case_dir), "--out", str(tmp_path / "s")]
    bad = subprocess.run(cmd + ["--redact", "adress"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown field 'adress'" in bad.stderr
    both = subprocess.run(cmd + ["--redact", "photo", "--no-redact"], capture_output=True, text=True, timeout=120)
    assert both.returncode == 2 and "contradict" in both.stderr
    assert not Path(tmp_path / "s").exists()
