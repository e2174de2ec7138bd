"""The incidents list: filtered, paginated ids, the row of each incident, and facet counts.

The terminal table shows date, type, place and killed; an analyst checking a row also needs
injured/arrested/kidnapped, who did it to whom, the sentence the incident rests on, how
precise its place and date are, and its status. Rows are built from the store's own
summary (``store.summary.summarise``) plus the member events' arguments, one page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from wirewatch.contract import STATUS_ORDER
from wirewatch.export.rows import acled_type
from wirewatch.serve.digest import FACET_ACTOR_TYPES, Digest, DigestCache
from wirewatch.serve.filters import Filters, apply, incident_status_ranks, literal_ids
from wirewatch.serve.text_search import matching_document_pks
from wirewatch.store import Store
from wirewatch.store.roles import incident_people, incidents_in_role
from wirewatch.store.schema import actors, entities, incident_events, incidents
from wirewatch.store.schema import events as events_t
from wirewatch.store.summary import load_members, reviewed_people, summarise

#: Longest one-line summary, in characters (the desk's rows have room for more than a terminal).
SUMMARY_CHARS = 180


@dataclass
class Selection:
    """The incidents a filter selects: either a SQL subquery of ids or, when the role filter
    had to be checked in Python, an explicit id list (kept in display order)."""

    query: sa.Select  # select(incidents.c.id) with every SQL filter applied
    ids: list[int] | None = None  # set when a Python-side filter narrowed the selection

    def restrict(self, query: sa.Select) -> sa.Select:
        """``query`` limited to the selected incidents."""
        if self.ids is not None:
            return query.where(incidents.c.id.in_(literal_ids(self.ids)))
        return query.where(incidents.c.id.in_(self.query))


@dataclass
class Page:
    """One page of the incidents list."""

    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _newest_first(query: sa.Select, sort: str | None = None) -> sa.Select:
    """``query`` in the list's order: newest first, or by ``sort`` (``params.SORTS``); ties
    and unknown values go newest first, undated last."""
    c = incidents.c
    newest = (c.time_value.is_(None), c.time_value.desc(), c.id)
    by = {"date_asc": (c.time_value.is_(None), c.time_value.asc(), c.id),
          "killed": (c.killed_max.is_(None), c.killed_max.desc(), *newest),
          "injured": (c.injured_max.is_(None), c.injured_max.desc(), *newest),
          "sources": (c.independent_sources.desc(), *newest)}
    return query.order_by(*by.get(sort or "", newest))


def text_matches(store: Store, f: Filters) -> list[int] | None:
    """Documents matching the text query of ``f`` (None: no text query)."""
    return matching_document_pks(store, f.q) if f.q else None


def select_incidents(conn: sa.Connection, f: Filters, document_pks: list[int] | None,
                     digest: Digest | None = None) -> Selection:
    """The incidents matching ``f`` (actor role included); ``document_pks`` are the documents
    matching its text query (``text_matches``). With a ``digest``, the status filter reads
    the digest's ranks instead of ranking every member event in SQL."""
    by_rank = digest is not None and f.status is not None
    query = apply(sa.select(incidents.c.id), f.without("status") if by_rank else f, document_pks)
    if not (f.actor and f.role) and not by_rank:
        return Selection(query)
    ids = [row.id for row in conn.execute(_newest_first(query, f.sort))]
    if by_rank:
        assert digest is not None and f.status is not None
        rank = STATUS_ORDER.index(f.status) if f.status in STATUS_ORDER else -1
        ids = [i for i in ids if digest.ranks.get(i) == rank]
    if f.actor and f.role:
        playing = incidents_in_role(conn, ids, f.actor, {f.role})
        ids = [i for i in ids if i in playing]
    return Selection(query, ids)


def selected_ids(conn: sa.Connection, selection: Selection) -> list[int]:
    """The selected incidents' ids, newest first."""
    if selection.ids is not None:
        return selection.ids
    return [row.id for row in conn.execute(_newest_first(selection.query))]


def incident_page(store: Store, f: Filters, offset: int = 0, limit: int = 50,
                  with_facets: bool = False, cache: DigestCache | None = None) -> Page:
    """Incidents matching ``f``, newest first, ``limit`` of them from ``offset``."""
    with store.engine.connect() as conn:
        digest = cache.get(conn) if cache is not None else None
        document_pks = text_matches(store, f)
        selection = select_incidents(conn, f, document_pks, digest)
        if selection.ids is not None:
            total, page_ids = len(selection.ids), selection.ids[offset: offset + limit]
        else:
            total = int(conn.execute(
                sa.select(sa.func.count()).select_from(selection.query.subquery())).scalar())
            page_ids = [row.id for row in conn.execute(
                _newest_first(selection.query, f.sort).limit(limit).offset(offset))]
        page = Page(total=total, offset=offset, limit=limit, items=incident_rows(conn, page_ids))
        if with_facets:
            page.facets = facets(conn, f, document_pks, digest)
    return page


def incident_rows(conn: sa.Connection, ids: list[int]) -> list[dict[str, Any]]:
    """The list row of each incident in ``ids``, in that order."""
    if not ids:
        return []
    heads = {row.id: row for row in conn.execute(
        sa.select(incidents.c.id, incidents.c.type, incidents.c.reviewed_json)
        .where(incidents.c.id.in_(literal_ids(ids))))}
    members = load_members(conn, ids)
    people = incident_people(conn, ids, SUMMARY_CHARS)
    rows = []
    for incident_id in ids:
        if incident_id not in heads:
            continue
        summary = summarise(members[incident_id])
        reviewed = heads[incident_id].reviewed_json
        summary.apply_reviewed(reviewed)  # reviewers' values win (store.reviews)
        agents, victims = reviewed_people(reviewed, people[incident_id].agents,
                                          people[incident_id].victims)
        rows.append({
            "id": incident_id,
            "type": heads[incident_id].type,
            "mode": summary.mode,
            "status": summary.status,
            "time": {"value": summary.time_value, "precision": summary.time_precision},
            "location": summary.location,
            "casualties": summary.casualties,
            "conflicting": summary.conflicting,
            "independent_sources": summary.independent_sources,
            "sources": summary.sources,
            "documents": len({m["document_pk"] for m in members[incident_id]}),
            "events": len(members[incident_id]),
            "agents": agents,
            "victims": victims,
            "summary": people[incident_id].summary,
            "evidence": figure_evidence(members[incident_id], summary.casualties),
            "acled": dict(zip(("event_type", "sub_event_type"),
                              acled_type(heads[incident_id].type, summary.mode), strict=True)),
            "reviewed": summary.reviewed,
        })
    return rows


def figure_evidence(members: list[dict[str, Any]], casualties: dict[str, Any]
                    ) -> dict[str, str]:
    """Casualty kind -> the document anchor of the member event that gave the highest
    figure, so a number in the list opens the words it was read from."""
    links = {}
    for kind, figure in casualties.items():
        top = (figure or {}).get("max")
        if top is None:
            continue
        source = next((m for m in members if m.get(kind) == top), None)
        if source is not None and source.get("document_pk") and source.get("id"):
            links[kind] = f"/documents/{source['document_pk']}#ev-{source['id']}"
    return links


# -- facets ---------------------------------------------------------------------------------


def facets(conn: sa.Connection, f: Filters, document_pks: list[int] | None,
           digest: Digest | None = None) -> dict[str, list[dict[str, Any]]]:
    """Counts per value of type, country, status, independent sources and actor; each counted
    over the incidents the *other* filters select, so choosing a value gives that count."""
    result: dict[str, list[dict[str, Any]]] = {}
    for name, column in (("type", incidents.c.type), ("country", incidents.c.country_code)):
        selection = select_incidents(conn, f.without(name), document_pks, digest)
        query = selection.restrict(sa.select(column.label("value"), sa.func.count().label("n")))
        query = query.where(column.is_not(None)).group_by(column).order_by(sa.desc("n"), column)
        result[name] = [{"value": r.value, "count": r.n} for r in conn.execute(query.limit(40))]

    selection = select_incidents(conn, f.without("status"), document_pks, digest)
    if digest is not None:
        ranks = digest.rank_counts(_ids_or_all(conn, selection, f.without("status"),
                                               document_pks))
        result["status"] = [{"value": STATUS_ORDER[r], "count": ranks[r]}
                            for r in sorted(k for k in ranks if k is not None)]
    else:
        result["status"] = _status_facet(conn, selection)

    selection = select_incidents(conn, f.without("min_sources"), document_pks, digest)
    query = selection.restrict(
        sa.select(incidents.c.independent_sources.label("value"), sa.func.count().label("n"))
    ).group_by(incidents.c.independent_sources)
    by_count = {int(r.value or 0): r.n for r in conn.execute(query)}
    result["min_sources"] = [
        {"value": k, "count": sum(n for v, n in by_count.items() if v >= k)} for k in (1, 2, 3)
    ]

    selection = select_incidents(conn, f.without("actor").without("role"), document_pks, digest)
    if digest is not None:
        named = digest.actor_counts(_ids_or_all(
            conn, selection, f.without("actor").without("role"), document_pks))
        top = sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))
        result["actor"] = [{"value": name, "count": n} for name, n in top[:15]]
    else:
        result["actor"] = _actor_facet(conn, selection)
    return result


def _ids_or_all(conn: sa.Connection, selection: Selection, f: Filters,
                document_pks: list[int] | None) -> list[int] | None:
    """The selected ids, or None when nothing is filtered (every incident)."""
    if not f.active and document_pks is None:
        return None
    if selection.ids is not None:
        return selection.ids
    return list(conn.execute(selection.query).scalars())


def _status_facet(conn: sa.Connection, selection: Selection) -> list[dict[str, Any]]:
    ranks = incident_status_ranks()
    query = selection.restrict(
        sa.select(ranks.c.rank, sa.func.count().label("n"))
        .select_from(incidents.join(ranks, ranks.c.incident_id == incidents.c.id))
    ).group_by(ranks.c.rank).order_by(ranks.c.rank)
    return [{"value": STATUS_ORDER[r.rank], "count": r.n}
            for r in conn.execute(query) if r.rank is not None]


def _actor_facet(conn: sa.Connection, selection: Selection) -> list[dict[str, Any]]:
    member_actor = (
        sa.select(actors.c.name.label("value"),
                  sa.func.count(sa.distinct(incident_events.c.incident_id)).label("n"))
        .select_from(incident_events
                     .join(events_t, events_t.c.id == incident_events.c.event_id)
                     .join(entities, entities.c.document_id == events_t.c.document_id)
                     .join(actors, actors.c.id == entities.c.actor_id)
                     .join(incidents, incidents.c.id == incident_events.c.incident_id))
        .where(actors.c.type.in_(FACET_ACTOR_TYPES))
    )
    query = selection.restrict(member_actor).group_by(actors.c.name).order_by(
        sa.desc("n"), actors.c.name).limit(15)
    return [{"value": r.value, "count": r.n} for r in conn.execute(query)]

