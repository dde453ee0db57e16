"""A pool of worker processes that survives anything a file can do to a worker.

concurrent.futures cannot kill one stuck task, and one crashed worker breaks the
whole ProcessPoolExecutor; a hostile file (a parser segfault, an endless loop in
C code) must cost only that file. So each worker here has its own pipe, gets a
small batch of tasks (a second one queued behind it), streams back one result
per task, and is killed and replaced when it dies or overruns the hard time
limit; the task it was on is reported as failed, the rest of its batches go
back to the queue.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait

from unsealed.extract.base import Limits
from unsealed.ingest.task import Result, Task, Worker

BATCH = 8  # tasks sent to a worker at once: fewer round trips for small files
MAX_RESTARTS = 5  # workers that die before taking any work, in a row, before the run gives up
# Peak memory of one worker (bench/ingest.py: 638 MB with OCR models loaded, under 50 MB without),
# with room for large files, and what is left to the main process and the system.
OCR_WORKER_BYTES = 700 * 1024**2
READ_WORKER_BYTES = 256 * 1024**2
RESERVE_BYTES = 512 * 1024**2


def default_workers(ocr: bool) -> int:
    """One worker per usable core, fewer when the memory free now would not hold them: a laptop
    with many cores and little memory must not swap or have workers killed by the kernel."""
    cores = usable_cores()
    free = available_memory()
    if free is None:
        return cores
    each = OCR_WORKER_BYTES if ocr else READ_WORKER_BYTES
    return int(max(1, min(cores, (free - RESERVE_BYTES) // each)))


def usable_cores() -> int:
    """Cores this process may run on: its CPU affinity, and a container's CPU quota (cgroup v2)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    quota = _cgroup_value("cpu.max")
    if quota:
        parts = quota.split()
        if len(parts) == 2 and parts[0] != "max" and int(parts[1]) > 0:
            cores = min(cores, max(1, int(parts[0]) // int(parts[1])))
    return max(1, cores)


def available_memory() -> int | None:
    """Bytes the kernel can give without swapping (MemAvailable), within a container's memory limit
    (cgroup v2); None where neither says."""
    free = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    free = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    limit, used = _cgroup_value("memory.max"), _cgroup_value("memory.current")
    if limit and limit.isdigit() and used and used.isdigit():
        left = max(0, int(limit) - int(used))
        free = left if free is None else min(free, left)
    return free


def _cgroup_value(name: str) -> str | None:
    try:
        with open(f"/sys/fs/cgroup/{name}", encoding="ascii") as fh:
            return fh.read().strip()
    except OSError:
        return None


def _serve(conn: Connection, case_root: str, passwords: tuple[str, ...], limits: Limits, ocr) -> None:
    _quiet_stderr(case_root)
    worker = Worker(case_root, passwords, limits, ocr)
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        if batch is None:
            return
        for task in batch:
            conn.send(worker.run(task))


def _quiet_stderr(case_root: str) -> None:
    """Send what native libraries print (warnings, Rust panics) to the case's log, not the user's terminal."""
    os.environ["RUST_BACKTRACE"] = "0"
    logs = os.path.join(case_root, "logs")
    os.makedirs(logs, exist_ok=True)
    fd = os.open(os.path.join(logs, "ingest-workers.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)


class _Slot:
    def __init__(self, ctx, args):
        self.parent, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.pending: deque[Task] = deque()
        self.since = 0.0  # when the current task started

    def send(self, batch: list[Task]) -> None:
        if not self.pending:  # an idle worker starts now; a busy one's clock keeps running on its task
            self.since = time.monotonic()
        self.pending.extend(batch)
        self.parent.send(batch)

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.parent.close()


class WorkerPool:
    """Run tasks on ``n`` processes; results come back in completion order."""

    def __init__(self, n: int, case_root: str, passwords: tuple[str, ...], limits: Limits, ocr=None):
        self._ctx = mp.get_context("forkserver")
        # import the readers once in the fork server, not again in every worker it starts
        self._ctx.set_forkserver_preload(["unsealed.ingest.preload"])
        self._args = (case_root, passwords, limits, ocr)
        # reading and OCR each get limits.seconds from the worker's own alarm, which fires first
        self._hard_limit = limits.seconds * 2.4 + 2
        self.slots = [_Slot(self._ctx, self._args) for _ in range(max(1, n))]
        self._restarts = 0

    def run(self, next_tasks: Callable[[int], list[Task]], on_failure: Callable[[Task, str, str], Result]
            ) -> Iterator[Result]:
        """Yield results until ``next_tasks`` has nothing more and nothing is in flight.

        ``next_tasks(n)`` returns up to n tasks (it is called again after results
        come back, since results may create new tasks). ``on_failure`` builds the
        result for a task whose worker died or overran the time limit.
        """
        while True:
            for index, slot in enumerate(self.slots):
                # a second batch is queued before the first is done, so the worker keeps reading
                # while this process records the results it already sent
                if len(slot.pending) < BATCH:
                    batch = next_tasks(BATCH)
                    if batch and slot.pending:
                        self._queue_behind(slot, batch)
                    elif batch:
                        self._send(index, batch)
            busy = [s for s in self.slots if s.pending]
            if not busy:
                return
            wait([s.parent for s in busy] + [s.process.sentinel for s in busy], timeout=1.0)
            for slot in busy:
                # whether the worker lived is asked before its results are read: a worker that died
                # after sending a result must not have that finished file blamed for its crash
                alive = slot.process.is_alive()
                try:
                    while slot.pending and slot.parent.poll():
                        result = slot.parent.recv()
                        slot.pending.popleft()
                        slot.since = time.monotonic()
                        yield result
                except (EOFError, OSError):
                    alive = False  # the worker died mid-message: handled below
                if not slot.pending:
                    continue
                if not alive:
                    yield from self._replace(slot, on_failure, "error",
                                             "the reader crashed on this file: skipped (the original is preserved)")
                elif time.monotonic() - slot.since > self._hard_limit:
                    yield from self._replace(slot, on_failure, "timeout",
                                             "reading took longer than the time limit: skipped "
                                             "(the original is preserved)")

    def _send(self, index: int, batch: list[Task]) -> None:
        """Send a batch; a worker that died before it could take it is replaced, a few times at most."""
        for _ in range(MAX_RESTARTS):
            slot = self.slots[index]
            try:
                slot.send(batch)
                self._restarts = 0
                return
            except OSError:  # BrokenPipeError and friends: the worker is gone
                slot.pending.clear()
                slot.kill()
                self.slots[index] = _Slot(self._ctx, self._args)
                self._restarts += 1
                if self._restarts >= MAX_RESTARTS:
                    break
        raise RuntimeError("worker processes die as they start: check free memory and disk space in the case "
                           "folder, and the log in CASE/logs/ingest-workers.log")

    @staticmethod
    def _queue_behind(slot: _Slot, batch: list[Task]) -> None:
        """Queue a batch behind a busy worker's current one. A worker that has just died keeps it in
        its pending list: the crash is noticed below, and the batch goes to its replacement."""
        try:
            slot.send(batch)
        except OSError:
            pass

    def _replace(self, slot: _Slot, on_failure, status: str, reason: str) -> Iterator[Result]:
        culprit = slot.pending.popleft() if slot.pending else None
        rest = list(slot.pending)
        slot.kill()
        index = self.slots.index(slot)
        fresh = _Slot(self._ctx, self._args)
        self.slots[index] = fresh
        if culprit is not None:
            yield on_failure(culprit, status, reason)
        if rest:
            self._send(index, rest)

    def close(self) -> None:
        for slot in self.slots:
            try:
                slot.parent.send(None)
            except (OSError, BrokenPipeError):
                pass
        for slot in self.slots:
            slot.process.join(2)
            if slot.process.is_alive():
                slot.process.kill()
