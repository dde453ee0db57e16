from __future__ import annotations

import pytest

from tests.publish.casefix import small_case


@pytest.fixture(scope="session")
def synth_case(tmp_path_factory):
    """(case folder, truth dict) of the shared 200-person case."""
    return small_case(tmp_path_factory.getbasetemp() / "publish-case")
