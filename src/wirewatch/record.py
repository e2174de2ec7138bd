"""Doc + document metadata -> the contract's document record (one JSONL line)."""

from __future__ import annotations

import hashlib
from typing import Any

from spacy.tokens import Doc

from wirewatch.ingest.document import Document
from wirewatch.nlp.extensions import get_list

LISTS = ("entities", "events", "quotes", "claims", "locations", "times")


def text_sha256(text: str) -> str:
    """The document's identity in the store: SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def error_record(document: Document) -> dict[str, Any]:
    """The record of a document that could not be processed."""
    record: dict[str, Any] = {"id": document.id, "error": document.error or "unknown error"}
    if document.source and document.source != document.id:
        record["source"] = document.source
    return record


def to_record(document: Document, doc: Doc | None, include_text: bool = False) -> dict[str, Any]:
    """The contract record of a document; ``doc`` is None when it skipped the pipeline."""
    if not document.ok:
        return error_record(document)
    text = document.text or ""
    record: dict[str, Any] = {
        "id": document.id,
        "title": document.title,
        "url": document.url,
        "outlet": document.outlet,
        "published": document.published,
        "language": document.language or ("en" if doc is not None else None),
        "text_sha256": text_sha256(text),
    }
    for name in LISTS:
        record[name] = get_list(doc, f"ww_{name}") if doc is not None else []
    if document.note:
        record["note"] = document.note
    if include_text or document.from_html:
        record["text"] = text
    return record
