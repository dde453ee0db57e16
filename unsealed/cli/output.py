"""Shared CLI options and output: ``--case``, ``--json``, tables for people."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_case(parser) -> None:
    parser.add_argument("--case", type=Path, default=None,
                        help="case folder (default: $UNSEALED_CASE or ./case)")


def add_json(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object (keys in the README)")


def print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def human_bytes(n: int | None) -> str:
    n = float(n or 0)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"
