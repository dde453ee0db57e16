"""Publish: a redacted public archive of a case as a static site (works from file:// and any web server).

``publish_site(case, out, detained_only=False, redact=None)`` writes it; ``redact`` is the set of
redacted fields (``DEFAULT`` when None; ``parse_fields`` reads ``--redact``/``--no-redact``). The
redaction policy lives in ``redact.py`` and is the only place that decides what leaves the case.
"""

from __future__ import annotations

from unsealed.publish.redact import DEFAULT, FIELDS, parse_fields
from unsealed.publish.site import PublishError, publish_site

__all__ = ["DEFAULT", "FIELDS", "PublishError", "parse_fields", "publish_site"]
