"""People: persons resolved from every person table and photo of a case, each value with its source.

``build_people`` (re)builds the people tables from the catalog (run at the end of every
ingest); ``list_people`` and ``get_person`` read them.
"""

from __future__ import annotations

from unsealed.people.build import build_people
from unsealed.people.query import get_person, list_people

__all__ = ["build_people", "get_person", "list_people"]
