from __future__ import annotations

import json

import pytest

from unsealed.synth import synthesize

from .readers import PEOPLE


@pytest.fixture(scope="package")
def gen(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    calls = []
    result = synthesize(out, people=PEOPLE, seed=3, progress=lambda d, t: calls.append((d, t)))
    truth = json.loads(result.truth_path.read_text(encoding="utf-8"))
    return result, truth, calls
