"""Actors canonical across documents: one ``actors`` row per entity type and normalised name.

Entities are per document (``e1``, ``e2``...); the extractor already merges aliases inside a
document and names affiliates' parents, so its canonical ``name`` is the cross-document key.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wirewatch.store.schema import actors


def actor_key(entity: dict[str, Any]) -> str | None:
    """``TYPE|normalised name``, or None for an unnamed entity."""
    name = entity.get("name")
    if not name:
        return None
    return f"{entity.get('type') or ''}|{' '.join(str(name).split()).casefold()}"


def link_actors(conn: sa.Connection, entity_rows: list[dict[str, Any]]) -> None:
    """Set ``actor_id`` on every entity row, creating the actors seen for the first time."""
    wanted: dict[str, dict[str, Any]] = {}
    for entity in entity_rows:
        key = actor_key(entity)
        if key is not None and key not in wanted:
            wanted[key] = {
                "key": key,
                "name": " ".join(str(entity["name"]).split()),
                "type": entity.get("type"),
                "kind": entity.get("kind"),
                "country": entity.get("country"),
                "parent": entity.get("parent"),
            }
    ids: dict[str, int] = {}
    keys = sorted(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = sa.select(actors.c.id, actors.c.key).where(actors.c.key.in_(chunk))
        ids.update({row.key: row.id for row in conn.execute(query)})
    missing = [wanted[key] for key in keys if key not in ids]
    if missing:
        result = conn.execute(
            sa.insert(actors).returning(actors.c.id, sort_by_parameter_order=True), missing
        )
        ids.update(zip((row["key"] for row in missing), result.scalars(), strict=True))
    for entity in entity_rows:
        key = actor_key(entity)
        entity["actor_id"] = ids.get(key) if key else None
