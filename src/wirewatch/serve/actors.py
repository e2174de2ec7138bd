"""Actors: the canonical actors of the store, and one actor's record — names it goes by, the
group it belongs to, and what it did (or had done to it) over time.

An actor's part in an event is read from the events of the documents that name it: an
argument role that points at the actor's entity in that document, a responsibility claim or
attribution, or (for threats and other statements) being the source that spoke. Attacks and
threats are kept apart, since a group that threatens often is not one that attacks often.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import sqlalchemy as sa

from wirewatch.contract import HARM_TYPES, EventType
from wirewatch.serve.filters import literal_ids
from wirewatch.store import Store
from wirewatch.store.roles import AGENT_ROLES, BLAMING_MODES, VICTIM_ROLES
from wirewatch.store.schema import actors, documents, entities, incident_events
from wirewatch.store.schema import events as events_t

#: How an actor's events are grouped on its page.
CATEGORIES = ("attack", "threat", "victim", "other")
CATEGORY_COLOURS = {"attack": "#c0392b", "threat": "#e67e22", "victim": "#2471a3",
                    "other": "#95a5a6"}
#: Most events listed on an actor page (counts cover all of them).
MAX_LISTED = 200


def actor_list(store: Store, q: str | None = None, type_: str | None = None,
               kind: str | None = None, offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """Actors with the number of documents naming them, most named first."""
    docs = sa.func.count(sa.distinct(entities.c.document_id)).label("documents")
    query = (sa.select(actors.c.id, actors.c.name, actors.c.type, actors.c.kind,
                       actors.c.country, actors.c.parent, docs)
             .outerjoin(entities, entities.c.actor_id == actors.c.id)
             .group_by(actors.c.id, actors.c.name, actors.c.type, actors.c.kind,
                       actors.c.country, actors.c.parent))
    if q:
        query = query.where(sa.func.lower(actors.c.name).like(f"%{q.casefold()}%"))
    if type_:
        query = query.where(sa.func.upper(actors.c.type) == type_.upper())
    if kind:
        query = query.where(actors.c.kind == kind)
    with store.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
        rows = conn.execute(query.order_by(sa.desc("documents"), actors.c.name)
                            .limit(limit).offset(offset)).mappings().all()
    return {"total": int(total or 0), "offset": offset, "limit": limit,
            "items": [dict(r) for r in rows]}


def roles_of(event: dict[str, Any], entity_ids: set[str]) -> set[str]:
    """The parts the entities ``entity_ids`` play in one contract event."""
    roles = set()
    for arg in event.get("arguments") or []:
        if isinstance(arg, dict) and str(arg.get("entity")) in entity_ids and arg.get("role"):
            roles.add(str(arg["role"]))
    for claim in event.get("responsibility") or []:
        if isinstance(claim, dict) and str(claim.get("entity")) in entity_ids:
            roles.add("agent" if claim.get("mode") in BLAMING_MODES else "denies")
    for source in event.get("sources") or []:
        if isinstance(source, dict) and str(source.get("entity")) in entity_ids:
            roles.add("source")
    return roles


def category(event_type: str, roles: set[str]) -> str:
    """attack (a harmful deed it did), threat (a threat it made), victim, or other."""
    if roles & AGENT_ROLES and event_type in HARM_TYPES:
        return "attack"
    if event_type == EventType.THREATEN and roles & (AGENT_ROLES | {"source"}):
        return "threat"
    if roles & VICTIM_ROLES:
        return "victim"
    return "other"


def actor_detail(store: Store, actor_id: int) -> dict[str, Any] | None:
    """One actor: names, parent and members, and its events by category and month."""
    with store.engine.connect() as conn:
        head = conn.execute(sa.select(actors).where(actors.c.id == actor_id)).first()
        if head is None:
            return None
        mentions = conn.execute(
            sa.select(entities.c.document_id, entities.c.entity_id, entities.c.name,
                      entities.c.entity_json).where(entities.c.actor_id == actor_id)).all()
        parent = None
        if head.parent:
            parent = conn.execute(sa.select(actors.c.id, actors.c.name).where(
                sa.func.lower(actors.c.name) == head.parent.casefold()).limit(1)).first()
        members = conn.execute(sa.select(actors.c.id, actors.c.name).where(
            sa.func.lower(actors.c.parent) == head.name.casefold()).order_by(actors.c.name)).all()
        per_doc: dict[int, set[str]] = defaultdict(set)
        for m in mentions:
            per_doc[m.document_id].add(str(m.entity_id))
        event_rows = conn.execute(
            sa.select(events_t.c.id, events_t.c.event_id, events_t.c.document_id, events_t.c.type,
                      events_t.c.mode, events_t.c.status, events_t.c.factuality,
                      events_t.c.time_value, events_t.c.evidence_text, events_t.c.event_json,
                      documents.c.published, documents.c.title, incident_events.c.incident_id)
            .join(documents, documents.c.id == events_t.c.document_id)
            .outerjoin(incident_events, incident_events.c.event_id == events_t.c.id)
            .where(events_t.c.document_id.in_(literal_ids(sorted(per_doc))))
            .order_by(events_t.c.time_value.desc(), events_t.c.id)).all() if per_doc else []

    aliases: Counter[str] = Counter()
    for m in mentions:
        if m.name:
            aliases[m.name] += 1
        entity = m.entity_json if isinstance(m.entity_json, dict) else {}
        for alias in entity.get("aliases") or []:
            if isinstance(alias, str):
                aliases[alias] += 1
    aliases.pop(head.name, None)

    listed = []
    counts: Counter[str] = Counter()
    timeline: dict[str, Counter[str]] = defaultdict(Counter)
    for row in event_rows:
        event = row.event_json if isinstance(row.event_json, dict) else {}
        roles = roles_of(event, per_doc[row.document_id])
        if not roles:
            continue
        group = category(row.type, roles)
        counts[group] += 1
        month = (row.time_value or (str(row.published) if row.published else ""))[:7]
        if len(month) == 7:
            timeline[month][group] += 1
        if len(listed) < MAX_LISTED:
            listed.append({"event_pk": row.id, "event_id": row.event_id, "type": row.type,
                           "mode": row.mode, "status": row.status,
                           "factuality": row.factuality, "date": row.time_value,
                           "roles": sorted(roles), "category": group,
                           "document_pk": row.document_id, "title": row.title,
                           "incident_id": row.incident_id, "evidence": row.evidence_text})
    return {
        "id": head.id,
        "name": head.name,
        "type": head.type,
        "kind": head.kind,
        "country": head.country,
        "parent": {"name": head.parent, "id": parent.id if parent else None} if head.parent else None,
        "members": [{"id": m.id, "name": m.name} for m in members],
        "aliases": [name for name, _n in aliases.most_common()],
        "documents": len(per_doc),
        "counts": {c: counts.get(c, 0) for c in CATEGORIES},
        "timeline": [{"month": month, **{c: timeline[month].get(c, 0) for c in CATEGORIES}}
                     for month in sorted(timeline)],
        "events": listed,
    }
