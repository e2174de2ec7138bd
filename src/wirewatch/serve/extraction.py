"""Extraction for ``POST /api/documents`` in a worker process, off the desk's request path.

Extraction is CPU-bound Python: run in the server's own process it holds the GIL, and one
long document froze every concurrent page and API read for seconds. Here it runs in one
child process (``spawn``: a clean interpreter, no copy of the server's threads), which loads
the pipeline once and then takes one request's documents at a time, and stores the records
through its own connection to the same database (the store keeps concurrent writers in step,
as it does for two ``wirewatch ingest`` runs): the server only awaits the counts, so neither
extraction nor the merge of incidents holds its GIL. (A store the worker cannot open, an
in-memory SQLite database, is written by the server after the worker's extraction.) A
worker that dies (out of memory, killed) fails that request with 503 and is replaced for the
next.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from fastapi import HTTPException


def _warm() -> None:
    """Load the pipeline when the worker starts, not on its first request."""
    from wirewatch.api import load_pipeline

    load_pipeline()


def extract_rows(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """(records, failures) for API rows, exactly as ``wirewatch ingest`` would extract them
    (runs in the worker)."""
    from wirewatch.api import documents_from_rows, extract_records

    errors: list[dict[str, str]] = []

    def failed(record: dict[str, Any]) -> None:
        if "error" in record:
            errors.append({"id": str(record.get("id")), "error": str(record["error"])})

    records = list(extract_records(documents_from_rows(rows, source="<api>"), include_text=True,
                                   progress=failed))
    return records, errors


_STORES: dict[tuple[str, str | None], Any] = {}


def ingest_rows(url: str, schema_name: str | None, rows: list[dict[str, Any]]
                ) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """(store counts, failures): extract ``rows`` and add the records to the store at
    ``url`` (runs in the worker, which keeps the store open between requests)."""
    from wirewatch.store import open_store

    records, errors = extract_rows(rows)
    key = (url, schema_name)
    if key not in _STORES:
        _STORES[key] = open_store(url, schema_name=schema_name)
    return _STORES[key].add_records(records).as_dict(), errors


def store_url(store: Any) -> str | None:
    """The URL another process opens ``store`` with; None for an in-memory database."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return str(url.render_as_string(hide_password=False))


class Extractor:
    """The desk's one extraction worker, started on first use."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_warm)
            return self._pool

    async def extract(self, rows: list[dict[str, Any]]
                      ) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        """(records, failures) of ``rows``, extracted in the worker."""
        return await self._run(extract_rows, rows)

    async def ingest(self, store: Any, rows: list[dict[str, Any]]
                     ) -> tuple[dict[str, Any] | None, list[dict[str, Any]], list[dict[str, str]]]:
        """(counts, [], failures) when the worker stored the records itself, else (None,
        records, failures) for the caller to store."""
        url = store_url(store)
        if url is None:
            records, errors = await self.extract(rows)
            return None, records, errors
        stats, errors = await self._run(ingest_rows, url, store.schema_name, rows)
        return stats, [], errors

    async def _run(self, function: Any, *args: Any) -> Any:
        pool = self._executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, function, *args)
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise HTTPException(503, "the extraction worker stopped (out of memory?); "
                                     "the documents were not stored") from None

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
