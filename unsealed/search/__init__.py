"""Full-text search of the case in Chinese, Uyghur and English.

``sync_index`` keeps the index in step with the catalog (ingest calls it),
``rebuild_index`` builds it again, ``search`` answers queries.
"""

from unsealed.search.api import search
from unsealed.search.engine import SearchError
from unsealed.search.indexer import rebuild_index, sync_index

__all__ = ["search", "sync_index", "rebuild_index", "SearchError"]
