"""A progress bar on stderr (files/s, ETA) when stderr is a terminal; silence otherwise."""

from __future__ import annotations

import sys


class Progress:
    """Counts work done; draws with tqdm only on a terminal."""

    def __init__(self, desc: str, total: int | None = None, unit: str = "file", enabled: bool | None = None):
        if enabled is None:
            enabled = sys.stderr.isatty()
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True,
                             smoothing=0.1, mininterval=0.25)

    def add_total(self, n: int) -> None:
        if self._bar is not None and n:
            self._bar.total = (self._bar.total or 0) + n
            self._bar.refresh()

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
