"""Full-text search for the desk: the store's own search, tolerant of what people type.

The store's search takes FTS5 syntax on SQLite, where ordinary input such as ``al-Shabaab``
or an unbalanced quote is a syntax error. The desk first asks with the query as written (so
``"car bomb" OR checkpoint`` keeps its meaning), then, if the database rejects it, with each
word quoted as a plain term; a query that still fails finds nothing rather than erroring.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from wirewatch.store import Store
from wirewatch.store.fts_query import SearchQueryError

#: Most documents a text filter considers (best matches first).
MAX_MATCHES = 5000

_WORD = re.compile(r"\w+", re.UNICODE)


def plain_terms(query: str) -> str:
    """``query`` as quoted FTS5 terms that all must match: ``al-Shabaab`` -> ``"al" "Shabaab"``."""
    return " ".join(f'"{word}"' for word in _WORD.findall(query))


def search_documents(store: Store, query: str, limit: int = MAX_MATCHES) -> list[dict[str, Any]]:
    """Documents matching ``query``, best first (``id`` is the document's primary key)."""
    query = query.replace("\x00", " ").strip()
    if not query:
        return []
    for attempt in (query, plain_terms(query)):
        if not attempt:
            break
        try:
            return store.search(attempt, limit=limit)
        except (sa.exc.DBAPIError, SearchQueryError):  # a query no engine can run finds nothing
            continue
    return []


def matching_document_pks(store: Store, query: str) -> list[int]:
    return [int(hit["id"]) for hit in search_documents(store, query)]
