"""Commands that search the case: search, reindex."""

from __future__ import annotations


def register(sub) -> None:
    pass
