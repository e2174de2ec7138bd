"""Versioned schema migrations: ``MIGRATIONS[n]`` upgrades a database from version n to n + 1.

``Store.init_schema`` runs the pending steps in one transaction and records each version in
``schema_version``; a database newer than the code is refused. A small mechanism of our own
rather than Alembic: the store's schema is created from SQLAlchemy metadata, steps are
plain functions that run on SQLite and PostgreSQL alike, and nothing needs a migrations
directory shipped beside the package.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from wirewatch.store import dialect, schema
from wirewatch.store.actors import link_actors
from wirewatch.store.profile import build_profile, minhash


def _add_columns(conn: sa.Connection, schema_name: str | None,
                 columns: dict[str, tuple[str, ...]]) -> None:
    """``ALTER TABLE ... ADD COLUMN`` for each named column a table lacks."""
    preparer = conn.dialect.identifier_preparer
    for table_name, names in columns.items():
        table = schema.metadata.tables[table_name]
        present = {
            col["name"] for col in sa.inspect(conn).get_columns(table_name, schema=schema_name)
        }
        for name in names:
            if name in present:
                continue
            ddl = table.c[name].type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(
                f"ALTER TABLE {dialect.prefix(schema_name)}{preparer.quote(table_name)} ADD COLUMN "
                f"{preparer.quote(name)} {ddl}"
            )


def _migrate_1_to_2(conn: sa.Connection, schema_name: str | None) -> None:
    """Add the v2 columns and tables; compute merging profiles of stored documents.

    Incidents grouped by version 1 keep their membership; documents ingested from now on
    are merged with the v2 rules (which read the backfilled profiles).
    """
    _add_columns(conn, schema_name, schema.V2_COLUMNS)
    schema.metadata.create_all(conn)  # the new tables (actors)
    docs = schema.documents
    rows = conn.execute(sa.select(docs.c.id, docs.c.record_json, docs.c.text)).all()
    for row in rows:
        record = row.record_json or {}
        conn.execute(
            sa.update(docs)
            .where(docs.c.id == row.id)
            .values(
                profile_json=build_profile(record, row.text).as_json(),
                minhash_json=minhash(row.text or ""),
            )
        )
    ents = schema.entities
    entity_rows = [dict(row) for row in conn.execute(
        sa.select(ents.c.id, ents.c.name, ents.c.type, ents.c.kind, ents.c.country,
                  ents.c.parent)).mappings()]
    link_actors(conn, entity_rows)
    if entity_rows:
        conn.execute(
            sa.update(ents).where(ents.c.id == sa.bindparam("_id")),
            [{"_id": row["id"], "actor_id": row["actor_id"]} for row in entity_rows],
        )
    dialect.install(conn, schema_name)
    dialect.rebuild_sqlite_index(conn)


def _migrate_2_to_3(conn: sa.Connection, schema_name: str | None) -> None:
    """PostgreSQL: search the ``search_words`` column (words as SQLite's FTS5 splits them,
    no stemming), which ``dialect.install`` adds, instead of the English-stemmed ``search``
    column, dropped here (with its index). SQLite's FTS5 table is unchanged."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"ALTER TABLE {dialect.prefix(schema_name)}documents DROP COLUMN IF EXISTS search")
    dialect.install(conn, schema_name)


def _migrate_3_to_4(conn: sa.Connection, schema_name: str | None) -> None:
    """Reviews: the ``reviews``, ``users`` and ``tokens`` tables (made by ``create_all``
    before the steps run) and the ``reviewed_json`` columns of events and incidents."""
    _add_columns(conn, schema_name, schema.V4_COLUMNS)


#: ``MIGRATIONS[n]`` upgrades a database from schema version ``n`` to ``n + 1``.
MIGRATIONS: dict[int, Callable[[sa.Connection, str | None], None]] = {
    1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4}
