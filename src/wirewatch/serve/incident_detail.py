"""One incident laid open: every source article, each source's figures side by side, which
sources are independent and which are copies, and the chain of statuses behind it.

Independence follows the store's rule (``store.summary``): documents of one outlet, or
near-duplicate texts (``documents.copy_of``), are one source. Here the groups themselves are
kept, so the page can say *which* report is a copy of which.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from wirewatch.contract import CASUALTY_KINDS, STATUS_ORDER
from wirewatch.knowledge.outlets import outlet_key
from wirewatch.store import Store
from wirewatch.store.roles import AGENT_ROLES, VICTIM_ROLES, entity_names, participants
from wirewatch.store.schema import documents, incidents
from wirewatch.store.schema import events as events_t
from wirewatch.store.summary import member_events_query, outlet_spellings, summarise

_MEMBER_COLUMNS = (
    events_t.c.id.label("event_pk"),
    events_t.c.event_id,
    events_t.c.type,
    events_t.c.mode,
    events_t.c.status,
    events_t.c.factuality,
    events_t.c.time_value,
    events_t.c.time_precision,
    events_t.c.location_name,
    events_t.c.country_code,
    events_t.c.admin1,
    events_t.c.lat,
    events_t.c.lon,
    events_t.c.location_precision,
    *(events_t.c[kind] for kind in CASUALTY_KINDS),
    events_t.c.evidence_text,
    events_t.c.evidence_start,
    events_t.c.evidence_end,
    events_t.c.confidence,
    events_t.c.event_json,
    events_t.c.reviewed_json,
    events_t.c.document_id.label("document_pk"),
    documents.c.doc_id,
    documents.c.title,
    documents.c.url,
    documents.c.outlet,
    documents.c.published,
    documents.c.copy_of,
)


def source_groups(members: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """Document pk -> the pk of the first document of its independent source (same outlet or
    syndicated copy joins a group; ``len(set(values))`` is the independent source count)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(key: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(key, key)
        while parent[key] != key:
            key = parent[key]
        return key

    for m in members:
        keys = [("doc", str(m["document_pk"]))]
        if m.get("copy_of"):
            keys.append(("doc", str(m["copy_of"])))
        if outlet := outlet_key(m.get("outlet")):
            keys.append(("outlet", outlet))
        root = find(keys[0])
        for key in keys[1:]:
            other = find(key)
            if other != root:
                parent[other] = root
    by_root: dict[tuple[str, str], int] = {}
    groups: dict[int, int] = {}
    for m in members:  # members come in event order: the first document leads its group
        pk = int(m["document_pk"])
        groups[pk] = by_root.setdefault(find(("doc", str(pk))), pk)
    return groups


def _iso(value: Any) -> str | None:
    return str(value)[:10] if value is not None else None


def incident_detail(store: Store, incident_id: int) -> dict[str, Any] | None:
    """Everything the incident page shows, as plain data (None: no such incident)."""
    with store.engine.connect() as conn:
        head = conn.execute(sa.select(incidents).where(incidents.c.id == incident_id)).first()
        if head is None:
            return None
        members = [dict(row) for row in conn.execute(
            member_events_query([incident_id], *_MEMBER_COLUMNS)).mappings()]
        names = entity_names(conn, {m["document_pk"] for m in members})
        originals = _titles(conn, {m["copy_of"] for m in members if m.get("copy_of")})
    summary = summarise(members)
    summary.apply_reviewed(head.reviewed_json)  # reviewers' values win (store.reviews)
    groups = source_groups(members)
    spellings = outlet_spellings(members)  # the name each outlet's figures are keyed by

    by_document: dict[int, dict[str, Any]] = {}
    for m in members:
        pk = int(m["document_pk"])
        source = by_document.get(pk)
        if source is None:
            source = by_document[pk] = {
                "document_pk": pk,
                "doc_id": m["doc_id"],
                "title": m["title"],
                "url": m["url"],
                "outlet": m["outlet"],
                "published": _iso(m["published"]),
                "source_key": (spellings.get(outlet_key(m["outlet"]) or "", m["outlet"])
                               or str(m["doc_id"])),
                "group": groups[pk],
                "independent": groups[pk] == pk,
                "copy_of": ({"document_pk": m["copy_of"], "title": originals.get(m["copy_of"])}
                            if m.get("copy_of") else None),
                "events": [],
            }
        event = m["event_json"] if isinstance(m["event_json"], dict) else {}
        source["events"].append({
            "event_pk": m["event_pk"],
            "event_id": m["event_id"],
            "reviewed": sorted(m["reviewed_json"] or {}),
            "type": m["type"],
            "mode": m["mode"],
            "status": m["status"],
            "time": {"value": m["time_value"], "precision": m["time_precision"]},
            "place": m["location_name"],
            "figures": {kind: m[kind] for kind in CASUALTY_KINDS},
            "evidence": {"text": m["evidence_text"], "start": m["evidence_start"],
                         "end": m["evidence_end"]},
            "said_by": [{"name": s.get("name"), "cue": s.get("cue")}
                        for s in event.get("sources") or [] if isinstance(s, dict)],
            "responsibility": [{"name": r.get("name"), "mode": r.get("mode")}
                               for r in event.get("responsibility") or [] if isinstance(r, dict)],
            "agents": participants(event, AGENT_ROLES, names, pk, qualified=True),
            "victims": participants(event, VICTIM_ROLES, names, pk),
        })

    figure_sources = sorted({s["source_key"] for s in by_document.values()})
    figures = [
        {"kind": kind, "min": summary.casualties[kind]["min"], "max": summary.casualties[kind]["max"],
         "by_source": [summary.casualties[kind]["by_source"].get(key) for key in figure_sources],
         "conflicting": len(set(summary.casualties[kind]["by_source"].values())) > 1,
         "reviewed": bool(summary.casualties[kind].get("reviewed"))}
        for kind in CASUALTY_KINDS
    ]
    chain: dict[str, list[str]] = defaultdict(list)
    for source in by_document.values():
        for event in source["events"]:
            if event["status"] and source["source_key"] not in chain[event["status"]]:
                chain[event["status"]].append(source["source_key"])
    return {
        "id": incident_id,
        "type": head.type,
        "mode": summary.mode,
        "status": summary.status,
        "time": {"value": summary.time_value, "precision": summary.time_precision},
        "location": summary.location,
        "conflicting": summary.conflicting,
        "independent_sources": summary.independent_sources,
        "first_reported": _iso(summary.first_reported),
        "last_reported": _iso(summary.last_reported),
        "casualties": summary.casualties,
        "figure_sources": figure_sources,
        "figures": figures,
        "status_chain": [{"status": s, "sources": chain[s]} for s in STATUS_ORDER if chain.get(s)],
        "sources": list(by_document.values()),
        "reviewed": summary.reviewed,
        "reviewed_people": {k: v for k, v in (head.reviewed_json or {}).items()
                            if k in ("agents", "victims")},
    }


def _titles(conn: sa.Connection, pks: set[int]) -> dict[int, str | None]:
    if not pks:
        return {}
    rows = conn.execute(sa.select(documents.c.id, documents.c.title)
                        .where(documents.c.id.in_(sorted(pks))))
    return {row.id: row.title for row in rows}
