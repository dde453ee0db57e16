"""Verify: a reproducible authenticity report anyone can re-run on the same cache.

``run_verify(case, horizon=None)`` runs every check (one module each, listed in
``base.CHECKS``) and returns ``{"manifest": {...}, "checks": [...]}``: the same dict as
``unsealed verify --json``. ``render_html(report)`` turns it into a self-contained page.
"""

from __future__ import annotations

from unsealed.verify.report import digest_of, run_verify

__all__ = ["digest_of", "render_html", "run_verify"]


def render_html(report: dict) -> str:
    """The report as one self-contained HTML page (see ``unsealed.verify.html``)."""
    from unsealed.verify.html import render

    return render(report)
