"""Ingest throughput on a mixed cache of at least 10,000 files.

Builds (or reuses) a synthetic police-files cache — photos, spreadsheets, Word and
PDF documents, scans, zips — ingests it into a fresh case, then re-runs the
ingest on the unchanged cache. Prints one figure per line.

    .venv/bin/python bench/ingest.py [--people 2000] [--workers 2] [--cache DIR] [--no-index]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path


def _count(folder: Path) -> tuple[int, int]:
    files = size = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(dirpath, name))
    return files, size


class RssSampler(threading.Thread):
    """Samples the resident memory of this process and every process started under it (the workers
    come from a fork server, so ru_maxrss of children does not see them)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_total = self.peak_one = 0
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.2):
            parents, rss = {}, {}
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        fields = fh.read().rsplit(")", 1)[1].split()
                    pid = int(entry)
                    parents[pid] = int(fields[1])
                    rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
                except (OSError, IndexError, ValueError):
                    continue
            ours = [pid for pid in rss if self._descends(pid, me, parents)]
            self.peak_total = max(self.peak_total, sum(rss[p] for p in ours))
            self.peak_one = max(self.peak_one, max((rss[p] for p in ours if p != me), default=0))

    @staticmethod
    def _descends(pid: int, root: int, parents: dict[int, int]) -> bool:
        for _ in range(20):
            if pid == root:
                return True
            pid = parents.get(pid, 0)
            if pid <= 1:
                return False
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=None, help="ingest this folder instead of a synthetic cache")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "unsealed-bench")
    parser.add_argument("--no-index", action="store_true", help="leave out the search-index update")
    parser.add_argument("--no-people", action="store_true", help="leave out building person records")
    parser.add_argument("--ocr", default="never", choices=("never", "auto", "always"),
                        help="OCR mode (default never: the issue's goal is without OCR)")
    args = parser.parse_args()

    from unsealed.ingest.pipeline import IngestOptions, ingest
    from unsealed.ocr import OcrOptions
    from unsealed.store.case import Case

    cache = args.cache
    if cache is None:
        from unsealed.synth import fingerprint

        synth_dir = args.work / f"synth-{args.people}-{fingerprint()}"
        cache = synth_dir / "cache"
        if not (synth_dir / "truth.json").exists():
            from unsealed.synth import synthesize

            started = time.monotonic()
            synthesize(synth_dir, people=args.people, seed=1)
            print(f"synth_seconds: {time.monotonic() - started:.1f} s", flush=True)
    files, size = _count(cache)
    print(f"source_files: {files}")
    print(f"source_megabytes: {size / 1e6:.1f} MB")

    case_dir = args.work / "case"
    shutil.rmtree(case_dir, ignore_errors=True)
    options = IngestOptions(workers=args.workers, progress=False, index=not args.no_index,
                            people=not args.no_people, ocr=OcrOptions(mode=args.ocr))
    print(f"settings: workers={args.workers} ocr={args.ocr} index={not args.no_index} people={not args.no_people}")
    sampler = RssSampler()
    sampler.start()
    with Case.open(case_dir, create=True) as case:
        started = time.monotonic()
        first = ingest(case, [cache], options)
        seconds = time.monotonic() - started
        st = case.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    sampler.stop.set()
    print(f"items: {first.files} (files and archive members; {first.failed} unreadable, {first.duplicates} duplicates)")
    print(f"ingest_seconds: {seconds:.2f} s")
    print(f"ingest_files_per_second: {files / seconds:.0f} files/s (source files)")
    print(f"ingest_items_per_second: {st / seconds:.0f} items/s (files and members)")
    print(f"ingest_megabytes_per_second: {size / 1e6 / seconds:.1f} MB/s")
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_rss_main: {self_rss:.0f} MB")
    print(f"peak_rss_one_worker: {sampler.peak_one / 1e6:.0f} MB")
    print(f"peak_rss_all_processes: {sampler.peak_total / 1e6:.0f} MB (main, fork server and workers, sampled)")

    with Case.open(case_dir) as case:
        started = time.monotonic()
        second = ingest(case, [cache], options)
        rerun = time.monotonic() - started
    print(f"rerun_seconds: {rerun:.2f} s ({second.skipped} of {second.files} items skipped, {second.new} new)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
