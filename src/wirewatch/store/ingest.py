"""Documents -> records -> database: what ``wirewatch ingest`` does, as a function.

Records come from the public API (``wirewatch.api.extract_records``) with the document text
included, since the store keeps each text for full-text search and the merger's document
evidence. Records that were extracted earlier go straight to ``Store.add_records``.

Extraction is the slow part, so each document's text is hashed first and a text already
stored is not extracted again: a rerun after a crash or a kill goes quickly to where the
last run stopped. (``add_records`` checks again under the write lock, which is what keeps
a text that another process stores meanwhile from being stored twice.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice

import sqlalchemy as sa

from wirewatch.api import Document, RecordCallback, extract_records
from wirewatch.run import RunStats, extract_stream
from wirewatch.store import schema
from wirewatch.store.database import IngestStats, Store, open_store
from wirewatch.store.outlet_places import with_outlet_places
from wirewatch.store.records import text_sha256


def ingest(documents: Iterable[Document], db: str, country: str | None = None,
           batch_size: int = 100, progress: RecordCallback | None = None,
           workers: int | None = 1, chunk_size: int | None = None, gate: bool = False,
           run_stats: RunStats | None = None, engine: str = "local",
           address: str | None = None, shards: str | None = None,
           on_skipped: Callable[[], None] | None = None) -> IngestStats:
    """Extract ``documents`` and store them in ``db`` (a SQLite path or a database URL);
    the same text is stored once, and a text already stored is not extracted again. The
    database is opened before the pipeline loads, so a database that cannot be opened
    fails at once. ``progress`` sees every record extracted.

    ``workers`` > 1 extracts in that many processes (``wirewatch.run.workers``); records
    come back in input order and this process stays the one writer, so the incidents are
    those of one worker (None: every core up to a cap). ``gate``: the relevance gate
    (``wirewatch.api.load_pipeline``). ``engine="ray"`` extracts on a Ray cluster
    (``address``) into Parquet ``shards`` (default: ``<db>.shards`` beside a SQLite file);
    every document then goes through the shards, whose chunks stay the same from run to
    run, so a re-run reads the finished ones back and the store skips what it holds.
    ``on_skipped`` is called for each document skipped because its text is stored."""
    with open_store(db) as store:
        skipped = IngestStats()
        if engine == "ray":
            shards = shards or default_shards(db)
            records = extract_stream(documents, country, include_text=True, progress=progress,
                                     workers=workers, chunk_size=chunk_size, gate=gate,
                                     engine=engine, address=address, shards=shards,
                                     stats=run_stats)
            return store.add_records(records, batch_size=batch_size)
        fresh = unstored(store, documents, skipped, chunk=max(batch_size, 1),
                         on_skipped=on_skipped)
        # Each outlet's stored history places its new reports (a local station's area).
        fresh = with_outlet_places(store.engine, fresh)
        first = next(fresh, None)
        if first is None:  # all stored already: not even the pipeline is loaded
            return skipped
        if workers == 1:  # this process: the API's own loop
            options = {"gate": True} if gate else {}
            records = extract_records(chain([first], fresh), country, include_text=True,
                                      progress=progress, **options)
        else:
            records = extract_stream(chain([first], fresh), country, include_text=True,
                                     progress=progress, workers=workers,
                                     chunk_size=chunk_size, gate=gate, stats=run_stats)
        stats = store.add_records(records, batch_size=batch_size)
    stats.add(skipped)
    return stats


def default_shards(db: str) -> str:
    """Where ``--engine ray`` keeps its shards for ``db``: beside a SQLite file, else in
    ``wirewatch-shards`` in the working directory."""
    if "://" in db:
        return "wirewatch-shards"
    return f"{db}.shards"


def unstored(store: Store, documents: Iterable[Document], skipped: IngestStats,
             chunk: int = 100, on_skipped: Callable[[], None] | None = None
             ) -> Iterator[Document]:
    """``documents`` less those whose text ``store`` already holds (counted in ``skipped``
    as records and duplicates), looked up ``chunk`` documents at a time."""
    iterator = iter(documents)
    while batch := list(islice(iterator, chunk)):
        hashes = {id(document): _hash(document) for document in batch}
        wanted = sorted({sha for sha in hashes.values() if sha is not None})
        stored = _stored_hashes(store, wanted) if wanted else set()
        for document in batch:
            if hashes[id(document)] in stored:
                skipped.records += 1
                skipped.duplicates += 1
                if on_skipped is not None:
                    on_skipped()
            else:
                yield document


def _hash(document: Document) -> str | None:
    """The text's identity as its record will carry it; None when it will not be stored."""
    if not document.ok or document.text is None:
        return None
    return text_sha256(document.text)


def _stored_hashes(store: Store, hashes: list[str]) -> set[str]:
    column = schema.documents.c.text_sha256
    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(column).where(column.in_(hashes))).scalars())
