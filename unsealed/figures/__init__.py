"""Figures: the story's numbers with their evidence, charts of them, and the composite of all faces.

``compute_stats(case)`` gives every figure with its definition (the dict ``unsealed stats --json``
prints); ``explain_figure(case, "ID[:KEY]")`` the persons or files behind one; ``write_charts``
draws them; ``make_mosaic`` tiles one photo per person into one image with a clickable map.

The four are imported on first use, so the mosaic's decoding workers (which import this package)
start without loading the people and chart code.
"""

from __future__ import annotations

from importlib import import_module

_WHERE = {"compute_stats": "stats", "explain_figure": "explain", "write_charts": "charts",
          "make_mosaic": "mosaic"}
__all__ = ["compute_stats", "explain_figure", "make_mosaic", "write_charts"]


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"unsealed.figures.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'unsealed.figures' has no attribute {name!r}")
