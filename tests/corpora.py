"""Where the real-world test files are: ``../shared/corpora`` beside the checkout, or ``$UNSEALED_CORPORA``."""

from __future__ import annotations

import os
from pathlib import Path

CORPORA = Path(os.environ.get("UNSEALED_CORPORA") or Path(__file__).resolve().parents[2] / "shared" / "corpora")
