"""Figures at scale: ``stats`` on an ingested synthetic case against its truth.json, and the mosaic.

    python bench/figures.py [--case /tmp/case20k] [--truth /tmp/synth20k/truth.json] [--photos 5000]

Prints one figure per line with its unit. truth.json's ``people`` counts every invented person,
also those named only in text files or nowhere in the cache; ``people_findable`` is the number a
tool reading the cache's tables and photos can reach, and is what ``people`` is compared with.
Peak memory of the mosaic is the largest sum of resident memory over this process and all its
descendants (the decoding workers), sampled every 20 ms. CPU seconds are printed beside wall-clock
seconds: on a shared machine the difference is time spent waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

GENDER = {"男": "male", "女": "female"}


def truth_sets(truth: dict) -> dict[str, list[dict]]:
    """The truth persons each count figure should count (see the module docstring)."""
    found = [p for p in truth["persons"] if p["appears_in"] or p["photos"]]
    return {
        "people": found,
        "detained": [p for p in found if p["detained"]],
        "photographed": [p for p in found if p["photos"]],
        "photographed_and_detained": [p for p in found if p["photos"] and p["detained"]],
        "photographed_in_no_table": [p for p in found if p["photos"] and not p["appears_in"]],
        "minors_at_detention": [p for p in found if p["detained"] and p["age_at_detention"] < 18],
    }


def truth_figures(truth: dict) -> dict:
    """What each figure should be, from truth.json's persons."""
    sets = truth_sets(truth)
    out = {fid: len(ps) for fid, ps in sets.items()}
    for fid, ps in sets.items():
        for g in ("male", "female"):
            out[f"{fid}:{g}"] = sum(1 for p in ps if GENDER[p["gender"]] == g)
    ages = [p["age_at_detention"] for p in sets["detained"]]
    out["youngest_age"], out["oldest_age"] = min(ages), max(ages)
    out["staff"] = sum(1 for s in truth["staff"] if s["appears_in"])
    return out


def differences(case, truth: dict, fid: str, show: int = 5) -> str:
    """The ID numbers a count figure has that truth lacks (+) and lacks that truth has (-)."""
    from unsealed.figures import explain_figure

    got = {r["id_number"] for r in explain_figure(case, fid)["rows"]}
    want = {p["id_number"] for p in truth_sets(truth)[fid]}
    extra, missing = sorted(got - want), sorted(want - got)
    return " ".join([f"+{n}" for n in extra[:show]] + [f"-{n}" for n in missing[:show]])


def _tree(root: int) -> list[tuple[int, int, float]]:
    """(pid, resident kB, CPU seconds so far) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    info: dict[int, tuple[int, float]] = {}
    tick, page_kb = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as fh:
                pages = int(fh.read().split()[1])
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        info[int(entry)] = (pages * page_kb, (int(fields[11]) + int(fields[12])) / tick)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in info:
            out.append((pid, *info[pid]))
        todo.extend(children.get(pid, []))
    return out


class Watch:
    """Samples this process tree every 20 ms in a thread: peak total resident memory, CPU seconds used.

    CPU is counted per process from when the watch starts, so time spent waiting for a core on a
    busy machine is not counted (compare it with the wall-clock time).
    """

    def __init__(self, root: int | None = None, every: float = 0.02):
        self.root, self.every, self.peak_kb, self._stop = root or os.getpid(), every, 0, threading.Event()
        self._start: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)
        for pid, _rss, cpu in _tree(self.root):
            self._start[pid] = cpu

    def _run(self) -> None:
        while not self._stop.is_set():
            procs = _tree(self.root)
            self.peak_kb = max(self.peak_kb, sum(rss for _pid, rss, _cpu in procs))
            for pid, _rss, cpu in procs:
                self._last[pid] = cpu
            self._stop.wait(self.every)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        for pid, _rss, cpu in _tree(self.root):
            self._last[pid] = cpu

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024

    @property
    def cpu_seconds(self) -> float:
        return sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._last.items())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", default="/tmp/case20k")
    ap.add_argument("--truth", default="/tmp/synth20k/truth.json")
    ap.add_argument("--photos", type=int, default=5000, help="persons in the mosaic")
    ap.add_argument("--tile", type=int, default=64)
    ap.add_argument("--out", default="/tmp/unsealed-bench/figures")
    args = ap.parse_args()

    from unsealed.figures import compute_stats, explain_figure, write_charts
    from unsealed.figures.stats import figure
    from unsealed.people import build_people, schema
    from unsealed.store.case import Case

    truth = json.loads(Path(args.truth).read_text(encoding="utf-8"))
    with Case.open(args.case, readonly=True) as case:
        current = schema.is_current(case.conn)
    if not current:
        with Case.open(args.case) as case:
            t = time.perf_counter()
            build_people(case)
            print(f"people_build_seconds {time.perf_counter() - t:.1f} s")
    out = Path(args.out)
    with Case.open(args.case, readonly=True) as case:
        t, c = time.perf_counter(), time.process_time()
        stats = compute_stats(case)
        print(f"stats_seconds {time.perf_counter() - t:.2f} s (cpu {time.process_time() - c:.2f} s)")
        expected = truth_figures(truth)
        print(f"truth_people {truth['figures']['people']} persons (all invented)")
        print(f"people_findable {expected['people']} persons (named in a table or a photo)")
        equal = 0
        for key, want in expected.items():
            fid, _, gender = key.partition(":")
            entry = figure(stats, fid)
            got = next(b["value"] for b in entry["breakdown"] if b["key"] == gender) if gender else entry["value"]
            equal += got == want
            print(f"figure_{key.replace(':', '_')} {got} (truth {want}){'' if got == want else '  MISMATCH'}")
            if got != want and not gender and fid in truth_sets(truth):
                print(f"  differs_{fid} {differences(case, truth, fid)}")
        print(f"figures_equal_to_truth {equal}/{len(expected)}")
        for fid in ("detained", "people"):
            t, c = time.perf_counter(), time.process_time()
            rows = explain_figure(case, fid)["rows"]
            print(f"explain_{fid}_seconds {time.perf_counter() - t:.2f} s (cpu {time.process_time() - c:.2f} s, "
                  f"{len(rows)} rows)")
        t, c = time.perf_counter(), time.process_time()
        charts = write_charts(stats, out / "charts")
        print(f"charts_seconds {time.perf_counter() - t:.2f} s (cpu {time.process_time() - c:.2f} s, "
              f"{len(charts['files'])} files)")
    # the mosaic as a user runs it, in its own process, so its memory is its own
    image = out / "composite.jpg"
    command = [sys.executable, "-m", "unsealed", "mosaic", "--case", args.case, "--out", str(image),
               "--tile", str(args.tile), "--limit", str(args.photos), "--workers", "2"]
    t = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    with Watch(proc.pid) as watch:
        code = proc.wait()
    seconds = time.perf_counter() - t
    if code:
        print(f"mosaic_failed exit {code}")
        return 1
    result = json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))
    print(f"mosaic_photos {result['count']} tiles ({len(result['skipped'])} skipped)")
    print(f"mosaic_seconds {seconds:.1f} s (command line, interpreter start included)")
    print(f"mosaic_cpu_seconds {watch.cpu_seconds:.1f} s (all its processes; wall / cpu shows waiting for a core)")
    print(f"mosaic_peak_rss_tree_mb {watch.peak_mb:.0f} MB (the command and its decoding workers)")
    print(f"mosaic_size {result['width']}x{result['height']} px, {image.stat().st_size / 1e6:.1f} MB")
    return 0 if equal == len(expected) else 1


if __name__ == "__main__":
    sys.exit(main())
