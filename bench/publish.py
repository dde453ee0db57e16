"""Publish at scale: the static site of an ingested case, and its search in headless Chromium.

    python bench/publish.py [--case /tmp/case20k] [--out /tmp/bench-site] [--people 2000] [--export]

Without a complete case at --case, a synthetic cache of --people persons is written and ingested
first (and that is said). Prints one figure per line with its unit: publish wall and CPU seconds
(CPU of this process and its photo workers: on a shared machine the difference is waiting for a
core), output size and file count, search-index size, page load and search times in Chromium
(from file://; the search time is the index scan, the end-to-end time adds the result list).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _complete(case_dir: Path) -> bool:
    from unsealed.people.schema import exists
    from unsealed.store.case import Case, CaseError

    try:
        with Case.open(case_dir, readonly=True) as case:
            done = case.conn.execute("SELECT COUNT(*) FROM runs WHERE finished IS NOT NULL").fetchone()[0]
            return bool(done) and exists(case.conn)
    except (CaseError, Exception):  # noqa: BLE001 - any unreadable case counts as incomplete
        return False


def _make_case(base: Path, people: int) -> Path:
    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.store.case import Case
    from unsealed.synth import synthesize

    base.mkdir(parents=True, exist_ok=True)
    result = synthesize(base / "synth", people=people, seed=20)
    with Case.open(base / "case", create=True) as case:
        ingest(case, [result.cache], IngestOptions(workers=2))
    return base / "case"


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _search_times(site: Path, queries: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto((site / "index.html").as_uri(), wait_until="load")
        load_ms = (time.perf_counter() - started) * 1000
        scan, total, hits = [], [], []
        for q in queries * 3:
            ms = page.evaluate(
                "q => { const box = document.getElementById('q'); const t = performance.now();"
                " box.value = q; box.dispatchEvent(new Event('input')); return performance.now() - t; }", q)
            total.append(ms)
            scan.append(float(page.get_attribute("#results", "data-ms")))
            hits.append(int(page.get_attribute("#results", "data-count")))
        browser.close()
    return {"load_ms": load_ms, "scan_ms": statistics.median(scan), "scan_max_ms": max(scan),
            "total_ms": statistics.median(total), "hits": hits[: len(queries)]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", type=Path, default=Path("/tmp/case20k"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/bench-publish/site"))
    ap.add_argument("--people", type=int, default=2000, help="persons of the fallback synthetic case")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--export", action="store_true", help="also time the FtM export")
    args = ap.parse_args()

    from unsealed.publish import publish_site
    from unsealed.store.case import Case

    case_dir = args.case
    if not _complete(case_dir):
        print(f"note: {case_dir} is not a complete case; using a synthetic case of {args.people} people",
              file=sys.stderr)
        case_dir = _make_case(Path("/tmp/bench-publish") / f"p{args.people}", args.people)
    if args.out.exists():
        shutil.rmtree(args.out)
    with Case.open(case_dir, readonly=True) as case:
        cpu0, t0 = _cpu(), time.perf_counter()
        result = publish_site(case, args.out, workers=args.workers)
        wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
        names = [r[0] for r in case.conn.execute(
            "SELECT name FROM persons WHERE name != '' ORDER BY id LIMIT 3")]
        number = case.conn.execute("SELECT id_number FROM persons WHERE id_number IS NOT NULL LIMIT 1").fetchone()
    print(f"case: {case_dir}")
    print(f"people: {result['people']}")
    print(f"photos: {result['photos']}")
    print(f"documents: {result['documents']} ({result['documents_published']} published in full)")
    print(f"publish_seconds: {wall:.1f} s")
    print(f"publish_cpu_seconds: {cpu:.1f} s")
    print(f"output_bytes: {result['bytes'] / 1e6:.1f} MB")
    print(f"output_files: {result['files']}")
    print(f"search_index_bytes: {result['search_index_bytes'] / 1e6:.2f} MB")
    queries = [n.split("·")[0] for n in names] + ([number[0][:10]] if number else [])
    try:
        s = _search_times(args.out, queries)
    except Exception as exc:  # noqa: BLE001 - no browser: say so, the other figures stand
        print(f"search: not measured ({type(exc).__name__}: {exc})")
    else:
        print(f"page_load_ms: {s['load_ms']:.0f} ms (file://, index.html with the search index)")
        print(f"search_ms_median: {s['scan_ms']:.2f} ms (index scan, {len(queries)} queries x3)")
        print(f"search_ms_max: {s['scan_max_ms']:.2f} ms")
        print(f"search_end_to_end_ms_median: {s['total_ms']:.2f} ms (scan + result list)")
        print(f"search_hits: {json.dumps(dict(zip(queries, s['hits'], strict=False)), ensure_ascii=False)}")
    if args.export:
        from unsealed.export import export_case

        with Case.open(case_dir, readonly=True) as case:
            t0 = time.perf_counter()
            ex = export_case(case, "ftm", args.out.parent / "case.ftm.json")
        print(f"export_ftm_seconds: {time.perf_counter() - t0:.1f} s")
        print(f"export_ftm_entities: {ex['entities']}")
        print(f"export_ftm_bytes: {ex['bytes'] / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
