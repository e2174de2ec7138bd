"""The wirewatch store: open a database by path or URL, ingest contract records, read incidents.

One code path for SQLite and PostgreSQL (SQLAlchemy Core); the only dialect-specific SQL,
full-text search and views, lives in ``dialect``. Schema versions and their upgrades are in
``migrations``.
Ingest commits once per batch, so an interrupted run loses at most one batch and a rerun
skips what was stored (documents are keyed by ``text_sha256``).

Failed documents (records with an ``"error"`` key) and malformed records are not stored as
documents; each becomes an ``ingest_errors`` row (doc id, message, record) in the same
batch transaction, so they can be listed and retried later. A batch the database refuses
(a value no column takes) is stored again one document at a time, so only the document at
fault becomes an error row.

Several processes may ingest into one database at once. Every write (schema creation and
migration, each batch) runs under one database-wide write lock: ``BEGIN IMMEDIATE`` on
SQLite, a transaction-level advisory lock on PostgreSQL. Inside it a batch first brings the
in-memory merge and copy indexes in step with what other writers committed, so concurrent
ingests build the same incidents as one sequential run, and a text another writer stored
meanwhile is seen as a duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from wirewatch.contract.limits import limit_field
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
from wirewatch.store.records import DocumentRows, RecordError, document_rows, storable_record
from wirewatch.store.reviews import apply_reviews, has_reviews
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

    def add(self, other: IngestStats) -> None:
        """Count ``other``'s work in this total."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


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


#: Seconds a SQLite writer waits for another process's write lock before giving up.
SQLITE_LOCK_TIMEOUT_S = 300.0
#: Execution option that makes a SQLite transaction start with ``BEGIN IMMEDIATE``.
_WRITE = "wirewatch_write"


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    """Foreign keys on; and SQLAlchemy, not the sqlite3 module, emits BEGIN (``_sqlite_begin``),
    so reads and DDL are inside transactions too (the module's legacy mode leaves them out)."""
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    """A writing transaction takes the write lock at once (``BEGIN IMMEDIATE``): two
    writers then queue instead of both reading and one failing when it starts to write."""
    immediate = conn.get_execution_options().get(_WRITE)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _lock_key(schema_name: str | None) -> int:
    """The PostgreSQL advisory lock of one store (a database, or a schema in it)."""
    digest = hashlib.sha256(f"wirewatch:{schema_name or ''}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _take_pg_lock(conn: sa.Connection, schema_name: str | None) -> None:
    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(schema_name))))


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
        # In-memory indexes, built from the database on first ingest and kept up to date;
        # ``_synced`` is the last document id they know (other writers add after it).
        self._index: MergeIndex | None = None
        self._copies: CopyIndex | None = None
        self._synced = 0
        self._reviewed = 0  # the last review record the merge index knows of

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # -- schema ---------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        """A transaction holding the store's write lock, which every writer of the database
        (in any process) takes: writes happen one transaction at a time."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.execution_options(**{_WRITE: True})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    _take_pg_lock(conn, self.schema_name)
                yield conn

    def _stored_version(self) -> int | None:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("schema_version", schema=self.schema_name):
                return None
            return conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar()

    def init_schema(self) -> None:
        """Create missing tables, record the schema version, run pending migrations.

        An up-to-date database is only read; otherwise the work runs in one transaction
        under the write lock, so processes opening a new database at once create it once
        (the others then find it made) and a kill in the middle leaves no half-made schema.
        """
        if self._stored_version() == schema.SCHEMA_VERSION:
            return
        with self.writing() as conn:
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
        """Store contract document records, skipping texts already stored; commit per batch.

        A batch the database refuses is stored again one record at a time, and a record it
        still refuses becomes an ``ingest_errors`` row: the other records are stored.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        stats = IngestStats()
        for batch in _batches(records, batch_size):
            try:
                stats.add(self._store_batch(batch))
            except Exception as exc:
                if not _refused(exc):
                    raise
                for record in batch:
                    stats.add(self._store_alone(record))
        return stats

    def _store_batch(self, batch: list[Any]) -> IngestStats:
        """One transaction under the write lock; the statistics of what it committed."""
        stats = IngestStats()
        try:
            with self.writing() as conn:
                self._sync_indexes(conn)
                self._add_batch(conn, batch, stats)
        except BaseException:
            self._index = self._copies = None  # rolled back: rebuild from the database
            raise
        return stats

    def _store_alone(self, record: Any) -> IngestStats:
        """Store one record of a refused batch; if it is refused too, record why."""
        try:
            return self._store_batch([record])
        except Exception as exc:
            if not _refused(exc):
                raise
            message = f"could not be stored: {_describe(exc)}"
        now = _now()
        with self.writing() as conn:
            try:
                with conn.begin_nested():
                    _insert_new_errors(conn, [_error_row(record, message, now)])
            except Exception as exc:
                if not _refused(exc):
                    raise
                row = {**_error_row(None, message, now), "doc_id": _doc_id(record)}
                _insert_new_errors(conn, [row])  # without the record the database refused
        return IngestStats(records=1, errors=1)

    def _sync_indexes(self, conn: sa.Connection) -> None:
        """Bring the merge and copy indexes in step with the database (under the write
        lock): other writers may have stored documents since this process last wrote."""
        latest = conn.execute(sa.select(sa.func.max(schema.documents.c.id))).scalar() or 0
        reviewed = conn.execute(sa.select(sa.func.max(schema.reviews.c.id))).scalar() or 0
        if reviewed != self._reviewed:  # a reviewer merged, split or rejected: rebuild
            self._index, self._reviewed = None, reviewed
        if self._index is not None and self._copies is not None:
            if latest == self._synced:
                return
            if self._index.catch_up(conn, self._synced):
                self._copies.catch_up(conn, self._synced)
                self._synced = latest
                return
        self._index = MergeIndex.load(conn)
        self._copies = CopyIndex.load(conn)
        self._synced = latest

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
            _insert_new_errors(conn, errors)

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
        self._synced = max(self._synced, *doc_pks)  # ids grow: writes are serialised
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
        # reviewers' corrections win over what this batch changed (store.reviews)
        if has_reviews(conn) and apply_reviews(conn, now):
            self._index = None

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

    def search(self, query: str, limit: int = 20, raw: bool = False) -> list[dict[str, Any]]:
        """Full-text search over document titles and texts, best match first.

        ``query`` is read as typed words (``store.fts_query``); ``raw`` passes the engine's
        own syntax. Raises ``SearchQueryError`` for a query that cannot run, ValueError for
        a limit out of range.
        """
        with self.engine.connect() as conn:
            return dialect.search(conn, query, limit, self.schema_name, raw=raw)

    def incident_partition(self, by: str = "doc_id") -> frozenset[frozenset[tuple[str, str]]]:
        """The incidents as sets of their member events, each ``(doc_id, event_id)``: a
        canonical form, free of database ids and order, for comparing two databases (an
        interrupted or concurrent ingest against one sequential run). ``by="text_sha256"``
        names documents by their text instead: of two inputs with one text, which id is
        stored depends on which arrived first."""
        ie, ev, docs = schema.incident_events, schema.events, schema.documents
        if by not in ("doc_id", "text_sha256"):
            raise ValueError(f"by must be doc_id or text_sha256, not {by!r}")
        query = (
            sa.select(ie.c.incident_id, docs.c[by], ev.c.event_id)
            .join(ev, ev.c.id == ie.c.event_id)
            .join(docs, docs.c.id == ev.c.document_id)
        )
        groups: dict[int, set[tuple[str, str]]] = {}
        with self.engine.connect() as conn:
            for incident_id, doc_id, event_id in conn.execute(query):
                groups.setdefault(incident_id, set()).add((doc_id, event_id))
        return frozenset(frozenset(members) for members in groups.values())

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


    # -- reviews (store.reviews) ------------------------------------------------------------

    def _reviewing(self, work: Any) -> list[int]:
        """Run one review action under the write lock; the merge index is rebuilt after."""
        try:
            with self.writing() as conn:
                return work(conn, _now())
        finally:
            self._index = None

    def review_set(self, target: str, target_id: int, changes: list[tuple[str, str | None]],
                   reviewer: str, note: str | None = None, geocode: bool = False) -> list[int]:
        """Correct fields of an incident or an event (``target``): ``changes`` are (field,
        typed value) pairs, parsed by ``reviews.parse_value`` (ReviewError if one is
        wrong). ``geocode``: a corrected place without coordinates is looked up in the
        gazetteer. Returns the ids of the review records made (none for no change)."""
        from wirewatch.store.reviews import (
            Change,
            event_values,
            incident_values,
            parse_value,
            record_set,
            with_geocode,
        )

        parsed = [Change(field, parse_value(field, value)) for field, value in changes]
        if geocode:  # the place is most likely in the country the record names now
            with self.engine.connect() as conn:
                current = (incident_values(conn, target_id) if target == "incident"
                           else event_values(conn, target_id)) or {}
            parsed = with_geocode(parsed, current.get("country"))
        return self._reviewing(lambda conn, now: record_set(
            conn, target, target_id, parsed, reviewer, note, now))

    def review_reject(self, target: str, target_id: int, reviewer: str,
                      note: str | None = None) -> list[int]:
        """Mark an incident (every event of it) or one event as not an event."""
        from wirewatch.store.reviews import record_reject

        return self._reviewing(lambda conn, now: record_reject(
            conn, target, target_id, reviewer, note, now))

    def review_merge(self, keep: int, other: int, reviewer: str,
                     note: str | None = None) -> list[int]:
        """Two incidents are one."""
        from wirewatch.store.reviews import record_merge

        return self._reviewing(lambda conn, now: record_merge(
            conn, keep, other, reviewer, note, now))

    def review_split(self, incident_id: int, event_pks: list[int], reviewer: str,
                     note: str | None = None) -> list[int]:
        """The given events of an incident are an incident of their own."""
        from wirewatch.store.reviews import record_split

        return self._reviewing(lambda conn, now: record_split(
            conn, incident_id, event_pks, reviewer, note, now))

    def apply_reviews(self) -> bool:
        """Replay the review log onto the store (after records were imported, say)."""
        from wirewatch.store.reviews import apply_reviews

        try:
            with self.writing() as conn:
                return apply_reviews(conn, _now())
        finally:
            self._index = None

    def review_log(self, incident_id: int | None = None,
                   limit: int | None = None) -> list[dict[str, Any]]:
        """Review records, oldest first (those bearing on one incident when given)."""
        from wirewatch.store.reviews import review_log

        with self.engine.connect() as conn:
            return review_log(conn, incident_id, limit)


def _insert_returning_ids(
    conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]
) -> list[int]:
    """Bulk insert; primary keys come back in the order of ``rows`` (insertmanyvalues)."""
    result = conn.execute(
        sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [int(pk) for pk in result.scalars()]


def _doc_id(record: Any) -> str | None:
    if not isinstance(record, dict):
        return None
    try:
        doc_id = storable_record({"id": record.get("id")})["id"]
        return None if doc_id is None else limit_field("id", str(doc_id))[0]
    except (RecordError, ValueError):
        return None


def _error_row(record: Any, message: str, now: dt.datetime) -> dict[str, Any]:
    record_json = None
    if isinstance(record, dict):
        try:
            record_json = storable_record({k: v for k, v in record.items() if k != "text"})
        except RecordError:
            record_json = None
    return {
        "doc_id": _doc_id(record),
        "error": storable_record({"e": message})["e"],
        "record_json": record_json,
        "ingested_at": now,
    }


def _insert_new_errors(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Insert error rows, leaving out those already recorded for the same document and
    message (a rerun after a kill meets the same failures again)."""
    t = schema.ingest_errors
    ids = sorted({row["doc_id"] for row in rows if row["doc_id"] is not None})
    known: set[tuple[str, str]] = set()
    for start in range(0, len(ids), 500):
        query = sa.select(t.c.doc_id, t.c.error).where(t.c.doc_id.in_(ids[start : start + 500]))
        known.update((row.doc_id, row.error) for row in conn.execute(query))
    new = []
    for row in rows:
        key = (row["doc_id"], row["error"])
        if row["doc_id"] is None or key not in known:
            known.add(key)
            new.append(row)
    if new:
        conn.execute(sa.insert(t), new)


def _refused(exc: BaseException) -> bool:
    """Did something in the batch's records fail (a value the database or its driver
    refused, a record the merger chokes on), as opposed to the database failing as a whole
    (locked, disconnected, our SQL)? Only the former is worth retrying record by record."""
    if isinstance(exc, sa.exc.DBAPIError):
        return isinstance(exc, sa.exc.DataError | sa.exc.IntegrityError)
    if isinstance(exc, sa.exc.StatementError):  # a Python error while binding parameters
        return True
    return not isinstance(exc, sa.exc.SQLAlchemyError)


def _describe(exc: BaseException) -> str:
    """The database's own complaint in one line, without the statement or its parameters."""
    orig = exc.orig if isinstance(exc, sa.exc.StatementError) and exc.orig is not None else exc
    lines = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {lines[0] if lines else ''}"[:300]


def open_store(url_or_path: str, *, schema_name: str | None = None, echo: bool = False) -> Store:
    """Open (creating if needed) a store; a plain path is a SQLite file.

    ``schema_name`` (PostgreSQL only) keeps the tables in their own schema, created on demand,
    e.g. to share a database with other applications or to isolate tests.
    """
    url = sa.make_url(database_url(url_or_path))
    if url.drivername == "postgresql":  # the driver the `postgres` extra installs
        url = url.set(drivername="postgresql+psycopg")
    connect_args = {"timeout": SQLITE_LOCK_TIMEOUT_S} if url.get_backend_name() == "sqlite" else {}
    try:
        engine = sa.create_engine(url, echo=echo, connect_args=connect_args)
    except ImportError as err:
        if url.get_backend_name() != "postgresql":
            raise
        raise MissingExtra("PostgreSQL", err.name or "psycopg", "postgres") from err
    if url.get_backend_name() == "sqlite":
        if schema_name is not None:
            raise StoreError("schema_name is only supported on PostgreSQL")
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    elif schema_name is not None:
        with engine.begin() as conn:
            namespace = sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :name")
            if conn.execute(namespace, {"name": schema_name}).first() is None:
                _take_pg_lock(conn, schema_name)  # CREATE SCHEMA races otherwise
                conn.execute(sa.schema.CreateSchema(schema_name, if_not_exists=True))
        engine = engine.execution_options(schema_translate_map={None: schema_name})
    store = Store(engine, schema_name)
    store.init_schema()
    return store
