"""How many worker processes an ingest starts when the user does not say."""

from __future__ import annotations

import os

from unsealed.ingest import workers
from unsealed.ingest.workers import OCR_WORKER_BYTES, RESERVE_BYTES, available_memory, default_workers

GB = 1024**3


def test_available_memory_is_read_from_this_machine():
    free = available_memory()
    assert free is not None and 0 < free <= os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def test_one_worker_per_core_when_memory_allows(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(workers, "available_memory", lambda: 64 * GB)
    assert default_workers(ocr=True) == default_workers(ocr=False) == 8


def test_fewer_ocr_workers_when_memory_is_short(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(workers, "available_memory", lambda: 3 * GB)
    ocr = default_workers(ocr=True)
    assert ocr == (3 * GB - RESERVE_BYTES) // OCR_WORKER_BYTES == 3
    assert ocr * OCR_WORKER_BYTES + RESERVE_BYTES <= 3 * GB
    assert default_workers(ocr=False) == 8  # reading alone needs far less
    monkeypatch.setattr(workers, "available_memory", lambda: 200 * 1024**2)
    assert default_workers(ocr=True) == default_workers(ocr=False) == 1  # always at least one


def test_cores_decide_where_memory_is_unknown(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    monkeypatch.setattr(workers, "available_memory", lambda: None)
    assert default_workers(ocr=True) == 6
