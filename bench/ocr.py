"""OCR benchmark: accuracy on rendered Chinese pages, throughput, and what the has-text test saves.

    .venv/bin/python bench/ocr.py                      # 3 clean + 3 noisy A4 pages, 1,000 portraits
    .venv/bin/python bench/ocr.py --pages 2 --portraits 200
    .venv/bin/python bench/ocr.py --synth /tmp/synth   # also the scanned PDFs of a synthetic cache

Pages are A4 at 300 dpi, 30 lines of 12 pt WenQuanYi text each (a police notice
plus list rows with names, ID numbers and dates); the noisy variant is rotated
0.5 degrees, blurred, greyed and speckled. CER ignores whitespace (see
unsealed/ocr/cer.py). Prints one figure per line with its unit.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unsealed.ocr.samples import NOTICE_ZH, portrait, render_page, scanned  # noqa: E402

ROWS = (
    "序号 姓名 性别 民族 出生日期 公民身份号码 住址",
    "1 阿不都热合曼·买买提 男 维吾尔族 1975-03-12 653121197503120035 疏附县托克扎克镇",
    "2 古丽娜尔·艾买提 女 维吾尔族 1988-11-02 653121198811020428 疏附县站敏乡3村",
    "3 买合木提·吐尔逊 男 维吾尔族 1969-07-30 65312119690730001X 疏附县塔什米力克乡",
    "4 热依拉·阿布拉 女 维吾尔族 1993-01-17 653121199301170221 疏附县吾库萨克镇",
    "收押原因：涉嫌宗教极端，关押地点：疏附县看守所二号监区，起始日期：2018年2月6日",
    "教育转化情况：表现一般，建议继续培训，家属已于2018年5月探视一次。",
    "Kashgar Prefecture Public Security Bureau, weekly report no. 17",
    "审批人：王建国  审核：李志强  填表日期：2018年6月14日",
)
POOL = NOTICE_ZH + ROWS
LINES_PER_PAGE = 30


def page_lines(n: int) -> list[str]:
    rng = random.Random(n)
    return [rng.choice(POOL) for _ in range(LINES_PER_PAGE)]


def make_page(kind: str, n: int):
    page = render_page(page_lines(n))
    return scanned(page, seed=n, angle=0.5) if kind == "noisy" else page


def ocr_task(task: tuple[str, int]) -> tuple[str, int, float, float, float]:
    """In a worker: OCR one generated page; returns (kind, n, cer, cpu s, wall s)."""
    from unsealed.ocr.cer import cer
    from unsealed.ocr.engines import rapid, read_page

    rapid()  # model load is not part of the page time
    kind, n = task
    picture = make_page(kind, n)
    cpu, wall = time.process_time(), time.perf_counter()
    result = read_page(picture, ("chi_sim", "uig", "eng"))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return kind, n, cer("\n".join(page_lines(n)), result.text), cpu, wall


def bench_pages(pages: int, workers: int) -> None:
    tasks = [(kind, n) for kind in ("clean", "noisy") for n in range(pages)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        pool.map(_warm, range(workers))  # load the models in every process first
        started = time.perf_counter()
        results = pool.map(ocr_task, tasks, chunksize=1)
        wall = time.perf_counter() - started
    for kind in ("clean", "noisy"):
        mine = [r for r in results if r[0] == kind]
        mean, worst = 100 * sum(r[2] for r in mine) / len(mine), 100 * max(r[2] for r in mine)
        label = "cer_noisy_rotated_0.5deg_300dpi" if kind == "noisy" else "cer_clean_300dpi"
        print(f"{label}: {mean:.2f} % (worst page {worst:.2f} %)")
    print(f"cpu_seconds_per_page: {sum(r[3] for r in results) / len(results):.2f} s")
    print(f"wall_seconds_per_page_in_one_process: {sum(r[4] for r in results) / len(results):.2f} s")
    rate = 3600 * len(results) / wall
    print(f"throughput_{workers}_processes: {wall / len(results):.2f} s/page ({rate:.0f} pages/h)")


def _warm(_: int) -> None:
    from unsealed.ocr.engines import rapid

    rapid()


def bench_uyghur() -> None:
    """CER of Uyghur (Arabic script) lines: with the default languages, and RapidOCR alone."""
    from unsealed.ocr.cer import cer
    from unsealed.ocr.engines import rapid, read_page
    from unsealed.ocr.samples import ARABIC_FONT, NOTICE_UG

    rapid()
    truth = "\n".join(NOTICE_UG)
    page = render_page(NOTICE_UG, size=(2480, 700), font=ARABIC_FONT, rtl=True)
    for name, picture in (("clean", page), ("noisy", scanned(page))):
        cpu = time.process_time()
        both = cer(truth, read_page(picture, ("chi_sim", "uig", "eng")).text)
        cpu = time.process_time() - cpu
        alone = cer(truth, read_page(picture, ("chi_sim", "eng")).text)
        print(f"cer_uyghur_{name}_chi_sim+uig+eng: {100 * both:.1f} % ({cpu:.2f} CPU-s for 3 lines)")
        print(f"cer_uyghur_{name}_chi_sim+eng_only: {100 * alone:.1f} %")


def _portrait_sets(count: int, folder: Path) -> dict[str, list[Path]]:
    """JPEG files: the synthetic cache's figures (240x320) and flat portraits at 1200x1600."""
    sets: dict[str, list[Path]] = {}
    try:
        from unsealed.synth.figure import draw
    except ImportError:
        draw = None
    if draw is not None:
        paths = []
        for i in range(count):
            path = folder / f"synth_{i}.jpg"
            draw(1, f"65312119850315{i:04d}", 0).save(path, quality=85)
            paths.append(path)
        sets["synth_240x320"] = paths
    paths = []
    for i in range(count):
        path = folder / f"flat_{i}.jpg"
        portrait(i, size=(1200, 1600)).save(path, quality=85)
        paths.append(path)
    sets["flat_1200x1600"] = paths
    return sets


def bench_portraits(count: int, sample: int = 20) -> None:
    """ocr_pages on portrait JPEGs: mode auto (has-text test first) against mode always (full OCR)."""
    import tempfile

    from unsealed.extract.base import Extraction, Probe
    from unsealed.ocr import OcrOptions, ocr_pages
    from unsealed.ocr.engines import rapid

    rapid()
    auto, always = OcrOptions(mode="auto"), OcrOptions(mode="always")
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
        for name, paths in _portrait_sets(count, Path(tmp)).items():
            def run(path: Path, opts: OcrOptions) -> int:
                probe = Probe(kind="jpeg", mime="image/jpeg", name=path.name, size=path.stat().st_size,
                              head=b"")
                return len(ocr_pages(path, probe, Extraction(), opts)[0])

            cpu = time.process_time()
            said_yes = sum(run(path, auto) for path in paths)
            test_cpu = time.process_time() - cpu
            cpu = time.process_time()
            for path in paths[:sample]:
                run(path, always)
            full_each = (time.process_time() - cpu) / min(sample, len(paths))
            print(f"{name}_auto_cpu_per_portrait: {1000 * test_cpu / count:.0f} ms (decode + has-text test)")
            print(f"{name}_auto_false_positives: {said_yes} of {count} portraits")
            print(f"{name}_always_cpu_per_portrait: {1000 * full_each:.0f} ms"
                  f" (decode + full OCR, mean of {sample})")
            print(f"{name}_auto_on_{count}_portraits: {test_cpu:.1f} CPU-s")
            print(f"{name}_always_on_{count}_portraits_estimated: {full_each * count:.1f} CPU-s")
            print(f"{name}_saved_on_{count}_portraits: {full_each * count - test_cpu:.1f} CPU-s"
                  f" ({full_each * count / max(test_cpu, 1e-9):.1f}x less)")


def _letters(text: str) -> str:
    """Letters and digits only: search ignores punctuation ("〔2017〕" is read as "【2017】")."""
    return "".join(ch for ch in text if ch.isalnum())


def bench_synth(root: Path) -> None:
    """Recall of phrases, titles and document numbers on the scanned PDFs of a synthetic cache."""
    from unsealed.extract.base import Extraction, Probe
    from unsealed.ocr import OcrOptions, ocr_pages

    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    scans = [d for d in truth.get("documents", []) if d.get("format") == "pdf-scan"]
    found = total = pages = 0
    cpu = time.process_time()
    errors: list[str] = []
    for doc in scans:
        path = root / "cache" / doc["path"]
        if not path.is_file():
            continue  # inside an archive
        probe = Probe(kind="pdf", mime="application/pdf", name=path.name, size=path.stat().st_size, head=b"")
        got, errs = ocr_pages(path, probe, Extraction(), OcrOptions())
        errors += errs
        pages += len(got)
        text = _letters("".join(p.text for p in got))
        for phrase in [*doc.get("phrases", []), doc.get("title") or "", doc.get("doc_number") or ""]:
            if not phrase:
                continue
            total += 1
            found += _letters(phrase) in text
    cpu = time.process_time() - cpu
    print(f"synth_scanned_pdfs: {len(scans)} listed, {pages} pages OCR'd, {len(errors)} page errors")
    if total:
        print(f"synth_phrase_recall: {100 * found / total:.1f} % ({found} of {total} phrases, titles and"
              " document numbers, punctuation ignored)")
    if pages:
        print(f"synth_cpu_seconds_per_page: {cpu / pages:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3, help="clean and noisy pages each (default 3)")
    parser.add_argument("--portraits", type=int, default=1000, help="portraits for the has-text test")
    parser.add_argument("--workers", type=int, default=2, help="OCR processes (default 2)")
    parser.add_argument("--synth", type=Path, help="a synthetic cache folder holding truth.json")
    args = parser.parse_args()
    if args.pages:
        bench_pages(args.pages, args.workers)
    if args.pages:
        bench_uyghur()
    if args.portraits:
        bench_portraits(args.portraits)
    if args.synth:
        bench_synth(args.synth)


if __name__ == "__main__":
    main()
