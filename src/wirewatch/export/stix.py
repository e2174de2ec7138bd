"""STIX 2.1 bundle of incidents, for threat-intelligence platforms (OpenCTI, MISP, TAXII).

Objects and what they carry:

- ``x-wirewatch-incident`` (custom SDO, declared by the bundled ``extension-definition``):
  ``name``, ``incident_type`` / ``incident_mode`` (PLOVER), ``first_seen`` (the incident
  date), ``time_precision`` (the contract's), ``status`` (the best-supported member status),
  ``casualties`` (per kind: ``min``, ``max``, ``by_source``), ``conflicting``,
  ``independent_sources``, ``acled_event_type`` / ``acled_sub_event_type``,
  ``acled_geo_precision``, ``acled_time_precision`` and ``gtd_specificity``;
- ``report``: one per member document (title, publication date, URL), citing the incident,
  its location and actors; ``identity``: one per outlet (the report's ``created_by_ref``);
- ``location``: the incident's place (coordinates, admin1, country);
- ``threat-actor``: the perpetrators named in member reports;
- ``relationship``: incident ``located-at`` location, incident ``attributed-to`` actor;
- ``note``: conflicting figures ("killed: 2 per A, 3 per B"), attached to the incident;
- ``opinion``: for incidents only claimed, alleged, unconfirmed or denied (``neutral``, or
  ``disagree`` for denied), with the status as explanation.

Identifiers are UUIDv5 of stable keys, so exporting the same database twice gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wirewatch.export.rows import ExportIncident

#: Namespace of wirewatch's deterministic STIX identifiers.
NAMESPACE = uuid.UUID("6d1c6a0e-3f0e-5d8e-9a51-7b7d3c1f2a90")
INCIDENT_TYPE = "x-wirewatch-incident"
EXTENSION_ID = f"extension-definition--{uuid.uuid5(NAMESPACE, 'x-wirewatch-incident-v1')}"
_OPINIONS = {"claimed": "neutral", "alleged": "neutral", "unconfirmed": "neutral",
             "denied": "disagree"}


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{key}')}"


def _timestamp(value: str | None, fallback: str) -> str:
    """A STIX timestamp from YYYY[-MM[-DD]] (start of the period), else ``fallback``."""
    if not value:
        return fallback
    parts = (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]
    try:
        day = dt.date.fromisoformat(parts if len(value) < 10 else value[:10])
    except ValueError:
        return fallback
    return f"{day.isoformat()}T00:00:00.000Z"


def _common(kind: str, key: str, now: str) -> dict[str, Any]:
    return {"type": kind, "spec_version": "2.1", "id": _id(kind, key), "created": now,
            "modified": now}


def _extension_definition(now: str) -> dict[str, Any]:
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created": now,
        "modified": now,
        "created_by_ref": _id("identity", "wirewatch"),
        "name": INCIDENT_TYPE,
        "description": "A real-world incident merged from one or more news reports by wirewatch "
                       "(see wirewatch.export.stix for its properties).",
        "schema": "https://github.com/wirewatch/wirewatch/blob/main/src/wirewatch/export/stix.py",
        "version": "1.0.0",
        "extension_types": ["new-sdo"],
    }


def bundle(items: Sequence[ExportIncident], now: dt.datetime | None = None) -> dict[str, Any]:
    """The STIX 2.1 bundle (a dict ready for ``json.dumps`` or ``stix2.parse``)."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    objects: dict[str, dict[str, Any]] = {}

    def add(obj: dict[str, Any]) -> str:
        objects.setdefault(obj["id"], obj)
        return obj["id"]

    add({**_common("identity", "wirewatch", stamp), "name": "wirewatch",
         "identity_class": "system"})
    add(_extension_definition(stamp))
    for item in items:
        incident = item.incident
        key = str(incident["id"])
        event_type, sub_event_type = item.acled_type()
        place = item.location
        name = " ".join(str(part) for part in (
            incident["type"], incident.get("mode"), place.get("name"), item.time.get("value"),
        ) if part)
        incident_id = add({
            **_common(INCIDENT_TYPE, key, stamp),
            "extensions": {EXTENSION_ID: {"extension_type": "new-sdo"}},
            "created_by_ref": _id("identity", "wirewatch"),
            "name": name,
            "incident_type": incident["type"],
            "incident_mode": incident.get("mode"),
            "first_seen": _timestamp(item.time.get("value"), stamp),
            "time_precision": item.time.get("precision"),
            "status": incident.get("status"),
            "casualties": incident.get("casualties"),
            "conflicting": bool(incident.get("conflicting")),
            "independent_sources": incident.get("independent_sources"),
            "acled_event_type": event_type,
            "acled_sub_event_type": sub_event_type,
            "acled_geo_precision": item.geo_precision(),
            "acled_time_precision": item.time_precision(),
            "gtd_specificity": item.gtd_specificity(),
            "reviewed": item.reviewed,  # a reviewer corrected a value (wirewatch review)
        })
        refs = [incident_id]
        if place.get("lat") is not None and place.get("lon") is not None or place.get(
                "country_code"):
            location = {**_common("location", f"{incident_id}", stamp),
                        "name": place.get("name") or place.get("country_code")}
            if place.get("lat") is not None and place.get("lon") is not None:
                location["latitude"] = float(place["lat"])
                location["longitude"] = float(place["lon"])
            if place.get("country_code"):
                location["country"] = str(place["country_code"])
            if place.get("admin1"):
                location["administrative_area"] = str(place["admin1"])
            refs.append(add(location))
            add({**_common("relationship", f"{incident_id}>{location['id']}", stamp),
                 "relationship_type": "located-at", "source_ref": incident_id,
                 "target_ref": location["id"]})
        for actor in item.agents:
            actor_id = add({**_common("threat-actor", actor.casefold(), stamp), "name": actor})
            refs.append(actor_id)
            add({**_common("relationship", f"{incident_id}>{actor_id}", stamp),
                 "relationship_type": "attributed-to", "source_ref": incident_id,
                 "target_ref": actor_id})
        conflicts = item.notes().split(" | ")[1:] if incident.get("conflicting") else []
        if conflicts:
            add({**_common("note", f"{incident_id}:figures", stamp),
                 "abstract": "Sources disagree on casualty figures",
                 "content": "; ".join(conflicts), "object_refs": [incident_id]})
        status = incident.get("status")
        if status in _OPINIONS:
            add({**_common("opinion", f"{incident_id}:status", stamp),
                 "opinion": _OPINIONS[status], "explanation": f"Reports say the incident is "
                 f"{status}, not independently asserted.", "object_refs": [incident_id]})
        for doc in item.documents:
            report = {
                **_common("report", doc["doc_id"], stamp),
                "name": doc.get("title") or doc["doc_id"],
                "report_types": ["threat-report"],
                "published": _timestamp(doc.get("published"), stamp),
                "object_refs": refs,
            }
            if doc.get("outlet"):
                report["created_by_ref"] = add({
                    **_common("identity", f"outlet:{doc['outlet']}", stamp),
                    "name": doc["outlet"], "identity_class": "organization"})
            if doc.get("url"):
                report["external_references"] = [{"source_name": doc.get("outlet") or "source",
                                                   "url": doc["url"]}]
            existing = objects.get(report["id"])
            if existing is not None:  # one document reporting several incidents
                existing["object_refs"] = sorted(set(existing["object_refs"]) | set(refs))
            else:
                add(report)
    return {"type": "bundle", "id": _id("bundle", stamp), "objects": list(objects.values())}


def write_stix(items: Sequence[ExportIncident], path: Path) -> None:
    path.write_text(json.dumps(bundle(items), ensure_ascii=False, default=str), "utf-8")
