"""Dialect-specific parts of the schema: full-text search over documents and browsing views.

SQLite gets an FTS5 external-content table kept in sync by triggers; PostgreSQL a stored,
generated ``tsvector`` column (``search_words``, normalised like FTS5's ``unicode61``) with a
GIN index; ``search`` runs the expression ``fts_query`` builds from a typed query. The ``incident_sources`` view lists every
incident with the documents that reported it (for Datasette and ad-hoc SQL). All statements
are idempotent, so they run on every open.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa

from wirewatch.store import fts_query
from wirewatch.store.fts_query import SearchQueryError

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


#: Characters of title + text indexed on PostgreSQL. A tsvector holds at most 1 MB; this
#: many characters of one-letter words stay under it, so no document fails to store.
SEARCH_MAX_CHARS = 150_000


def search_vector_sql() -> str:
    """The PostgreSQL search column's expression: title and text lower-cased, folded like
    SQLite's ``unicode61`` (``fts_query.fold_table``), every non-alphanumeric run a space,
    then split into words without stemming or stop words (the ``simple`` configuration), so
    ``fts_query`` builds one query that means the same on both engines."""
    source, target = fts_query.sql_fold_arguments()
    lowered = (f"lower(left(coalesce(title, '') || ' ' || coalesce(text, ''), "
               f"{SEARCH_MAX_CHARS}))")
    # translate() costs (text length x table size): skipped for texts without such letters
    folded = (f"CASE WHEN {lowered} ~ '[{fts_query.sql_fold_class()}]' "
              f"THEN translate({lowered}, '{source}', '{target}') ELSE {lowered} END")
    return f"to_tsvector('simple', regexp_replace({folded}, '[^[:alnum:]]+', ' ', 'g'))"


def _postgres(prefix: str) -> tuple[str, ...]:
    return (
        f"ALTER TABLE {prefix}documents ADD COLUMN IF NOT EXISTS search_words tsvector "
        f"GENERATED ALWAYS AS ({search_vector_sql()}) STORED",
        f"CREATE INDEX IF NOT EXISTS ix_documents_search_words ON {prefix}documents "
        "USING GIN (search_words)",
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


#: The most rows a search or listing returns; a bound on ``--limit`` (both engines take it).
MAX_LIMIT = 1_000_000_000


def check_limit(limit: int | None) -> None:
    """Refuse a negative or absurd limit before it reaches SQL (PostgreSQL rejects negative
    limits, SQLite reads -1 as none, and 20-digit numbers overflow either)."""
    if limit is not None and not 0 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 0 and {MAX_LIMIT}, not {limit}")


def _unencodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_fts5(expression: str) -> None:
    """Raise ``SearchQueryError`` if FTS5 refuses ``expression``, tried on an empty in-memory
    table with the same columns, so that an error there is the expression's and never the
    database's (a locked or damaged file is reported as what it is)."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text)")
        probe.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?",
                      (expression,)).fetchall()
    except sqlite3.Error as exc:
        message = (str(exc).strip().splitlines() or ["syntax error"])[0]
        raise SearchQueryError(f"search syntax error: {message}") from None
    finally:
        probe.close()


def search(
    conn: sa.Connection, query: str, limit: int, schema_name: str | None = None,
    raw: bool = False,
) -> list[dict[str, Any]]:
    """Documents matching ``query``, best first.

    ``query`` is what a person typed (see ``fts_query``); with ``raw`` it is the engine's own
    syntax instead (an FTS5 expression on SQLite, ``to_tsquery('simple', ...)`` on
    PostgreSQL), and a syntax error is a ``SearchQueryError`` with the engine's one-line
    message. A query without words finds nothing.
    """
    check_limit(limit)
    sqlite = conn.dialect.name == "sqlite"
    if raw:
        expression = query
        if "\x00" in query or not query.isprintable() and _unencodable(query):
            raise SearchQueryError("search syntax error: the query holds a NUL or a lone "
                                   "surrogate, which no engine accepts")
        if sqlite:
            check_fts5(expression)
    else:
        terms = fts_query.parse(query)
        if not terms:
            return []
        expression = fts_query.to_fts5(terms) if sqlite else fts_query.to_tsquery(terms)
    if sqlite:
        sql = (
            "SELECT d.id, d.doc_id, d.title, d.outlet, d.published FROM documents_fts f "
            "JOIN documents d ON d.id = f.rowid WHERE documents_fts MATCH :q "
            "ORDER BY f.rank, d.id LIMIT :n"
        )
    else:
        p = prefix(schema_name)
        tsquery = "to_tsquery('simple', :q)" if raw else "CAST(:q AS tsquery)"
        sql = (
            f"SELECT d.id, d.doc_id, d.title, d.outlet, d.published FROM {p}documents d "
            f"WHERE d.search_words @@ {tsquery} "
            f"ORDER BY ts_rank(d.search_words, {tsquery}) DESC, d.id LIMIT :n"
        )
    try:
        rows = conn.execute(sa.text(sql), {"q": expression, "n": limit}).mappings().all()
    except (sa.exc.ProgrammingError, sa.exc.DataError) as exc:
        if not raw or sqlite:
            raise  # not the query's fault
        conn.rollback()  # PostgreSQL refused the to_tsquery syntax
        message = (str(exc.orig).strip().splitlines() or ["syntax error"])[0]
        raise SearchQueryError(f"search syntax error: {message}") from None
    found = []
    for row in rows:
        item = dict(row)
        if item["published"] is not None:
            item["published"] = str(item["published"])[:10]  # a date on PostgreSQL
        found.append(item)
    return found
