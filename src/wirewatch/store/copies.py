"""Syndicated copies: near-duplicate texts found with MinHash LSH, counted as one source.

Signatures are split into bands; two documents are candidates when any band is identical,
and copies when their estimated Jaccard similarity reaches ``DUPLICATE_SIMILARITY``. A copy
points at the first stored member of its group (``documents.copy_of``). The index lives in
memory, built once per store from the database and extended with other writers' documents,
so each new document costs one lookup instead of a scan of every stored signature.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from wirewatch.store.merge import DUPLICATE_SIMILARITY
from wirewatch.store.profile import NUM_PERM, minhash_similarity
from wirewatch.store.schema import documents

#: Rows per LSH band: 16 bands of 4 catch pairs at Jaccard 0.7 with probability ~0.99.
BAND_ROWS = 4


def _bands(signature: list[int]) -> list[tuple[int, tuple[int, ...]]]:
    if len(signature) != NUM_PERM:
        return []
    return [
        (start, tuple(signature[start : start + BAND_ROWS]))
        for start in range(0, NUM_PERM, BAND_ROWS)
    ]


class CopyIndex:
    """Band buckets of every stored signature."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
        self._signatures: dict[int, tuple[list[int], int | None]] = {}

    def add(self, pk: int, signature: list[int], copy_of: int | None) -> None:
        self._signatures[pk] = (signature, copy_of)
        for band in _bands(signature):
            self._buckets[band].append(pk)

    def original_of(self, signature: list[int]) -> int | None:
        """The group id (first member) of a stored near-duplicate of ``signature``, or None."""
        candidates: set[int] = set()
        for band in _bands(signature):
            candidates.update(self._buckets.get(band, ()))
        for pk in sorted(candidates):
            other, copy_of = self._signatures[pk]
            if minhash_similarity(signature, other) >= DUPLICATE_SIMILARITY:
                return copy_of or pk
        return None

    @classmethod
    def load(cls, conn: sa.Connection) -> CopyIndex:
        index = cls()
        index.catch_up(conn, 0)
        return index

    def catch_up(self, conn: sa.Connection, after_document: int) -> None:
        """Add the stored documents after ``after_document`` (other writers' documents)."""
        query = sa.select(documents.c.id, documents.c.minhash_json, documents.c.copy_of)
        query = query.where(documents.c.id > after_document).order_by(documents.c.id)
        for row in conn.execute(query):
            self.add(row.id, row.minhash_json or [], row.copy_of)
