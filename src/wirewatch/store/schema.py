"""Table definitions for the wirewatch store (SQLAlchemy Core, portable SQLite/PostgreSQL).

Flat columns hold what is queried or aggregated; the ``*_json`` columns keep the full
contract object so nothing the extractor produced is lost when the schema lags behind it.
Bump ``SCHEMA_VERSION`` and add a step to ``database.MIGRATIONS`` when a table changes.
"""

from __future__ import annotations

import sqlalchemy as sa

#: 3: PostgreSQL full-text column ``search_words`` (unicode61-like words) replaces ``search``.
#: 4: review records, desk users, tokens and sessions; ``reviewed_json`` on events and incidents.
SCHEMA_VERSION = 4

metadata = sa.MetaData()


def _pk() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _doc_fk() -> sa.Column:
    return sa.Column(
        "document_id",
        sa.Integer,
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

documents = sa.Table(
    "documents",
    metadata,
    _pk(),
    sa.Column("doc_id", sa.String, nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.String),
    sa.Column("published", sa.Date, index=True),
    sa.Column("language", sa.String(16)),
    sa.Column("text", sa.Text),
    sa.Column("record_json", sa.JSON, nullable=False),  # the record without "text"
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    # v2: merging evidence (see store/profile.py) and the syndication group: documents whose
    # texts are near-duplicates share the ``id`` of the group's first stored member.
    sa.Column("profile_json", sa.JSON),
    sa.Column("minhash_json", sa.JSON),
    sa.Column("copy_of", sa.Integer),
)

#: v2: actors canonical across documents (one row per type and normalised name).
actors = sa.Table(
    "actors",
    metadata,
    _pk(),
    sa.Column("key", sa.String, nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("type", sa.String),
    sa.Column("kind", sa.String),
    sa.Column("country", sa.String(2)),
    sa.Column("parent", sa.Text),
)

entities = sa.Table(
    "entities",
    metadata,
    _pk(),
    _doc_fk(),
    sa.Column("entity_id", sa.String, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("type", sa.String),
    sa.Column("kind", sa.String),
    sa.Column("country", sa.String(2)),
    sa.Column("parent", sa.Text),
    sa.Column("entity_json", sa.JSON, nullable=False),
    sa.Column("actor_id", sa.Integer, sa.ForeignKey("actors.id"), index=True),  # v2
)

events = sa.Table(
    "events",
    metadata,
    _pk(),
    _doc_fk(),
    sa.Column("event_id", sa.String, nullable=False),
    sa.Column("type", sa.String, nullable=False),
    sa.Column("mode", sa.String),
    sa.Column("factuality", sa.String),
    sa.Column("status", sa.String),
    sa.Column("time_value", sa.String(10)),
    sa.Column("time_precision", sa.String(8)),
    sa.Column("location_name", sa.Text),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("country_code", sa.String(2)),
    sa.Column("admin1", sa.String),
    sa.Column("killed", sa.Integer),
    sa.Column("injured", sa.Integer),
    sa.Column("kidnapped", sa.Integer),
    sa.Column("arrested", sa.Integer),
    sa.Column("trigger_text", sa.Text),
    sa.Column("evidence_text", sa.Text),
    sa.Column("confidence", sa.Float),
    sa.Column("event_json", sa.JSON, nullable=False),
    # v2: evidence offsets into the document text, and the place's precision
    sa.Column("trigger_start", sa.Integer),
    sa.Column("trigger_end", sa.Integer),
    sa.Column("evidence_start", sa.Integer),
    sa.Column("evidence_end", sa.Integer),
    sa.Column("location_precision", sa.String),
    # v4: the fields a reviewer corrected ({field: value}), re-derived from ``reviews``
    sa.Column("reviewed_json", sa.JSON),
    sa.Index("ix_events_type_time", "type", "time_value"),
)

quotes = sa.Table(
    "quotes",
    metadata,
    _pk(),
    _doc_fk(),
    sa.Column("quote_id", sa.String, nullable=False),
    sa.Column("text", sa.Text),
    sa.Column("direct", sa.Boolean),
    sa.Column("speaker", sa.String),  # entity id within the document
    sa.Column("speaker_text", sa.Text),
    sa.Column("cue", sa.String),
    sa.Column("quote_json", sa.JSON, nullable=False),
)

claims = sa.Table(
    "claims",
    metadata,
    _pk(),
    _doc_fk(),
    sa.Column("claim_id", sa.String, nullable=False),
    sa.Column("text", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("source_entity", sa.String),
    sa.Column("cue", sa.String),
    sa.Column("status", sa.String),
    sa.Column("claim_json", sa.JSON, nullable=False),
)

locations = sa.Table(
    "locations",
    metadata,
    _pk(),
    _doc_fk(),
    sa.Column("name", sa.Text),
    sa.Column("mention", sa.Text),
    sa.Column("span_start", sa.Integer),
    sa.Column("span_end", sa.Integer),
    sa.Column("geonameid", sa.Integer),
    sa.Column("feature", sa.String),
    sa.Column("country_code", sa.String(2)),
    sa.Column("admin1", sa.String),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("precision", sa.String),
    sa.Column("location_json", sa.JSON, nullable=False),
)

incidents = sa.Table(
    "incidents",
    metadata,
    _pk(),
    sa.Column("type", sa.String, nullable=False),
    sa.Column("mode", sa.String),
    sa.Column("time_value", sa.String(10)),
    sa.Column("time_precision", sa.String(8)),
    sa.Column("country_code", sa.String(2)),
    sa.Column("admin1", sa.String),
    sa.Column("location_name", sa.Text),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("killed_min", sa.Integer),
    sa.Column("killed_max", sa.Integer),
    sa.Column("injured_min", sa.Integer),
    sa.Column("injured_max", sa.Integer),
    sa.Column("kidnapped_min", sa.Integer),
    sa.Column("kidnapped_max", sa.Integer),
    sa.Column("arrested_min", sa.Integer),
    sa.Column("arrested_max", sa.Integer),
    sa.Column("conflicting", sa.Boolean, nullable=False, default=False),
    sa.Column("independent_sources", sa.Integer, nullable=False, default=0),
    sa.Column("first_reported", sa.Date),
    sa.Column("last_reported", sa.Date),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # v4: reviewed values of the incident ({field: value}), re-derived from ``reviews``
    sa.Column("reviewed_json", sa.JSON),
    sa.Index("ix_incidents_type_time", "type", "time_value"),
)

incident_events = sa.Table(
    "incident_events",
    metadata,
    sa.Column(
        "incident_id",
        sa.Integer,
        sa.ForeignKey("incidents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # An event belongs to at most one incident.
    sa.Column(
        "event_id",
        sa.Integer,
        sa.ForeignKey("events.id", ondelete="CASCADE"),
        primary_key=True,
        unique=True,
    ),
)

ingest_errors = sa.Table(
    "ingest_errors",
    metadata,
    _pk(),
    sa.Column("doc_id", sa.String),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("record_json", sa.JSON),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
)

#: v4: append-only record of every reviewer's correction. Targets are named by stable keys
#: (``anchors_json``: document text hash, event id and trigger span), not by row ids, so a
#: correction finds its events again after re-ingest, incident merges or re-extraction.
reviews = sa.Table(
    "reviews",
    metadata,
    _pk(),
    sa.Column("reviewer", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),  # set | reject | merge | split
    sa.Column("target", sa.String(16), nullable=False),  # incident | event
    sa.Column("incident_id", sa.Integer),  # as it was when reviewed (ids change)
    sa.Column("event_pk", sa.Integer),
    sa.Column("field", sa.String(32)),
    sa.Column("old_json", sa.JSON),
    sa.Column("new_json", sa.JSON),
    sa.Column("note", sa.Text),
    sa.Column("anchors_json", sa.JSON, nullable=False),
)

#: v4: desk accounts (reader / reviewer / admin); passwords as scrypt hashes.
users = sa.Table(
    "users",
    metadata,
    _pk(),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

#: v4: API tokens (only their SHA-256 is stored) and login sessions of desk users.
tokens = sa.Table(
    "tokens",
    metadata,
    _pk(),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),  # api | session
    sa.Column("csrf", sa.String(64)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
)

#: Tables reported by ``Store.counts()``, in display order.
COUNTED_TABLES = (
    documents,
    actors,
    entities,
    events,
    quotes,
    claims,
    locations,
    incidents,
    incident_events,
    ingest_errors,
    reviews,
)

#: Columns added by version 2 to tables that existed in version 1 (for the migration).
V2_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("profile_json", "minhash_json", "copy_of"),
    "entities": ("actor_id",),
    "events": (
        "trigger_start",
        "trigger_end",
        "evidence_start",
        "evidence_end",
        "location_precision",
    ),
}

#: Columns added by version 4 to tables that existed before it.
V4_COLUMNS: dict[str, tuple[str, ...]] = {"events": ("reviewed_json",),
                                          "incidents": ("reviewed_json",)}
