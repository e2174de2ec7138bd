"""Who did what to whom in an incident: its agents and victims, the sentence it rests on, and
which incidents an actor plays a given role in.

An analyst reading an incident row needs the perpetrators, the people harmed and the one
sentence the incident rests on, not only figures. These live inside the member events'
contract JSON (``arguments``, ``responsibility``, ``evidence``), so they are read here, in
Python, for the incidents being shown. The terminal table (``wirewatch incidents``) and the
web desk (``wirewatch.serve``) both use these functions, so both show the same names.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from wirewatch.contract import CASUALTY_KINDS
from wirewatch.store.members import member_events_query
from wirewatch.store.schema import actors, entities
from wirewatch.store.schema import events as events_t

#: Argument roles shown as the incident's perpetrators / the people it harmed.
AGENT_ROLES = frozenset({"agent"})
VICTIM_ROLES = frozenset({"victim", "target"})
#: Responsibility modes that name a perpetrator (a denial does not).
BLAMING_MODES = frozenset({"claimed", "attributed"})
#: How a reader is told a perpetrator is known only by a claim or an accusation: argument
#: statuses and responsibility modes -> the word shown after the name.
QUALIFIERS = {"alleged": "alleged", "claimed": "claimed", "attributed": "alleged"}
#: Longest one-line summary, in characters (short enough for a terminal table cell).
SUMMARY_CHARS = 120
#: Most names listed per role.
MOST_NAMES = 3


def literal_ids(ids: Iterable[int]) -> sa.BindParameter[Any]:
    """Integer ids rendered into the statement (no limit on their number, unlike bound
    parameters; safe because each is converted with ``int``)."""
    return sa.bindparam(None, [int(i) for i in ids], expanding=True, literal_execute=True)


def dicts(value: Any) -> list[dict[str, Any]]:
    """The dict items of a JSON list (anything else in stored JSON is skipped, not trusted)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def entities_in_role(event: Mapping[str, Any], role: str) -> set[str]:
    """Entity ids that fill ``role`` in a contract event ("agent" includes responsibility)."""
    found = {arg.get("entity") for arg in dicts(event.get("arguments"))
             if arg.get("role") == role and arg.get("entity")}
    if role in AGENT_ROLES:
        found |= {r.get("entity") for r in dicts(event.get("responsibility"))
                  if r.get("mode") in BLAMING_MODES and r.get("entity")}
    return {str(e) for e in found}


def participants(event: Mapping[str, Any], roles: Iterable[str],
                 names: Mapping[tuple[int, str], str], document_pk: int,
                 qualified: bool = False) -> list[str]:
    """Names filling ``roles`` in ``event``: the entity's name, else the argument's own words
    ("seven people"); perpetrators include claimed/attributed responsibility. ``qualified``
    (for a reader, not for counting names) marks a perpetrator known only by a claim or an
    accusation: "Anthony Brown (alleged)", "JNIM (claimed)", each name once."""
    roles = frozenset(roles)
    found = []
    for arg in dicts(event.get("arguments")):
        if arg.get("role") not in roles:
            continue
        name = names.get((document_pk, str(arg.get("entity")))) if arg.get("entity") else None
        span = arg.get("span") if isinstance(arg.get("span"), dict) else {}
        name = name or (span.get("text") if isinstance(span.get("text"), str) else None)
        if name:
            name = " ".join(name.split())
            status = arg.get("status")
            found.append(f"{name} ({status})" if qualified and status in QUALIFIERS else name)
    if roles & AGENT_ROLES:
        for claim in dicts(event.get("responsibility")):
            if claim.get("mode") in BLAMING_MODES and isinstance(claim.get("name"), str):
                entity = claim.get("entity")
                name = names.get((document_pk, str(entity)), claim["name"]) if entity \
                    else claim["name"]
                found.append(f"{name} ({QUALIFIERS[claim['mode']]})" if qualified else name)
    return list(dict.fromkeys(found)) if qualified else found


def ranked(counts: Counter[str], most: int = MOST_NAMES) -> list[str]:
    """Most often named first; names differing only in case count once."""
    merged: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for name, n in counts.items():
        key = name.casefold()
        shown.setdefault(key, name)
        merged[key] += n
    return [shown[key] for key, _n in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))][:most]


def one_line(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The evidence sentence on one line, cut at a word boundary with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


def informativeness(event: Mapping[str, Any]) -> int:
    """How much an event's sentence tells: casualty figures, named agents and victims, a day.

    The summary line is the evidence of the member event that scores highest, so an incident
    reported as "a bomb killed 5 in Kandahar" is summed up by that sentence rather than by a
    later "the attack was condemned"."""
    casualties = event.get("casualties") if isinstance(event.get("casualties"), dict) else {}
    figures = sum(casualties.get(kind) is not None for kind in CASUALTY_KINDS)
    roles = {arg.get("role") for arg in dicts(event.get("arguments"))}
    time = event.get("time") if isinstance(event.get("time"), dict) else {}
    return (2 * figures + bool(roles & AGENT_ROLES) + bool(roles & VICTIM_ROLES)
            + (time.get("precision") == "day"))


def entity_names(conn: sa.Connection, document_pks: Iterable[int]) -> dict[tuple[int, str], str]:
    """(document pk, entity id) -> the entity's name, for the given documents."""
    pks = sorted(set(document_pks))
    if not pks:
        return {}
    query = sa.select(entities.c.document_id, entities.c.entity_id, entities.c.name).where(
        entities.c.document_id.in_(literal_ids(pks)))
    return {(row.document_id, row.entity_id): row.name for row in conn.execute(query) if row.name}


@dataclass
class People:
    """Agents, victims and the one-line summary of one incident."""

    agents: list[str] = field(default_factory=list)
    victims: list[str] = field(default_factory=list)
    summary: str | None = None


def people_of(rows: Sequence[Any], names: Mapping[tuple[int, str], str],
              limit: int = SUMMARY_CHARS) -> People:
    """``People`` of an incident from its member rows (``document_id``, ``event_json``,
    ``evidence_text``, in event order); the first of equally informative events wins."""
    agents: Counter[str] = Counter()
    victims: Counter[str] = Counter()
    best: tuple[int, str] | None = None
    for row in rows:
        event = row.event_json if isinstance(row.event_json, dict) else {}
        for who, role_names in ((agents, AGENT_ROLES), (victims, VICTIM_ROLES)):
            for name in participants(event, role_names, names, row.document_id):
                who[name] += 1
        if row.evidence_text:
            score = informativeness(event)
            if best is None or score > best[0]:
                best = (score, row.evidence_text)
    return People(ranked(agents), ranked(victims), one_line(best[1], limit) if best else None)


def incident_people(conn: sa.Connection, ids: Sequence[int],
                    limit: int = SUMMARY_CHARS) -> dict[int, People]:
    """``People`` of each incident in ``ids`` (two queries for all of them)."""
    if not ids:
        return {}
    rows = conn.execute(member_events_query(
        ids, events_t.c.document_id, events_t.c.evidence_text, events_t.c.event_json)).all()
    names = entity_names(conn, {row.document_id for row in rows})
    per_incident: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        per_incident[row.incident_id].append(row)
    return {i: people_of(per_incident[i], names, limit) for i in ids}


def incidents_in_role(conn: sa.Connection, ids: Sequence[int], actor: str,
                      roles: Iterable[str]) -> set[int]:
    """Incidents among ``ids`` where a name matching ``actor`` (a substring, any case) fills
    one of ``roles`` in a member event: the entity's own or canonical actor name, or, for an
    argument with no named entity, its words ("two policemen"), as the table shows them."""
    roles = frozenset(roles)
    if not ids:
        return set()
    needle = actor.casefold()
    # the raw JSON text: an event that could not match is skipped unparsed
    rows = conn.execute(member_events_query(
        ids, events_t.c.document_id, sa.type_coerce(events_t.c.event_json, sa.Text).label("raw"))
    ).all()
    pks = sorted({r.document_id for r in rows})
    named = conn.execute(
        sa.select(entities.c.document_id, entities.c.entity_id)
        .outerjoin(actors, actors.c.id == entities.c.actor_id)
        .where(entities.c.document_id.in_(literal_ids(pks)))
        .where(sa.or_(sa.func.lower(actors.c.name).contains(needle, autoescape=True),
                      sa.func.lower(entities.c.name).contains(needle, autoescape=True)))
    ).all() if pks else []
    names = entity_names(conn, pks)
    matching: dict[int, set[str]] = defaultdict(set)
    for r in named:
        matching[r.document_id].add(str(r.entity_id))
    # an ASCII needle appears as typed in the JSON text (no escapes), so text without it or
    # any matching entity id cannot match and is not parsed
    quick = needle.isascii() and needle.isprintable() and not set(needle) & {'"', "\\"}
    found = set()
    for row in rows:
        if row.incident_id in found:
            continue
        event = row.raw
        wanted = matching.get(row.document_id, set())
        if isinstance(event, bytes):
            event = event.decode("utf-8", "replace")
        if isinstance(event, str):
            if quick and needle not in event.casefold() and not any(
                    f'"{entity}"' in event for entity in wanted):
                continue
            event = json.loads(event)
        if not isinstance(event, dict):
            continue
        if any(wanted & entities_in_role(event, role) for role in roles) or any(
                needle in name.casefold()
                for name in participants(event, roles, names, row.document_id)):
            found.add(row.incident_id)
    return found
