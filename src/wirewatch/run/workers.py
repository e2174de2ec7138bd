"""Extraction in N local worker processes, records back in input order.

Each worker is a fresh process (``spawn``: no copied locks or half-initialised spaCy state)
that loads the pipeline once and then extracts whole chunks of documents. The parent reads
the input, admits every document at the contract boundary with its position in the whole
input (so a document without an id is named exactly as one process would name it), cuts the
stream into chunks of ``chunk_size`` documents (a multiple of the ``nlp.pipe`` batch, so a
worker sees the same batches one process would) and keeps at most ``2 * workers`` chunks in
flight: memory stays bounded however large the input, and chunks are handed back strictly in
input order. The records are therefore the same, in the same order, as
``wirewatch.api.extract_records`` gives in one process.

A worker that dies (killed, out of memory, a crash in native code) breaks the pool: a new
pool is started, the chunks in flight are sent again, and the chunk that was being waited on
is retried one document at a time, so only a document that kills a worker on its own gets
an error record.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from typing import Any

from wirewatch.api import (
    DEFAULT_BATCH_SIZE,
    Document,
    Record,
    RecordCallback,
    extract_records,
    load_pipeline,
)
from wirewatch.pipeline.boundary import admit
from wirewatch.pipeline.record import error_record

#: ``--workers`` default: every core this process may use, up to this many (each worker
#: holds its own pipeline, several hundred MB).
MAX_DEFAULT_WORKERS = 8
#: Chunks of this many ``nlp.pipe`` batches go to a worker at a time.
CHUNK_BATCHES = 4
#: What a document that kills its worker on its own gets as its error.
WORKER_DIED = "could not be processed: the worker process extracting it stopped unexpectedly"


def default_workers() -> int:
    """The cores this process may run on, at most :data:`MAX_DEFAULT_WORKERS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


@dataclass
class RunStats:
    """What a parallel run measured: peak resident memory (KB) of each worker process, and
    how many chunks went to workers (0 when the input was small enough for one process)."""

    peak_rss_kb: dict[int, int] = field(default_factory=dict)
    chunks: int = 0
    restarts: int = 0

    def worker_peak(self, pid: int, rss_kb: int) -> None:
        self.peak_rss_kb[pid] = max(self.peak_rss_kb.get(pid, 0), rss_kb)


@dataclass(frozen=True)
class Settings:
    """What every worker's pipeline and extraction need (picklable)."""

    country: str | None = None
    gate: bool = False
    include_text: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE


_SETTINGS: Settings | None = None


def _start_worker(settings: Settings) -> None:
    """Pool initializer: load the pipeline once in this worker process."""
    global _SETTINGS
    _SETTINGS = settings
    load_pipeline(settings.country, gate=settings.gate)


def _extract_chunk(documents: list[Document]) -> tuple[list[Record], int, int]:
    """In a worker: the chunk's records, the worker's pid and its peak RSS so far (KB)."""
    import resource

    settings = _SETTINGS or Settings()
    records = list(extract_records(documents, settings.country,
                                   include_text=settings.include_text,
                                   batch_size=settings.batch_size, gate=settings.gate))
    return records, os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def admitted(documents: Iterable[Document]) -> Iterator[Document]:
    """``documents`` admitted at the contract boundary with their 1-based input positions,
    as one process does (admitting again in the worker then changes nothing)."""
    for position, document in enumerate(documents, start=1):
        yield admit(document, position)


def chunked(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Consecutive lists of ``size`` documents (the last may be shorter)."""
    iterator = iter(documents)
    while chunk := list(islice(iterator, size)):
        yield chunk


def extract_records_parallel(documents: Iterable[Document], country: str | None = None,
                             include_text: bool = False,
                             progress: RecordCallback | None = None,
                             batch_size: int = DEFAULT_BATCH_SIZE, workers: int = 1,
                             chunk_size: int | None = None, gate: bool = False,
                             stats: RunStats | None = None) -> Iterator[Record]:
    """``wirewatch.api.extract_records`` spread over ``workers`` processes: the same
    records in the same order. An input of fewer than two chunks (``chunk_size``, default
    :data:`CHUNK_BATCHES` batches) runs in this process, where starting workers would cost
    more than they save. ``stats`` (optional) collects each worker's peak memory."""
    size = chunk_size or max(batch_size, 1) * CHUNK_BATCHES
    stream = admitted(documents)
    if workers > 1:
        head = list(islice(stream, 2 * size))
        if len(head) >= 2 * size:
            settings = Settings(country, gate, include_text, batch_size)
            chunks = chunked(_chain(head, stream), size)
            for record in _Pool(settings, workers, stats).run(chunks):
                if progress is not None:
                    progress(record)
                yield record
            return
        stream = iter(head)
    yield from extract_records(stream, country, include_text=include_text, progress=progress,
                               batch_size=batch_size, gate=gate)


def _chain(head: list[Document], rest: Iterator[Document]) -> Iterator[Document]:
    yield from head
    yield from rest


class _Pool:
    """A process pool that survives a dying worker; see the module docstring."""

    def __init__(self, settings: Settings, workers: int, stats: RunStats | None) -> None:
        self.settings = settings
        self.workers = workers
        self.stats = stats if stats is not None else RunStats()
        self.executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"),
                                   initializer=_start_worker, initargs=(self.settings,))

    def _restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.stats.restarts += 1
        self.executor = self._new_executor()

    def run(self, chunks: Iterator[list[Document]]) -> Iterator[Record]:
        window: deque[tuple[list[Document], Future[Any]]] = deque()
        try:
            for chunk in chunks:
                self.stats.chunks += 1
                window.append((chunk, self.executor.submit(_extract_chunk, chunk)))
                while len(window) >= 2 * self.workers:
                    yield from self._collect(window)
            while window:
                yield from self._collect(window)
        finally:
            self.executor.shutdown(wait=True, cancel_futures=True)

    def _collect(self, window: deque[tuple[list[Document], Future[Any]]]) -> list[Record]:
        chunk, future = window.popleft()
        try:
            return self._unpack(future.result())
        except BrokenProcessPool:
            self._restart()
            for n, (pending, _) in enumerate(window):  # resubmit what was in flight
                window[n] = (pending, self.executor.submit(_extract_chunk, pending))
            return [self._one(document) for document in chunk]

    def _one(self, document: Document) -> Record:
        """One document alone in the pool: its record, or an error record if it kills the
        worker again."""
        try:
            return self._unpack(self.executor.submit(_extract_chunk, [document]).result())[0]
        except BrokenProcessPool:
            self._restart()
            document.error = WORKER_DIED
            return error_record(document)

    def _unpack(self, result: tuple[list[Record], int, int]) -> list[Record]:
        records, pid, rss_kb = result
        self.stats.worker_peak(pid, rss_kb)
        return records
