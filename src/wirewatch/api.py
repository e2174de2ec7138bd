"""The public way in: documents -> contract records, for every caller.

The CLI, the store's ingest, the benchmark scorers, training and the speed benchmarks all
turn documents into records here, so there is one loop (pipeline, batching, error records)
and one place that says which pipeline settings a caller gets::

    from wirewatch.api import extract_records, read_documents

    for record in extract_records(read_documents(["report.txt"], published="2016-02-23")):
        print(record["events"])

Reading and extraction are lazy: documents are read and records produced one at a time, in
input order, so a caller can stream a corpus of any size. The heavy modules (spaCy and the
pipeline) are imported on first use, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from wirewatch.ingest.document import Document

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Documents longer than this (characters) get an error record instead of being processed.
DEFAULT_MAX_CHARS = 2_000_000
#: Documents per ``nlp.pipe`` batch.
DEFAULT_BATCH_SIZE = 16

Record = dict[str, Any]
#: Called once per record as it is produced (progress bars, logging).
RecordCallback = Callable[[Record], None]

__all__ = [
    "DEFAULT_MAX_CHARS",
    "Document",
    "Record",
    "count_documents",
    "documents_from_rows",
    "extract_docs",
    "extract_records",
    "geocode_spans",
    "load_pipeline",
    "read_documents",
]


def read_documents(
    inputs: Iterable[str],
    published: str | None = None,
    outlet: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    stdin: TextIO | None = None,
) -> Iterator[Document]:
    """Documents of files (.txt, .html, .htm, .jsonl), directories and ``-`` (JSONL on
    ``stdin``, default ``sys.stdin``), in input order; an unreadable input becomes a Document
    with ``error`` set rather than an exception. ``published`` (ISO 8601 date or datetime)
    and ``outlet`` fill documents that carry none.

    Raises ValueError at once (not on first iteration) for an unparseable ``published``.
    """
    from wirewatch.ingest.checks import parse_published
    from wirewatch.ingest.readers import iter_documents

    day = parse_published(published) if published is not None else None
    return iter_documents(list(inputs), published=day, outlet=outlet, stdin=stdin,
                          max_chars=max_chars)


def count_documents(inputs: Iterable[str]) -> int | None:
    """About how many documents ``read_documents(inputs)`` will give, counted cheaply (one
    per file, one per non-blank JSONL line) for a progress bar's ETA; None when unknown
    (stdin, WARC archives, very large inputs)."""
    from wirewatch.ingest.readers import count_documents as count

    return count(list(inputs))


def documents_from_rows(rows: Iterable[Mapping[str, Any]], source: str = "<records>",
                        max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Document]:
    """Documents from JSON objects already in memory, read exactly as JSONL lines are
    (``id``, ``text`` or ``html``, ``title``, ``url``, ``outlet``, ``published``,
    ``language``), with the same checks; for callers that hold parsed rows."""
    from wirewatch.ingest.readers import iter_records

    return iter_records(rows, source=source, max_chars=max_chars)


def load_pipeline(country: str | None = None, roles: bool = True,
                  event_filter: bool = True, gate: bool = False) -> Language:
    """The full wirewatch pipeline, built once per process and settings. ``country`` (an ISO
    code, any case) is preferred for ambiguous place names; ``roles`` lets the events
    component use the trained role model; ``gate`` adds the relevance gate (a document with
    no political-violence or coercion cue skips the event stages; its record's note says
    so). Call it first to keep loading out of a timing."""
    from wirewatch.pipeline import load_pipeline as build

    # always positional: the pipeline is cached per call signature
    return build(country.upper() if country else None, roles, event_filter, gate)


def extract_docs(documents: Iterable[Document], country: str | None = None,
                 roles: bool = True, batch_size: int = DEFAULT_BATCH_SIZE,
                 event_filter: bool = True, gate: bool = False
                 ) -> Iterator[tuple[Document, Doc | None]]:
    """(Document, spaCy Doc) pairs in input order, for code that reads the Doc itself
    (training features, custom analyses). The Doc is None for a document that failed or is
    not English; a document that crashes a component gets its own ``error``."""
    from wirewatch.pipeline import process

    yield from process(load_pipeline(country, roles, event_filter, gate), documents,
                       batch_size=batch_size)


def extract_records(documents: Iterable[Document], country: str | None = None,
                    include_text: bool = False, progress: RecordCallback | None = None,
                    batch_size: int = DEFAULT_BATCH_SIZE, gate: bool = False
                    ) -> Iterator[Record]:
    """One contract record per document, in input order (an error record for a document
    that failed). ``include_text`` adds each document's text (the store keeps it for search
    and merging); ``progress`` is called with every record as it is produced; ``gate``: see
    ``load_pipeline``. Several processes or a Ray cluster: ``wirewatch.run``."""
    from wirewatch.pipeline.gate import gate_note
    from wirewatch.pipeline.record import to_record

    for document, doc in extract_docs(documents, country, batch_size=batch_size, gate=gate):
        note = gate_note(doc)
        if note is not None:
            document.add_note(note)
        record = to_record(document, doc, include_text=include_text)
        if progress is not None:
            progress(record)
        yield record


def geocode_spans(text: str, spans: Iterable[tuple[int, int]], country: str | None = None,
                  geonames: str | None = None, url: str | None = None,
                  outlet: str | None = None) -> list[dict[str, Any]]:
    """Contract Locations for place names the caller has already found: one per
    (start, end) character span of ``text``, in order (the spaCy pipeline is not run).
    ``geonames`` is a GeoNames dump to build the gazetteer from instead of the packaged one;
    ``url`` and ``outlet`` (the article's address, the outlet's name) say where the outlet
    is at home."""
    from wirewatch.resolve.geocode import geocode_names

    return geocode_names(text, list(spans), country, geonames, url=url, outlet=outlet)
