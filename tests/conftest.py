"""Checks made once before any test runs."""

from __future__ import annotations

import pytest

from tests.corpora import CORPORA


def pytest_configure(config) -> None:
    # many tests read real files from other projects: without them they would fail one by one, unexplained
    if not (CORPORA / "MANIFEST.md").is_file():
        raise pytest.UsageError(
            f"the shared test corpora are not at {CORPORA}: run the tests from a checkout that has "
            "shared/corpora beside it, or set UNSEALED_CORPORA to that folder")
