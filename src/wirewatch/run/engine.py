"""One way in for the commands and the store: records in input order from the engine chosen."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from wirewatch.api import DEFAULT_BATCH_SIZE, Document, Record, RecordCallback
from wirewatch.run.workers import RunStats, default_workers, extract_records_parallel

#: ``--engine`` values.
ENGINES = ("local", "ray")


def extract_stream(documents: Iterable[Document], country: str | None = None,
                   include_text: bool = False, progress: RecordCallback | None = None,
                   batch_size: int = DEFAULT_BATCH_SIZE, workers: int | None = None,
                   chunk_size: int | None = None, gate: bool = False,
                   engine: str = "local", address: str | None = None,
                   shards: str | Path | None = None,
                   stats: RunStats | None = None) -> Iterator[Record]:
    """Records of ``documents``, in input order, the same for every engine and worker count.

    ``engine`` "local": ``workers`` processes on this machine (None: every core up to
    ``MAX_DEFAULT_WORKERS``); "ray": Ray actors (``address``: the cluster, None a local Ray),
    with the records kept as Parquet shards in ``shards`` (required), which a re-run reuses.
    """
    if engine == "ray":
        if shards is None:
            raise ValueError("the ray engine needs a folder for its shards")
        from wirewatch.run.ray_engine import extract_records_ray

        return extract_records_ray(documents, shards, country, include_text, progress,
                                   batch_size, workers, chunk_size, gate, address, stats)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")
    return extract_records_parallel(documents, country, include_text, progress, batch_size,
                                    workers or default_workers(), chunk_size, gate, stats)
