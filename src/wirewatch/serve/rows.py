"""Flat, paginated reads of events, quotes and claims for the REST API.

Each row is the table's queryable columns plus the document it came from; the full
contract object is included (``event_json`` etc. as ``record``) so API users lose nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from wirewatch.contract import CASUALTY_KINDS
from wirewatch.store import Store
from wirewatch.store.schema import claims, documents, incident_events, quotes
from wirewatch.store.schema import events as events_t


@dataclass(frozen=True)
class EventFilters:
    """Filters of ``/api/events`` (all optional)."""

    since: str | None = None
    until: str | None = None
    country: str | None = None
    admin1: str | None = None
    type: str | None = None
    mode: str | None = None
    status: str | None = None
    factuality: str | None = None
    document: int | None = None


def _page(conn: sa.Connection, query: sa.Select, order: list[Any], offset: int,
          limit: int) -> tuple[int, list[dict[str, Any]]]:
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
    rows = conn.execute(query.order_by(*order).limit(limit).offset(offset)).mappings()
    return int(total or 0), [dict(r) for r in rows]


def _with_dates(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for item in items:
        if item.get("published") is not None:
            item["published"] = str(item["published"])[:10]
    return items


def event_rows(store: Store, f: EventFilters, offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """Events (incident or not) newest first, with their document and incident."""
    e = events_t.c
    query = (
        sa.select(e.id, e.event_id, e.type, e.mode, e.factuality, e.status, e.time_value,
                  e.time_precision, e.location_name, e.country_code, e.admin1, e.lat, e.lon,
                  e.location_precision, *(e[k] for k in CASUALTY_KINDS), e.trigger_text,
                  e.evidence_text, e.evidence_start, e.evidence_end, e.confidence,
                  e.document_id, documents.c.doc_id, documents.c.outlet, documents.c.published,
                  incident_events.c.incident_id, e.reviewed_json.label("reviewed"),
                  e.event_json.label("record"))
        .join(documents, documents.c.id == e.document_id)
        .outerjoin(incident_events, incident_events.c.event_id == e.id)
    )
    if f.since:
        query = query.where(e.time_value >= f.since)
    if f.until:
        query = query.where(sa.func.substr(e.time_value, 1, len(f.until)) <= f.until)
    if f.country:
        query = query.where(sa.func.upper(e.country_code) == f.country.upper())
    if f.admin1:
        query = query.where(sa.func.lower(e.admin1) == f.admin1.casefold())
    if f.type:
        query = query.where(sa.func.upper(e.type) == f.type.upper())
    if f.mode:
        query = query.where(sa.func.lower(e.mode) == f.mode.casefold())
    if f.status:
        query = query.where(e.status == f.status)
    if f.factuality:
        query = query.where(e.factuality == f.factuality)
    if f.document is not None:
        query = query.where(e.document_id == f.document)
    with store.engine.connect() as conn:
        total, items = _page(conn, query, [e.time_value.is_(None), e.time_value.desc(), e.id],
                             offset, limit)
    return {"total": total, "offset": offset, "limit": limit, "items": _with_dates(items)}


def quote_rows(store: Store, speaker: str | None = None, document: int | None = None,
               offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """Quotes with their speaker, in document order."""
    t = quotes.c
    query = (sa.select(t.id, t.quote_id, t.text, t.direct, t.speaker_text, t.cue, t.document_id,
                       documents.c.doc_id, documents.c.outlet, documents.c.published,
                       t.quote_json.label("record"))
             .join(documents, documents.c.id == t.document_id))
    if speaker:
        query = query.where(sa.func.lower(t.speaker_text).like(f"%{speaker.casefold()}%"))
    if document is not None:
        query = query.where(t.document_id == document)
    with store.engine.connect() as conn:
        total, items = _page(conn, query, [t.document_id, t.id], offset, limit)
    return {"total": total, "offset": offset, "limit": limit, "items": _with_dates(items)}


def claim_rows(store: Store, status: str | None = None, source: str | None = None,
               document: int | None = None, offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """Attributed claims (who said what happened, and how sure), in document order."""
    t = claims.c
    query = (sa.select(t.id, t.claim_id, t.text, t.source, t.cue, t.status, t.document_id,
                       documents.c.doc_id, documents.c.outlet, documents.c.published,
                       t.claim_json.label("record"))
             .join(documents, documents.c.id == t.document_id))
    if status:
        query = query.where(t.status == status)
    if source:
        query = query.where(sa.func.lower(t.source).like(f"%{source.casefold()}%"))
    if document is not None:
        query = query.where(t.document_id == document)
    with store.engine.connect() as conn:
        total, items = _page(conn, query, [t.document_id, t.id], offset, limit)
    return {"total": total, "offset": offset, "limit": limit, "items": _with_dates(items)}
