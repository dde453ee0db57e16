"""A case with nothing ingested: every figure is there (zero or unknown), nothing crashes."""

from __future__ import annotations

import pytest

from unsealed.figures import compute_stats, explain_figure, make_mosaic, write_charts
from unsealed.figures.definitions import FIGURES
from unsealed.figures.mosaic import MosaicError
from unsealed.store.case import Case


def test_empty_case(tmp_path):
    with Case.open(tmp_path / "case", create=True) as case:
        stats = compute_stats(case)
        assert not stats["built"] and [f["id"] for f in stats["figures"]] == [f.id for f in FIGURES]
        by_id = {f["id"]: f for f in stats["figures"]}
        assert by_id["people"]["value"] == 0 and by_id["youngest_age"]["value"] is None
        assert all(f["definition"] and f["title"] for f in stats["figures"])
        assert explain_figure(case, "detained")["rows"] == []
        with pytest.raises(MosaicError, match="nothing to tile"):
            make_mosaic(case, tmp_path / "c.jpg")
    charts = write_charts(stats, tmp_path / "charts")
    assert charts["files"] == [] and any("nothing to draw" in w for w in charts["warnings"])
