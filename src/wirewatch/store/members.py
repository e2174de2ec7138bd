"""The member events of incidents, joined with their documents: one query shape shared by
summaries, roles and exports, so each reads members in the same (incident, event) order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from wirewatch.store.schema import documents, incident_events
from wirewatch.store.schema import events as events_t


def member_events_query(ids: Iterable[int], *columns: Any) -> sa.Select:
    """``columns`` of every member event of the incidents ``ids`` joined with its document,
    in incident then event order (shared by summaries and exports)."""
    return (
        sa.select(incident_events.c.incident_id, *columns)
        .join(events_t, events_t.c.id == incident_events.c.event_id)
        .join(documents, documents.c.id == events_t.c.document_id)
        .where(incident_events.c.incident_id.in_(list(ids)))
        .order_by(incident_events.c.incident_id, events_t.c.id)
    )
