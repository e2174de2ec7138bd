"""Per-incident facts that are costly to compute in SQL on every request, kept in memory and
rebuilt when the store changes.

An incident's status (the most certain among its members) and the actors its reports name
take a scan of every member event and every entity; on a 50k-event store that is a few
hundred milliseconds per facet. The digest computes both once and is rebuilt only when a
cheap fingerprint of the store (incident count, member count, last incident update) changes,
so the desk keeps serving a store that ``wirewatch ingest`` or the write API is filling.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from wirewatch.serve.filters import status_rank
from wirewatch.store.schema import actors, entities, incident_events, incidents
from wirewatch.store.schema import events as events_t

#: Actor types offered as a facet (people and groups, not places).
FACET_ACTOR_TYPES = ("ORG", "NORP", "PERSON")


@dataclass
class Digest:
    """Status rank and named actors of every incident, as of ``fingerprint``."""

    fingerprint: tuple[Any, ...] = ()
    ranks: dict[int, int | None] = field(default_factory=dict)
    actors: dict[int, frozenset[str]] = field(default_factory=dict)  # names, distinct
    #: Other per-incident facts a view computes on first use and keeps for this fingerprint
    #: (the map's place precision and uncertainty).
    extras: dict[str, Any] = field(default_factory=dict)
    #: counts over every incident (the unfiltered facets), filled on first use
    all_ranks: Counter[int | None] | None = None
    all_actors: Counter[str] | None = None

    def rank_counts(self, ids: Iterable[int] | None = None) -> Counter[int | None]:
        """Incidents per status rank among ``ids`` (None: all incidents)."""
        if ids is not None:
            return Counter(self.ranks.get(i) for i in ids)
        if self.all_ranks is None:
            self.all_ranks = Counter(self.ranks.values())
        return self.all_ranks

    def actor_counts(self, ids: Iterable[int] | None = None) -> Counter[str]:
        """Incidents naming each actor among ``ids`` (None: all incidents)."""
        if ids is None and self.all_actors is not None:
            return self.all_actors
        counts: Counter[str] = Counter()
        for names in (self.actors.values() if ids is None
                      else (self.actors.get(i, ()) for i in ids)):
            counts.update(names)
        if ids is None:
            self.all_actors = counts
        return counts


def fingerprint(conn: sa.Connection) -> tuple[Any, ...]:
    """Changes whenever an ingest adds, merges or updates an incident."""
    heads = conn.execute(sa.select(sa.func.count(), sa.func.max(incidents.c.id),
                                   sa.func.max(incidents.c.updated_at))).one()
    members = conn.execute(sa.select(sa.func.count()).select_from(incident_events)).scalar()
    return (*tuple(heads), members)


def build(conn: sa.Connection, stamp: tuple[Any, ...]) -> Digest:
    digest = Digest(fingerprint=stamp)
    ranks = conn.execute(
        sa.select(incident_events.c.incident_id, sa.func.min(status_rank()))
        .join(events_t, events_t.c.id == incident_events.c.event_id)
        .group_by(incident_events.c.incident_id))
    digest.ranks = {int(i): (None if r is None else int(r)) for i, r in ranks}
    member_docs = (sa.select(incident_events.c.incident_id, events_t.c.document_id)
                   .join(events_t, events_t.c.id == incident_events.c.event_id)
                   .distinct().subquery())
    pairs = conn.execute(
        sa.select(member_docs.c.incident_id, actors.c.name).distinct()
        .join(entities, entities.c.document_id == member_docs.c.document_id)
        .join(actors, actors.c.id == entities.c.actor_id)
        .where(actors.c.type.in_(FACET_ACTOR_TYPES)))
    named: dict[int, set[str]] = defaultdict(set)
    for incident_id, name in pairs:
        named[int(incident_id)].add(name)
    digest.actors = {i: frozenset(names) for i, names in named.items()}
    return digest


class DigestCache:
    """The current ``Digest`` of one store, rebuilt on demand (one rebuild at a time)."""

    def __init__(self) -> None:
        self._digest = Digest()
        self._lock = threading.Lock()

    def get(self, conn: sa.Connection) -> Digest:
        stamp = fingerprint(conn)
        if self._digest.fingerprint == stamp:
            return self._digest
        with self._lock:
            if self._digest.fingerprint != stamp:
                self._digest = build(conn, stamp)
            return self._digest
