"""Incidents with everything an export needs: actors, notes, precision codes, ACLED types.

One read of the store feeds every format, so the formats agree with each other and with
``wirewatch incidents --json``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from wirewatch.knowledge import load_yaml
from wirewatch.resolve.precision import (
    acled_geo_precision,
    acled_time_precision,
    gtd_specificity,
)
from wirewatch.store import Store
from wirewatch.store.roles import literal_ids
from wirewatch.store.schema import documents, entities
from wirewatch.store.schema import events as events_t
from wirewatch.store.schema import incidents as incidents_t
from wirewatch.store.summary import IncidentFilter, member_events_query

#: Event roles whose entities are the incident's perpetrators / targets.
AGENT_ROLES = ("agent",)
TARGET_ROLES = ("victim", "target")


def _acled_types() -> dict[str, dict[str, list[str]]]:
    """PLOVER type -> mode (or "default") -> [ACLED event type, sub-event type]."""
    return load_yaml("acled_types.yaml")


def acled_type(event_type: str, mode: str | None, accidental: bool = False) -> tuple[str, str]:
    """ACLED (event_type, sub_event_type) of a PLOVER type and mode; an accidental shooting
    is not political violence (``acled_codes.yaml``: accidental)."""
    if accidental:
        pair = load_yaml("acled_codes.yaml")["accidental"]
        return pair[0], pair[1]
    table = _acled_types().get(event_type) or {}
    pair = table.get(mode or "") or table.get("default") or ["Strategic developments", "Other"]
    return pair[0], pair[1]


@dataclass
class ExportIncident:
    """An incident as ``wirewatch incidents --json`` shows it, plus export-only fields."""

    incident: dict[str, Any]
    agents: list[str] = field(default_factory=list)  # most often named first
    targets: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)  # per member event
    documents: list[dict[str, Any]] = field(default_factory=list)  # per member document
    kinds: dict[str, str | None] = field(default_factory=dict)  # actor name -> entity kind
    victim_kind: str | None = None  # the members' casualty victim kind, when one says it
    accidental: bool = False  # a member event is marked "accidental": true
    actor_categories: dict[str, Any] = field(default_factory=dict)  # the heads' reading
    place_extra: dict[str, Any] = field(default_factory=dict)  # admin2/admin3/ambiguous/...
    updated_at: Any = None  # datetime of the incident's last change

    @property
    def reviewed(self) -> bool:
        """Whether a reviewer corrected a value of this incident (``store.reviews``)."""
        return bool(self.incident.get("reviewed"))

    @property
    def location(self) -> dict[str, Any]:
        return self.incident.get("location") or {}

    @property
    def time(self) -> dict[str, Any]:
        return self.incident.get("time") or {}

    def fatalities(self) -> int | None:
        """ACLED's convention: the lowest figure any source gives (conservative)."""
        killed = (self.incident.get("casualties") or {}).get("killed") or {}
        return killed.get("min")

    def geo_precision(self) -> int | None:
        return acled_geo_precision(self.location)

    def gtd_specificity(self) -> int | None:
        return gtd_specificity(self.location)

    def time_precision(self) -> int | None:
        return acled_time_precision(self.time)

    def acled_type(self) -> tuple[str, str]:
        return acled_type(self.incident["type"], self.incident.get("mode"), self.accidental)

    def uncertain_place(self) -> bool:
        """The place is one of several candidates, or less likely than not (fields a
        geocoder may add to a location: ``ambiguous``, ``probability``)."""
        probability = self.place_extra.get("probability")
        return bool(self.place_extra.get("ambiguous")) or (
            isinstance(probability, int | float) and probability < 0.5)

    def tags(self) -> list[str]:
        """Flags an analyst filters on: accidental, uncertain place, conflicting figures."""
        found = []
        if self.accidental:
            found.append("accidental")
        if self.uncertain_place():
            found.append("location uncertain")
        if self.incident.get("conflicting"):
            found.append("conflicting figures")
        return found

    def notes(self) -> str:
        """The first member's evidence sentence, then any conflicting figures."""
        parts = [self.evidence[0]["text"]] if self.evidence and self.evidence[0]["text"] else []
        for kind, figure in (self.incident.get("casualties") or {}).items():
            by_source = figure.get("by_source") or {}
            if len(set(by_source.values())) > 1:
                listed = ", ".join(f"{n} per {s}" for s, n in sorted(by_source.items()))
                parts.append(f"{kind}: {listed}")
        return " | ".join(parts)


def _names(conn: sa.Connection, doc_pks: set[int]
           ) -> dict[tuple[int, str], tuple[str, str | None]]:
    """(document, entity id) -> (name, kind) of the named entities of those documents."""
    if not doc_pks:
        return {}
    query = sa.select(entities.c.document_id, entities.c.entity_id, entities.c.name,
                      entities.c.kind).where(entities.c.document_id.in_(sorted(doc_pks)))
    return {(row.document_id, row.entity_id): (row.name, row.kind)
            for row in conn.execute(query) if row.name}


_PLACE_EXTRAS = ("admin2", "admin3", "ambiguous", "probability")


def _place_extra(event: dict[str, Any], location: dict[str, Any]) -> dict[str, Any]:
    """The extra fields of a member's location when it is the incident's place."""
    place = event.get("location")
    if not isinstance(place, dict) or location.get("lat") is None:
        return {}
    if (place.get("lat"), place.get("lon")) != (location.get("lat"), location.get("lon")):
        return {}
    return {k: place[k] for k in _PLACE_EXTRAS if place.get(k) is not None}


def load_incidents(store: Store, where: IncidentFilter | None = None) -> list[ExportIncident]:
    """Every (matching) incident with its actors, evidence and member documents."""
    found = store.incidents(where=where)
    if not found:
        return []
    ids = [incident["id"] for incident in found]
    query = member_events_query(
        ids,
            events_t.c.document_id,
            events_t.c.event_id,
            events_t.c.evidence_text,
            events_t.c.evidence_start,
            events_t.c.evidence_end,
            events_t.c.event_json,
            documents.c.doc_id,
            documents.c.title,
            documents.c.url,
            documents.c.outlet,
            documents.c.published,
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
        names = _names(conn, {row.document_id for row in rows})
        updated = dict(conn.execute(sa.select(incidents_t.c.id, incidents_t.c.updated_at)
                                    .where(incidents_t.c.id.in_(literal_ids(ids)))).all())
    per_incident: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        per_incident[row.incident_id].append(row)
    result = []
    for incident in found:
        agents: Counter[str] = Counter()
        targets: Counter[str] = Counter()
        item = ExportIncident(incident, updated_at=updated.get(incident["id"]))
        seen_docs: set[int] = set()
        for row in per_incident[incident["id"]]:
            event = row.event_json if isinstance(row.event_json, dict) else {}
            item.accidental = item.accidental or event.get("accidental") is True
            if not item.actor_categories and isinstance(event.get("actor_categories"), dict):
                item.actor_categories = dict(event["actor_categories"])
            if not item.place_extra:
                item.place_extra = _place_extra(event, item.location)
            victims = event.get("casualties")
            if isinstance(victims, dict) and victims.get("victim_kind") and not item.victim_kind:
                item.victim_kind = str(victims["victim_kind"])
            for arg in event.get("arguments") or []:
                if not isinstance(arg, dict):
                    continue
                named = names.get((row.document_id, arg.get("entity"))) if arg.get("entity") else None
                if named is None:
                    continue
                name, kind = named
                if item.kinds.get(name) is None:
                    item.kinds[name] = kind
                if arg.get("role") in AGENT_ROLES:
                    agents[name] += 1
                elif arg.get("role") in TARGET_ROLES:
                    targets[name] += 1
            item.evidence.append(
                {
                    "doc_id": row.doc_id,
                    "event_id": row.event_id,
                    "text": row.evidence_text,
                    "start": row.evidence_start,
                    "end": row.evidence_end,
                }
            )
            if row.document_id not in seen_docs:
                seen_docs.add(row.document_id)
                item.documents.append(
                    {
                        "doc_id": row.doc_id,
                        "title": row.title,
                        "url": row.url,
                        "outlet": row.outlet,
                        "published": row.published.isoformat() if row.published else None,
                    }
                )
        item.agents = [name for name, _n in sorted(agents.items(), key=lambda kv: (-kv[1], kv[0]))]
        item.targets = [
            name for name, _n in sorted(targets.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        reviewed = incident.get("reviewed") or []  # a reviewer's lists win (store.reviews)
        if "agents" in reviewed:
            item.agents = list(incident.get("agents") or [])
        if "victims" in reviewed:
            item.targets = list(incident.get("victims") or [])
        result.append(item)
    return result
