"""INPUT arguments -> Documents, lazily and in input order.

Every failure (missing file, binary content, bad JSON line, empty text) becomes a Document with
``error`` set instead of an exception, so one bad input never stops a batch.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from wirewatch.ingest.checks import check_text, normalise_published
from wirewatch.ingest.document import Document
from wirewatch.ingest.html import html_to_document

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
#: Raw HTML may be this many times larger than the text limit (markup, scripts, styles).
HTML_SIZE_FACTOR = 10
#: Metadata fields a JSONL record or a ``.meta.json`` sidecar may supply.
META_FIELDS = ("title", "url", "outlet", "published", "language")

_BINARY_ERROR = "binary or non-UTF-8 file"
_CHUNK = 1 << 20
#: Deletion tables for counting control bytes (other than text whitespace) and high bytes.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 or b == 0x7F) or b in b"\t\n\r\f\v\x1b")
_NOT_HIGH = bytes(range(0x80))


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
            yield check_text(doc, max_chars)


def _iter_input(arg: str, stdin: TextIO | None, max_chars: int) -> Iterator[Document]:
    """Documents of one INPUT argument (unchecked)."""
    if arg == "-":
        stream = stdin if stdin is not None else sys.stdin
        yield from _iter_jsonl_lines(_stdin_lines(stream), "<stdin>", max_chars)
        return
    if os.path.isdir(arg):
        yield from _iter_directory(arg, max_chars)
        return
    if not os.path.exists(arg):
        yield Document(id=arg, source=arg, error=f"file not found: {arg}")
        return
    suffix = os.path.splitext(arg)[1].lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Document(
            id=arg,
            source=arg,
            error=f"unsupported input type {suffix or '(no extension)'!r}: "
            "expected .txt, .html, .htm, .jsonl, a directory or '-'",
        )
        return
    yield from _iter_file(arg, max_chars)


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
            yield from _iter_jsonl_lines(handle, path, max_chars)
        return
    limit = max_chars * HTML_SIZE_FACTOR if suffix in HTML_SUFFIXES else max_chars
    text, error, note = _read_text_file(path, limit)
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
    yield doc


def _read_text_file(path: str, max_chars: int) -> tuple[str | None, str | None, str | None]:
    """(text, error, note) for a text or HTML file.

    UTF-8 (with or without BOM) and BOM-marked UTF-16 are read as such; a non-UTF-8 file that
    still looks like text (no NULs, few control bytes) is read as Windows-1252 with a note;
    anything else is reported as binary. Files too large to fit in ``max_chars`` are counted
    in chunks instead of being held in memory.
    """
    try:
        size = os.path.getsize(path)
        if size > 4 * max_chars + 4:  # cannot fit even at 4 bytes per character
            return _count_oversized(path, max_chars)
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        return None, f"cannot read file: {_os_reason(err)}", None
    return _decode(data)


def _decode(data: bytes) -> tuple[str | None, str | None, str | None]:
    """(text, error, note) for raw file bytes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None, None
        except UnicodeDecodeError:
            return None, _BINARY_ERROR, None
    if b"\x00" in data:
        return None, _BINARY_ERROR, None
    try:
        return data.decode("utf-8-sig"), None, None
    except UnicodeDecodeError:
        pass
    if not _looks_like_text(data):
        return None, _BINARY_ERROR, None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, _BINARY_ERROR, None
    return text, None, "file is not valid UTF-8; decoded as Windows-1252"


def _looks_like_text(data: bytes) -> bool:
    """Few control bytes and a minority of high bytes: legacy-encoded text, not binary."""
    if not data:
        return True
    controls = len(data.translate(None, _NOT_CONTROL))
    high = len(data.translate(None, _NOT_HIGH))
    return controls / len(data) < 0.01 and high / len(data) < 0.3


def _count_oversized(path: str, max_chars: int) -> tuple[None, str, None]:
    """Error for a file over the limit, with its exact character count, in bounded memory."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    count = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                if b"\x00" in chunk:
                    return None, _BINARY_ERROR, None
                count += len(decoder.decode(chunk))
            count += len(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return None, _BINARY_ERROR, None
    except OSError as err:
        return None, f"cannot read file: {_os_reason(err)}", None
    return (
        None,
        f"document too large: {count} characters (limit {max_chars}; raise with --max-chars)",
        None,
    )


def _apply_sidecar(doc: Document, path: str) -> None:
    """Fill id/title/url/outlet/published/language from ``NAME.meta.json`` beside ``path``."""
    stem = os.path.splitext(path)[0]
    for candidate in (stem + ".meta.json", path + ".meta.json"):
        if os.path.isfile(candidate):
            break
    else:
        return
    try:
        with open(candidate, encoding="utf-8-sig") as handle:
            meta = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        doc.add_note(f"metadata file {candidate} ignored: {err}")
        return
    if not isinstance(meta, dict):
        doc.add_note(f"metadata file {candidate} ignored: expected a JSON object")
        return
    record_id = _string(meta.get("id"))
    if record_id:
        doc.id = record_id
    _apply_meta(doc, meta)


def _apply_meta(doc: Document, meta: dict[str, Any]) -> None:
    """Record/sidecar metadata wins over what was extracted (e.g. from HTML)."""
    for field in ("title", "url", "outlet", "language"):
        value = _string(meta.get(field))
        if value:
            setattr(doc, field, value)
    if "published" in meta:
        published, note = normalise_published(meta["published"])
        if published:
            doc.published = published
        if note:
            doc.add_note(note)


def _stdin_lines(stream: TextIO) -> Iterator[bytes | str]:
    """Lines of stdin; raw bytes when available so a bad byte only fails its own line."""
    buffer = getattr(stream, "buffer", None)
    yield from buffer if buffer is not None else stream


def _iter_jsonl_lines(
    lines: Iterable[bytes | str], source: str, max_chars: int
) -> Iterator[Document]:
    """One Document per non-blank JSONL line; ids default to 'SOURCE:LINE'."""
    number = 0
    try:
        for number, raw in enumerate(lines, start=1):
            doc = _parse_jsonl_line(raw, source, number, max_chars)
            if doc is not None:
                yield doc
    except (OSError, UnicodeDecodeError) as err:
        where = f"{source}:{number + 1}"
        yield Document(
            id=where, source=where, error=f"cannot read {source} at line {number + 1}: {err}"
        )


def _parse_jsonl_line(
    raw: bytes | str, source: str, number: int, max_chars: int
) -> Document | None:
    """Document for one JSONL line, None for a blank line."""
    where = f"{source}:{number}"
    if isinstance(raw, bytes):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            return Document(id=where, source=where, error=f"line {number}: not valid UTF-8")
    else:
        line = raw.lstrip("\ufeff") if number == 1 else raw
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return Document(id=where, source=where, error=f"line {number}: invalid JSON ({err.msg})")
    return _record_document(record, where, f"line {number}", max_chars)


def iter_records(
    records: Iterable[Any], source: str = "<records>", max_chars: int = 2_000_000
) -> Iterator[Document]:
    """One checked Document per JSON object already in memory (what a JSONL line holds), so
    callers with parsed rows need no temporary file; ids default to 'SOURCE:N'."""
    for number, record in enumerate(records, start=1):
        where = f"{source}:{number}"
        yield check_text(_record_document(record, where, f"record {number}", max_chars),
                         max_chars)


def _record_document(record: Any, where: str, label: str, max_chars: int) -> Document:
    """Document for one parsed JSONL record; ``label`` ('line 3') starts its error messages."""
    if not isinstance(record, dict):
        return Document(id=where, source=where, error=f"{label}: expected a JSON object")
    record_id = record.get("id")
    doc_id = str(record_id).strip() if record_id is not None and str(record_id).strip() else where
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str):
        doc = Document(id=doc_id, text=text, source=where)
    elif isinstance(html, str):
        if len(html) > max_chars * HTML_SIZE_FACTOR:
            return Document(
                id=doc_id,
                source=where,
                error=f"document too large: {len(html)} characters of HTML "
                f"(limit {max_chars * HTML_SIZE_FACTOR}; raise with --max-chars)",
            )
        doc = html_to_document(html, doc_id, _string(record.get("url")))
        doc.source = where
    else:
        return Document(
            id=doc_id,
            source=where,
            error=f"{label}: record has no string 'text' or 'html' field",
        )
    _apply_meta(doc, record)
    return doc


def _string(value: object) -> str | None:
    """A stripped non-empty string, else None (JSON null, numbers, lists are ignored)."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _os_reason(err: OSError) -> str:
    """'Permission denied: path' rather than '[Errno 13] ...'."""
    return f"{err.strerror}: {err.filename}" if err.strerror and err.filename else str(err)
