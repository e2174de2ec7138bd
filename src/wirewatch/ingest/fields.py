"""A JSON object (a JSONL line, a ``.meta.json`` sidecar, a caller's row) -> Document fields.

What a record may carry: ``id`` (a string, or a whole number written as one), ``text`` or
``html`` (strings), and the strings ``title``, ``url``, ``outlet``, ``published`` and
``language``. A value of the wrong type is never turned into its Python repr and never dropped
silently: it is ignored with a note saying what was expected, and an unusable ``id`` falls back
to where the record came from ('file.jsonl:3').
"""

from __future__ import annotations

from typing import Any

from wirewatch.ingest.checks import HTML_SIZE_FACTOR, json_type, normalise_published
from wirewatch.ingest.document import Document
from wirewatch.ingest.html import html_to_document

#: Metadata fields that must be strings when present.
STRING_FIELDS = ("title", "url", "outlet", "language")


def record_id(value: object) -> tuple[str | None, str | None]:
    """(id, note): a non-empty string id, a whole number as its digits, or None and why not."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return value.strip() or None, None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), None
    return None, f"id ignored: expected a string or a whole number, got {json_type(value)}"


def string_field(meta: dict[str, Any], field: str) -> tuple[str | None, str | None]:
    """(value, note) for one metadata field: a stripped non-empty string, else None and why."""
    value = meta.get(field)
    if value is None:
        return None, None
    if isinstance(value, str):
        return value.strip() or None, None
    return None, f"{field} ignored: expected a string, got {json_type(value)}"


def apply_meta(doc: Document, meta: dict[str, Any]) -> None:
    """Record/sidecar metadata wins over what was extracted (e.g. from HTML)."""
    for field in STRING_FIELDS:
        value, note = string_field(meta, field)
        if value:
            setattr(doc, field, value)
        if note:
            doc.add_note(note)
    if "published" in meta:
        published, note = normalise_published(meta["published"])
        if published:
            doc.published = published
        if note:
            doc.add_note(note)


def record_document(record: Any, where: str, label: str, max_chars: int) -> Document:
    """Document for one parsed JSON record; ``label`` ('line 3') starts its error messages."""
    if not isinstance(record, dict):
        return Document(id=where, source=where,
                        error=f"{label}: expected a JSON object, got {json_type(record)}")
    doc_id, id_note = record_id(record.get("id"))
    doc_id = doc_id or where
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str):
        doc = Document(id=doc_id, text=text, source=where)
    elif isinstance(html, str):
        limit = max_chars * HTML_SIZE_FACTOR
        if len(html) > limit:
            return Document(
                id=doc_id, source=where,
                error=f"document too large: {len(html)} characters of HTML "
                f"(limit {limit}, ten times --max-chars; raise with --max-chars)")
        url, _ = string_field(record, "url")
        doc = html_to_document(html, doc_id, url)
        doc.source = where
    else:
        given = [f"'{k}' is {json_type(record[k])}" for k in ("text", "html") if k in record]
        return Document(
            id=doc_id, source=where,
            error=f"{label}: record has no string 'text' or 'html' field"
            + (f" ({', '.join(given)})" if given else ""))
    if id_note:
        doc.add_note(id_note)
    apply_meta(doc, record)
    return doc


def sidecar_id(meta: dict[str, Any], doc: Document) -> None:
    """Take a sidecar's ``id`` (noting one of the wrong type)."""
    value, note = record_id(meta.get("id"))
    if value:
        doc.id = value
    if note:
        doc.add_note(f"metadata file: {note}")

