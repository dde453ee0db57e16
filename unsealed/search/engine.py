"""The small interface every search engine implements, and the records it takes and gives.

The embedded engine is tantivy (:mod:`unsealed.search.tantivy_engine`). A server
engine (OpenSearch, Quickwit, ...) for team deployments implements the same
class: it receives blobs with their parts and the engine-neutral query tree of
:mod:`unsealed.search.query`, and must fold text with
:func:`unsealed.search.normalize.normalise` and tokenize it the same way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field

from unsealed.search.query import Node


class SearchError(ValueError):
    """A search cannot run; the message says what to do."""


class IndexMissing(SearchError):
    """There is no index yet."""


class IndexOutdated(SearchError):
    """The index was built by another version of unsealed and must be rebuilt."""


class IndexBusy(SearchError):
    """Another process is writing the index."""


@dataclass
class BlobInfo:
    """What every document of one blob shares."""

    sha256: str
    item_id: int  # lowest id of the items holding the blob
    duplicates: int  # how many items hold it
    kind: str
    family: str
    paths: list[str]  # logical paths of those items (capped)
    day: int | None = None  # document date as YYYYMMDD (month/day 00 when unknown)
    analysed_paths: tuple[list[str], list[str], list[str]] | None = None  # analysis.analyse_paths(paths)


@dataclass
class Part:
    """One searchable document of a blob: a page, a table row or the file itself (paths + metadata)."""

    text: str
    page: int | None = None
    source: str = "text"  # the page's source: 'text' or 'ocr'
    sheet: str | None = None
    row: int | None = None
    offset: int = 0  # where this chunk starts in a long page's text
    analysed: tuple[str, str, str] | None = None  # analysis.analyse(text), when done ahead (feed.py)


@dataclass
class Filters:
    """Restrictions applied on top of the query (they do not change scores)."""

    types: tuple[str, ...] = ()
    path: str | None = None
    day_from: int | None = None
    day_to: int | None = None


@dataclass
class Hit:
    sha256: str
    item_id: int
    duplicates: int
    family: str
    kind: str
    score: float
    page: int | None = None
    source: str | None = None
    sheet: str | None = None
    row: int | None = None
    offset: int = 0


@dataclass
class Result:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class Engine(ABC):
    """A full-text index of blob parts."""

    @abstractmethod
    def lock(self) -> None:
        """Become the index's only writer now; :class:`IndexBusy` when another process is writing."""

    @abstractmethod
    def add_blob(self, blob: BlobInfo, parts: Iterable[Part], replace: bool = True) -> int:
        """Add a blob's documents (first deleting any it had, unless ``replace`` is False); returns docs added."""

    @abstractmethod
    def delete_blob(self, sha256: str) -> None:
        """Remove every document of a blob (takes effect at the next commit)."""

    @abstractmethod
    def commit(self) -> None:
        """Make everything added so far durable and searchable."""

    @abstractmethod
    def rollback(self) -> None:
        """Drop everything added since the last commit."""

    @abstractmethod
    def close(self) -> None:
        """Release the writer (and its lock); searching still works."""

    @abstractmethod
    def search(self, node: Node, filters: Filters, limit: int = 20, offset: int = 0,
               facets: bool = True) -> Result:
        """Documents matching ``node`` and ``filters``, best first, with facet counts over all matches."""

    @abstractmethod
    def num_docs(self) -> int:
        """How many documents the index holds."""
