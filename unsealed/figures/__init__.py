"""Figures: the story's numbers with their evidence, charts of them, and the composite of all faces.

``compute_stats(case)`` gives every figure with its definition (the dict ``unsealed stats --json``
prints); ``explain_figure(case, "ID[:KEY]")`` the persons or files behind one; ``write_charts``
draws them; ``make_mosaic`` tiles one photo per person into one image with a clickable map.
"""

from __future__ import annotations

from unsealed.figures.charts import write_charts
from unsealed.figures.explain import explain_figure
from unsealed.figures.mosaic import make_mosaic
from unsealed.figures.stats import compute_stats

__all__ = ["compute_stats", "explain_figure", "make_mosaic", "write_charts"]
