"""One small synthetic case per test session, shared by tests/publish and tests/export."""

from __future__ import annotations

import json
from pathlib import Path

_BUILT: dict[str, tuple[Path, dict]] = {}


def small_case(base: Path) -> tuple[Path, dict]:
    """(case folder, truth) of a 200-person synthetic cache, ingested once per session."""
    if "case" not in _BUILT:
        from unsealed.ingest.pipeline import IngestOptions, ingest
        from unsealed.store.case import Case
        from unsealed.synth import synthesize

        result = synthesize(base / "s", people=200, seed=9)
        case_dir = base / "case"
        with Case.open(case_dir, create=True) as case:
            ingest(case, [result.cache], IngestOptions(workers=2))
        truth = json.loads(result.truth_path.read_text(encoding="utf-8"))
        _BUILT["case"] = (case_dir, truth)
    return _BUILT["case"]
