"""Documents: the list (with full-text search) and one article with everything extracted from
it, each value tied to the span of text it came from.

The stored record (``documents.record_json``) is read as untrusted data: every field is
type-checked here before it reaches a template or the JSON API.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from wirewatch.contract import CASUALTY_KINDS
from wirewatch.serve.filters import literal_ids
from wirewatch.serve.highlight import Marker
from wirewatch.serve.text_search import search_documents
from wirewatch.store import Store
from wirewatch.store.schema import documents, incident_events
from wirewatch.store.schema import events as events_t

_LIST_COLUMNS = (
    documents.c.id, documents.c.doc_id, documents.c.title, documents.c.outlet,
    documents.c.published, documents.c.url, documents.c.copy_of,
)


def _iso(value: Any) -> str | None:
    return str(value)[:10] if value is not None else None


def _row(row: Any) -> dict[str, Any]:
    return {"id": row.id, "doc_id": row.doc_id, "title": row.title, "outlet": row.outlet,
            "published": _iso(row.published), "url": row.url, "copy_of": row.copy_of}


def document_list(store: Store, q: str | None = None, outlet: str | None = None,
                  since: str | None = None, until: str | None = None,
                  offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """Documents newest first, or best match first for a text query ``q``."""
    query = sa.select(*_LIST_COLUMNS)
    if outlet:
        query = query.where(sa.func.lower(documents.c.outlet) == outlet.casefold())
    if since and (day := _day(since, end=False)):
        query = query.where(documents.c.published >= day)
    if until and (day := _day(until, end=True)):
        query = query.where(documents.c.published <= day)
    with store.engine.connect() as conn:
        if q:
            order = [int(hit["id"]) for hit in search_documents(store, q)]
            rows = {row.id: row for row in conn.execute(
                query.where(documents.c.id.in_(literal_ids(order))))}
            ranked = [rows[pk] for pk in order if pk in rows]
            items = [_row(r) for r in ranked[offset: offset + limit]]
            texts = dict(conn.execute(sa.select(documents.c.id, documents.c.text).where(
                documents.c.id.in_(literal_ids([i["id"] for i in items])))).all())
            for item in items:
                item["snippet"] = snippet(texts.get(item["id"]) or "", q)
            return {"total": len(ranked), "offset": offset, "limit": limit, "items": items}
        total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
        rows = conn.execute(query.order_by(documents.c.published.desc(), documents.c.id.desc())
                            .limit(limit).offset(offset))
        return {"total": int(total or 0), "offset": offset, "limit": limit,
                "items": [_row(r) for r in rows]}


_WORD = re.compile(r"\w{2,}", re.UNICODE)


def snippet(text: str, q: str, width: int = 90) -> dict[str, str] | None:
    """The words around the first place a query word occurs in ``text``, as
    (before, match, after) so the page can mark the match without trusting any markup."""
    words = sorted({w.casefold() for w in _WORD.findall(q)} - {"and", "or", "not", "near"},
                   key=len, reverse=True)
    if not words or not text:
        return None
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)
    found = pattern.search(text)
    if found is None:
        return None
    start, end = max(found.start() - width, 0), min(found.end() + width, len(text))
    before = " ".join(text[start:found.start()].split())
    after = " ".join(text[found.end():end].split())
    return {"before": ("… " if start else "") + before + (" " if before else ""),
            "match": found.group(0),
            "after": (" " if text[found.end():found.end() + 1].isspace() else "") + after
                     + (" …" if end < len(text) else "")}


def _day(value: str, end: bool) -> dt.date | None:
    """The first (or last) day an ISO prefix ``YYYY[-MM[-DD]]`` covers."""
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
        if len(parts) == 2:
            first = dt.date(parts[0], parts[1], 1)
            if not end:
                return first
            following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(parts[0], 12 if end else 1, 31 if end else 1)
    except (ValueError, OverflowError):
        return None


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def document_detail(store: Store, pk: int) -> dict[str, Any] | None:
    """One document: metadata, text segments for highlighting and every extracted value with
    the key of its highlighted span (None: no such document)."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(documents).where(documents.c.id == pk)).first()
        if row is None:
            return None
        event_rows = conn.execute(
            sa.select(events_t.c.id, events_t.c.event_id, incident_events.c.incident_id)
            .outerjoin(incident_events, incident_events.c.event_id == events_t.c.id)
            .where(events_t.c.document_id == pk)).all()
        copies = conn.execute(sa.select(documents.c.id, documents.c.title, documents.c.outlet)
                              .where(documents.c.copy_of == pk).order_by(documents.c.id)).all()
        original = None
        if row.copy_of:
            original = conn.execute(sa.select(documents.c.id, documents.c.title)
                                    .where(documents.c.id == row.copy_of)).first()
    text = row.text or ""
    record = row.record_json if isinstance(row.record_json, dict) else {}
    marker = Marker(text)
    stored = {r.event_id: (r.id, r.incident_id) for r in event_rows}

    entities = []
    names: dict[str, str] = {}
    for entity in _list(record.get("entities")):
        name = _str(entity.get("name")) or ""
        names[str(entity.get("id"))] = name
        keys = [k for m in _list(entity.get("mentions"))
                if (k := marker.add(m, "ent", _str(entity.get("type")) or ""))]
        entities.append({"id": _str(entity.get("id")), "name": name,
                         "type": _str(entity.get("type")), "kind": _str(entity.get("kind")),
                         "country": _str(entity.get("country")),
                         "parent": _str(entity.get("parent")),
                         "aliases": [a for a in entity.get("aliases") or [] if isinstance(a, str)],
                         "mention_keys": keys})

    events = []
    for event in _list(record.get("events")):
        event_id = _str(event.get("id"))
        kind_label = _str(event.get("type")) or ""
        time = event.get("time") if isinstance(event.get("time"), dict) else {}
        place = event.get("location") if isinstance(event.get("location"), dict) else {}
        casualties = event.get("casualties") if isinstance(event.get("casualties"), dict) else {}
        pk_incident = stored.get(event_id, (None, None))
        events.append({
            "id": event_id,
            "event_pk": pk_incident[0],
            "incident_id": pk_incident[1],
            "type": kind_label,
            "mode": _str(event.get("mode")),
            "status": _str(event.get("status")),
            "factuality": _str(event.get("factuality")),
            "generic": bool(event.get("generic")),
            "confidence": event.get("confidence") if isinstance(event.get("confidence"), int | float) else None,
            "trigger": _value(event.get("trigger"), marker, "trigger", kind_label),
            "evidence": _value(event.get("evidence"), marker, "evidence", kind_label),
            "time": {"value": _str(time.get("value")), "precision": _str(time.get("precision")),
                     "key": marker.add(time.get("span"), "time")},
            "place": {"name": _str(place.get("name")), "country": _str(place.get("country_code")),
                      "admin1": _str(place.get("admin1")), "precision": _str(place.get("precision")),
                      "key": marker.add(place.get("span"), "place")},
            "figures": {kind: casualties.get(kind) for kind in CASUALTY_KINDS
                        if isinstance(casualties.get(kind), int)},
            "figure_spans": [v for s in _list(casualties.get("spans"))
                             if (v := _value(s, marker, "figure"))],
            "arguments": [
                {"role": _str(a.get("role")),
                 "entity": names.get(str(a.get("entity"))) if a.get("entity") else None,
                 **(_value(a.get("span"), marker, "arg", _str(a.get("role")) or "") or {})}
                for a in _list(event.get("arguments"))],
            "sources": [
                {"name": _str(s.get("name")), "cue": _str(s.get("cue")),
                 **(_value(s.get("span"), marker, "source") or {})}
                for s in _list(event.get("sources"))],
            "responsibility": [
                {"name": _str(r.get("name")), "mode": _str(r.get("mode")),
                 **(_value(r.get("span"), marker, "source") or {})}
                for r in _list(event.get("responsibility"))],
        })

    quotes = [{"id": _str(q.get("id")), "direct": bool(q.get("direct")),
               "speaker": names.get(str(q.get("speaker"))) if q.get("speaker") else None,
               "cue": _str(q.get("cue")),
               "speaker_key": marker.add(q.get("speaker_span"), "source"),
               **(_value(q.get("span"), marker, "quote") or {})}
              for q in _list(record.get("quotes"))]
    claims = [{"id": _str(c.get("id")), "source": _str(c.get("source")),
               "cue": _str(c.get("cue")), "status": _str(c.get("status")),
               "source_key": marker.add(c.get("source_span"), "source"),
               **(_value(c.get("span"), marker, "claim", _str(c.get("status")) or "") or {})}
              for c in _list(record.get("claims"))]
    return {
        "id": row.id,
        "doc_id": row.doc_id,
        "title": row.title,
        "url": row.url,
        "outlet": row.outlet,
        "published": _iso(row.published),
        "language": row.language,
        "copy_of": {"id": original.id, "title": original.title} if original else None,
        "copies": [{"id": c.id, "title": c.title, "outlet": c.outlet} for c in copies],
        "text": text,
        "entities": entities,
        "events": events,
        "quotes": quotes,
        "claims": claims,
        "marks": [{"key": m.key, "kind": m.kind, "start": m.start, "end": m.end}
                  for m in marker.marks],
        "segments": marker.segments(),
    }


def _value(span: Any, marker: Marker, kind: str, label: str = "") -> dict[str, Any] | None:
    """``{"text", "key"}`` of a span marked in the text (key None when it was not drawable)."""
    if not isinstance(span, dict):
        return None
    return {"text": _str(span.get("text")), "key": marker.add(span, kind, label)}
