"""Provisional incident grouping: which stored events describe the same real-world incident.

Deliberately simple and self-contained so the later cross-document merger can replace it
by swapping ``match_incident`` (and, if it wants, ``assign_incident``). The rule: an
``actual`` event of an incident type joins an existing incident when some member event has
the same type, a day-precision date at most one day away, and an agreeing place (same
country and admin1, or the same place name); otherwise it starts a new incident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from wirewatch.store.schema import events as events_t
from wirewatch.store.schema import incident_events, incidents
from wirewatch.store.summary import load_members, summarise

#: PLOVER types that describe a physical, datable occurrence (not a statement).
INCIDENT_TYPES = frozenset({"ASSAULT", "FIGHT", "COERCE", "PROTEST", "MOBILIZE"})

#: How far apart (in days) two reports' day-precision dates may be for the same incident.
MAX_DAY_GAP = 1


def is_incident_event(event_row: Mapping[str, Any]) -> bool:
    """Only things that happened (``actual``) and are violent/political occurrences qualify."""
    return event_row.get("factuality") == "actual" and event_row.get("type") in INCIDENT_TYPES


def _day(event_row: Mapping[str, Any]) -> dt.date | None:
    value = event_row.get("time_value")
    if event_row.get("time_precision") != "day" or not value or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _norm(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip().casefold() or None


def places_agree(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Same country and admin1 (both unknown admin1 counts as equal), or the same place name.

    Known, different countries never agree, whatever the names say.
    """
    country_a, country_b = _norm(a.get("country_code")), _norm(b.get("country_code"))
    if country_a and country_b and country_a != country_b:
        return False
    name_a, name_b = _norm(a.get("location_name")), _norm(b.get("location_name"))
    if name_a and name_a == name_b:
        return True
    if not (country_a and country_b):
        return False
    return _norm(a.get("admin1")) == _norm(b.get("admin1"))


# Distinct (incident, date, place) combinations of incident members: big incidents reported
# by many outlets collapse to a few rows. Built once; executed with bound parameters.
_CANDIDATES = (
    sa.select(
        incident_events.c.incident_id,
        events_t.c.time_value,
        events_t.c.country_code,
        events_t.c.admin1,
        events_t.c.location_name,
    )
    .distinct()
    .join(incident_events, incident_events.c.event_id == events_t.c.id)
    .where(
        events_t.c.type == sa.bindparam("type"),
        events_t.c.time_precision == "day",
        events_t.c.time_value.in_(sa.bindparam("window", expanding=True)),
    )
)
_LINK = sa.insert(incident_events)


def match_incident(conn: sa.Connection, event_row: Mapping[str, Any]) -> int | None:
    """The id of the incident ``event_row`` (an ``events`` row as a mapping) belongs to, or None.

    Candidates come from one indexed query over member events of the same type within the
    date window; the closest date, then the more specific place agreement, then the oldest
    incident wins.
    """
    day = _day(event_row)
    if day is None:
        return None
    window = [
        (day + dt.timedelta(days=offset)).isoformat()
        for offset in range(-MAX_DAY_GAP, MAX_DAY_GAP + 1)
    ]
    admin1, name = _norm(event_row.get("admin1")), _norm(event_row.get("location_name"))
    best: tuple[int, int, int, int] | None = None
    rows = conn.execute(_CANDIDATES, {"type": event_row["type"], "window": window})
    for member in rows.mappings():
        if not places_agree(event_row, member):
            continue
        score = (
            abs((dt.date.fromisoformat(member["time_value"]) - day).days),
            0 if admin1 and _norm(member["admin1"]) == admin1 else 1,
            0 if name and _norm(member["location_name"]) == name else 1,
            member["incident_id"],
        )
        if best is None or score < best:
            best = score
    return None if best is None else best[3]


def create_incident(conn: sa.Connection, event_row: Mapping[str, Any], now: dt.datetime) -> int:
    """A new incident seeded from one event; ``refresh_incidents`` fills in the aggregates."""
    result = conn.execute(
        sa.insert(incidents).values(
            type=event_row["type"],
            mode=event_row.get("mode"),
            time_value=event_row.get("time_value"),
            time_precision=event_row.get("time_precision"),
            country_code=event_row.get("country_code"),
            admin1=event_row.get("admin1"),
            location_name=event_row.get("location_name"),
            lat=event_row.get("lat"),
            lon=event_row.get("lon"),
            conflicting=False,
            independent_sources=0,
            updated_at=now,
        )
    )
    return int(result.inserted_primary_key[0])


def assign_incident(
    conn: sa.Connection, event_row: Mapping[str, Any], now: dt.datetime
) -> tuple[int, bool] | None:
    """Link a stored event to its incident; returns (incident id, created) or None if not eligible."""
    if not is_incident_event(event_row):
        return None
    incident_id = match_incident(conn, event_row)
    created = incident_id is None
    if incident_id is None:
        incident_id = create_incident(conn, event_row, now)
    conn.execute(_LINK, {"incident_id": incident_id, "event_id": event_row["id"]})
    return incident_id, created


def refresh_incidents(conn: sa.Connection, incident_ids: Iterable[int], now: dt.datetime) -> None:
    """Recompute the denormalised columns (casualty ranges, place, dates) of touched incidents."""
    ids = sorted(set(incident_ids))
    if not ids:
        return
    members = load_members(conn, ids)
    params = [
        {**summarise(members.get(incident_id, [])).columns(), "updated_at": now, "_id": incident_id}
        for incident_id in ids
    ]
    conn.execute(sa.update(incidents).where(incidents.c.id == sa.bindparam("_id")), params)
