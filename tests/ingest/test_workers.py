"""How many worker processes an ingest starts when the user does not say."""

from __future__ import annotations

import os
import subprocess
import sys

from unsealed.ingest import workers
from unsealed.ingest.workers import OCR_WORKER_BYTES, RESERVE_BYTES, available_memory, default_workers

GB = 1024**3


def test_available_memory_is_read_from_this_machine():
    free = available_memory()
    assert free is not None and 0 < free <= os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def test_a_containers_limits_count(monkeypatch):
    values = {"cpu.max": "150000 100000", "memory.max": str(2 * GB), "memory.current": str(GB)}
    monkeypatch.setattr(workers, "_cgroup_value", values.get)
    assert workers.usable_cores() == 1  # a quota of 1.5 cores: one worker, not one per host core
    assert available_memory() <= GB  # what is left under the container's limit, not the host's
    values.update({"cpu.max": "max 100000", "memory.max": "max"})
    assert workers.usable_cores() == len(os.sched_getaffinity(0))
    assert available_memory() > 0


def test_one_worker_per_core_when_memory_allows(monkeypatch):
    monkeypatch.setattr(workers, "usable_cores", lambda: 8)
    monkeypatch.setattr(workers, "available_memory", lambda: 64 * GB)
    assert default_workers(ocr=True) == default_workers(ocr=False) == 8


def test_fewer_ocr_workers_when_memory_is_short(monkeypatch):
    monkeypatch.setattr(workers, "usable_cores", lambda: 8)
    monkeypatch.setattr(workers, "available_memory", lambda: 3 * GB)
    ocr = default_workers(ocr=True)
    assert ocr == (3 * GB - RESERVE_BYTES) // OCR_WORKER_BYTES == 3
    assert ocr * OCR_WORKER_BYTES + RESERVE_BYTES <= 3 * GB
    assert default_workers(ocr=False) == 8  # reading alone needs far less
    monkeypatch.setattr(workers, "available_memory", lambda: 200 * 1024**2)
    assert default_workers(ocr=True) == default_workers(ocr=False) == 1  # always at least one


def test_cores_decide_where_memory_is_unknown(monkeypatch):
    monkeypatch.setattr(workers, "usable_cores", lambda: 6)
    monkeypatch.setattr(workers, "available_memory", lambda: None)
    assert default_workers(ocr=True) == 6


RACE = """
import sys, time
from pathlib import Path
from unsealed.extract.base import Limits
from unsealed.ingest.task import Result, Task
from unsealed.ingest.workers import WorkerPool
from unsealed.store.case import Case

if __name__ == "__main__":
    root, src = Path(sys.argv[1]), Path(sys.argv[2])
    Case.open(root, create=True).close()
    plan = [[Task(0, "fast.txt", 0, str(src / "fast.txt"))],
            [Task(k, n, 0, str(src / n)) for k, n in ((1, "X_slow.pdf"), (2, "Y_crash.txt"), (3, "Z.txt"))]]
    failed = []

    def on_failure(task, status, reason):
        failed.append(task.name)
        return Result(task.key, status=status, error=reason)

    pool = WorkerPool(2, str(root), (), Limits(seconds=60))
    try:
        for result in pool.run(lambda n: plan.pop(0) if plan else [], on_failure):
            print(result.key, result.status, flush=True)
            if result.key == 0:
                time.sleep(4)  # this process busy recording while the other worker reads X, then dies on Y
    finally:
        pool.close()
    print("failed", *failed)
"""


def _pages(path, count: int) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for number in range(count):
        pdf.drawString(72, 720, f"page {number} police report")
        pdf.showPage()
    pdf.save()


def test_a_worker_that_dies_after_sending_a_result_is_not_blamed_for_that_file(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "fast.txt").write_text("fast")
    _pages(src / "X_slow.pdf", 400)  # about half a second to read: done while the first result waits
    (src / "Y_crash.txt").write_text("this file makes its reader crash")
    (src / "Z.txt").write_text("after the crash")
    script = tmp_path / "race.py"
    script.write_text(RACE, encoding="utf-8")
    env = {**os.environ, "UNSEALED_FAULT": "crash:Y_crash.txt"}
    res = subprocess.run([sys.executable, str(script), str(tmp_path / "case"), str(src)], capture_output=True,
                         text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.split("\n")
    assert sorted(lines[:4]) == ["0 ok", "1 ok", "2 error", "3 ok"] and lines[4] == "failed Y_crash.txt"
