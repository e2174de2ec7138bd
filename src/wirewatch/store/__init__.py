"""wirewatch.store: the SQLite/PostgreSQL database behind ``wirewatch ingest``/``incidents``."""

from wirewatch.store.database import IngestStats, Store, StoreError, open_store
from wirewatch.store.render import render_incidents_table

__all__ = ["IngestStats", "Store", "StoreError", "open_store", "render_incidents_table"]
