"""A synthetic police-files cache with known truth, shaped on the Xinjiang Police Files.

``synthesize(out_dir, people, seed)`` writes ``out_dir/cache/`` (photos,
spreadsheets, documents, scans, archives, broken files) and
``out_dir/truth.json`` (every person, anomaly, document and figure; schema in
docs/truth-schema.md). Every person is invented. Output is byte-identical for
the same seed.
"""

from __future__ import annotations

from .run import SynthResult, synthesize

__all__ = ["SynthResult", "synthesize"]
