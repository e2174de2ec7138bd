"""INPUT arguments -> Documents, lazily and in input order.

Every failure (missing file, binary content, bad JSON line, empty text) becomes a Document with
``error`` set instead of an exception, so one bad input never stops a batch. Sizes are checked
before expensive work: a file's bytes before it is read or its HTML parsed, a JSONL line's
bytes before it is decoded (see ``jsonl``), and every document's characters against
``max_chars`` whatever its type. Anything unexpected while reading one input still fails only
that input, with a message naming it.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from wirewatch.ingest.checks import HTML_SIZE_FACTOR, check_text, normalise_published
from wirewatch.ingest.decode import BINARY_ERROR, decode, wide_encoding
from wirewatch.ingest.document import Document
from wirewatch.ingest.fields import apply_meta, record_document, sidecar_id
from wirewatch.ingest.html import html_to_document
from wirewatch.ingest.jsonl import iter_jsonl_lines
from wirewatch.ingest.warc import WARC_SUFFIXES, is_warc, iter_warc

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
#: Metadata fields a JSONL record or a ``.meta.json`` sidecar may supply.
META_FIELDS = ("title", "url", "outlet", "published", "language")
#: A ``.meta.json`` sidecar larger than this is not read (it holds a few short fields).
MAX_SIDECAR_BYTES = 1 << 20

_CHUNK = 1 << 20

__all__ = ["HTML_SIZE_FACTOR", "SUPPORTED_SUFFIXES", "WARC_SUFFIXES", "count_documents",
           "iter_documents", "iter_records"]


def count_documents(inputs: list[str], limit_bytes: int = 8 << 30) -> int | None:
    """About how many documents ``inputs`` hold (one per file, one per non-blank JSONL
    line), for a progress bar's ETA; None when that cannot be known cheaply (stdin, a
    WARC archive, more than ``limit_bytes`` of JSONL to scan)."""
    if any(is_warc(arg) for arg in inputs):
        return None
    total = 0
    budget = limit_bytes
    paths: list[str] = []
    for arg in inputs:
        if arg == "-":
            return None
        if os.path.isdir(arg):
            for root, dirs, files in os.walk(arg):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                if any(is_warc(f) for f in files):
                    return None
                paths.extend(os.path.join(root, f) for f in files if not f.startswith(".")
                             and os.path.splitext(f)[1].lower() in SUPPORTED_SUFFIXES)
        else:
            paths.append(arg)
    for path in paths:
        suffix = os.path.splitext(path)[1].lower()
        if suffix not in JSONL_SUFFIXES:
            total += 1
            continue
        try:
            budget -= os.path.getsize(path)
            if budget < 0:
                return None
            with open(path, "rb") as handle:
                total += sum(1 for line in handle if line.strip())
        except OSError:
            total += 1
    return total


def iter_documents(
    inputs: list[str],
    published: str | None = None,
    outlet: str | None = None,
    stdin: TextIO | None = None,
    max_chars: int = 2_000_000,
) -> Iterator[Document]:
    """Yield one checked Document per input document, in input order.

    ``inputs`` are .txt/.html/.htm/.jsonl files, directories (recursive) or ``-`` (JSONL on
    stdin). ``published``/``outlet`` are defaults used only where a document has none.
    """
    default_published, default_note = normalise_published(published)
    for arg in inputs:
        for doc in _iter_input(arg, stdin, max_chars):
            if not doc.error:
                if doc.published is None and default_published:
                    doc.published = default_published
                elif doc.published is None and default_note:
                    doc.add_note(default_note)
                if doc.outlet is None and outlet:
                    doc.outlet = outlet
            yield _checked(doc, max_chars)


def iter_records(
    records: Iterable[Any], source: str = "<records>", max_chars: int = 2_000_000
) -> Iterator[Document]:
    """One checked Document per JSON object already in memory (what a JSONL line holds), so
    callers with parsed rows need no temporary file; ids default to 'SOURCE:N'."""
    for number, record in enumerate(records, start=1):
        where = f"{source}:{number}"
        try:
            doc = record_document(record, where, f"record {number}", max_chars)
        except Exception as err:  # noqa: BLE001 - one document must never stop the batch
            doc = _unexpected(where, err)
        yield _checked(doc, max_chars)


def _checked(doc: Document, max_chars: int) -> Document:
    """``check_text``, with an unexpected failure kept to this document."""
    try:
        return check_text(doc, max_chars)
    except Exception as err:  # noqa: BLE001 - one document must never stop the batch
        return _unexpected(doc.source or doc.id, err)


def _unexpected(where: str, err: BaseException) -> Document:
    """The error document of an input that failed in a way no check foresaw."""
    if isinstance(err, MemoryError):
        reason = "ran out of memory while reading it"
    elif isinstance(err, RecursionError):
        reason = "its structure is nested too deeply to read"
    else:
        reason = f"an unexpected error while reading it ({type(err).__name__})"
    return Document(id=where, source=where, error=f"could not be read: {reason}")


def _iter_input(arg: str, stdin: TextIO | None, max_chars: int) -> Iterator[Document]:
    """Documents of one INPUT argument (unchecked)."""
    if arg == "-":
        stream = stdin if stdin is not None else sys.stdin
        yield from _guarded_stream(iter_jsonl_lines(_stdin_lines(stream), "<stdin>", max_chars),
                                   "<stdin>")
        return
    if os.path.isdir(arg):
        yield from _iter_directory(arg, max_chars)
        return
    if not os.path.exists(arg):
        yield Document(id=arg, source=arg, error=f"file not found: {arg}")
        return
    suffix = os.path.splitext(arg)[1].lower()
    if is_warc(arg):
        yield from _guarded_stream(iter_warc(arg, max_chars), arg)
        return
    if suffix not in SUPPORTED_SUFFIXES:
        yield Document(
            id=arg,
            source=arg,
            error=f"unsupported input type {suffix or '(no extension)'!r}: "
            "expected .txt, .html, .htm, .jsonl, .warc, .warc.gz, a directory or '-'",
        )
        return
    yield from _iter_file(arg, max_chars)


def _guarded_stream(documents: Iterator[Document], source: str) -> Iterator[Document]:
    """``documents``, ending with one error document if the stream itself fails."""
    try:
        yield from documents
    except Exception as err:  # noqa: BLE001 - one input must never stop the batch
        yield _unexpected(source, err)


def _iter_directory(root: str, max_chars: int) -> Iterator[Document]:
    """Supported files under ``root``, depth-first, entries sorted by name, hidden ones skipped."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as err:
        yield Document(id=root, source=root, error=f"cannot read directory: {_os_reason(err)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(root, entry.name)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError:
            continue
        if is_dir:
            yield from _iter_directory(path, max_chars)
        elif is_file and is_warc(entry.name):
            yield from _guarded_stream(iter_warc(path, max_chars), path)
        elif is_file and os.path.splitext(entry.name)[1].lower() in SUPPORTED_SUFFIXES:
            yield from _iter_file(path, max_chars)


def _iter_file(path: str, max_chars: int) -> Iterator[Document]:
    """Documents of one existing file of a supported type."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in JSONL_SUFFIXES:
        try:
            handle = open(path, "rb")  # closed by the `with` below; lines are read lazily
        except OSError as err:
            yield Document(id=path, source=path, error=f"cannot read file: {_os_reason(err)}")
            return
        with handle:
            yield from _guarded_stream(iter_jsonl_lines(handle, path, max_chars), path)
        return
    try:
        doc = _read_single(path, suffix, max_chars)
    except Exception as err:  # noqa: BLE001 - one document must never stop the batch
        doc = _unexpected(path, err)
    yield doc


def _read_single(path: str, suffix: str, max_chars: int) -> Document:
    """The one Document of a .txt or .html/.htm file (with its sidecar applied)."""
    if suffix in HTML_SUFFIXES:
        text, error, note = _read_html_file(path, max_chars)
    else:
        text, error, note = _read_text_file(path, max_chars)
    if error:
        doc = Document(id=path, source=path, error=error)
    elif suffix in HTML_SUFFIXES:
        doc = html_to_document(text or "", path)
        doc.source = path
    else:
        doc = Document(id=path, text=text, source=path)
    if note:
        doc.add_note(note)
    _apply_sidecar(doc, path)
    return doc


def _read_html_file(path: str, max_chars: int) -> tuple[str | None, str | None, str | None]:
    """(html, error, note): the page's size in bytes is checked before it is read or parsed
    (parsing is what costs: tens of seconds and gigabytes for a page of tens of megabytes)."""
    limit = max_chars * HTML_SIZE_FACTOR
    try:
        size = os.path.getsize(path)
    except OSError as err:
        return None, f"cannot read file: {_os_reason(err)}", None
    if size > limit:
        return None, (f"document too large: {size} bytes of HTML (limit {limit}, ten times "
                      "--max-chars; raise with --max-chars)"), None
    return _read_text_file(path, limit)


def _read_text_file(path: str, max_chars: int) -> tuple[str | None, str | None, str | None]:
    """(text, error, note) for a text or HTML file (see ``decode`` for encodings).

    Files too large to fit in ``max_chars`` are counted in chunks instead of being held in
    memory; a decoded text over ``max_chars`` is refused here, before any parsing.
    """
    try:
        size = os.path.getsize(path)
        if size > 4 * max_chars + 4:  # cannot fit even at 4 bytes per character
            return _count_oversized(path, max_chars)
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        return None, f"cannot read file: {_os_reason(err)}", None
    text, error, note = decode(data)
    if text is not None and len(text) > max_chars:
        return None, _too_large(len(text), max_chars), None
    return text, error, note


def _too_large(count: int, max_chars: int) -> str:
    return f"document too large: {count} characters (limit {max_chars}; raise with --max-chars)"


def _count_oversized(path: str, max_chars: int) -> tuple[None, str, None]:
    """Error for a file over the limit, with its exact character count, in bounded memory."""
    count = 0
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
            wide = wide_encoding(head)
            decoder = codecs.getincrementaldecoder(wide or "utf-8-sig")()
            chunk = head
            while chunk:
                if wide is None and b"\x00" in chunk:
                    return None, BINARY_ERROR, None
                count += len(decoder.decode(chunk))
                chunk = handle.read(_CHUNK)
            count += len(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return None, BINARY_ERROR, None
    except OSError as err:
        return None, f"cannot read file: {_os_reason(err)}", None
    return None, _too_large(count, max_chars), None


def _apply_sidecar(doc: Document, path: str) -> None:
    """Fill id/title/url/outlet/published/language from ``NAME.meta.json`` beside ``path``."""
    stem = os.path.splitext(path)[0]
    for candidate in (stem + ".meta.json", path + ".meta.json"):
        if os.path.isfile(candidate):
            break
    else:
        return
    try:
        if os.path.getsize(candidate) > MAX_SIDECAR_BYTES:
            doc.add_note(f"metadata file {candidate} ignored: larger than "
                         f"{MAX_SIDECAR_BYTES} bytes")
            return
        with open(candidate, encoding="utf-8-sig") as handle:
            meta = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        doc.add_note(f"metadata file {candidate} ignored: {err}")
        return
    except (RecursionError, ValueError):
        doc.add_note(f"metadata file {candidate} ignored: nested too deeply or a number too "
                     "long to read")
        return
    if not isinstance(meta, dict):
        doc.add_note(f"metadata file {candidate} ignored: expected a JSON object")
        return
    sidecar_id(meta, doc)
    apply_meta(doc, meta)


def _stdin_lines(stream: TextIO) -> Any:
    """stdin as raw bytes when available so a bad byte only fails its own line."""
    return getattr(stream, "buffer", None) or stream


def _os_reason(err: OSError) -> str:
    """'Permission denied: path' rather than '[Errno 13] ...'."""
    return f"{err.strerror}: {err.filename}" if err.strerror and err.filename else str(err)
