"""Reviewers' corrections: an append-only log, replayed onto the store after every change.

A correction must outlast what the machine does next: a new report that joins the incident
(its figures and place are summarised again), an incident merge that deletes the row a
correction was made on, a re-extraction that renumbers rows. So the ``reviews`` table is the
truth and everything else is derived from it: each record names its events by *stable keys*
(the document's text hash, the event's id and its trigger span), never by row ids, and
``apply_reviews`` replays the whole log (in order, idempotently) after each ingest batch and
each new review. Replaying:

1. membership: ``reject`` takes events out of their incident ("not an event"); ``merge``
   puts two incidents' events in one; ``split`` moves events out to an incident of their own;
2. incident fields (``set`` on an incident): the values land in ``incidents.reviewed_json``
   of the incident now holding most of the record's events; ``refresh_incidents`` and every
   reader overlay them on the machine's summary (``IncidentSummary.apply_reviewed``);
3. event fields (``set`` on an event, and an incident's reviewed status, given to each of its
   events): written into the event's columns, with ``events.reviewed_json`` saying which; the
   machine's own value stays in ``event_json`` and in the record's ``old_json``.

Matching keys to events after re-extraction: the same trigger span wins, then the same event
id where no span is known, then the most overlapping trigger in the same text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from wirewatch.contract import (
    CASUALTY_KINDS,
    EVENT_TIME_PRECISIONS,
    EVENT_TYPES,
    INCIDENT_TYPES,
    LOCATION_PRECISIONS,
    STATUS_ORDER,
)
from wirewatch.store.incidents import create_incident, refresh_incidents
from wirewatch.store.records import RecordError, storable_record
from wirewatch.store.roles import incident_people
from wirewatch.store.schema import documents, incident_events, incidents, reviews
from wirewatch.store.schema import events as events_t
from wirewatch.store.summary import load_members, reviewed_people, summarise

#: Fields a reviewer may set on an incident, in the order forms show them.
INCIDENT_FIELDS: tuple[str, ...] = (
    "type", "mode", "date", "precision", "place", "admin1", "country", "lat", "lon",
    "location_precision", *CASUALTY_KINDS, "agents", "victims", "status",
)
#: Fields of one event (agents and victims are the incident's: set them there).
EVENT_FIELDS: tuple[str, ...] = tuple(f for f in INCIDENT_FIELDS if f not in ("agents", "victims"))
#: Event columns of the reviewable fields.
EVENT_COLUMNS: dict[str, str] = {
    "type": "type", "mode": "mode", "date": "time_value", "precision": "time_precision",
    "place": "location_name", "admin1": "admin1", "country": "country_code", "lat": "lat",
    "lon": "lon", "location_precision": "location_precision", "status": "status",
    **{kind: kind for kind in CASUALTY_KINDS},
}
ACTIONS = ("set", "reject", "merge", "split")
#: Longest free-text value (a place name, a note).
MAX_TEXT = 500
#: Largest figure accepted (the contract's own cap).
MAX_FIGURE = 10_000_000


class ReviewError(ValueError):
    """A correction that cannot be made (unknown field, bad value, no such incident)."""


# -- values --------------------------------------------------------------------------------


def _text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    value = " ".join(value.split())
    if len(value) > limit:
        raise ReviewError(f"{field}: at most {limit} characters")
    try:  # lone surrogates and NULs become U+FFFD, as in stored records
        return str(storable_record({"v": value})["v"])
    except RecordError as err:
        raise ReviewError(f"{field}: {err}") from None


def precision_of(date: str) -> str:
    """The precision a typed date states: 2025 -> year, 2025-03 -> month, else day."""
    return {4: "year", 7: "month"}.get(len(date), "day")


def parse_value(field: str, raw: str | None) -> Any:
    """A typed value as the store keeps it; "" (or None) clears the field. ReviewError if the
    value is not one the field takes, in words a person can act on."""
    if field not in INCIDENT_FIELDS:
        raise ReviewError(f"unknown field {field!r}: one of {', '.join(INCIDENT_FIELDS)}")
    text = (raw or "").strip()
    if field in ("agents", "victims"):
        names = [_text(name, field, 200) for name in text.split(";") if name.strip()]
        if len(names) > 20:
            raise ReviewError(f"{field}: at most 20 names")
        return names
    if not text:
        if field == "type":
            raise ReviewError("type: an event type is required")
        return None
    if field == "type":
        value = text.upper()
        if value not in EVENT_TYPES:
            raise ReviewError(f"type: {text!r} is not a PLOVER type ({', '.join(EVENT_TYPES)})")
        return value
    if field == "date":
        if re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", text):
            parts = [int(p) for p in text.split("-")] + [1, 1]
            try:
                dt.date(*parts[:3])
                return text
            except ValueError:
                pass
        raise ReviewError(f"date: {text!r} is not a real date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if field == "precision":
        return _choice(field, text.lower(), EVENT_TIME_PRECISIONS)
    if field == "location_precision":
        return _choice(field, text.lower(), LOCATION_PRECISIONS)
    if field == "status":
        return _choice(field, text.lower(), STATUS_ORDER)
    if field == "country":
        if not re.fullmatch(r"[A-Za-z]{2}", text):
            raise ReviewError(f"country: {text!r} is not a two-letter ISO code")
        return text.upper()
    if field in ("lat", "lon"):
        bound = 90.0 if field == "lat" else 180.0
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not -bound <= number <= bound:
            raise ReviewError(f"{field}: {text!r} is not a number from -{bound:g} to {bound:g}")
        return number
    if field in CASUALTY_KINDS:
        if not re.fullmatch(r"[0-9]{1,8}", text) or int(text) > MAX_FIGURE:
            raise ReviewError(f"{field}: {text!r} is not a whole number from 0 to {MAX_FIGURE}")
        return int(text)
    return _text(text, field)  # mode, place, admin1


def _choice(field: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ReviewError(f"{field}: {value!r} is not one of {', '.join(allowed)}")
    return value


# -- stable keys -----------------------------------------------------------------------------

_KEY_COLUMNS = (events_t.c.id, events_t.c.event_id, events_t.c.trigger_start,
                events_t.c.trigger_end, documents.c.text_sha256)


def _key(row: Any) -> dict[str, Any]:
    return {"doc": row.text_sha256, "event": row.event_id, "start": row.trigger_start,
            "end": row.trigger_end}


def _key_text(key: Mapping[str, Any]) -> str:
    return json.dumps([key.get("doc"), key.get("event"), key.get("start"), key.get("end")])


def event_keys(conn: sa.Connection, event_pks: Iterable[int]) -> list[dict[str, Any]]:
    """Stable keys of the given events, in event order."""
    pks = sorted(set(event_pks))
    if not pks:
        return []
    query = (sa.select(*_KEY_COLUMNS).join(documents, documents.c.id == events_t.c.document_id)
             .where(events_t.c.id.in_(pks)).order_by(events_t.c.id))
    return [_key(row) for row in conn.execute(query)]


def member_pks(conn: sa.Connection, incident_id: int) -> list[int]:
    query = (sa.select(incident_events.c.event_id)
             .where(incident_events.c.incident_id == incident_id)
             .order_by(incident_events.c.event_id))
    return list(conn.execute(query).scalars())


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def resolve_keys(conn: sa.Connection, keys: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Key text -> the event row it names now (keys whose event is gone are left out)."""
    keys = list(keys)
    shas = sorted({str(k.get("doc")) for k in keys if k.get("doc")})
    by_doc: dict[str, list[Any]] = defaultdict(list)
    for start in range(0, len(shas), 500):
        query = (sa.select(*_KEY_COLUMNS)
                 .join(documents, documents.c.id == events_t.c.document_id)
                 .where(documents.c.text_sha256.in_(shas[start:start + 500]))
                 .order_by(events_t.c.id))
        for row in conn.execute(query):
            by_doc[row.text_sha256].append(row)
    found: dict[str, int] = {}
    for key in keys:
        rows = by_doc.get(str(key.get("doc")), [])
        span = (key.get("start"), key.get("end"))
        pick = None
        if None not in span:
            same = [r for r in rows if (r.trigger_start, r.trigger_end) == span]
            pick = next((r for r in same if r.event_id == key.get("event")), None) or (
                same[0] if same else None)
            if pick is None:
                near = [(r, _overlap(span, (r.trigger_start, r.trigger_end))) for r in rows
                        if r.trigger_start is not None and r.trigger_end is not None]
                near = [(r, n) for r, n in near if n > 0]
                if near:
                    pick = max(near, key=lambda pair: pair[1])[0]
        else:
            pick = next((r for r in rows if r.event_id == key.get("event")), None)
        if pick is not None:
            found[_key_text(key)] = int(pick.id)
    return found


# -- recording -------------------------------------------------------------------------------


@dataclass
class Change:
    """One field a reviewer sets: the raw text is parsed by ``parse_value``."""

    field: str
    value: Any


def incident_values(conn: sa.Connection, incident_id: int) -> dict[str, Any] | None:
    """The incident's current value of every reviewable field (reviewed ones included)."""
    head = conn.execute(sa.select(incidents.c.type, incidents.c.reviewed_json)
                        .where(incidents.c.id == incident_id)).first()
    if head is None:
        return None
    summary = summarise(load_members(conn, [incident_id])[incident_id])
    summary.apply_reviewed(head.reviewed_json)
    people = incident_people(conn, [incident_id])[incident_id]
    agents, victims = reviewed_people(head.reviewed_json, people.agents, people.victims)
    place = summary.location
    return {
        "type": head.type, "mode": summary.mode, "date": summary.time_value,
        "precision": summary.time_precision, "place": place.get("name"),
        "admin1": place.get("admin1"), "country": place.get("country_code"),
        "lat": place.get("lat"), "lon": place.get("lon"),
        "location_precision": place.get("precision"),
        **{kind: summary.casualties[kind]["min"] if summary.casualties[kind].get("reviewed")
           or summary.casualties[kind]["min"] == summary.casualties[kind]["max"]
           else f"{summary.casualties[kind]['min']}-{summary.casualties[kind]['max']}"
           for kind in CASUALTY_KINDS},
        "agents": agents, "victims": victims, "status": summary.status,
    }


def event_values(conn: sa.Connection, event_pk: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(events_t).where(events_t.c.id == event_pk)).mappings().first()
    if row is None:
        return None
    return {name: row[column] for name, column in EVENT_COLUMNS.items()}


def _append(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = conn.execute(sa.insert(reviews).returning(reviews.c.id,
                                                       sort_by_parameter_order=True), rows)
    return [int(pk) for pk in result.scalars()]


def _base(reviewer: str, now: dt.datetime, action: str, target: str, note: str | None,
          **values: Any) -> dict[str, Any]:
    reviewer = " ".join(str(reviewer).split())
    if not reviewer:
        raise ReviewError("a reviewer's name is required")
    return {"reviewer": _text(reviewer, "reviewer", 64), "created_at": now, "action": action,
            "target": target, "note": _text(note, "note", 2000) if note else None,
            "incident_id": None, "event_pk": None, "field": None, "old_json": None,
            "new_json": None, **values}


def record_set(conn: sa.Connection, target: str, target_id: int, changes: Sequence[Change],
               reviewer: str, note: str | None, now: dt.datetime) -> list[int]:
    """Append one ``set`` record per changed field of an incident or an event (a value equal
    to the current one is not a change); then replay. Returns the new record ids."""
    if target == "incident":
        current = incident_values(conn, target_id)
        pks = member_pks(conn, target_id)
        allowed = INCIDENT_FIELDS
    elif target == "event":
        current = event_values(conn, target_id)
        pks = [target_id]
        allowed = EVENT_FIELDS
    else:
        raise ReviewError(f"unknown target {target!r}")
    if current is None or not pks:
        raise ReviewError(f"no such {target} {target_id}")
    anchors = event_keys(conn, pks)
    rows = []
    for change in changes:
        if change.field not in allowed:
            raise ReviewError(f"{change.field!r} cannot be set on an {target}: one of "
                              f"{', '.join(allowed)}")
        if change.value == current.get(change.field):
            continue
        rows.append(_base(reviewer, now, "set", target, note, field=change.field,
                          old_json=current.get(change.field), new_json=change.value,
                          anchors_json=anchors, **_ids(target, target_id)))
    made = _append(conn, rows)
    if made:
        apply_reviews(conn, now)
    return made


def _ids(target: str, target_id: int) -> dict[str, int]:
    return {"incident_id": target_id} if target == "incident" else {"event_pk": target_id}


def record_reject(conn: sa.Connection, target: str, target_id: int, reviewer: str,
                  note: str | None, now: dt.datetime) -> list[int]:
    """Mark an incident (all its events) or one event "not an event"."""
    pks = member_pks(conn, target_id) if target == "incident" else (
        [target_id] if event_values(conn, target_id) is not None else [])
    if not pks:
        raise ReviewError(f"no such {target} {target_id}")
    made = _append(conn, [_base(reviewer, now, "reject", target, note, field="event",
                                old_json=True, new_json=False,
                                anchors_json=event_keys(conn, pks), **_ids(target, target_id))])
    apply_reviews(conn, now)
    return made


def record_merge(conn: sa.Connection, keep: int, other: int, reviewer: str, note: str | None,
                 now: dt.datetime) -> list[int]:
    """Two incidents are one: the events of ``other`` join ``keep`` (the lower id stays)."""
    if keep == other:
        raise ReviewError("an incident cannot be merged with itself")
    a, b = member_pks(conn, keep), member_pks(conn, other)
    if not a or not b:
        raise ReviewError(f"no such incident {keep if not a else other}")
    made = _append(conn, [_base(reviewer, now, "merge", "incident", note, incident_id=keep,
                                field="incident", old_json=other, new_json=keep,
                                anchors_json={"a": event_keys(conn, a),
                                              "b": event_keys(conn, b)})])
    apply_reviews(conn, now)
    return made


def record_split(conn: sa.Connection, incident_id: int, out: Sequence[int], reviewer: str,
                 note: str | None, now: dt.datetime) -> list[int]:
    """The events ``out`` (event row ids) of an incident are another incident."""
    members = member_pks(conn, incident_id)
    if not members:
        raise ReviewError(f"no such incident {incident_id}")
    moving = sorted(set(out))
    if not moving or not set(moving) <= set(members):
        raise ReviewError(f"split: choose events of incident {incident_id} "
                          f"(its events: {', '.join(map(str, members))})")
    rest = [pk for pk in members if pk not in moving]
    if not rest:
        raise ReviewError("split: leave at least one event in the incident")
    made = _append(conn, [_base(reviewer, now, "split", "incident", note,
                                incident_id=incident_id, field="events", old_json=members,
                                new_json=moving,
                                anchors_json={"out": event_keys(conn, moving),
                                              "rest": event_keys(conn, rest)})])
    apply_reviews(conn, now)
    return made


# -- replay ----------------------------------------------------------------------------------


def _all_keys(anchors: Any) -> list[Mapping[str, Any]]:
    if isinstance(anchors, dict):
        return [k for part in anchors.values() if isinstance(part, list) for k in part
                if isinstance(k, dict)]
    return [k for k in anchors or [] if isinstance(k, dict)]


class _Membership:
    """incident_events of the events the log names, kept in step with the changes made."""

    def __init__(self, conn: sa.Connection, now: dt.datetime) -> None:
        self.conn, self.now = conn, now
        self.touched: set[int] = set()
        self.changed = False

    def incident_of(self, pks: Iterable[int]) -> dict[int, int]:
        pks = sorted(set(pks))
        if not pks:
            return {}
        query = sa.select(incident_events.c.event_id, incident_events.c.incident_id).where(
            incident_events.c.event_id.in_(pks))
        return {int(e): int(i) for e, i in self.conn.execute(query)}

    def majority(self, pks: Iterable[int]) -> int | None:
        """The incident holding most of ``pks`` (the lowest id of equals); None: none is."""
        counts = Counter(self.incident_of(pks).values())
        if not counts:
            return None
        top = max(counts.values())
        return min(i for i, n in counts.items() if n == top)

    def remove(self, pks: Iterable[int]) -> None:
        held = self.incident_of(pks)
        if not held:
            return
        self.conn.execute(sa.delete(incident_events)
                          .where(incident_events.c.event_id.in_(sorted(held))))
        self.touched.update(held.values())
        self.changed = True

    def merge(self, keep: int, other: int) -> None:
        keep, other = min(keep, other), max(keep, other)
        self.conn.execute(sa.update(incident_events)
                          .where(incident_events.c.incident_id == other).values(incident_id=keep))
        self.touched.update((keep, other))
        self.changed = True

    def split(self, out: list[int], rest: list[int]) -> None:
        held = self.incident_of([*out, *rest])
        for incident_id in sorted(set(held.values())):
            moving = [pk for pk in out if held.get(pk) == incident_id]
            staying = [pk for pk in rest if held.get(pk) == incident_id]
            if not moving or not staying:
                continue
            seed = self.conn.execute(sa.select(events_t).where(events_t.c.id == moving[0])
                                     ).mappings().first()
            assert seed is not None
            new_id = create_incident(self.conn, seed, self.now)
            self.conn.execute(sa.update(incident_events)
                              .where(incident_events.c.event_id.in_(moving))
                              .values(incident_id=new_id))
            self.touched.update((incident_id, new_id))
            self.changed = True

    def drop_empty(self) -> None:
        if not self.touched:
            return
        ids = sorted(self.touched)
        held = set(self.conn.execute(sa.select(incident_events.c.incident_id).distinct()
                                     .where(incident_events.c.incident_id.in_(ids))).scalars())
        empty = [i for i in ids if i not in held]
        if empty:
            self.conn.execute(sa.delete(incidents).where(incidents.c.id.in_(empty)))
        self.touched -= set(empty)


def _pair_decisions(log: Sequence[Mapping[str, Any]], pks: Any
                    ) -> dict[int, tuple[bool, set[int], set[int]]]:
    """Log position -> (same incident?, one side's events, the other's) of each merge and
    split."""
    sides: dict[int, tuple[bool, set[int], set[int]]] = {}
    for n, row in enumerate(log):
        anchors = row["anchors_json"]
        if row["action"] in ("merge", "split") and isinstance(anchors, dict):
            same = row["action"] == "merge"
            left, right = ("a", "b") if same else ("out", "rest")
            sides[n] = (same, set(pks(anchors.get(left))), set(pks(anchors.get(right))))
    return sides


def _superseded(n: int, sides: Mapping[int, tuple[bool, set[int], set[int]]]) -> bool:
    """A merge that a later split undoes (it parts events the merge joined), or a split a
    later merge undoes, is not replayed: replaying both would churn incidents (and let new
    reports that joined in between end on the wrong side)."""
    same, left, right = sides[n]
    for later in sorted(k for k in sides if k > n):
        other, x, y = sides[later]
        if other != same and ((x & left and y & right) or (x & right and y & left)):
            return True
    return False


def _with_date(values: dict[str, Any], field: str, value: Any) -> None:
    """Set ``field``; a reviewed date brings the precision it states along."""
    values[field] = value
    if field == "date":
        values["precision"] = precision_of(value) if value else None


def has_reviews(conn: sa.Connection) -> bool:
    return conn.execute(sa.select(reviews.c.id).limit(1)).first() is not None


def apply_reviews(conn: sa.Connection, now: dt.datetime) -> bool:
    """Replay the review log onto the store (see the module's docstring); idempotent.
    Returns whether incident membership changed (the in-memory merge index is then stale)."""
    log = conn.execute(sa.select(reviews).order_by(reviews.c.id)).mappings().all()
    if not log:
        return False
    where = resolve_keys(conn, (k for row in log for k in _all_keys(row["anchors_json"])))

    def pks(keys: Any) -> list[int]:
        return sorted({where[t] for t in (_key_text(k) for k in _all_keys(keys)) if t in where})

    members = _Membership(conn, now)
    sides = _pair_decisions(log, pks)
    for n, row in enumerate(log):  # 1. membership, in the order the reviewers acted
        anchors = row["anchors_json"] or {}
        if row["action"] == "reject":
            members.remove(pks(anchors))
        elif n in sides and not _superseded(n, sides):
            left, right = sides[n][1], sides[n][2]
            if row["action"] == "merge":
                a, b = members.majority(left), members.majority(right)
                if a is not None and b is not None and a != b:
                    members.merge(a, b)
            else:
                members.split(sorted(left), sorted(right))

    wanted_incident: dict[int, dict[str, Any]] = defaultdict(dict)
    wanted_event: dict[int, dict[str, Any]] = defaultdict(dict)
    rejected = {pk for row in log if row["action"] == "reject" for pk in pks(row["anchors_json"])}
    holder: dict[tuple[int, ...], int | None] = {}  # membership is settled from here on
    for row in log:  # 2. and 3. fields
        if row["action"] != "set":
            continue
        keys = pks(row["anchors_json"])
        if row["target"] == "event":
            for pk in keys:
                _with_date(wanted_event[pk], row["field"], row["new_json"])
            continue
        if tuple(keys) not in holder:
            holder[tuple(keys)] = members.majority(keys)
        incident_id = holder[tuple(keys)]
        if incident_id is None:
            continue
        _with_date(wanted_incident[incident_id], row["field"], row["new_json"])
        if row["field"] == "status":
            for pk in member_pks(conn, incident_id):
                wanted_event[pk]["status"] = row["new_json"]
    for pk in rejected:
        wanted_event[pk]["not_event"] = True

    _write_events(conn, wanted_event, members)
    members.drop_empty()
    _write_incidents(conn, wanted_incident, members)
    refresh_incidents(conn, members.touched, now)
    return members.changed


def _write_events(conn: sa.Connection, wanted: Mapping[int, dict[str, Any]],
                  members: _Membership) -> None:
    """Reviewed event fields into the events' columns; an event whose reviewed type is no
    incident type leaves its incident."""
    if not wanted:
        return
    pks = sorted(wanted)
    stored = {row.id: row.reviewed_json for row in conn.execute(
        sa.select(events_t.c.id, events_t.c.reviewed_json).where(events_t.c.id.in_(pks)))}
    leaving = []
    for pk in pks:
        values = wanted[pk]
        if stored.get(pk) == values:
            continue
        columns = {EVENT_COLUMNS[f]: v for f, v in values.items() if f in EVENT_COLUMNS}
        conn.execute(sa.update(events_t).where(events_t.c.id == pk)
                     .values(reviewed_json=values, **columns))
        members.touched.update(members.incident_of([pk]).values())
        if values.get("type") and values["type"] not in INCIDENT_TYPES:
            leaving.append(pk)
    members.remove(leaving)


def _write_incidents(conn: sa.Connection, wanted: Mapping[int, dict[str, Any]],
                     members: _Membership) -> None:
    """``incidents.reviewed_json`` as the log says now (cleared where it no longer applies)."""
    stored = dict(conn.execute(sa.select(incidents.c.id, incidents.c.reviewed_json)
                               .where(incidents.c.reviewed_json.is_not(None))).all())
    for incident_id in sorted(set(stored) | set(wanted)):
        values = wanted.get(incident_id) or None
        if stored.get(incident_id) == values:
            continue
        conn.execute(sa.update(incidents).where(incidents.c.id == incident_id)
                     .values(reviewed_json=values))
        members.touched.add(incident_id)


# -- reading ---------------------------------------------------------------------------------


def review_log(conn: sa.Connection, incident_id: int | None = None,
               limit: int | None = None) -> list[dict[str, Any]]:
    """Review records, oldest first (or those made on / now applying to one incident)."""
    query = sa.select(reviews).order_by(reviews.c.id)
    rows = [dict(row) for row in conn.execute(query).mappings()]
    if incident_id is not None:
        held = set(member_pks(conn, incident_id))
        where = resolve_keys(conn, (k for row in rows for k in _all_keys(row["anchors_json"])))
        rows = [row for row in rows if row["incident_id"] == incident_id or any(
            where.get(_key_text(k)) in held for k in _all_keys(row["anchors_json"]))]
    if limit is not None:
        rows = rows[-limit:]
    return [_public(row) for row in rows]


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    created = row["created_at"]
    return {
        "id": row["id"], "reviewer": row["reviewer"],
        "created_at": created.isoformat() if isinstance(created, dt.datetime) else created,
        "action": row["action"], "target": row["target"], "incident_id": row["incident_id"],
        "event_pk": row["event_pk"], "field": row["field"], "old": row["old_json"],
        "new": row["new_json"], "note": row["note"], "anchors": row["anchors_json"],
    }


def with_geocode(changes: list[Change], country: str | None = None) -> list[Change]:
    """A corrected place given without coordinates gets the gazetteer's (and its country,
    admin1 and precision where the reviewer gave none): the map and the exports need them.
    ``country``: the record's current country, preferred for ambiguous names. A name the
    gazetteer does not know keeps no coordinates."""
    fields = {change.field: change.value for change in changes}
    place = fields.get("place")
    if not place or "lat" in fields or "lon" in fields:
        return changes
    from wirewatch.resolve.geocode import geocode_names

    found = geocode_names(place, [(0, len(place))], fields.get("country") or country)[0]
    if found.get("lat") is None or found.get("lon") is None:
        return changes
    derived = {"lat": found["lat"], "lon": found["lon"], "country": found.get("country_code"),
               "admin1": found.get("admin1"), "location_precision": found.get("precision")}
    return [*changes, *(Change(name, value) for name, value in derived.items()
                        if name not in fields)]


# -- training data ---------------------------------------------------------------------------


def training_examples(conn: sa.Connection) -> list[dict[str, Any]]:
    """What reviewers decided, as examples a model can learn from (``review export``):

    - ``kind="event"``, one per reviewed event: the document text, the event's trigger and
      evidence spans, the machine's values (``machine``, from the extractor's own record)
      and the reviewed ones (``reviewed``: event-level and incident-level fields), and
      ``is_event`` (False when a reviewer said "not an event");
    - ``kind="pair"``, from merges and splits: two events and whether they report one
      incident (``same``), for the incident merger.
    """
    log = conn.execute(sa.select(reviews).order_by(reviews.c.id)).mappings().all()
    where = resolve_keys(conn, (k for row in log for k in _all_keys(row["anchors_json"])))

    def pks(keys: Any) -> list[int]:
        return sorted({where[t] for t in (_key_text(k) for k in _all_keys(keys)) if t in where})

    reviewed: dict[int, dict[str, Any]] = defaultdict(dict)
    who: dict[int, set[str]] = defaultdict(set)
    rejected: set[int] = set()
    pairs: list[tuple[int, int, bool, str]] = []
    for row in log:
        anchors = row["anchors_json"]
        if row["action"] == "set":
            for pk in pks(anchors):
                _with_date(reviewed[pk], row["field"], row["new_json"])
                who[pk].add(row["reviewer"])
        elif row["action"] == "reject":
            for pk in pks(anchors):
                rejected.add(pk)
                who[pk].add(row["reviewer"])
        elif isinstance(anchors, dict):
            same = row["action"] == "merge"
            left, right = (("a", "b") if same else ("out", "rest"))
            for x in pks(anchors.get(left)):
                for y in pks(anchors.get(right)):
                    pairs.append((x, y, same, row["reviewer"]))
    wanted = sorted(set(reviewed) | rejected | {p for x, y, _s, _r in pairs for p in (x, y)})
    rows: dict[int, Any] = {}
    for start in range(0, len(wanted), 500):
        query = (sa.select(events_t, documents.c.doc_id, documents.c.text_sha256,
                           documents.c.text, documents.c.published)
                 .join(documents, documents.c.id == events_t.c.document_id)
                 .where(events_t.c.id.in_(wanted[start:start + 500])))
        rows.update({row["id"]: row for row in conn.execute(query).mappings()})
    examples: list[dict[str, Any]] = []
    for pk in sorted(set(reviewed) | rejected):
        row = rows.get(pk)
        if row is None:
            continue
        record = row["event_json"] if isinstance(row["event_json"], dict) else {}
        examples.append({
            "kind": "event", "doc_id": row["doc_id"], "text_sha256": row["text_sha256"],
            "published": str(row["published"])[:10] if row["published"] else None,
            "text": row["text"], "event_id": row["event_id"],
            "trigger": {"start": row["trigger_start"], "end": row["trigger_end"],
                        "text": row["trigger_text"]},
            "evidence": {"start": row["evidence_start"], "end": row["evidence_end"],
                         "text": row["evidence_text"]},
            "machine": _machine_values(record),
            "reviewed": reviewed.get(pk, {}),
            "is_event": pk not in rejected,
            "reviewers": sorted(who[pk]),
        })
    for x, y, same, reviewer in pairs:
        if x in rows and y in rows:
            examples.append({"kind": "pair", "same": same, "reviewers": [reviewer],
                             "a": _pair_side(rows[x]), "b": _pair_side(rows[y])})
    return examples


def _machine_values(record: Mapping[str, Any]) -> dict[str, Any]:
    """The extractor's own values of the reviewable event fields (from its contract event)."""
    time = record.get("time") if isinstance(record.get("time"), dict) else {}
    place = record.get("location") if isinstance(record.get("location"), dict) else {}
    figures = record.get("casualties") if isinstance(record.get("casualties"), dict) else {}
    return {
        "type": record.get("type"), "mode": record.get("mode"), "date": time.get("value"),
        "precision": time.get("precision"), "place": place.get("name"),
        "admin1": place.get("admin1"), "country": place.get("country_code"),
        "lat": place.get("lat"), "lon": place.get("lon"),
        "location_precision": place.get("precision"), "status": record.get("status"),
        **{kind: figures.get(kind) for kind in CASUALTY_KINDS},
    }


def _pair_side(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"doc_id": row["doc_id"], "text_sha256": row["text_sha256"],
            "event_id": row["event_id"], "trigger": [row["trigger_start"], row["trigger_end"]],
            "evidence": row["evidence_text"]}


def import_log(conn: sa.Connection, records: Iterable[Mapping[str, Any]],
               now: dt.datetime) -> int:
    """Append records of another store's log (``review log --json``: a re-extraction into a
    new database keeps its reviewers' work); ones already here (same reviewer, time, action,
    field, value and events) are skipped. Replays the log; returns how many were added."""
    have = {_fingerprint(r) for r in review_log(conn)}
    rows = []
    for record in records:
        if record.get("action") not in ACTIONS or _fingerprint(record) in have:
            continue
        have.add(_fingerprint(record))
        created = record.get("created_at")
        try:
            when = dt.datetime.fromisoformat(created) if isinstance(created, str) else now
        except ValueError:
            when = now
        if record.get("action") == "set":
            parse_value(str(record.get("field")), _as_text(record.get("new")))  # still valid?
        rows.append(_base(str(record.get("reviewer") or ""), when, str(record["action"]),
                          "event" if record.get("target") == "event" else "incident",
                          record.get("note"), incident_id=record.get("incident_id"),
                          event_pk=record.get("event_pk"), field=record.get("field"),
                          old_json=record.get("old"), new_json=record.get("new"),
                          anchors_json=record.get("anchors") or []))
    _append(conn, rows)
    if rows:
        apply_reviews(conn, now)
    return len(rows)


def _as_text(value: Any) -> str | None:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return None if value is None else str(value)


def _fingerprint(record: Mapping[str, Any]) -> str:
    created = record.get("created_at")
    if isinstance(created, dt.datetime):
        created = created.isoformat()
    return json.dumps([record.get("reviewer"), str(created)[:19], record.get("action"),
                       record.get("field"), record.get("new"), record.get("anchors")],
                      sort_keys=True, default=str)
