from __future__ import annotations

import pytest

from tests.people.helpers import make_case


@pytest.fixture
def case(tmp_path):
    c = make_case(tmp_path)
    yield c
    c.close()
