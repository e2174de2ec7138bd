"""The desk's incident filters as SQL: one ``Filters`` value drives the list, facets, map,
timeline and export, so every view of a filter shows the same incidents.

Everything is portable SQLAlchemy Core over the store's tables. An incident's status is
the most certain status among its member events (as in ``store.summary``), computed in SQL
with a CASE rank so it can be filtered and counted without loading the members. The role of
an actor lives inside the events' JSON arguments, so ``role`` is checked in Python on the
incidents that the actor's name already selected (see ``queries.incident_ids``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import sqlalchemy as sa

from wirewatch.contract import STATUS_ORDER
from wirewatch.knowledge import load_yaml
from wirewatch.store.roles import literal_ids
from wirewatch.store.schema import actors, entities, incident_events, incidents
from wirewatch.store.schema import events as events_t

#: Roles an actor can be filtered by; "agent" also matches claimed or attributed responsibility.
ROLES: tuple[str, ...] = ("agent", "victim", "target", "instrument", "place")


@dataclass(frozen=True)
class Filters:
    """Incident filters (all optional). Dates are ISO prefixes: ``until=2024-03`` keeps March."""

    since: str | None = None
    until: str | None = None
    country: str | None = None
    admin1: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    type: str | None = None
    mode: str | None = None
    actor: str | None = None
    role: str | None = None
    status: str | None = None
    min_sources: int | None = None
    q: str | None = None
    acled_type: str | None = None  # an ACLED event type or sub-event type
    min_killed: int | None = None  # the highest reported toll is at least this
    max_killed: int | None = None  # the lowest reported toll is at most this
    sort: str | None = None  # a key of SORTS (default: newest first); orders, never filters

    def without(self, name: str) -> Filters:
        """The same filters minus one (a facet counts what choosing another value would give)."""
        return replace(self, **{name: None})

    def as_params(self) -> dict[str, str]:
        """Query-string parameters that reproduce these filters (for links and pagination)."""
        params: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value == "":
                continue
            if f.name == "bbox":
                value = ",".join(f"{v:g}" for v in value)
            params[f.name] = str(value)
        return params

    @property
    def active(self) -> bool:
        """Some filter is set (the sort order alone selects every incident)."""
        return bool(self.without("sort").as_params())


def status_rank() -> sa.Case:
    """An event's status as its rank in ``STATUS_ORDER`` (0 = asserted, the most certain)."""
    return sa.case({status: n for n, status in enumerate(STATUS_ORDER)}, value=events_t.c.status)


def incident_status_ranks() -> sa.Subquery:
    """(incident_id, rank): the most certain status rank among each incident's members."""
    return (
        sa.select(incident_events.c.incident_id, sa.func.min(status_rank()).label("rank"))
        .join(events_t, events_t.c.id == incident_events.c.event_id)
        .group_by(incident_events.c.incident_id)
        .subquery("status_ranks")
    )


def actor_incidents(actor: str) -> sa.Select:
    """Incidents with a member event whose document names an actor matching ``actor``."""
    pattern = f"%{actor.casefold()}%"
    return (
        sa.select(incident_events.c.incident_id)
        .join(events_t, events_t.c.id == incident_events.c.event_id)
        .join(entities, entities.c.document_id == events_t.c.document_id)
        .join(actors, actors.c.id == entities.c.actor_id)
        .where(sa.func.lower(actors.c.name).like(pattern))
    )


def document_incidents(document_pks: list[int]) -> sa.Select:
    """Incidents with a member event in one of the given documents."""
    return (
        sa.select(incident_events.c.incident_id)
        .join(events_t, events_t.c.id == incident_events.c.event_id)
        .where(events_t.c.document_id.in_(literal_ids(document_pks)))
    )


def acled_types() -> list[str]:
    """ACLED event types, then sub-event types, that some PLOVER type and mode map to."""
    pairs = [pair for table in load_yaml("acled_types.yaml").values() for pair in table.values()]
    return sorted({p[0] for p in pairs}) + sorted({p[1] for p in pairs} - {p[0] for p in pairs})


def acled_condition(name: str) -> sa.ColumnElement[bool]:
    """Incidents whose PLOVER type and mode map to the ACLED event or sub-event type
    ``name`` (``acled_types.yaml``), as SQL over the incidents' type and mode columns."""
    c = incidents.c
    wanted = name.casefold()
    conditions = []
    for plover, table in load_yaml("acled_types.yaml").items():
        matches = {mode for mode, pair in table.items()
                   if wanted in (pair[0].casefold(), pair[1].casefold())}
        explicit = [mode for mode in table if mode != "default"]
        named = sorted(m for m in matches if m != "default")
        if named:
            conditions.append(sa.and_(c.type == plover, sa.func.lower(c.mode).in_(named)))
        if "default" in matches:
            other_mode = sa.or_(c.mode.is_(None), sa.func.lower(c.mode).not_in(explicit))
            conditions.append(sa.and_(c.type == plover, other_mode))
    return sa.or_(*conditions) if conditions else sa.false()


def apply(query: sa.Select, f: Filters, document_pks: list[int] | None = None) -> sa.Select:
    """``query`` (over ``incidents``) restricted by every SQL-checkable filter in ``f``.

    ``document_pks`` are the documents matching ``f.q`` (found by the store's full-text
    search beforehand); None means no text query.
    """
    c = incidents.c
    if f.since:
        query = query.where(c.time_value >= f.since)
    if f.until:
        query = query.where(sa.func.substr(c.time_value, 1, len(f.until)) <= f.until)
    if f.country:
        query = query.where(sa.func.upper(c.country_code) == f.country.upper())
    if f.admin1:
        query = query.where(sa.func.lower(c.admin1) == f.admin1.casefold())
    if f.bbox:
        west, south, east, north = f.bbox
        query = query.where(c.lat.between(south, north))
        if west <= east:
            query = query.where(c.lon.between(west, east))
        else:  # a box across the antimeridian
            query = query.where(sa.or_(c.lon >= west, c.lon <= east))
    if f.type:
        query = query.where(sa.func.upper(c.type) == f.type.upper())
    if f.mode:
        query = query.where(sa.func.lower(c.mode) == f.mode.casefold())
    if f.min_sources:
        query = query.where(c.independent_sources >= f.min_sources)
    if f.acled_type:
        query = query.where(acled_condition(f.acled_type))
    if f.min_killed is not None:
        query = query.where(c.killed_max >= f.min_killed)
    if f.max_killed is not None:
        query = query.where(sa.func.coalesce(c.killed_min, 0) <= f.max_killed)
    if f.status:
        rank = STATUS_ORDER.index(f.status) if f.status in STATUS_ORDER else -1
        ranks = incident_status_ranks()
        query = query.where(c.id.in_(sa.select(ranks.c.incident_id).where(ranks.c.rank == rank)))
    if f.actor:
        query = query.where(c.id.in_(actor_incidents(f.actor)))
    if document_pks is not None:
        query = query.where(c.id.in_(document_incidents(document_pks)))
    return query
