"""The probe the ingest pipeline would hand an extractor for a file, for extractor tests."""

from __future__ import annotations

from pathlib import Path

from unsealed.extract.base import Probe
from unsealed.ingest.detect import HEAD_BYTES, detect


def probe_of(path: Path, kind: str | None = None) -> Probe:
    """Detect ``path`` as ingest does (``kind`` overrides the detected kind)."""
    found = detect(path)
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    return Probe(kind=kind or found.kind, mime=found.mime, name=path.name, size=path.stat().st_size, head=head)
