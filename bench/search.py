"""Search benchmark: build an index of synthetic mixed Chinese/English documents and time queries.

    .venv/bin/python bench/search.py --docs 1000000
    .venv/bin/python bench/search.py --docs 100000 --no-stem   # cost of the English stem field

Bypasses the catalog (documents go straight to the engine class) but uses the
same folding, tokenizer, schema and query translation as ``unsealed search``.
Prints one figure per line with units.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unsealed.search import tantivy_engine as te  # noqa: E402
from unsealed.search.analysis import Analyser  # noqa: E402
from unsealed.search.engine import BlobInfo, Filters, Part  # noqa: E402
from unsealed.search.feed import BlobJob, feed  # noqa: E402
from unsealed.search.query import parse  # noqa: E402

ZH2 = ["开枪", "警察", "学生", "政府", "监控", "逮捕", "抗议", "维稳", "档案", "收押", "新疆", "看守"]
NAMES = ["张伟", "王秀英", "李娜", "刘洋", "欧阳娜娜", "司马光明",
         "阿依古丽·吐尔逊", "买合买提•达吾提", "吐尔逊.买合买提"]
NAME_QUERIES = ["张伟", "王秀英", "欧阳娜娜", "司马光明", "阿依古丽吐尔逊", "买合买提·达吾提", "吐尔逊买合买提"]
EN = ["police", "protest", "budget", "detention", "passport", "surveillance", "archive", "bank", "camera", "report"]
PHRASES = ["border control", "security camera", "internal report", "公安局监控", "维稳工作会议", "开枪镇压"]
PHRASE_QUERIES = ['"border control"', '"security camera"', '"internal report"', "公安局监控", "维稳工作会议",
                  "开枪镇压"]
PIECES_PER_DOC = 130
REGIONS = ["653121", "654027", "650102", "653101", "652901"]
ID_QUERIES = ["653121", "654027", "6531211990", "65402719", "650102*"]


def hanzi_pool(rng: random.Random) -> list[str]:
    """GB2312 level-1 characters (the 3,755 commonest)."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    rng.shuffle(chars)
    return chars


def make_pieces(rng: random.Random, n_ids: int) -> tuple[list[str], list[float]]:
    """Word pieces and cumulative weights: Zipf-distributed pseudo-words plus planted words, names and IDs."""
    chars = hanzi_pool(rng)
    words = ["".join(rng.choices(chars, k=rng.choice((1, 2, 2, 2, 3, 4)))) for _ in range(20000)]
    weights = [1.0 / (r + 1) ** 0.9 for r in range(len(words))]
    scale = sum(weights)
    pieces, w = list(words), [x / scale * 80 for x in weights]

    def plant(items, top_share):
        # Zipf within a group: the commonest item is in about ``top_share`` of the documents, the rarest
        # in about a hundredth of that (like real words: 开枪 in a few pages, 警察 everywhere)
        z = [1.0 / (r + 1) ** (2.0 if len(items) > 1 else 1) for r in range(len(items))]
        for item, share in zip(items, z, strict=True):
            pieces.append(item)
            w.append(top_share * share * 92 / PIECES_PER_DOC)

    pieces.extend(["，", "。", "、", "；", "：", "（", "）"])
    w.extend([8 / 7] * 7)
    plant(ZH2, 0.10)
    plant(NAMES, 0.08)
    plant([f" {e} " for e in EN], 0.08)
    plant([f" {p} " if p.isascii() else p for p in PHRASES], 0.06)
    ids = []
    for _ in range(n_ids):
        birth = f"{rng.randint(1940, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        ids.append(f" {rng.choice(REGIONS)}{birth}{rng.randint(0, 999):03d}{rng.choice('0123456789X')} ")
    pieces.extend(ids)
    w.extend([0.25 * 92 / PIECES_PER_DOC / n_ids] * n_ids)  # an ID in a quarter of the documents
    cum, total = [], 0.0
    for x in w:
        total += x
        cum.append(total)
    return pieces, cum


def generate(n: int, seed: int) -> tuple[list[bytes], dict]:
    """``n`` documents of about 300 characters (UTF-8, to halve the memory) and the ZH2 ground truth."""
    rng = random.Random(seed)
    pieces, cum = make_pieces(rng, n_ids=max(1000, n // 10))
    truth = dict.fromkeys(ZH2, 0)
    docs = []
    for _ in range(n):
        text = "".join(rng.choices(pieces, cum_weights=cum, k=PIECES_PER_DOC)).strip()
        flat = text.replace(" ", "")  # whitespace is no token: the index matches across it too
        for q in ZH2:
            if q in flat:
                truth[q] += 1
        docs.append(text.encode("utf-8"))
    return docs, truth


def build(folder: Path, docs: list[bytes], heap_mb: int, threads: int, stem: bool, workers: int | None) -> dict:
    """Index the documents as ``sync_index`` does (feed + analysis workers); wall and CPU seconds, index bytes."""
    engine = te.TantivyEngine.create(folder, heap_bytes=heap_mb * 1_000_000, threads=threads, stem=stem)
    families = [("pdf", "pdf"), ("docx", "doc"), ("xlsx", "sheet"), ("jpeg", "image"), ("eml", "email")]

    def jobs():
        for i, raw in enumerate(docs):
            kind, fam = families[i % len(families)]
            blob = BlobInfo(sha256=f"{i:064x}", item_id=i + 1, duplicates=1, kind=kind, family=fam,
                            paths=[f"folder{i % 50}/sub{i % 7}/doc{i}.{kind}"],
                            day=20170000 + (i % 2) * 10000 + (i % 12 + 1) * 100 + i % 28 + 1)
            yield BlobJob(blob.sha256, blob, [Part(raw.decode("utf-8"), page=1)])

    t0, c0 = time.perf_counter(), _cpu()
    with Analyser(workers) as analyser:
        feed(engine, jobs(), lambda job, n: None, analyser, replace_existing=False)  # a new index, as sync_index
        engine.commit()
        engine.close()  # waits for the merges
        t1, c1 = time.perf_counter(), _cpu() + analyser.worker_seconds
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return {"build_time": t1 - t0, "build_cpu": c1 - c0, "size": size}


def catalog_sync(folder: Path, docs: list[bytes]) -> dict:
    """Time ``sync_index`` through a real catalog: each document one page of its own blob, every tenth
    blob also a 20-row table."""
    import json

    from unsealed.search import sync_index
    from unsealed.store.case import Case

    case = Case.open(folder / "case", create=True)
    now = "2024-01-01T00:00:00"
    with case.transaction() as c:
        for i, raw in enumerate(docs):
            sha = f"{i:064x}"
            kind = "xlsx" if i % 10 == 0 else "pdf"
            c.execute("INSERT INTO blobs(sha256, size, kind, mime, stored_at) VALUES (?, 1, ?, 'x', ?)",
                      (sha, kind, now))
            c.execute("INSERT INTO items(root, path, sha256, first_seen, modified) VALUES ('/r', ?, ?, ?, ?)",
                      (f"folder{i % 50}/doc{i}.{kind}", sha, now, now))
            c.execute("INSERT INTO extractions(sha256, version, extractor, status, metadata, pages, done_at)"
                      " VALUES (?, 1, 'x', 'ok', '{}', 1, ?)", (sha, now))
            c.execute("INSERT INTO pages(sha256, number, source, text) VALUES (?, 1, 'text', ?)",
                      (sha, raw.decode("utf-8")))
            if kind == "xlsx":
                c.executemany("INSERT INTO table_rows(sha256, sheet, number, cells) VALUES (?, 'S', ?, ?)",
                              [(sha, r, json.dumps(["阿依古丽·吐尔逊", f"65312119900101{r:04d}", "宗教"]))
                               for r in range(1, 21)])
    t0, c0 = time.perf_counter(), _cpu()
    added = sync_index(case)
    t1, c1 = time.perf_counter(), _cpu()
    t2 = time.perf_counter()
    again = sync_index(case)
    t3 = time.perf_counter()
    case.close()
    return {"added": added, "time": t1 - t0, "cpu": c1 - c0, "again": again, "again_time": t3 - t2}


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def timed(engine, query: str, runs: int, facets: bool = False, cached: bool = False) -> tuple[list[float], int]:
    """Milliseconds of each run of one query; facet counts are counted afresh unless ``cached``
    (the engine keeps them per query, for the next page of the same search)."""
    node = parse(query)
    res = engine.search(node, Filters(), limit=20, facets=facets)  # warm-up
    times = []
    for _ in range(runs):
        if not cached:
            engine._facet_cache.clear()
        t = time.perf_counter()
        res = engine.search(node, Filters(), limit=20, facets=facets)
        times.append((time.perf_counter() - t) * 1000)
    return times, res.total


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=10, help="timed runs per query")
    ap.add_argument("--heap", type=int, default=256, help="writer heap in MB")
    ap.add_argument("--threads", type=int, default=0, help="indexing threads (0: tantivy decides)")
    ap.add_argument("--workers", type=int, default=None,
                    help="text-analysis worker processes (default: one per core; 0: none)")
    ap.add_argument("--no-stem", action="store_true", help="leave out the English stem field")
    ap.add_argument("--dir", type=Path, help="where to build the index (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--catalog", type=int, default=0,
                    help="also time sync_index through a catalog of this many blobs")
    args = ap.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="unsealed-search-bench-")) / "index"
    try:
        t = time.perf_counter()
        docs, truth = generate(args.docs, args.seed)
        gen_time = time.perf_counter() - t
        mb = sum(map(len, docs)) / 1e6
        stats = build(folder, docs, args.heap, args.threads, stem=not args.no_stem, workers=args.workers)
        docs = docs[:args.catalog]
        print(f"docs: {args.docs}")
        print(f"stem field: {'no' if args.no_stem else 'yes'}")
        print(f"text: {mb:.1f} MB (UTF-8)")
        print(f"generate: {gen_time:.1f} s (not counted below)")
        print(f"build: {stats['build_time']:.1f} s")
        print(f"build rate: {args.docs / stats['build_time']:.0f} docs/s")
        print(f"build CPU: {stats['build_cpu']:.1f} s (all threads and analysis workers)")
        print(f"build rate per CPU-second: {args.docs / stats['build_cpu']:.0f} docs/CPU-s")
        print(f"load average while building: {os.getloadavg()[0]:.1f} (2 cores)")
        print(f"index size: {stats['size'] / 1e6:.1f} MB")
        print(f"index size per MB of text: {stats['size'] / 1e6 / mb:.2f} MB/MB")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        sys.stdout.flush()
        engine = te.TantivyEngine.open(folder, stem=not args.no_stem)
        cats = {"zh2": ZH2, "name": NAME_QUERIES, "en": EN, "phrase": PHRASE_QUERIES, "id-prefix": ID_QUERIES}
        totals = {}
        for cat, queries in cats.items():
            times = []
            for q in queries:
                t, totals[q] = timed(engine, q, args.runs)
                times += t
            print(f"{cat} latency p50: {statistics.median(times):.2f} ms")
            print(f"{cat} latency p95: {pct(times, 95):.2f} ms")
            counts = [totals[q] for q in queries]
            print(f"{cat} hits per query: {min(counts)} to {max(counts)} docs")
        for cached in (False, True):
            ft = []
            for q in ["开枪", "police", "653121", "阿依古丽吐尔逊"]:
                ft += timed(engine, q, args.runs, facets=True, cached=cached)[0]
            label = "with facets, next page (counts kept)" if cached else "with facets"
            print(f"{label} p50: {statistics.median(ft):.2f} ms")
            print(f"{label} p95: {pct(ft, 95):.2f} ms")
        ok = [q for q in ZH2 if totals[q] == truth[q]]
        print(f"zh2 totals equal to brute-force substring count: {len(ok)}/{len(ZH2)}")
        for q in ZH2:
            if totals[q] != truth[q]:
                print(f"  MISMATCH {q}: index {totals[q]} brute force {truth[q]}")
        if args.catalog:
            sys.stdout.flush()
            cat = catalog_sync(folder.parent, docs)
            print(f"catalog sync: {args.catalog} blobs, {cat['added']} docs in {cat['time']:.1f} s")
            print(f"catalog sync rate: {cat['added'] / cat['time']:.0f} docs/s")
            print(f"catalog sync rate per CPU-second: {cat['added'] / cat['cpu']:.0f} docs/CPU-s")
            print(f"catalog sync again: {cat['again']} docs in {cat['again_time'] * 1000:.0f} ms")
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(folder.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
