"""The synthetic cache: its invariants hold, every planted anomaly is really in the files, runs repeat."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import docx
import imagehash
import pypdfium2 as pdfium
import pytest
from PIL import Image
from stdnum.cn import ric
from striprtf.striprtf import rtf_to_text

from unsealed.synth import photos, synthesize
from unsealed.synth.run import plan_tables

from .readers import all_photos, parse_date, photo_name, read_logical, sheet_rows

PEOPLE = 300
HORIZON = dt.datetime(2018, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
ID_KINDS = {"invalid_check_digit", "id_float_corrupted", "id_fullwidth", "id_15_digit"}


@pytest.fixture(scope="module")
def gen(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    calls = []
    result = synthesize(out, people=PEOPLE, seed=3, progress=lambda d, t: calls.append((d, t)))
    truth = json.loads(result.truth_path.read_text(encoding="utf-8"))
    return result, truth, calls


def valid_id(number: str) -> bool:
    """Checked with python-stdnum directly (not the generator's own helper)."""
    if len(number) != 18 or not number[:17].isdigit() or number[-1] != ric.calc_check_digit(number):
        return False
    ric.get_birth_date(number)
    return True


def id_gender(number: str) -> str:
    return "男" if int(number[16]) % 2 else "女"


def age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def test_result_and_progress(gen):
    result, truth, calls = gen
    on_disk = sum(1 for p in result.cache.rglob("*") if p.is_file())
    assert result.files == on_disk == truth["files"]["on_disk"]
    assert result.archive_members == truth["files"]["archive_members"] > 0
    assert result.seconds > 0
    assert calls and calls[-1][0] == calls[-1][1] == result.files + result.archive_members


def test_persons_ids_agree_with_fields(gen):
    _, truth, _ = gen
    persons = truth["persons"]
    assert len(persons) == PEOPLE
    assert len({p["id_number"] for p in persons + truth["staff"]}) == PEOPLE + len(truth["staff"])
    for p in persons:
        number = p["id_number"]
        assert valid_id(number), number
        assert number[:6] == p["region_code"] in ("653121", "654027")
        assert ric.get_birth_date(number).isoformat() == p["birth_date"]
        assert id_gender(number) == p["gender"]
        if p["detained"]:
            assert 15 <= p["age_at_detention"] <= 73
            assert age(dt.date.fromisoformat(p["birth_date"]), dt.date.fromisoformat(p["detention_date"])) \
                == p["age_at_detention"]


def test_families_follow_the_naming_rule(gen):
    _, truth, _ = gen
    by_id = {p["id_number"]: p for p in truth["persons"]}
    inverse = {"父亲": ("儿子", "女儿"), "母亲": ("儿子", "女儿"), "丈夫": ("妻子",), "妻子": ("丈夫",),
               "哥哥": ("弟弟", "妹妹"), "姐姐": ("弟弟", "妹妹"), "弟弟": ("哥哥", "姐姐"), "妹妹": ("哥哥", "姐姐"),
               "儿子": ("父亲", "母亲"), "女儿": ("父亲", "母亲")}
    fathers = 0
    for p in truth["persons"]:
        given, father_given = p["name"].split("·")
        for r in p["relatives"]:
            other = by_id[r["id_number"]]
            back = [x["relation"] for x in other["relatives"] if x["id_number"] == p["id_number"]]
            assert back and back[0] in inverse[r["relation"]]
            if r["relation"] == "父亲":
                fathers += 1
                assert father_given == other["name"].split("·")[0]
                assert other["gender"] == "男" and other["birth_date"] < p["birth_date"]
            if r["relation"] in ("哥哥", "弟弟", "姐姐", "妹妹"):
                assert other["name"].split("·")[1] == father_given
    assert fathers > PEOPLE // 3


def test_figures_match_the_persons(gen):
    _, truth, _ = gen
    persons, f = truth["persons"], truth["figures"]
    detained = [p for p in persons if p["detained"]]
    photographed = [p for p in persons if p["photos"]]
    assert f["people"] == len(persons)
    assert f["detained"] == len(detained) == sum(1 for p in persons if any(
        a["table"] == "detainees" for a in p["appears_in"]))
    assert f["photographed"] == len(photographed)
    assert f["photographed_and_detained"] == sum(1 for p in photographed if p["detained"])
    assert f["minors_at_detention"] == sum(1 for p in detained if p["age_at_detention"] < 18) >= 1
    assert (f["youngest_age"], f["oldest_age"]) == (15, 73)
    assert sum(f["by_gender"]["detained"].values()) == f["detained"]
    assert f["by_gender"]["people"]["male"] == sum(1 for p in persons if p["gender"] == "男")
    loners = [p for p in photographed if not p["appears_in"]]
    assert f["photographed_in_no_table"] == len(loners) > 0
    assert all(not p["mentioned_in"] and not p["detained"] for p in loners)


def _table_cells(cache, truth):
    """Yield (table, sheet meta, row number, {column key: value}) for every data row of every table."""
    for t in truth["tables"]:
        for s in t["sheets"]:
            if s["header_row"] is None:
                continue
            rows = sheet_rows(cache, t, s["name"])
            assert [str(c) for c in rows[s["header_row"] - 1][: len(s["header"])]] == s["header"]
            for n in range(s["header_row"] + 1, s["header_row"] + 1 + s["rows"]):
                yield t, s, n, dict(zip(s["columns"], rows[n - 1], strict=False))


def test_table_cells_valid_except_planted(gen):
    result, truth, _ = gen
    planted = {(a["path"], a["sheet"], a["row"]): a for a in truth["anomalies"] if "row" in a}
    checked = 0
    for t, s, n, cells in _table_cells(result.cache, truth):
        here = planted.get((t["path"], s["name"], n))
        for key in ("id", "detainee_id"):
            if key not in cells:
                continue
            value = cells[key]
            if here and here["kind"] in ID_KINDS and key == "id":
                assert value == here["value"], (t["path"], n)
                continue
            assert isinstance(value, str), (t["path"], n, value)  # IDs are never numbers
            assert valid_id(value.removeprefix("'")), (t["path"], n, value)
            checked += 1
        if t["kind"] != "detainees" or (here and here["kind"] in ID_KINDS):
            continue
        number = cells["id"].removeprefix("'")
        kind = here["kind"] if here else None
        assert (cells["gender"] == id_gender(number)) != (kind == "gender_contradicts_id")
        if "birth" in cells:
            same = parse_date(cells["birth"], t["birth_format"]) == ric.get_birth_date(number)
            assert same != (kind == "birth_date_contradicts_id"), (t["path"], n)
        if "age" in cells:
            real = age(ric.get_birth_date(number), parse_date(cells["date"], t["date_format"]))
            assert (int(cells["age"]) == real) != (kind == "age_contradicts_id"), (t["path"], n)
    assert checked > PEOPLE


def test_planted_table_anomalies_are_in_the_files(gen):
    result, truth, _ = gen
    tables = {t["path"]: t for t in truth["tables"]}
    kinds = Counter()
    for a in truth["anomalies"]:
        if "row" not in a:
            continue
        t = tables[a["path"]]
        s = next(s for s in t["sheets"] if s["name"] == a["sheet"])
        row = sheet_rows(result.cache, t, a["sheet"])[a["row"] - 1]
        value = row[s["header"].index(a["column"])]
        if isinstance(value, dt.date):
            value = value.isoformat()
        if a["kind"] == "age_contradicts_id" and isinstance(value, float | str):
            value = int(value)
        if a["kind"] == "id_float_corrupted" and t["format"] != "csv":
            assert isinstance(value, float) and value == float(a["id_number"])  # the nearest double
        assert value == a["value"], a
        kinds[a["kind"]] += 1
    for kind in ("invalid_check_digit", "id_float_corrupted", "gender_contradicts_id",
                 "birth_date_contradicts_id", "age_contradicts_id", "id_fullwidth", "id_15_digit"):
        assert kinds[kind] >= 1, kind


def test_old_15_digit_ids_only_for_people_born_before_1990(gen):
    _, truth, _ = gen
    by_id = {p["id_number"]: p for p in truth["persons"]}
    planted = [a for a in truth["anomalies"] if a["kind"] == "id_15_digit"]
    assert planted
    for a in planted:
        value, birth = a["value"], dt.date.fromisoformat(by_id[a["id_number"]]["birth_date"])
        assert len(value) == 15 and value.isdigit() and value[:6] == a["id_number"][:6]
        # the old form has no century: YYMMDD is read as 19YY, and it was replaced in 1999
        assert 1900 <= birth.year < 1990, (value, birth)
        assert dt.datetime.strptime("19" + value[6:12], "%Y%m%d").date() == birth, (value, birth)


def test_every_detention_date_is_derivable_from_the_files(gen):
    """Each detainee has a detainee-list row with a date column and an uncorrupted ID giving the true date."""
    result, truth, _ = gen
    cells_at = {(t["path"], s["name"], n): (t, cells) for t, s, n, cells in _table_cells(result.cache, truth)}
    id_planted = {(a["path"], a["sheet"], a["row"]) for a in truth["anomalies"] if a["kind"] in ID_KINDS}
    minors = 0
    detained = [p for p in truth["persons"] if p["detained"]]
    for p in detained:
        dates = set()
        for a in p["appears_in"]:
            where = (a["path"], a["sheet"], a["row"])
            if a["table"] != "detainees" or where in id_planted:
                continue
            t, cells = cells_at[where]
            assert cells["id"].removeprefix("'") == p["id_number"], where
            if "date" in cells:
                dates.add(parse_date(cells["date"], t["date_format"]))
        assert dates == {dt.date.fromisoformat(p["detention_date"])}, (p["id_number"], dates)
        minors += age(ric.get_birth_date(p["id_number"]), dates.pop()) < 18
    assert minors == truth["figures"]["minors_at_detention"] >= 1


@pytest.mark.parametrize("seed", [1, 2])
def test_planned_tables_at_scale_date_every_detainee_and_keep_15_digit_ids_old(seed):
    """In memory at 3,000 people (nothing written): the same two rules over many more rows."""
    persons, _, planned, anomalies = plan_tables(seed, 3000)
    by_id = {p.id_number: p for p in persons}
    old = [a for a in anomalies.items if a["kind"] == "id_15_digit"]
    assert len(old) == 6
    for a in old:
        birth = by_id[a["id_number"]].birth_date
        assert birth.year < 1990 and a["value"] == a["id_number"][:6] + f"{birth:%y%m%d}" + a["id_number"][14:17]
    id_planted = {(a["path"], a["sheet"], a["row"]) for a in anomalies.items if a["kind"] in ID_KINDS}
    dated: dict[int, set] = {}
    for f in planned:
        for s in f.sheets:
            if f.kind != "detainees" or "date" not in s.keys:
                continue
            for i, row in enumerate(s.rows):
                if (f.path, s.name, s.row_number(i)) not in id_planted:
                    dated.setdefault(s.refs[i][0][1], set()).add(parse_date(row[s.keys.index("date")],
                                                                            f.date_format))
    assert {p.key: {p.detention_date} for p in persons if p.detained} == dated


def test_appears_in_rows_name_the_person(gen):
    result, truth, _ = gen
    tables = {t["path"]: t for t in truth["tables"]}
    cache: dict = {}
    for p in truth["persons"][:120]:
        for a in p["appears_in"]:
            if a["table"] == "scores":
                text = (result.cache / a["path"]).read_text(encoding="utf-8-sig").splitlines()[a["row"] - 1]
                assert p["id_number"] in text
                continue
            key = (a["path"], a["sheet"])
            if key not in cache:
                cache[key] = sheet_rows(result.cache, tables[a["path"]], a["sheet"])
            row = [str(c) for c in cache[key][a["row"] - 1]]
            given, father = p["name"].split("·")
            assert any(c.startswith(given) and c.endswith(father) for c in row), (p["name"], row)


def test_photos_exif_agrees_with_names_except_planted(gen):
    result, truth, _ = gen
    planted = {a["path"]: a for a in truth["anomalies"] if "photo" in a["kind"] or a["kind"].startswith("exif")}
    owners = {path: p["id_number"] for p in truth["persons"] for path in p["photos"]}
    broken = {b["path"] for b in truth["broken"]}
    first, last = (dt.datetime.fromisoformat(x) for x in truth["photo_window"])
    seen, makes = 0, Counter()
    for path, data in all_photos(result.cache):
        if path in broken:
            continue
        number, named = photo_name(path)
        assert owners[path] == number
        img = Image.open(io.BytesIO(data))
        exif = img.getexif()
        taken = dt.datetime.strptime(exif.get_ifd(0x8769)[0x9003], "%Y:%m:%d %H:%M:%S")
        makes[(exif[0x010F], exif[0x0110])] += 1
        kind = planted.get(path, {}).get("kind")
        if kind == "exif_time_mismatch":
            assert taken != named and taken.isoformat() == planted[path]["exif_datetime_original"]
        else:
            assert taken == named and first <= taken <= last, path
        if kind == "edited_photo":
            assert exif[0x0131] == planted[path]["software"]
            assert dt.datetime.strptime(exif[0x0132], "%Y:%m:%d %H:%M:%S") > taken
        else:
            assert 0x0131 not in exif
        seen += 1
    assert seen == len(owners)
    assert makes.most_common(1)[0][1] > seen // 2  # mostly one police camera


def test_planted_duplicates(gen):
    result, truth, _ = gen
    for a in truth["anomalies"]:
        if a["kind"] == "duplicate_photo":
            assert read_logical(result.cache, a["path"]) == read_logical(result.cache, a["of"])
        elif a["kind"] == "near_duplicate_photo":
            near, orig = (read_logical(result.cache, x) for x in (a["path"], a["of"]))
            assert near != orig
            distance = imagehash.phash(Image.open(io.BytesIO(near))) - imagehash.phash(Image.open(io.BytesIO(orig)))
            assert distance <= 4


def _pdf_date(value: str) -> dt.datetime:
    v = value.removeprefix("D:")
    when = dt.datetime.strptime(v[:14], "%Y%m%d%H%M%S")
    if v[14:15] == "Z" or not v[14:]:
        return when.replace(tzinfo=dt.UTC)
    sign = 1 if v[14] == "+" else -1
    return when.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=int(v[15:17]), minutes=int(v[18:20]))))


def test_documents_metadata_and_phrases(gen):
    result, truth, _ = gen
    planted = {a["path"]: a for a in truth["anomalies"] if "field" in a or a["kind"] == "modified_before_created"}
    formats = Counter()
    for d in truth["documents"]:
        data = read_logical(result.cache, d["path"])
        kind = planted.get(d["path"], {}).get("kind")
        formats[d["format"]] += 1
        if d["format"] == "docx":
            cp = docx.Document(io.BytesIO(data)).core_properties
            assert cp.author == d["author"]
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
            assert (cp.modified > HORIZON) == (kind == "date_after_horizon")
            assert (cp.modified < cp.created) == (kind == "modified_before_created")
            assert cp.created <= HORIZON
            assert dt.datetime.fromisoformat(d["modified"]) == cp.modified
        elif d["format"] in ("pdf", "pdf-scan"):
            pdf = pdfium.PdfDocument(data)
            meta = pdf.get_metadata_dict()
            created = _pdf_date(meta["CreationDate"])
            assert created == dt.datetime.fromisoformat(d["created"])
            assert (created > HORIZON) == (kind == "date_after_horizon")
            assert len(pdf) == d["pages"]
            text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
            assert bool(text.strip()) == d["text_layer"]
        elif d["format"] == "txt":
            text = data.decode("gb18030")
        else:
            raw = data.decode("ascii")  # RTF keeps CJK as \\uN escapes
            assert "{\\author " in raw
            text = rtf_to_text(raw)
        assert dt.datetime.fromisoformat(d["modified"]) <= HORIZON or kind == "date_after_horizon"
        if d["text_layer"]:
            text = text.replace("\r\n", "").replace("\n", "")
            assert d["doc_number"] in text
            assert all(p in text for p in d["phrases"]), d["path"]
        if kind == "reviewer_author":
            assert d["author"] == planted[d["path"]]["value"]
    assert {"docx", "pdf", "pdf-scan", "txt", "rtf"} <= set(formats)
    kinds = Counter(a["kind"] for a in planted.values())
    assert kinds["reviewer_author"] and kinds["date_after_horizon"] >= 2 and kinds["modified_before_created"]


def test_scan_only_phrases_live_only_in_scans(gen):
    result, truth, _ = gen
    scans = [d for d in truth["documents"] if d["format"] == "pdf-scan"]
    assert scans and all(not d["text_layer"] for d in scans)
    used = {p for d in scans for p in d["phrases"] if p in truth["phrases"]["scan_only"]}
    assert used
    for d in truth["documents"]:
        if d["format"] != "pdf-scan":
            assert not used & set(d["phrases"])
    for path in result.cache.rglob("*.txt"):
        text = path.read_bytes().decode("gb18030", errors="replace")
        assert not any(p in text for p in used), path


def test_broken_files(gen):
    result, truth, _ = gen
    kinds = {b["kind"]: b for b in truth["broken"]}
    assert (result.cache / kinds["empty"]["path"]).stat().st_size == 0
    with pytest.raises(OSError):
        Image.open(result.cache / kinds["truncated_jpeg"]["path"]).load()
    assert not zipfile.is_zipfile(result.cache / kinds["truncated_xlsx"]["path"])
    assert (result.cache / kinds["text_named_pdf"]["path"]).read_bytes()[:4] != b"%PDF"
    assert "word/document.xml" in zipfile.ZipFile(result.cache / kinds["docx_named_pdf"]["path"]).namelist()
    assert kinds["zip_slip"]["member"] in zipfile.ZipFile(result.cache / kinds["zip_slip"]["path"]).namelist()
    info = zipfile.ZipFile(result.cache / kinds["zip_bomb"]["path"]).getinfo("system.log")
    assert info.file_size == kinds["zip_bomb"]["unpacked_bytes"] and info.compress_size * 200 < info.file_size


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_differs(tmp_path, monkeypatch):
    synthesize(tmp_path / "a", people=40, seed=5)
    monkeypatch.setattr(photos, "PARALLEL_FROM", 1)  # the second run renders photos in worker processes
    synthesize(tmp_path / "b", people=40, seed=5)
    monkeypatch.undo()
    synthesize(tmp_path / "c", people=40, seed=6)
    a, b, c = (_hashes(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c and len(set(a.values()) & set(c.values())) < len(a) // 2


def test_refuses_to_overwrite_and_too_few_people(tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        synthesize(tmp_path, people=40)
    assert (tmp_path / "cache" / "keep.txt").read_text() == "mine"
    with pytest.raises(ValueError, match="at least"):
        synthesize(tmp_path / "x", people=5)
