"""WARC / WARC.GZ archives -> Documents: the HTML pages an archive holds, in archive order.

News archives (Common Crawl's CC-NEWS, web archives, a crawler's own output) are WARC files:
a sequence of records, of which only ``response`` records with a successful HTTP status
and an HTML content type hold an article. Requests, metadata, revisits, images, PDFs,
redirects and error pages are skipped. Each page goes through the same HTML reading as an
.html file (``ingest.html``); its id and url are the record's ``WARC-Target-URI`` (the
record's place in the archive when there is none). A page over the size limit, or one that
cannot be read, is an error document of its own; a damaged or truncated archive ends with
one error document naming the byte offset where it broke, after the pages read before (a
page whose record was cut is not given as if whole); a file that is not a WARC archive is
one error document saying so.

Needs the ``warc`` extra (warcio), which reads plain and gzip-compressed archives.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from wirewatch.extras import MissingExtra, require
from wirewatch.ingest.checks import HTML_SIZE_FACTOR
from wirewatch.ingest.decode import decode
from wirewatch.ingest.document import Document
from wirewatch.ingest.html import html_to_document

#: File name endings read as WARC archives.
WARC_SUFFIXES = (".warc", ".warc.gz")
#: Content types read as HTML pages.
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc(path: str) -> bool:
    """True for a path named like a WARC archive."""
    return path.lower().endswith(WARC_SUFFIXES)


def iter_warc(path: str, max_chars: int) -> Iterator[Document]:
    """One Document per HTML response record of the archive at ``path`` (unchecked: the
    readers' usual checks follow)."""
    try:
        archive = require("warcio.archiveiterator", "warc", "WARC input")
    except MissingExtra as err:
        yield Document(id=path, source=path, error=str(err))
        return
    limit = max_chars * HTML_SIZE_FACTOR
    try:
        handle = open(path, "rb")
    except OSError as err:
        yield Document(id=path, source=path, error=f"cannot read file: {err.strerror or err}")
        return
    with handle:
        yield from _records(archive, handle, path, limit)


def _records(archive: object, handle: object, path: str, limit: int) -> Iterator[Document]:
    """The pages of an open archive, each held back until the iterator has moved past its
    record: only then is it known whether the record's block was all there (warcio ends
    quietly at a cut, so a short block is how a truncated archive shows itself)."""
    number = 0
    offset = 0
    pending: tuple[object, Document | None] | None = None
    iterator = archive.ArchiveIterator(handle)  # type: ignore[attr-defined]
    try:
        for record in iterator:
            if pending is not None:
                broken = _cut_short(pending[0], path, number, offset, handle)
                if broken is not None:
                    yield broken
                    return
                if pending[1] is not None:
                    yield pending[1]
            number += 1
            if getattr(record, "rec_type", None) is None or getattr(record, "length", None) is None:
                yield _broken(path, number, iterator.get_record_offset(),
                              "a record whose WARC headers are incomplete")
                return
            pending = (record, _page(record, f"{path}#{number}", limit)
                       if _is_html_response(record) else None)
            offset = iterator.get_record_offset()  # (reads the rest of the record)
        if pending is not None:
            broken = _cut_short(pending[0], path, number, offset, handle)
            if broken is not None:
                yield broken
                return
            if pending[1] is not None:
                yield pending[1]
            end = iterator.get_record_offset() + iterator.get_record_length()
            size = _size(handle)
            if size is not None and size > end and not _blank_tail(handle, end, size):
                # a cut gzip member yields no record at all: only the bytes left over tell
                yield _broken(path, number + 1, end,
                              f"{size - end} bytes after the last whole record are not a "
                              "readable record (truncated?)")
                return
    except Exception as err:  # noqa: BLE001 - a damaged archive keeps what was read
        if number == 0:
            yield Document(id=path, source=path,
                           error=f"not a WARC archive: no WARC record at its start "
                                 f"({type(err).__name__})")
            return
        yield _broken(path, number + 1, _position(handle, offset),
                      f"a record that cannot be read ({type(err).__name__})")
        return
    if number == 0:
        yield Document(id=path, source=path, error="not a WARC archive: it holds no records")


def _blank_tail(handle: object, end: int, size: int) -> bool:
    """Whether the bytes after ``end`` are only the blank lines ending a plain record."""
    if size - end > 64:
        return False
    try:
        handle.seek(end)  # type: ignore[attr-defined]
        return not handle.read(size - end).strip()  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError):
        return False


def _size(handle: object) -> int | None:
    try:
        return os.fstat(handle.fileno()).st_size  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError):
        return None


def _position(handle: object, fallback: int) -> int:
    try:
        return int(handle.tell())  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError):
        return fallback


def _broken(path: str, number: int, offset: int, what: str) -> Document:
    """The error document ending a damaged archive, naming where it broke."""
    return Document(id=f"{path}#{number}", source=path,
                    error=f"the WARC archive is damaged at byte {offset}: {what} "
                          f"(record {number}); the {number - 1} record(s) before it were read")


def _cut_short(record: object, path: str, number: int, offset: int,
               handle: object) -> Document | None:
    """The error document when ``record``'s block ended before its Content-Length."""
    left = getattr(getattr(record, "raw_stream", None), "limit", 0)
    if not isinstance(left, int) or left <= 0:
        return None
    end = _position(handle, offset)
    return Document(id=f"{path}#{number}", source=path,
                    error=f"the WARC archive is truncated at byte {end}: record {number} "
                          f"(starting at byte {offset}) is missing {left} of its "
                          f"{getattr(record, 'length', '?')} bytes; the {number - 1} "
                          "record(s) before it were read")


def _is_html_response(record: object) -> bool:
    """A response record with a 2xx HTTP status and an HTML content type."""
    if getattr(record, "rec_type", None) != "response":
        return False
    http = getattr(record, "http_headers", None)
    if http is None:
        return False
    status = str(http.get_statuscode() or "")
    content_type = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return status.startswith("2") and content_type in HTML_TYPES


def _page(record: object, where: str, limit: int) -> Document:
    """The Document of one HTML response record."""
    uri = record.rec_headers.get_header("WARC-Target-URI") or None  # type: ignore[attr-defined]
    ident = uri or where
    try:
        data = record.content_stream().read(limit + 1)  # type: ignore[attr-defined]
    except Exception as err:  # noqa: BLE001 - one record must never stop the archive
        return Document(id=ident, url=uri, source=where,
                        error=f"the page could not be read ({type(err).__name__})")
    if len(data) > limit:
        return Document(id=ident, url=uri, source=where,
                        error=f"document too large: over {limit} bytes of HTML (ten times "
                              "--max-chars; raise with --max-chars)")
    html, error, note = decode(data)
    if error:
        return Document(id=ident, url=uri, source=where, error=error)
    doc = html_to_document(html or "", ident, uri)
    doc.source = where
    if note:
        doc.add_note(note)
    return doc
