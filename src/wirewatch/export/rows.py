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
from wirewatch.store.schema import documents, entities
from wirewatch.store.schema import events as events_t
from wirewatch.store.summary import IncidentFilter, member_events_query

#: Event roles whose entities are the incident's perpetrators / targets.
AGENT_ROLES = ("agent",)
TARGET_ROLES = ("victim", "target")


def _acled_types() -> dict[str, dict[str, list[str]]]:
    """PLOVER type -> mode (or "default") -> [ACLED event type, sub-event type]."""
    return load_yaml("acled_types.yaml")


def acled_type(event_type: str, mode: str | None) -> tuple[str, str]:
    """ACLED (event_type, sub_event_type) of a PLOVER type and mode."""
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
        return acled_type(self.incident["type"], self.incident.get("mode"))

    def notes(self) -> str:
        """The first member's evidence sentence, then any conflicting figures."""
        parts = [self.evidence[0]["text"]] if self.evidence and self.evidence[0]["text"] else []
        for kind, figure in (self.incident.get("casualties") or {}).items():
            by_source = figure.get("by_source") or {}
            if len(set(by_source.values())) > 1:
                listed = ", ".join(f"{n} per {s}" for s, n in sorted(by_source.items()))
                parts.append(f"{kind}: {listed}")
        return " | ".join(parts)


def _names(conn: sa.Connection, doc_pks: set[int]) -> dict[tuple[int, str], str]:
    if not doc_pks:
        return {}
    query = sa.select(entities.c.document_id, entities.c.entity_id, entities.c.name).where(
        entities.c.document_id.in_(sorted(doc_pks))
    )
    return {(row.document_id, row.entity_id): row.name for row in conn.execute(query) if row.name}


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
    per_incident: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        per_incident[row.incident_id].append(row)
    result = []
    for incident in found:
        agents: Counter[str] = Counter()
        targets: Counter[str] = Counter()
        item = ExportIncident(incident)
        seen_docs: set[int] = set()
        for row in per_incident[incident["id"]]:
            for arg in (row.event_json or {}).get("arguments") or []:
                if not isinstance(arg, dict):
                    continue
                name = names.get((row.document_id, arg.get("entity"))) if arg.get("entity") else None
                if name is None:
                    continue
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
