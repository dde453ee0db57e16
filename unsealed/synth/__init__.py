"""A synthetic police-files cache with known truth, shaped on the Xinjiang Police Files.

``synthesize(out_dir, people, seed)`` writes ``out_dir/cache/`` (photos,
spreadsheets, documents, scans, archives, broken files) and
``out_dir/truth.json`` (every person, anomaly, document and figure; schema in
docs/truth-schema.md). Every person is invented. Output is byte-identical for
the same seed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .run import SynthResult, synthesize

__all__ = ["SynthResult", "fingerprint", "synthesize"]


def fingerprint() -> str:
    """A short hash of this generator's code: caches written by other code differ (benches keep one per
    fingerprint, so a cache left from an older generator is never measured as if it were current)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]
