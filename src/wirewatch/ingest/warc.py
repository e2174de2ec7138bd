"""WARC / WARC.GZ archives -> Documents: the HTML pages an archive holds, in archive order.

News archives (Common Crawl's CC-NEWS, web archives, a crawler's own output) are WARC files:
a sequence of records, of which only ``response`` records with a successful HTTP status
and an HTML content type hold an article. Requests, metadata, revisits, images, PDFs,
redirects and error pages are skipped. Each page goes through the same HTML reading as an
.html file (``ingest.html``); its id and url are the record's ``WARC-Target-URI`` (the
record's place in the archive when there is none). A page over the size limit, or one that
cannot be read, is an error document of its own; a damaged archive ends with one error
document naming where it broke, after the pages read before.

Needs the ``warc`` extra (warcio), which reads plain and gzip-compressed archives.
"""

from __future__ import annotations

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
    number = 0
    with handle:
        try:
            for record in archive.ArchiveIterator(handle):
                number += 1
                if not _is_html_response(record):
                    continue
                yield _page(record, f"{path}#{number}", limit)
        except Exception as err:  # noqa: BLE001 - a damaged archive keeps what was read
            yield Document(id=f"{path}#{number + 1}", source=path,
                           error=f"the WARC archive could not be read past record {number} "
                                 f"({type(err).__name__})")


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
