"""Route a file to the extractor for its content type and record every failure.

Extractor modules are imported lazily (the CLI's start-up stays fast) and tried
in the order of ``EXTRACTORS``: the first whose ``accepts(probe)`` says yes
extracts. Any exception becomes a failed :class:`Extraction` with a clear reason.
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path

from unsealed.extract.base import Context, Extraction, ExtractionError, Probe

# Module names under unsealed.extract, in priority order. Each has
# ``accepts(probe) -> bool`` and ``extract(path, probe, ctx) -> Extraction``.
EXTRACTORS = (
    "archives",
    "pdf",
    "office",
    "doc",
    "rtf",
    "sheets",
    "csvfile",
    "msg",
    "email",
    "images",
    "text",
)

# Bumped when an extractor's output changes, so re-runs redo the work.
VERSION = 2  # 2: person tables read from PDFs

_loaded: dict[str, object] = {}


def _module(name: str):
    mod = _loaded.get(name)
    if mod is None:
        mod = importlib.import_module(f"unsealed.extract.{name}")
        _loaded[name] = mod
    return mod


def preload_all() -> None:
    """Import every extractor now (worker start-up), so the first files are not slowed by imports."""
    for name in EXTRACTORS:
        try:
            _module(name)
        except ImportError:
            pass


def find_extractor(probe: Probe):
    """The first extractor module that accepts this probe, or None."""
    for name in EXTRACTORS:
        try:
            mod = _module(name)
        except ImportError:
            continue
        if mod.accepts(probe):
            return mod
    return None


def run_extractor(path: Path, probe: Probe, ctx: Context) -> Extraction:
    """Extract ``path``; never raises for a bad file: failures come back as a status."""
    mod = find_extractor(probe)
    if mod is None:
        if probe.kind == "empty":  # whether that is a problem depends on the name: see detect.empty_problem
            return Extraction(status="ok", extractor="none", metadata={"empty": True})
        return Extraction(status="unsupported", error=f"no extractor for {probe.kind} ({probe.mime})",
                          extractor="none")
    name = mod.__name__.rsplit(".", 1)[-1]
    started = time.monotonic()
    try:
        result = mod.extract(path, probe, ctx)
    except ExtractionError as exc:
        return Extraction(status=exc.status, error=str(exc) or exc.__class__.__name__, extractor=name)
    except MemoryError:
        return Extraction(status="hostile", error="ran out of memory while reading: likely a bomb", extractor=name)
    except RecursionError:
        return Extraction(status="hostile", error="nesting too deep to read", extractor=name)
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the run
        return Extraction(status="corrupt", error=f"{type(exc).__name__}: {exc}"[:500], extractor=name)
    result.extractor = result.extractor or name
    result.metadata.setdefault("extract_seconds", round(time.monotonic() - started, 4))
    return result
