"""Accuracy of unsealed against a synthetic cache's truth.json, one function per area.

    python bench/accuracy.py --people 2000 [--seed 1] [--work /tmp/acc2000]   # synth, ingest, score
    python bench/accuracy.py --scale 20000 [--work /tmp/scale20k]              # people build time and memory
    python bench/accuracy.py --verify --work /tmp/synth20k --case /tmp/case20k  # verify: recall, precision

Prints one figure per line with its unit. The cache and case under --work are reused
when present, so a second run only rebuilds and scores. ``people_accuracy`` is also
used by the end-to-end test (tests/people/test_accuracy.py) at a smaller scale.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

GENDER = {"男": "male", "女": "female"}


def _ratio(hit: int, total: int) -> float:
    return hit / total if total else 1.0


def _pr(predicted: set, expected: set) -> tuple[float, float, int, int, int]:
    hit = len(predicted & expected)
    return _ratio(hit, len(predicted)), _ratio(hit, len(expected)), hit, len(predicted), len(expected)


def expected_people(truth: dict) -> dict[str, dict]:
    """Truth persons that some table row or photo names (others cannot be found), by ID number."""
    out = {p["id_number"]: p for p in truth["persons"] if p["appears_in"] or p["photos"]}
    for s in truth.get("staff", []):
        if s["appears_in"]:
            out.setdefault(s["id_number"], {**s, "staff": True, "photos": [], "relatives": []})
    return out


def expected_relative_pairs(truth: dict) -> set[tuple[str, str, str]]:
    """(person, other, what other is to person) for every pair a relatives-list row states, both ways."""
    by_row: dict[tuple, dict[str, str]] = {}
    for p in truth["persons"]:
        for a in p["appears_in"]:
            if a["table"] in ("relatives", "relatives-detainee"):
                by_row.setdefault((a["path"], a["sheet"], a["row"]), {})[a["table"]] = p["id_number"]
    rel = {(p["id_number"], r["id_number"]): r["relation"] for p in truth["persons"] for r in p["relatives"]}
    pairs = set()
    for roles in by_row.values():
        d, r = roles.get("relatives-detainee"), roles.get("relatives")
        if d and r:
            pairs.add((d, r, rel[(d, r)]))
            pairs.add((r, d, rel[(r, d)]))
    return pairs


def people_accuracy(case, truth: dict) -> dict[str, float]:
    """Person, field, photo-link and relative-pair precision/recall of the built people tables."""
    from unsealed.people import list_people

    people = list_people(case)["people"]
    expected = expected_people(truth)
    by_number = {p["id_number"]: p for p in people if p["id_number"]}
    figures: dict[str, float] = {}
    precision, recall, *_ = _pr(set(by_number), set(expected))
    figures["person_precision"], figures["person_recall"] = precision, recall
    figures["persons_found"] = len(people)
    figures["persons_without_id_number"] = sum(1 for p in people if not p["id_number"])
    matched = [(by_number[n], t) for n, t in expected.items() if n in by_number]
    for fld in ("name", "gender", "birth_date"):
        good = total = 0
        for found, true in matched:
            if fld == "name" and not true["appears_in"]:
                continue  # a person only photographed has no name anywhere in the cache
            want = GENDER.get(true[fld], true[fld]) if fld == "gender" else true[fld]
            good += found[fld] == want
            total += 1
        figures[f"field_accuracy_{fld}"] = _ratio(good, total)
    det_true = {t["id_number"] for t in truth["persons"] if t["detained"]} & set(expected)
    det_found = {p["id_number"] for p in people if p["detained"] and p["id_number"]}
    figures["detained_precision"], figures["detained_recall"], *_ = _pr(det_found, det_true)
    ages = [
        (by_number[n]["age_at_detention"], t["age_at_detention"], by_number[n]["fields"].get("age_basis"))
        for n, t in expected.items()
        if n in by_number and t.get("detained")
    ]
    written = [(a, b) for a, b, basis in ages if basis == "detention date"]
    figures["age_at_detention_accuracy_dated"] = _ratio(sum(a == b for a, b in written), len(written))
    figures["age_at_detention_accuracy_all"] = _ratio(sum(a == b for a, b, _ in ages), len(ages))
    figures["age_at_detention_from_photo_date"] = sum(1 for *_, basis in ages if basis == "photo date")
    figures["age_at_detention_unknown"] = sum(1 for a, *_ in ages if a is None)
    minors_true = {n for n in det_true if expected[n]["age_at_detention"] < 18}
    minors_found = {p["id_number"] for p in people if p["minor"] and p["id_number"]}
    figures["minor_precision"], figures["minor_recall"], *_ = _pr(minors_found, minors_true)
    figures["minors_true"], figures["minors_found"] = len(minors_true), len(minors_found)
    # A photo listed in truth's "broken" (a truncated JPEG) is still named by its ID; truth leaves it out
    # of the person's photos, so it counts neither way.
    broken = {b["path"] for b in truth.get("broken", [])}
    links_true = {
        (t["id_number"], path) for t in truth["persons"] for path in t["photos"] if path not in broken
    }
    links_found = {(p["id_number"], path) for p in people for path in p["photos"] if path not in broken}
    figures["photo_link_precision"], figures["photo_link_recall"], *_ = _pr(links_found, links_true)
    pairs_true = expected_relative_pairs(truth)
    pairs_found = {
        (p["id_number"], r["id_number"], r["relation"])
        for p in people
        for r in p["relatives"]
        if p["id_number"] and r["id_number"]
    }
    figures["relative_pair_precision"], figures["relative_pair_recall"], *_ = _pr(pairs_found, pairs_true)
    return figures


def ensure_case(work: Path, people: int, seed: int) -> Path:
    """Synthesize and ingest into ``work`` unless already done; returns the case folder."""
    from unsealed.extract.registry import VERSION
    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.store.case import Case
    from unsealed.synth import synthesize

    if not (work / "truth.json").exists():
        t0 = time.perf_counter()
        synthesize(work, people=people, seed=seed)
        print(f"synth_seconds {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    case_dir = work / "case"
    marker = work / ".ingested"  # holds the extractor version the case was ingested with
    if not (case_dir / "catalog.sqlite").exists() or not marker.exists() or marker.read_text() != str(VERSION):
        t0 = time.perf_counter()
        with Case.open(case_dir, create=True) as case:
            ingest(case, [work / "cache"], IngestOptions(workers=2, index=False))
        marker.write_text(str(VERSION))
        print(f"ingest_seconds {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return case_dir


def people_build_cost(case_dir: Path) -> dict[str, float]:
    """Seconds and peak RSS (this process) to build the people tables of an ingested case."""
    from unsealed.people import build_people
    from unsealed.store.case import Case

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Case.open(case_dir) as case:
        t0 = time.perf_counter()
        counts = build_people(case)
        seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "people_build_seconds": seconds,
        "people_build_peak_rss_mb": peak / 1024,
        "people_build_rss_before_mb": before / 1024,
        "persons_built": counts["persons"],
        "tables_read": counts["tables"],
        "rows_read": counts["rows"],
    }


# truth.json anomaly kind -> (verify check, finding kinds that count as finding it)
VERIFY_KINDS = {
    # an 18-digit cell ending in zeros with a wrong check character could be either: any invalid ID counts
    "invalid_check_digit": ("checksums", {"bad_checksum", "excel_float", "bad_birth_date", "bad_format"}),
    "id_float_corrupted": ("checksums", {"bad_checksum", "excel_float", "bad_birth_date", "bad_format"}),
    "id_fullwidth": ("checksums", {"fullwidth"}),
    "id_15_digit": ("checksums", {"old15"}),
    "gender_contradicts_id": ("gender", {"gender_mismatch"}),
    "birth_date_contradicts_id": ("ages", {"birth_date_mismatch"}),
    "age_contradicts_id": ("ages", {"age_mismatch"}),
    "exif_time_mismatch": ("photo_times", {"time_mismatch"}),
    "edited_photo": ("editing", {"editor_software", "modified_after_taken", "thumbnail_mismatch",
                                 "recompressed"}),
    "duplicate_photo": ("duplicates", {"exact_duplicate"}),
    "near_duplicate_photo": ("duplicates", {"near_duplicate"}),
    "modified_before_created": ("doc_metadata", {"modified_before_created"}),
    "date_after_horizon": ("doc_metadata", {"after_horizon"}),
    "reviewer_author": ("doc_metadata", {"unusual_author"}),
}


def _verify_match(anomaly: dict, finding: dict) -> bool:
    if anomaly.get("of"):  # duplicates: one finding's group holds both paths
        v = finding["values"]
        group = {finding["path"], v.get("same_as")} | set(v.get("copies") or v.get("group") or ())
        return {anomaly["path"], anomaly["of"]} <= group
    if "row" in anomaly:
        return (finding["path"], finding["sheet"], finding["row"]) == (anomaly["path"], anomaly["sheet"],
                                                                      anomaly["row"])
    return finding["path"] == anomaly["path"]


def verify_accuracy(report: dict, truth: dict) -> tuple[dict[str, float], list[dict]]:
    """Recall of planted anomalies per kind, and the warn/fail findings on items or rows truth says are clean.

    A row-level finding (with a row) is on a clean row unless truth plants an anomaly in that row; any other
    finding is on a clean item unless truth plants an anomaly in, or lists as broken, that path.
    Returns (figures, the findings on clean items).
    """
    findings = [(c["id"], f) for c in report["checks"] for f in c["findings"]]
    figures: dict[str, float] = {}
    for kind, (check, kinds) in VERIFY_KINDS.items():
        planted = [a for a in truth["anomalies"] if a["kind"] == kind]
        mine = [f for cid, f in findings if cid == check and f["kind"] in kinds]
        hit = sum(1 for a in planted if any(_verify_match(a, f) for f in mine))
        figures[f"verify_recall_{kind}"] = _ratio(hit, len(planted))
        figures[f"verify_planted_{kind}"] = len(planted)
    rows = {(a["path"], a.get("sheet"), a["row"]) for a in truth["anomalies"] if "row" in a}
    paths = {a["path"] for a in truth["anomalies"]} | {b["path"] for b in truth.get("broken", [])}
    flagged = [(cid, f) for cid, f in findings if f["severity"] in ("warn", "fail")]
    clean = [{"check": cid, **f} for cid, f in flagged
             if ((f["path"], f["sheet"], f["row"]) not in rows if f["row"] is not None
                 else f["path"] not in paths)]
    figures["verify_warn_fail_findings"] = len(flagged)
    figures["verify_findings_on_clean_items"] = len(clean)
    figures["verify_precision"] = _ratio(len(flagged) - len(clean), len(flagged))
    return figures, clean


def verify_figures(work: Path, case_dir: Path) -> dict[str, float]:
    """Run verify twice on an ingested case (image hashes cold, then cached); score it against truth.json."""
    from unsealed.store.case import Case
    from unsealed.verify import run_verify

    truth = json.loads((work / "truth.json").read_text(encoding="utf-8"))
    figures: dict[str, float] = {}
    with Case.open(case_dir) as case:
        case.conn.execute("DROP TABLE IF EXISTS verify_image_facts")
        t0 = time.perf_counter()
        report = run_verify(case, progress=lambda m: print(m, file=sys.stderr))
        figures["verify_seconds_cold"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = run_verify(case)
        figures["verify_seconds_cached"] = time.perf_counter() - t0
        figures.update(_unrelated_pairs(case, truth))
    figures["verify_same_digest_twice"] = int(report["manifest"]["digest"] == again["manifest"]["digest"])
    figures["verify_images"] = report["checks"][3]["figures"]["images"]
    scored, clean = verify_accuracy(report, truth)
    figures.update(scored)
    for f in clean[:20]:
        where = f"{f['path']} {f['sheet']} {f['row']}"
        print(f"clean item flagged: {f['check']} {f['kind']} {where} {f['detail']}", file=sys.stderr)
    return figures


def _unrelated_pairs(case, truth: dict, bits: int = 8) -> dict[str, float]:
    """How many image pairs lie within 0..bits perceptual-hash bits, planted copies apart from the rest."""
    from unsealed.verify.duplicates import near_pairs
    from unsealed.verify.imagehash_cache import VERSION

    path_sha = dict(case.conn.execute("SELECT path, sha256 FROM items WHERE sha256 IS NOT NULL"))
    planted = {frozenset((path_sha.get(a["path"]), path_sha.get(a["of"]))) for a in truth["anomalies"]
               if a["kind"] in ("near_duplicate_photo", "duplicate_photo")}
    hashes = {sha: int(h, 16) for sha, h in case.conn.execute(
        "SELECT sha256, phash FROM verify_image_facts WHERE version = ? AND phash IS NOT NULL", (VERSION,))}
    out: dict[str, float] = {"verify_hashed_images": len(hashes)}
    pairs = near_pairs(hashes, bits)
    for b in range(bits + 1):
        at = [frozenset((x, y)) in planted for x, y, d in pairs if d == b]
        out[f"verify_pairs_at_{b}_bits_planted"] = sum(at)
        out[f"verify_pairs_at_{b}_bits_unrelated"] = len(at) - sum(at)
    return out


def _print(figures: dict[str, float]) -> None:
    for key, value in figures.items():
        unit = "s" if key.endswith("seconds") else "MB" if key.endswith("_mb") else ""
        if isinstance(value, float) and not unit:
            print(f"{key} {value:.4f}")
        elif isinstance(value, float):
            print(f"{key} {value:.1f} {unit}")
        else:
            print(f"{key} {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--scale", type=int, default=0, help="only time the people build at this many persons"
    )
    parser.add_argument("--verify", action="store_true", help="only score and time 'unsealed verify'")
    parser.add_argument("--case", type=Path, default=None,
                        help="with --verify: an ingested case of --work's cache (default: --work/case)")
    args = parser.parse_args(argv)
    people = args.scale or args.people
    from unsealed.synth import fingerprint

    work = args.work or Path(f"/tmp/unsealed-acc-{people}-{args.seed}-{fingerprint()}")
    if args.verify:
        _print(verify_figures(work, args.case or ensure_case(work, people, args.seed)))
        return 0
    case_dir = ensure_case(work, people, args.seed)
    cost = people_build_cost(case_dir)
    _print(cost)
    if args.scale:
        return 0
    from unsealed.store.case import Case

    truth = json.loads((work / "truth.json").read_text(encoding="utf-8"))
    with Case.open(case_dir, readonly=True) as case:
        _print(people_accuracy(case, truth))
    return 0


if __name__ == "__main__":
    sys.exit(main())
