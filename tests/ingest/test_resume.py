"""A run killed with SIGKILL at any moment, then re-run, leaves the case as one clean run would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile

from .helpers import catalog_state, make_source


def _ingest_cmd(src, case):
    return [sys.executable, "-m", "unsealed.cli", "ingest", str(src), "--case", str(case), "--workers", "2"]


def test_sigkill_then_rerun_equals_a_clean_run(tmp_path):
    src = make_source(tmp_path / "src", n_text=400)
    for k in range(6):
        with zipfile.ZipFile(src / f"batch{k}.zip", "w") as z:
            for i in range(60):
                z.writestr(f"files/{i:03d}.txt", f"成员 {k}-{i} payload\n" * 20)
    clean = tmp_path / "clean"
    subprocess.run(_ingest_cmd(src, clean), check=True, capture_output=True, timeout=300)
    expected = catalog_state(clean)

    killed = tmp_path / "killed"
    kills = 0
    for delay in (0.4, 0.9, 1.4, 0.7):
        proc = subprocess.Popen(_ingest_cmd(src, killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    subprocess.run(_ingest_cmd(src, killed), check=True, capture_output=True, timeout=300)
    assert kills >= 1, "the run finished before it could be killed: make the source bigger"
    assert catalog_state(killed) == expected
    # no half-written blob is left under a final name
    leftovers = [p for p in (killed / "blobs").rglob("*") if p.is_file() and p.parent.name != "tmp"
                 and len(p.name) != 64]
    assert leftovers == []
