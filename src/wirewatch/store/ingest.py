"""Documents -> records -> database: what ``wirewatch ingest`` does, as a function.

Records come from the public API (``wirewatch.api.extract_records``) with the document text
included, since the store keeps each text for full-text search and the merger's document
evidence. Records that were extracted earlier go straight to ``Store.add_records``.
"""

from __future__ import annotations

from collections.abc import Iterable

from wirewatch.api import Document, RecordCallback, extract_records
from wirewatch.store.database import IngestStats, open_store


def ingest(documents: Iterable[Document], db: str, country: str | None = None,
           batch_size: int = 100, progress: RecordCallback | None = None) -> IngestStats:
    """Extract ``documents`` and store them in ``db`` (a SQLite path or a database URL);
    the same text is stored once. The database is opened before the pipeline loads, so a
    database that cannot be opened fails at once. ``progress`` sees every record."""
    records = extract_records(documents, country, include_text=True, progress=progress)
    with open_store(db) as store:
        return store.add_records(records, batch_size=batch_size)
