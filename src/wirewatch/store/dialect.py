"""Dialect-specific parts of the schema: full-text search over documents and browsing views.

SQLite gets an FTS5 external-content table kept in sync by triggers; PostgreSQL a stored,
generated ``tsvector`` column with a GIN index. The ``incident_sources`` view lists every
incident with the documents that reported it (for Datasette and ad-hoc SQL). All statements
are idempotent, so they run on every open.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

_VIEW_BODY = """
SELECT i.id AS incident_id, i.type AS incident_type, i.mode AS incident_mode,
       i.time_value AS incident_date, i.location_name AS incident_place,
       i.country_code AS incident_country, i.killed_min, i.killed_max,
       i.independent_sources, i.conflicting,
       d.id AS document_id, d.doc_id, d.title, d.outlet, d.url, d.published,
       e.id AS event_pk, e.event_id, e.killed, e.injured, e.status, e.evidence_text
FROM {p}incidents i
JOIN {p}incident_events ie ON ie.incident_id = i.id
JOIN {p}events e ON e.id = ie.event_id
JOIN {p}documents d ON d.id = e.document_id
"""

_SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
    "title, text, content='documents', content_rowid='id')",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_ai AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_ad AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE VIEW IF NOT EXISTS incident_sources AS " + _VIEW_BODY.format(p=""),
)


def _postgres(prefix: str) -> tuple[str, ...]:
    return (
        f"ALTER TABLE {prefix}documents ADD COLUMN IF NOT EXISTS search tsvector "
        "GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || "
        "coalesce(text, ''))) STORED",
        f"CREATE INDEX IF NOT EXISTS ix_documents_search ON {prefix}documents USING GIN (search)",
        f"CREATE OR REPLACE VIEW {prefix}incident_sources AS " + _VIEW_BODY.format(p=prefix),
    )


def prefix(schema_name: str | None) -> str:
    return f'"{schema_name}".' if schema_name else ""


def install(conn: sa.Connection, schema_name: str | None = None) -> None:
    """Create the search index and views if missing (SQLite or PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        statements: tuple[str, ...] = _SQLITE
    elif conn.dialect.name == "postgresql":
        statements = _postgres(prefix(schema_name))
    else:
        return
    for statement in statements:
        conn.exec_driver_sql(statement)


def rebuild_sqlite_index(conn: sa.Connection) -> None:
    """Index documents stored before the FTS table existed (the v1 -> v2 migration)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")


def search(
    conn: sa.Connection, query: str, limit: int, schema_name: str | None = None
) -> list[dict[str, Any]]:
    """Documents matching ``query`` (FTS5 / websearch syntax), best first."""
    if conn.dialect.name == "sqlite":
        sql = (
            "SELECT d.id, d.doc_id, d.title, d.outlet, d.published FROM documents_fts f "
            "JOIN documents d ON d.id = f.rowid WHERE documents_fts MATCH :q "
            "ORDER BY f.rank, d.id LIMIT :n"
        )
    else:
        p = prefix(schema_name)
        sql = (
            f"SELECT d.id, d.doc_id, d.title, d.outlet, d.published FROM {p}documents d "
            "WHERE d.search @@ websearch_to_tsquery('english', :q) "
            "ORDER BY ts_rank(d.search, websearch_to_tsquery('english', :q)) DESC, d.id "
            "LIMIT :n"
        )
    rows = conn.execute(sa.text(sql), {"q": query, "n": limit}).mappings()
    found = []
    for row in rows:
        item = dict(row)
        if item["published"] is not None:
            item["published"] = str(item["published"])[:10]  # a date on PostgreSQL
        found.append(item)
    return found
