"""Extraction on a Ray cluster: actors holding the pipeline, records kept as Parquet shards.

The driver (this process) reads the input, admits every document with its input position
(as one process does) and cuts the stream into chunks. Each chunk has a key: a hash of its
documents (ids, text hashes, failures) and of the settings. A chunk whose shard
``<number>-<key>.parquet`` already exists in the shard folder is read back, not extracted
again, so a re-run after a failure (a lost node, a killed driver) goes straight to where the
last run stopped. Other chunks go to a pool of actors, each holding one pipeline (one model
load per actor); results come back in submission order, are written as a shard (a temporary
name, then an atomic rename, so a half-written shard never counts as done) and handed on.
The records therefore arrive in input order, the same as ``wirewatch.api.extract_records``
gives in one process, and whatever consumes them (JSONL, the store's one writer and its
incident merging) sees exactly the stream one process would produce.

Shards are written by the driver, so the workers need no shared file system. Each shard
holds two columns, ``id`` and ``record`` (the record as JSON), readable by any Parquet tool.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from wirewatch.api import DEFAULT_BATCH_SIZE, Document, Record, RecordCallback
from wirewatch.extras import require
from wirewatch.pipeline.record import text_sha256
from wirewatch.run.workers import (
    CHUNK_BATCHES,
    RunStats,
    Settings,
    admitted,
    chunked,
    default_workers,
)

#: Bumped when a shard's layout or the records' making changes, so old shards are not reused.
SHARD_FORMAT = 1


def ray_module() -> Any:
    """``ray``, or a ``MissingExtra`` naming the extra that installs it."""
    return require("ray", "ray", "--engine ray")


def chunk_key(chunk: list[Document], settings: Settings) -> str:
    """What identifies a chunk's work: its documents and the extraction settings."""
    digest = hashlib.sha256(json.dumps([SHARD_FORMAT, asdict(settings)]).encode())
    for document in chunk:
        digest.update(json.dumps([
            document.id, document.error, document.note, document.title, document.url,
            document.outlet, document.published, document.language,
            text_sha256(document.text) if isinstance(document.text, str) else None,
        ], ensure_ascii=True).encode())
    return digest.hexdigest()[:24]


def write_shard(path: Path, records: list[Record]) -> None:
    """``records`` as a Parquet shard at ``path``, atomically."""
    pa = require("pyarrow", "export", "Parquet shards")
    pq = require("pyarrow.parquet", "export", "Parquet shards")
    table = pa.table({
        "id": pa.array([str(record.get("id")) for record in records], pa.string()),
        "record": pa.array([json.dumps(record, ensure_ascii=False) for record in records],
                           pa.string()),
    })
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    pq.write_table(table, partial)
    os.replace(partial, path)


def read_shard(path: Path) -> list[Record] | None:
    """The records of a shard, or None when it cannot be read (it is then redone)."""
    pq = require("pyarrow.parquet", "export", "Parquet shards")
    try:
        column = pq.read_table(path, columns=["record"]).column("record").to_pylist()
        return [json.loads(text) for text in column]
    except Exception:  # noqa: BLE001 - a damaged shard is extracted again
        return None


class _ExtractorActor:
    """A Ray actor's state: one pipeline, loaded when the actor starts."""

    def __init__(self, settings: Settings) -> None:
        from wirewatch.api import load_pipeline

        self.settings = settings
        load_pipeline(settings.country, gate=settings.gate)

    def extract(self, documents: list[Document]) -> list[Record]:
        from wirewatch.api import extract_records

        settings = self.settings
        return list(extract_records(documents, settings.country,
                                    include_text=settings.include_text,
                                    batch_size=settings.batch_size, gate=settings.gate))


def extract_records_ray(documents: Iterable[Document], shards: str | Path,
                        country: str | None = None, include_text: bool = False,
                        progress: RecordCallback | None = None,
                        batch_size: int = DEFAULT_BATCH_SIZE, workers: int | None = None,
                        chunk_size: int | None = None, gate: bool = False,
                        address: str | None = None,
                        stats: RunStats | None = None) -> Iterator[Record]:
    """Records of ``documents`` in input order, extracted by ``workers`` Ray actors
    (default: the cluster's CPUs, or this machine's cores up to 8 for a local Ray) and kept
    as Parquet shards in ``shards``; chunks already sharded there are read back instead.
    ``address``: the cluster to join (None starts or reuses a local Ray instance).
    ``stats.chunks`` counts the chunks extracted in this run."""
    ray = ray_module()
    folder = Path(shards)
    folder.mkdir(parents=True, exist_ok=True)
    stats = stats if stats is not None else RunStats()
    settings = Settings(country, gate, include_text, batch_size)
    size = chunk_size or max(batch_size, 1) * CHUNK_BATCHES
    if not ray.is_initialized():
        options: dict[str, Any] = {"ignore_reinit_error": True, "include_dashboard": False,
                                   "log_to_driver": False}
        if address:
            options["address"] = address
        else:
            options["num_cpus"] = workers or default_workers()
        ray.init(**options)
    actors = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    remote = ray.remote(num_cpus=1)(_ExtractorActor)
    pool: list[Any] = []
    window: list[tuple[Path, Any, list[Record] | None]] = []
    free: list[Any] = []

    def emit(records: list[Record]) -> Iterator[Record]:
        for record in records:
            if progress is not None:
                progress(record)
            yield record

    def settle() -> Iterator[Record]:
        path, ref, done = window.pop(0)
        if done is None:
            actor, ref = ref
            done = ray.get(ref)
            free.append(actor)
            write_shard(path, done)
        yield from emit(done)

    for number, chunk in enumerate(chunked(admitted(documents), size), start=1):
        path = folder / f"{number:08d}-{chunk_key(chunk, settings)}.parquet"
        done = read_shard(path) if path.exists() else None
        if done is not None and len(done) == len(chunk):
            window.append((path, None, done))
        else:
            if not free and len(pool) < actors:
                pool.append(remote.remote(settings))
                free.append(pool[-1])
            while not free:
                yield from settle()
            actor = free.pop(0)
            stats.chunks += 1
            window.append((path, (actor, actor.extract.remote(chunk)), None))
        while window and window[0][2] is not None:  # finished chunks at the front go out
            yield from settle()
    while window:
        yield from settle()
