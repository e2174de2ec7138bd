"""Doc + document metadata -> the contract's document record (one JSONL line).

This is the pipeline's one post-processing step: it reads what the components assigned and
never changes it in place. It joins two outputs that belong to different components:
- each quote takes its attribution chain (``via``) from the claims component
  (``doc._.ww_quote_via``), which alone knows which claims enclose which quotes;
- a place entity ("Dagestan") takes its country from the places component's resolution.

Every record, error records included, then passes the contract boundary
(``boundary.finish``): it always serialises as UTF-8 JSON and fits the store. A record that
cannot be built at all becomes an error record saying so; it never raises.
"""

from __future__ import annotations

import hashlib
from typing import Any

from spacy.tokens import Doc

from wirewatch.ingest.document import Document
from wirewatch.nlp.extensions import get_list
from wirewatch.pipeline.boundary import finish

LISTS = ("entities", "events", "quotes", "claims", "locations", "times")


def text_sha256(text: str) -> str:
    """The document's identity in the store: SHA-256 of its UTF-8 text (a lone surrogate,
    which the boundary replaces before this is called, is hashed as its code point)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def error_record(document: Document) -> dict[str, Any]:
    """The record of a document that could not be processed."""
    record: dict[str, Any] = {"id": document.id, "error": document.error or "unknown error"}
    if document.source and document.source != document.id:
        record["source"] = document.source
    return finish(record)


def to_record(document: Document, doc: Doc | None, include_text: bool = False) -> dict[str, Any]:
    """The contract record of a document; ``doc`` is None when it skipped the pipeline."""
    if not document.ok:
        return error_record(document)
    try:
        return finish(_document_record(document, doc, include_text))
    except Exception as err:  # noqa: BLE001 - one document must never stop the batch
        failed = Document(id=str(document.id), source=document.source,
                          error="could not be written as a record: an internal error "
                          f"({type(err).__name__})")
        return error_record(failed)


def _document_record(document: Document, doc: Doc | None, include_text: bool
                     ) -> dict[str, Any]:
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
    if doc is not None:
        record["entities"] = _place_countries(record["entities"], record["locations"])
        record["quotes"] = _quote_chains(record["quotes"], doc._.ww_quote_via)
    if document.note:
        record["note"] = document.note
    if include_text or document.from_html:
        record["text"] = text
    return record


def _place_countries(entities: list[dict], locations: list[dict]) -> list[dict]:
    """Copies of the entities where a place entity takes its geocoded country."""
    by_start = {loc["span"]["start"]: loc for loc in locations if loc.get("span")}
    out: list[dict] = []
    for entity in entities:
        if entity["country"] is None and entity["type"] in ("GPE", "LOC", "FAC"):
            for mention in entity["mentions"]:
                loc = by_start.get(mention["start"])
                if loc is not None and loc.get("country_code"):
                    entity = {**entity, "country": loc["country_code"]}
                    break
        out.append(entity)
    return out


def _quote_chains(quotes: list[dict], quote_via: dict[str, list] | None) -> list[dict]:
    """Copies of the quotes with their ``via`` chains (none when no claims component ran)."""
    if quote_via is None:
        return quotes
    return [{**quote, "via": list(quote_via.get(quote["id"], []))} for quote in quotes]
