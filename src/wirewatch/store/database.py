"""The wirewatch store: open a database by path or URL, ingest contract records, read incidents.

One code path for SQLite and PostgreSQL (SQLAlchemy Core); the only dialect-specific SQL,
full-text search and views, lives in ``dialect``. Schema versions and their upgrades are in
``migrations``.
Ingest commits once per batch, so an interrupted run loses at most one batch and a rerun
skips what was stored (documents are keyed by ``text_sha256``).

Failed documents (records with an ``"error"`` key) and malformed records are not stored as
documents; each becomes an ``ingest_errors`` row (doc id, message, record) in the same
batch transaction, so they can be listed and retried later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from wirewatch.extras import MissingExtra
from wirewatch.store import dialect, schema
from wirewatch.store.actors import link_actors
from wirewatch.store.copies import CopyIndex
from wirewatch.store.incidents import (
    MergeIndex,
    assign_incident,
    is_incident_event,
    refresh_incidents,
)
from wirewatch.store.migrations import MIGRATIONS
from wirewatch.store.profile import DocProfile, build_profile, minhash
from wirewatch.store.records import DocumentRows, RecordError, document_rows
from wirewatch.store.summary import IncidentFilter, incident_dicts


class StoreError(RuntimeError):
    """The database cannot be used by this version of wirewatch."""


@dataclass
class IngestStats:
    """What one ``add_records`` call did."""

    records: int = 0
    added: int = 0
    duplicates: int = 0
    errors: int = 0
    events: int = 0
    incident_events: int = 0
    incidents_created: int = 0
    incidents_merged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def database_url(url_or_path: str) -> str:
    """A filesystem path means a SQLite file; anything with ``://`` is an SQLAlchemy URL."""
    if "://" in url_or_path:
        if url_or_path.startswith("postgres://"):  # the Heroku-style alias SQLAlchemy rejects
            return "postgresql://" + url_or_path[len("postgres://") :]
        return url_or_path
    if url_or_path == ":memory:":
        return "sqlite://"
    path = Path(url_or_path).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _enable_sqlite_foreign_keys(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class Store:
    """A wirewatch database. Create with ``open_store``; use as a context manager or ``close()``."""

    def __init__(self, engine: sa.Engine, schema_name: str | None = None) -> None:
        self.engine = engine
        self.schema_name = schema_name
        # In-memory indexes, built from the database on first ingest and kept up to date.
        self._index: MergeIndex | None = None
        self._copies: CopyIndex | None = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # -- schema ---------------------------------------------------------------------------

    def init_schema(self) -> None:
        """Create missing tables, record the schema version, run pending migrations."""
        with self.engine.begin() as conn:
            schema.metadata.create_all(conn)
            version = conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar()
            if version is None:
                dialect.install(conn, self.schema_name)
                conn.execute(
                    sa.insert(schema.schema_version).values(
                        version=schema.SCHEMA_VERSION, applied_at=_now()
                    )
                )
                return
            if version > schema.SCHEMA_VERSION:
                raise StoreError(
                    f"database schema version {version} is newer than this wirewatch "
                    f"(supports {schema.SCHEMA_VERSION}); upgrade wirewatch"
                )
            while version < schema.SCHEMA_VERSION:
                MIGRATIONS[version](conn, self.schema_name)
                version += 1
                conn.execute(
                    sa.insert(schema.schema_version).values(version=version, applied_at=_now())
                )
            dialect.install(conn, self.schema_name)

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar()
            )

    # -- ingest ---------------------------------------------------------------------------

    def add_records(self, records: Iterable[dict[str, Any]], batch_size: int = 100) -> IngestStats:
        """Store contract document records, skipping texts already stored; commit per batch."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        stats = IngestStats()
        for batch in _batches(records, batch_size):
            try:
                with self.engine.begin() as conn:
                    if self._index is None or self._copies is None:
                        self._index = MergeIndex.load(conn)
                        self._copies = CopyIndex.load(conn)
                    self._add_batch(conn, batch, stats)
            except BaseException:
                self._index = self._copies = None  # rolled back: rebuild from the database
                raise
        return stats

    def _add_batch(self, conn: sa.Connection, batch: list[Any], stats: IngestStats) -> None:
        now = _now()
        ready: list[DocumentRows] = []
        errors: list[dict[str, Any]] = []
        for record in batch:
            stats.records += 1
            try:
                ready.append(document_rows(record, now))
            except RecordError as exc:
                stats.errors += 1
                errors.append(_error_row(record, str(exc), now))
        if errors:
            conn.execute(sa.insert(schema.ingest_errors), errors)

        known = set()
        hashes = list({rows.document["text_sha256"] for rows in ready})
        if hashes:
            known = set(
                conn.execute(
                    sa.select(schema.documents.c.text_sha256).where(
                        schema.documents.c.text_sha256.in_(hashes)
                    )
                ).scalars()
            )
        fresh: list[DocumentRows] = []
        for rows in ready:
            sha = rows.document["text_sha256"]
            if sha in known:
                stats.duplicates += 1
                continue
            known.add(sha)
            fresh.append(rows)
        if not fresh:
            return

        profiles: list[DocProfile] = []
        for rows in fresh:
            text = rows.document.get("text") or ""
            profile = build_profile(rows.document["record_json"], text)
            profiles.append(profile)
            rows.document["profile_json"] = profile.as_json()
            rows.document["minhash_json"] = minhash(text)
        doc_pks = _insert_returning_ids(conn, schema.documents, [rows.document for rows in fresh])
        stats.added += len(fresh)
        self._mark_copies(conn, doc_pks, fresh)
        link_actors(conn, [entity for rows in fresh for entity in rows.entities])
        children: dict[sa.Table, list[dict[str, Any]]] = {
            schema.entities: [],
            schema.quotes: [],
            schema.claims: [],
            schema.locations: [],
        }
        event_rows: list[dict[str, Any]] = []
        for doc_pk, rows in zip(doc_pks, fresh, strict=True):
            for table, items in (
                (schema.entities, rows.entities),
                (schema.quotes, rows.quotes),
                (schema.claims, rows.claims),
                (schema.locations, rows.locations),
            ):
                children[table].extend({**item, "document_id": doc_pk} for item in items)
            event_rows.extend({**item, "document_id": doc_pk} for item in rows.events)
        for table, items in children.items():
            if items:
                conn.execute(sa.insert(table), items)
        if not event_rows:
            return
        event_pks = _insert_returning_ids(conn, schema.events, event_rows)
        stats.events += len(event_rows)

        context = {
            pk: (rows.document["published"], profile, rows.document["minhash_json"])
            for pk, rows, profile in zip(doc_pks, fresh, profiles, strict=True)
        }
        touched: set[int] = set()
        assert self._index is not None
        for pk, row in zip(event_pks, event_rows, strict=True):
            if not is_incident_event(row):
                continue
            published, profile, signature = context[row["document_id"]]
            assigned = assign_incident(
                conn, self._index, {**row, "id": pk}, published, profile, signature, now
            )
            if assigned is None:
                continue
            incident_id, created, merged = assigned
            touched.add(incident_id)
            touched -= merged
            stats.incident_events += 1
            stats.incidents_created += created
            stats.incidents_merged += len(merged)
        refresh_incidents(conn, touched, now)

    def _mark_copies(
        self, conn: sa.Connection, doc_pks: list[int], fresh: list[DocumentRows]
    ) -> None:
        """Point near-duplicate texts (syndicated copies) at their group's first document."""
        assert self._copies is not None
        docs = schema.documents
        for pk, rows in zip(doc_pks, fresh, strict=True):
            signature = rows.document["minhash_json"]
            original = self._copies.original_of(signature) if signature else None
            if original is not None:
                conn.execute(sa.update(docs).where(docs.c.id == pk).values(copy_of=original))
            self._copies.add(pk, signature, original)

    # -- reading --------------------------------------------------------------------------

    def incidents(
        self, limit: int | None = None, where: IncidentFilter | None = None
    ) -> list[dict[str, Any]]:
        """Incidents newest first, each with per-source casualty figures and its member events."""
        with self.engine.connect() as conn:
            return incident_dicts(conn, limit, where)

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over document titles and texts, best match first."""
        with self.engine.connect() as conn:
            return dialect.search(conn, query, limit, self.schema_name)

    def counts(self) -> dict[str, int]:
        """Row count per table (``documents``, ``events``, ``incidents``, ``ingest_errors``...)."""
        with self.engine.connect() as conn:
            return {
                table.name: int(
                    conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                )
                for table in schema.COUNTED_TABLES
            }

    def errors(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Recorded ingest failures, oldest first: ``doc_id``, ``error``, ``ingested_at``."""
        t = schema.ingest_errors
        query = sa.select(t.c.doc_id, t.c.error, t.c.ingested_at).order_by(t.c.id).limit(limit)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]


def _insert_returning_ids(
    conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]
) -> list[int]:
    """Bulk insert; primary keys come back in the order of ``rows`` (insertmanyvalues)."""
    result = conn.execute(
        sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [int(pk) for pk in result.scalars()]


def _error_row(record: Any, message: str, now: dt.datetime) -> dict[str, Any]:
    doc_id = record.get("id") if isinstance(record, dict) else None
    return {
        "doc_id": None if doc_id is None else str(doc_id),
        "error": message,
        "record_json": {k: v for k, v in record.items() if k != "text"}
        if isinstance(record, dict)
        else None,
        "ingested_at": now,
    }


def open_store(url_or_path: str, *, schema_name: str | None = None, echo: bool = False) -> Store:
    """Open (creating if needed) a store; a plain path is a SQLite file.

    ``schema_name`` (PostgreSQL only) keeps the tables in their own schema, created on demand,
    e.g. to share a database with other applications or to isolate tests.
    """
    url = sa.make_url(database_url(url_or_path))
    if url.drivername == "postgresql":  # the driver the `postgres` extra installs
        url = url.set(drivername="postgresql+psycopg")
    try:
        engine = sa.create_engine(url, echo=echo)
    except ImportError as err:
        if url.get_backend_name() != "postgresql":
            raise
        raise MissingExtra("PostgreSQL", err.name or "psycopg", "postgres") from err
    if url.get_backend_name() == "sqlite":
        if schema_name is not None:
            raise StoreError("schema_name is only supported on PostgreSQL")
        sa.event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    elif schema_name is not None:
        with engine.begin() as conn:
            conn.execute(sa.schema.CreateSchema(schema_name, if_not_exists=True))
        engine = engine.execution_options(schema_translate_map={None: schema_name})
    store = Store(engine, schema_name)
    store.init_schema()
    return store
