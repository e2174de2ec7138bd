"""HTML page -> Document: main article text and metadata via trafilatura (offline).

Only trafilatura's extraction functions are used on the given string; nothing is fetched
(``url`` is passed purely as metadata), so ingest never touches the network.
"""

from __future__ import annotations

import logging

import trafilatura

from wirewatch.contract.limits import clean_string
from wirewatch.ingest.checks import normalise_published
from wirewatch.ingest.document import Document

# trafilatura logs warnings/errors for every page it cannot use; we report those as the
# document's error instead. A level the application set explicitly is left alone.
_TRAFILATURA_LOGGER = logging.getLogger("trafilatura")
if _TRAFILATURA_LOGGER.level == logging.NOTSET:
    _TRAFILATURA_LOGGER.setLevel(logging.CRITICAL)


def _clean(value: object) -> str | None:
    """A stripped non-empty string, else None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def html_to_document(html: str, id: str, url: str | None = None) -> Document:
    """Extract the article text, title, date and site name (-> outlet) from an HTML page.

    Boilerplate (navigation, footers, comments) is dropped. Malformed HTML never raises: a page
    with no extractable text gives a document with ``error`` set.
    """
    if not html or not html.strip():
        return Document(id=id, url=url, error="empty HTML")
    html, _ = clean_string(html)  # the parser refuses lone surrogates and NUL
    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
        )
    except Exception as err:  # trafilatura/lxml can fail on pathological markup
        reason = "nested too deeply" if isinstance(err, RecursionError) else str(err)[:200]
        return Document(id=id, url=url, error=f"HTML could not be parsed: {reason}")
    text = _clean(getattr(result, "text", None)) if result is not None else None
    if text is None:
        return Document(id=id, url=url, error="no article text could be extracted from the HTML")
    doc = Document(
        id=id,
        text=text,
        title=_clean(result.title),
        url=url or _clean(result.url),
        outlet=_clean(result.sitename),
        from_html=True,
    )
    published, note = normalise_published(_clean(result.date))
    doc.published = published
    if note:
        doc.add_note(note)
    return doc
