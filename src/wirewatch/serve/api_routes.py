"""The REST API (``/api/...``): JSON over the store, described by the OpenAPI spec at
``/api/openapi.json``. Read-only; the optional write endpoint lives in ``ingest_route``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from wirewatch.serve.actors import actor_detail, actor_list
from wirewatch.serve.documents import document_detail, document_list
from wirewatch.serve.filters import Filters
from wirewatch.serve.incident_detail import incident_detail
from wirewatch.serve.incident_list import incident_page
from wirewatch.serve.params import (
    MAX_ID,
    DatePrefix,
    Id,
    Limit,
    Offset,
    Text,
    incident_filters,
)
from wirewatch.serve.rows import EventFilters, claim_rows, event_rows, quote_rows
from wirewatch.store import Store

router = APIRouter(prefix="/api", tags=["api"])

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Word = Annotated[str | None, Query(pattern=r"^[A-Za-z_-]{0,40}$")]


def store_of(request: Request) -> Store:
    return request.app.state.store


StoreDep = Annotated[Store, Depends(store_of)]
FiltersDep = Annotated[Filters, Depends(incident_filters)]


def _found(value: dict[str, Any] | None, what: str) -> dict[str, Any]:
    if value is None:
        raise HTTPException(404, f"no such {what}")
    return value


@router.get("/incidents", summary="Incidents, newest first, filtered and paginated")
def api_incidents(request: Request, store: StoreDep, f: FiltersDep, offset: Offset = 0,
                  limit: Limit = 50, facets: bool = False) -> dict[str, Any]:
    """Each incident with its casualty ranges (and every source's figure), status, place and
    its precision, perpetrators and victims, and a one-line summary from its evidence."""
    page = incident_page(store, f, offset, limit, with_facets=facets,
                         cache=request.app.state.digests)
    result = {"total": page.total, "offset": page.offset, "limit": page.limit,
              "items": page.items}
    if facets:
        result["facets"] = page.facets
    return result


@router.get("/incidents/{incident_id}", summary="One incident with every source")
def api_incident(store: StoreDep, incident_id: PathId) -> dict[str, Any]:
    return _found(incident_detail(store, incident_id), "incident")


@router.get("/events", summary="Events (incident or not), newest first")
def api_events(store: StoreDep, since: DatePrefix = None, until: DatePrefix = None,
               country: Annotated[str | None, Query(pattern=r"^([A-Za-z]{2})?$")] = None,
               admin1: Text = None, type: Word = None, mode: Text = None, status: Word = None,
               factuality: Word = None, document: Id | None = None, offset: Offset = 0,
               limit: Limit = 50) -> dict[str, Any]:
    f = EventFilters(since=since or None, until=until or None, country=country or None,
                     admin1=admin1 or None, type=type or None, mode=mode or None,
                     status=status or None, factuality=factuality or None, document=document)
    return event_rows(store, f, offset, limit)


@router.get("/documents", summary="Documents, newest first or best match for q")
def api_documents(store: StoreDep, q: Text = None, outlet: Text = None,
                  since: DatePrefix = None, until: DatePrefix = None, offset: Offset = 0,
                  limit: Limit = 50) -> dict[str, Any]:
    return document_list(store, q or None, outlet or None, since or None, until or None,
                         offset, limit)


@router.get("/documents/{document_id}", summary="One document with everything extracted")
def api_document(store: StoreDep, document_id: PathId) -> dict[str, Any]:
    """The text, and every entity, event, quote and claim with the key of its span in
    ``marks`` (character offsets into ``text``)."""
    detail = _found(document_detail(store, document_id), "document")
    return {k: v for k, v in detail.items() if k != "segments"}


@router.get("/actors", summary="Actors, most often named first")
def api_actors(store: StoreDep, q: Text = None,
               type: Annotated[str | None, Query(pattern=r"^[A-Za-z_]{0,20}$")] = None,
               kind: Word = None, offset: Offset = 0, limit: Limit = 50) -> dict[str, Any]:
    return actor_list(store, q or None, type or None, kind or None, offset, limit)


@router.get("/actors/{actor_id}", summary="One actor: names, parent, events over time")
def api_actor(store: StoreDep, actor_id: PathId) -> dict[str, Any]:
    return _found(actor_detail(store, actor_id), "actor")


@router.get("/quotes", summary="Quotes with their speakers")
def api_quotes(store: StoreDep, speaker: Text = None, document: Id | None = None,
               offset: Offset = 0, limit: Limit = 50) -> dict[str, Any]:
    return quote_rows(store, speaker or None, document, offset, limit)


@router.get("/claims", summary="Attributed claims with their status")
def api_claims(store: StoreDep, status: Word = None, source: Text = None,
               document: Id | None = None, offset: Offset = 0,
               limit: Limit = 50) -> dict[str, Any]:
    return claim_rows(store, status or None, source or None, document, offset, limit)


@router.get("/stats", summary="Rows per table")
def api_stats(store: StoreDep) -> dict[str, int]:
    return store.counts()
