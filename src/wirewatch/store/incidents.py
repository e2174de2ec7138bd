"""Incremental incident merging: each new event joins the incidents it matches, or starts one.

Incidents are the connected components of the pairwise ``merge.same_incident`` relation:
a new event is compared with the candidate events of an in-memory index (built once per
store from the database, kept up to date, and brought in step with what other writers
committed before each batch), links to the incidents of all matches and,
when it bridges several, merges them into the oldest. The partition therefore does not
depend on ingest order. Candidates come from month buckets for dated events and from
country / admin1 / person-name keys for undated ones (pairs involving an undated event must
share such a key, which is part of the relation).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from wirewatch.contract import INCIDENT_TYPES
from wirewatch.store.merge import SLACK_DAYS, MergeItem, make_item, same_incident
from wirewatch.store.profile import DocProfile
from wirewatch.store.schema import documents, incident_events, incidents
from wirewatch.store.schema import events as events_t
from wirewatch.store.summary import load_members, summarise


def is_incident_event(event_row: Mapping[str, Any]) -> bool:
    """Only things that happened (``actual``) and are violent/political occurrences qualify;
    not a pattern of events ("generic") and not a call to arms (a statement)."""
    event = event_row.get("event_json") or {}
    return (event_row.get("factuality") == "actual" and event_row.get("type") in INCIDENT_TYPES
            and not event.get("generic") and event_row.get("mode") != "call-to-arms")


_FIRST_DAY, _LAST_DAY = dt.date.min.toordinal(), dt.date.max.toordinal()


def _month(ordinal: int) -> int:
    """The month bucket of a day; days before 0001-01-01 or after 9999-12-31 (an interval
    widened by the report lag or the slack) fall in the first or last month."""
    day = dt.date.fromordinal(min(max(ordinal, _FIRST_DAY), _LAST_DAY))
    return day.year * 12 + day.month - 1


def block_keys(item: MergeItem) -> set[str]:
    """Keys an undated event must share with a partner: country, admin1, people named."""
    keys = {f"n:{name}" for name in item.profile.names}
    if item.country:
        keys.add(f"c:{item.country}")
    if item.region:
        keys.add(f"r:{item.region}")
    return keys


class MergeIndex:
    """Every incident event of the store as a ``MergeItem``, bucketed for candidate lookup."""

    def __init__(self) -> None:
        self.items: dict[int, MergeItem] = {}
        self.members: dict[int, set[int]] = defaultdict(set)  # incident -> event pks
        self._months: dict[int, list[int]] = defaultdict(list)
        self._dated_keys: dict[str, list[int]] = defaultdict(list)
        self._undated_keys: dict[str, list[int]] = defaultdict(list)

    def add(self, item: MergeItem) -> None:
        self.items[item.event_pk] = item
        assert item.incident_id is not None
        self.members[item.incident_id].add(item.event_pk)
        keys = block_keys(item)
        if item.lo is None:
            for key in keys:
                self._undated_keys[key].append(item.event_pk)
            return
        for month in range(_month(item.lo), _month(item.hi) + 1):  # type: ignore[arg-type]
            self._months[month].append(item.event_pk)
        for key in keys:
            self._dated_keys[key].append(item.event_pk)

    def candidates(self, item: MergeItem) -> list[MergeItem]:
        """Stored items that may satisfy ``same_incident`` with ``item`` (a superset)."""
        keys = block_keys(item)
        found: set[int] = set()
        for key in keys:
            found.update(self._undated_keys.get(key, ()))
        if item.lo is None:
            for key in keys:
                found.update(self._dated_keys.get(key, ()))
        else:
            first = _month(item.lo - SLACK_DAYS)
            last = _month(item.hi + SLACK_DAYS)  # type: ignore[operator]
            for month in range(first, last + 1):
                found.update(self._months.get(month, ()))
        return [self.items[pk] for pk in sorted(found)]

    def relabel(self, old: int, new: int) -> None:
        for pk in self.members.pop(old, set()):
            self.items[pk].incident_id = new
            self.members[new].add(pk)

    @classmethod
    def load(cls, conn: sa.Connection) -> MergeIndex:
        """Build the index from the incident events already stored."""
        index = cls()
        for item in _stored_items(conn):
            index.add(item)
        return index

    def catch_up(self, conn: sa.Connection, after_document: int) -> bool:
        """Take in what other writers committed since this index was last in step with the
        database: the incident events of documents after ``after_document`` and every
        incident merge (which relabels events this index already holds). False when the
        index cannot be brought up to date (events it holds are gone): build a new one."""
        query = sa.select(incident_events.c.event_id, incident_events.c.incident_id)
        current = {event_pk: incident_id for event_pk, incident_id in conn.execute(query)}
        if not self.items.keys() <= current.keys():
            return False
        self.members = defaultdict(set)
        for pk, item in self.items.items():
            item.incident_id = current[pk]
            self.members[item.incident_id].add(pk)
        for item in _stored_items(conn, after_document):
            self.add(item)
        return True


def _stored_items(conn: sa.Connection, after_document: int = 0) -> list[MergeItem]:
    """Merge items of the stored incident events (of documents after ``after_document``)."""
    query = (
        sa.select(
            incident_events.c.incident_id,
            events_t,
            documents.c.published,
            documents.c.profile_json,
            documents.c.minhash_json,
        )
        .join(events_t, events_t.c.id == incident_events.c.event_id)
        .join(documents, documents.c.id == events_t.c.document_id)
        .where(events_t.c.document_id > after_document)
        .order_by(events_t.c.id)
    )
    profiles: dict[int, DocProfile] = {}
    items = []
    for row in conn.execute(query).mappings():
        doc_pk = row["document_id"]
        if doc_pk not in profiles:
            profiles[doc_pk] = DocProfile.from_json(row["profile_json"])
        item = make_item(row, row["published"], profiles[doc_pk], row["minhash_json"] or [])
        if item is None:
            continue
        item.incident_id = row["incident_id"]
        items.append(item)
    return items


def undated_share_key(a: MergeItem, b: MergeItem) -> bool:
    """Pairs with an undated event need a shared country, admin1 or named person."""
    if a.lo is not None and b.lo is not None:
        return True
    return bool(block_keys(a) & block_keys(b))


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


_LINK = sa.insert(incident_events)


def assign_incident(
    conn: sa.Connection,
    index: MergeIndex,
    event_row: Mapping[str, Any],
    published: Any,
    profile: DocProfile,
    signature: list[int],
    now: dt.datetime,
) -> tuple[int, bool, set[int]] | None:
    """Link a stored event to its incident.

    Returns (incident id, created, ids of incidents merged into it and deleted), or None when
    the event is not eligible.
    """
    if not is_incident_event(event_row):
        return None
    item = make_item(event_row, published, profile, signature)
    if item is None:
        return None
    linked = {
        other.incident_id
        for other in index.candidates(item)
        if undated_share_key(item, other) and same_incident(item, other)
    }
    merged: set[int] = set()
    if not linked:
        incident_id, created = create_incident(conn, event_row, now), True
    else:
        incident_id, created = min(linked), False  # type: ignore[type-var]
        merged = {i for i in linked if i != incident_id}  # type: ignore[misc]
        if merged:
            ids = sorted(merged)
            conn.execute(
                sa.update(incident_events)
                .where(incident_events.c.incident_id.in_(ids))
                .values(incident_id=incident_id)
            )
            conn.execute(sa.delete(incidents).where(incidents.c.id.in_(ids)))
            for old in ids:
                index.relabel(old, incident_id)
    conn.execute(_LINK, {"incident_id": incident_id, "event_id": event_row["id"]})
    item.incident_id = incident_id
    index.add(item)
    return incident_id, created, merged


def refresh_incidents(conn: sa.Connection, incident_ids: Iterable[int], now: dt.datetime) -> None:
    """Recompute the denormalised columns (casualty ranges, place, dates) of touched incidents."""
    ids = sorted(set(incident_ids))
    if not ids:
        return
    members = load_members(conn, ids)
    reviewed = dict(conn.execute(sa.select(incidents.c.id, incidents.c.reviewed_json)
                                 .where(incidents.c.id.in_(ids))).all())
    params, types = [], []
    for incident_id in ids:
        summary = summarise(members.get(incident_id, []))
        summary.apply_reviewed(reviewed.get(incident_id))  # reviewers' values win (reviews.py)
        params.append({**summary.columns(), "updated_at": now, "_id": incident_id})
        if summary.type:
            types.append({"_id": incident_id, "type": summary.type})
    conn.execute(sa.update(incidents).where(incidents.c.id == sa.bindparam("_id")), params)
    if types:
        conn.execute(sa.update(incidents).where(incidents.c.id == sa.bindparam("_id")), types)
