"""Slow results (verification report, charts, composite) computed once in a background thread.

A page asks for a result by name and the catalog's stamp: it gets the result if it is ready,
else the job starts (once) and the page says it is being prepared and refreshes itself. When
the catalog changes, the stamp changes and the result is made again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("unsealed.web")


@dataclass
class Job:
    stamp: str
    started: float
    done: bool = False
    value: Any = None
    error: str | None = None
    seconds: float = 0.0


class Jobs:
    """Background jobs by name; one running per name at a time."""

    def __init__(self, keep: int = 24) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()  # least recently asked for first
        self._keep = keep
        self._lock = threading.Lock()

    def get(self, name: str, stamp: str, compute: Callable[[], Any], wait: float = 0.0) -> Job:
        """The job for ``name`` at ``stamp``, started if needed; waits up to ``wait`` seconds for it."""
        with self._lock:
            job = self._jobs.get(name)
            if job is None or (job.stamp != stamp and job.done):
                job = self._jobs[name] = Job(stamp, time.monotonic())
                self._forget_old()
                threading.Thread(
                    target=self._run, args=(job, compute), name=f"unsealed-{name}", daemon=True
                ).start()
            self._jobs.move_to_end(name)
        deadline = time.monotonic() + wait
        while not job.done and time.monotonic() < deadline:
            time.sleep(0.05)
        return job

    def _forget_old(self) -> None:
        """Keep at most ``keep`` results (drill-downs can be large); running jobs are never dropped."""
        for name in [n for n, j in self._jobs.items() if j.done][: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[name]

    def _run(self, job: Job, compute: Callable[[], Any]) -> None:
        try:
            job.value = compute()
        except Exception as exc:  # shown on the page; the server goes on
            log.exception("background job failed")
            job.error = str(exc) or exc.__class__.__name__
        job.seconds = round(time.monotonic() - job.started, 1)
        job.done = True
