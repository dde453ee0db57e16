"""What the index is given for one text, computed inline or in worker processes.

For every part the index needs three strings: its tokens (:mod:`tokenize`), its
Latin words for the English stem field, and the prefixes of its ID numbers.
Computing them is pure Python and is most of the CPU cost of indexing: tantivy
itself adds a document of 300 characters in well under 100 µs once the tokens
are cut. Large syncs therefore analyse in worker processes (the GIL keeps
threads from helping) while the main process feeds tantivy; small ones, and
any run whose workers fail, analyse inline.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import select
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from unsealed.search import normalize, paths, tokenize

Analysed = tuple[str, str, str]  # tokens joined by spaces, Latin words, ID prefixes
AnalysedPaths = tuple[list[str], list[str], list[str]]
Work = tuple[list[Analysed], list[AnalysedPaths]]


def analyse(text: str) -> Analysed:
    """Fold ``text`` and cut it into what the index's body, stem and ID-prefix fields take."""
    folded = normalize.normalise(text)
    return tokenize.pretokenize(folded), tokenize.latin_words(folded), normalize.id_prefixes(folded)


def analyse_paths(logical_paths: Sequence[str]) -> AnalysedPaths:
    """A blob's paths as the index takes them: comparison keys, path tokens, and top folders."""
    return ([paths.path_key(p) for p in logical_paths],
            [tokenize.pretokenize(normalize.normalise(p)) for p in logical_paths],
            sorted({paths.folder_of(p) for p in logical_paths}))


def analyse_many(texts: Sequence[str], path_lists: Sequence[Sequence[str]] = ()) -> Work:
    """:func:`analyse` for each text and :func:`analyse_paths` for each path list, in order
    (the unit of work sent to a worker)."""
    return [analyse(t) for t in texts], [analyse_paths(p) for p in path_lists]


def _analyse_in_worker(texts: list[str], path_lists: list[list[str]]) -> tuple[Work, int, float]:
    return analyse_many(texts, path_lists), os.getpid(), time.process_time()


def _warm(main_pid: int) -> None:
    _exit_with(main_pid)
    tokenize.pretokenize("")  # build the token pattern once per worker, before the first chunk


def _exit_with(pid: int) -> None:
    """End this worker as soon as process ``pid`` (the one feeding the index) ends. A pool worker
    waits on a queue it holds both ends of, so a main process killed outright (the OOM killer,
    kill -9) would otherwise leave it waiting for ever. Linux's pidfd says when ``pid`` is gone."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        return  # no pidfd here: the pool's own shutdown is all there is

    def wait() -> None:
        select.select([handle], [], [])
        os._exit(1)

    threading.Thread(target=wait, name="exit-with-main", daemon=True).start()


class _Done:
    """A result computed inline, with the interface of a future."""

    def __init__(self, value: Work):
        self._value = value

    def result(self) -> Work:
        return self._value


class Analyser:
    """Runs :func:`analyse_many` on chunks of texts, in worker processes once there is enough work.

    The first ``inline_first`` texts are analysed in this process (a small sync
    is over before a pool would have started); after that a pool of
    ``workers`` processes takes over. A broken pool (a worker killed) is not an
    error: its chunks are analysed again inline and the rest of the run stays
    inline.
    """

    def __init__(self, workers: int | None = None, inline_first: int = 4000):
        # one core is left to this process, which feeds tantivy (whose own threads index)
        self.workers = max(1, (os.cpu_count() or 2) - 1) if workers is None else workers
        self.inline_left = inline_first
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False
        self._worker_cpu: dict[int, float] = {}

    def submit(self, texts: list[str], path_lists: list[list[str]]) -> Future | _Done:
        """Start the work of :func:`analyse_many`; the returned handle's ``result()`` gives its result."""
        if self.inline_left > 0 or self.workers == 0 or self._broken:
            self.inline_left -= len(texts) + len(path_lists)
            return _Done(analyse_many(texts, path_lists))
        try:
            return self._executor().submit(_analyse_in_worker, texts, path_lists)
        except (BrokenProcessPool, RuntimeError, OSError):
            self._broken = True
            return _Done(analyse_many(texts, path_lists))

    def result(self, handle: Future | _Done, texts: list[str], path_lists: list[list[str]]) -> Work:
        """The result of a submitted chunk (re-done inline if its worker died)."""
        if isinstance(handle, _Done):
            return handle.result()
        try:
            work, pid, cpu = handle.result()
        except (BrokenProcessPool, OSError):
            self._broken = True
            return analyse_many(texts, path_lists)
        self._worker_cpu[pid] = cpu
        return work

    @property
    def worker_seconds(self) -> float:
        """CPU seconds the worker processes have used (as of their latest results)."""
        return sum(self._worker_cpu.values())

    @property
    def parallel(self) -> bool:
        """True while chunks go to worker processes."""
        return self._pool is not None and not self._broken

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context(method),
                                             initializer=_warm, initargs=(os.getpid(),))
        return self._pool

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Analyser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
