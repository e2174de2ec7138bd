"""Aggregate an incident's member events into one summary, keeping every source's figures.

Sources disagree on casualty counts; rather than pick a winner, the summary keeps each
source's number (``by_source``) plus the range, and flags the incident as conflicting.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from wirewatch.contract import CASUALTY_KINDS, STATUS_ORDER
from wirewatch.knowledge.outlets import outlet_key
from wirewatch.store.dialect import MAX_LIMIT, check_limit
from wirewatch.store.members import member_events_query
from wirewatch.store.merge import as_date
from wirewatch.store.roles import (
    AGENT_ROLES,
    VICTIM_ROLES,
    incident_people,
    incidents_in_role,
    literal_ids,
)
from wirewatch.store.schema import actors, documents, entities, incident_events, incidents
from wirewatch.store.schema import events as events_t


def outlet_spellings(members: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Normalised outlet ("www.chron.com:80" is "chron.com") -> its first spelling seen."""
    spellings: dict[str, str] = {}
    for m in members:
        if key := outlet_key(m.get("outlet")):
            spellings.setdefault(key, str(m["outlet"]))
    return spellings


def _source_key(member: Mapping[str, Any], spellings: Mapping[str, str]) -> str:
    """The outlet (one spelling per normalised outlet) when known; otherwise the document id
    stands for its own source."""
    key = outlet_key(member.get("outlet"))
    return spellings.get(key, str(member["outlet"])) if key else str(member["doc_id"])


def _independent_count(members: Sequence[Mapping[str, Any]]) -> int:
    """Distinct sources: documents of one outlet, or syndicated copies of one text, count once."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(key: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(key, key)
        while parent[key] != key:
            key = parent[key]
        return key

    for m in members:
        doc = ("doc", str(m.get("document_pk") or m["doc_id"]))
        keys = [doc]
        if m.get("copy_of"):
            keys.append(("doc", str(m["copy_of"])))
        if outlet := outlet_key(m.get("outlet")):
            keys.append(("outlet", outlet))
        root = find(keys[0])
        for key in keys[1:]:
            other = find(key)
            if other != root:
                parent[other] = root
    return len({find(("doc", str(m.get("document_pk") or m["doc_id"]))) for m in members})


@dataclass
class IncidentFilter:
    """Filters of ``wirewatch incidents`` (all optional; dates compare as ISO strings)."""

    since: str | None = None
    until: str | None = None
    country: str | None = None
    type: str | None = None
    actor: str | None = None
    min_sources: int | None = None
    #: a name filling the agent (or victim/target) role in a member event
    agent: str | None = None
    victim: str | None = None


def _location_score(member: Mapping[str, Any]) -> int:
    """Prefer the most specific place a source gave: coordinates, then admin1, name, country."""
    return (
        2 * (member.get("lat") is not None and member.get("lon") is not None)
        + bool(member.get("admin1"))
        + bool(member.get("location_name"))
        + bool(member.get("country_code"))
    )


@dataclass
class IncidentSummary:
    """Everything derived from an incident's members (ordered by event row id)."""

    mode: str | None = None
    status: str | None = None
    time_value: str | None = None
    time_precision: str | None = None
    location: dict[str, Any] = field(default_factory=dict)
    casualties: dict[str, dict[str, Any]] = field(default_factory=dict)
    conflicting: bool = False
    sources: list[str] = field(default_factory=list)
    independent_sources: int = 0
    first_reported: dt.date | None = None
    last_reported: dt.date | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    #: the fields a reviewer set (``apply_reviewed``), sorted; empty for machine values only
    reviewed: list[str] = field(default_factory=list)
    #: the reviewed event type, when a reviewer changed it (the machine's is the incident row's)
    type: str | None = None

    def apply_reviewed(self, reviewed: Mapping[str, Any] | None) -> None:
        """Reviewed values (``incidents.reviewed_json``, see ``store.reviews``) replace the
        machine's: a reviewed figure becomes the range, the sources' own figures stay in
        ``by_source`` beside it, and a figure a reviewer settled no longer conflicts."""
        if not reviewed:
            return
        for name, value in reviewed.items():
            if name == "type":
                self.type = value
            elif name == "mode":
                self.mode = value
            elif name == "status":
                self.status = value
            elif name == "date":
                self.time_value = value
            elif name == "precision":
                self.time_precision = value
            elif name in REVIEWED_PLACE:
                self.location[REVIEWED_PLACE[name]] = value
            elif name in CASUALTY_KINDS:
                self.casualties[name] = {**self.casualties.get(name, {"by_source": {}}),
                                         "min": value, "max": value, "reviewed": True}
        self.conflicting = any(
            not figure.get("reviewed") and figure.get("min") != figure.get("max")
            for figure in self.casualties.values())
        self.reviewed = sorted(reviewed)

    def columns(self) -> dict[str, Any]:
        """Values for the denormalised ``incidents`` columns."""
        values: dict[str, Any] = {
            "mode": self.mode,
            "time_value": self.time_value,
            "time_precision": self.time_precision,
            "location_name": self.location.get("name"),
            "country_code": self.location.get("country_code"),
            "admin1": self.location.get("admin1"),
            "lat": self.location.get("lat"),
            "lon": self.location.get("lon"),
            "conflicting": self.conflicting,
            "independent_sources": self.independent_sources,
            "first_reported": self.first_reported,
            "last_reported": self.last_reported,
        }
        for kind in CASUALTY_KINDS:
            values[f"{kind}_min"] = self.casualties[kind]["min"]
            values[f"{kind}_max"] = self.casualties[kind]["max"]
        return values


#: Reviewed place fields -> keys of ``IncidentSummary.location``.
REVIEWED_PLACE = {"place": "name", "admin1": "admin1", "country": "country_code", "lat": "lat",
                  "lon": "lon", "location_precision": "precision"}


def reviewed_people(reviewed: Mapping[str, Any] | None, agents: list[str],
                    victims: list[str]) -> tuple[list[str], list[str]]:
    """The incident's agents and victims, a reviewer's lists in place of the machine's."""
    reviewed = reviewed or {}
    return (list(reviewed.get("agents", agents)), list(reviewed.get("victims", victims)))


def summarise(members: Sequence[Mapping[str, Any]]) -> IncidentSummary:
    """Combine member events (event columns plus ``doc_id``, ``outlet``, ``published``)."""
    summary = IncidentSummary()
    spellings = outlet_spellings(members)
    for kind in CASUALTY_KINDS:
        by_source: dict[str, int] = {}
        for member in members:
            value = member.get(kind)
            if value is None:
                continue
            key = _source_key(member, spellings)
            # One source reporting the incident twice counts once, with its highest figure.
            by_source[key] = max(value, by_source.get(key, value))
        values = list(by_source.values())
        summary.casualties[kind] = {
            "min": min(values) if values else None,
            "max": max(values) if values else None,
            "by_source": by_source,
        }
        if values and min(values) != max(values):
            summary.conflicting = True
    if not members:
        return summary

    statuses = [m.get("status") for m in members if m.get("status") in STATUS_ORDER]
    if statuses:
        summary.status = min(statuses, key=STATUS_ORDER.index)
    modes = Counter(m["mode"] for m in members if m.get("mode"))
    if modes:
        top = max(modes.values())
        summary.mode = next(m["mode"] for m in members if modes.get(m.get("mode")) == top)

    days = Counter(
        m["time_value"] for m in members if m.get("time_precision") == "day" and m.get("time_value")
    )
    if days:
        top = max(days.values())
        summary.time_value = min(day for day, count in days.items() if count == top)
        summary.time_precision = "day"
    else:
        timed = next((m for m in members if m.get("time_value")), None)
        if timed is not None:
            summary.time_value, summary.time_precision = (
                timed["time_value"],
                timed.get("time_precision"),
            )

    place = max(members, key=_location_score)  # max() keeps the first of equal scores
    summary.location = {
        "name": place.get("location_name"),
        "country_code": place.get("country_code"),
        "admin1": place.get("admin1"),
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "precision": place.get("location_precision"),
    }

    summary.sources = sorted(spellings.values())  # one name per outlet
    summary.independent_sources = _independent_count(members)
    published = [d for d in (as_date(m.get("published")) for m in members) if d is not None]
    if published:
        summary.first_reported, summary.last_reported = min(published), max(published)
    summary.events = [
        {
            "doc_id": m["doc_id"],
            "event_id": m["event_id"],
            "outlet": m.get("outlet"),
            "published": _iso(as_date(m.get("published"))),
            "status": m.get("status"),
        }
        for m in members
    ]
    return summary


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def load_members(
    conn: sa.Connection, incident_ids: Iterable[int]
) -> dict[int, list[dict[str, Any]]]:
    """Member events of the given incidents with their documents' source fields, in one query."""
    ids = list(incident_ids)
    members: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return members
    query = member_events_query(
        ids,
            events_t.c.id,
            events_t.c.event_id,
            events_t.c.mode,
            events_t.c.status,
            events_t.c.time_value,
            events_t.c.time_precision,
            events_t.c.location_name,
            events_t.c.country_code,
            events_t.c.admin1,
            events_t.c.lat,
            events_t.c.lon,
            events_t.c.location_precision,
            events_t.c.document_id.label("document_pk"),
            *(events_t.c[kind] for kind in CASUALTY_KINDS),
            documents.c.copy_of,
            documents.c.doc_id,
            documents.c.outlet,
            documents.c.published,
    )
    for row in conn.execute(query).mappings():
        members[row["incident_id"]].append(dict(row))
    return members


def _filtered(where: IncidentFilter | None) -> sa.Select:
    query = sa.select(incidents.c.id, incidents.c.type, incidents.c.reviewed_json)
    if where is None:
        return query
    if where.since:
        query = query.where(incidents.c.time_value >= where.since)
    if where.until:
        # "2024-03" as --until keeps every day of March: compare on the given prefix length
        query = query.where(
            sa.func.substr(incidents.c.time_value, 1, len(where.until)) <= where.until
        )
    if where.country:
        query = query.where(sa.func.upper(incidents.c.country_code) == where.country.upper())
    if where.type:
        query = query.where(sa.func.upper(incidents.c.type) == where.type.upper())
    if where.min_sources is not None and where.min_sources > MAX_LIMIT:
        return query.where(sa.false())  # more sources than rows anywhere: none (no overflow)
    if where.min_sources:
        query = query.where(incidents.c.independent_sources >= where.min_sources)
    if where.actor:
        # autoescape: a typed "%" or "_" is that character, not a LIKE wildcard
        member_docs = (
            sa.select(incident_events.c.incident_id)
            .join(events_t, events_t.c.id == incident_events.c.event_id)
            .join(entities, entities.c.document_id == events_t.c.document_id)
            .join(actors, actors.c.id == entities.c.actor_id)
            .where(sa.func.lower(actors.c.name).contains(where.actor.casefold(), autoescape=True))
        )
        query = query.where(incidents.c.id.in_(member_docs))
    return query


def incident_dicts(
    conn: sa.Connection, limit: int | None = None, where: IncidentFilter | None = None
) -> list[dict[str, Any]]:
    """Incidents, newest incident date first (undated last), as plain dicts.

    ``--actor`` matches actors named in a member event's document (canonical actor names);
    ``--agent`` / ``--victim`` a name in that role of a member event (``store.roles``).
    """
    query = _filtered(where).order_by(
        incidents.c.time_value.is_(None),
        incidents.c.time_value.desc(),
        incidents.c.id,
    )
    if where is not None and (where.agent or where.victim):
        # roles live in the events' JSON: checked in Python on what the SQL filters kept
        ids = [row.id for row in conn.execute(query)]
        for name, roles in ((where.agent, AGENT_ROLES), (where.victim, VICTIM_ROLES)):
            if name:
                playing = incidents_in_role(conn, ids, name, roles)
                ids = [i for i in ids if i in playing]
        query = query.where(incidents.c.id.in_(literal_ids(ids)))
    check_limit(limit)
    if limit is not None:
        query = query.limit(limit)
    heads = conn.execute(query).all()
    members = load_members(conn, [row.id for row in heads])
    people = incident_people(conn, [row.id for row in heads])
    result = []
    for row in heads:
        summary = summarise(members[row.id])
        summary.apply_reviewed(row.reviewed_json)
        agents, victims = reviewed_people(row.reviewed_json, people[row.id].agents,
                                          people[row.id].victims)
        result.append(
            {
                "id": row.id,
                "type": row.type,
                "mode": summary.mode,
                "status": summary.status,
                "time": {"value": summary.time_value, "precision": summary.time_precision},
                "location": summary.location,
                "casualties": summary.casualties,
                "conflicting": summary.conflicting,
                "sources": summary.sources,
                "independent_sources": summary.independent_sources,
                "events": summary.events,
                "first_reported": _iso(summary.first_reported),
                "last_reported": _iso(summary.last_reported),
                "agents": agents,
                "victims": victims,
                "summary": people[row.id].summary,
                "reviewed": summary.reviewed,
            }
        )
    return result
