"""What ``wirewatch watch`` remembers between polls, in the store's own database.

``watch_seen``: each article URL seen in a feed, with its text's hash once fetched, so a
second poll neither fetches nor ingests it again (the store's own text-hash check then
catches one text reached through two URLs). Rows are keyed by the URL's SHA-256 and the URL
itself is unbounded text, so no link, however long, can fail the write that records it
(an earlier ``watch_items`` table keyed by a 2,048-character URL is copied over once).
``watch_filters``: named incident filters, so a
watcher started again prints what the same filter selects. The tables live in their own
metadata, created on first use; the store's schema and migrations are untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, fields

import sqlalchemy as sa

from wirewatch.contract.limits import clean_string
from wirewatch.store.database import Store
from wirewatch.store.summary import IncidentFilter

metadata = sa.MetaData()

watch_seen = sa.Table(
    "watch_seen", metadata,
    sa.Column("url_sha256", sa.String(64), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("feed", sa.Text, nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=True, index=True),
    sa.Column("status", sa.String(16), nullable=False),  # stored, duplicate, failed
    sa.Column("seen_at", sa.String(32), nullable=False),
)

#: The table of earlier versions (URL as a 2,048-character key), read once to migrate.
_LEGACY = "watch_items"


def url_key(url: str) -> str:
    """The key of ``url`` in ``watch_seen``: its SHA-256 (of UTF-8, lone surrogates
    replaced), the same length for every link."""
    return hashlib.sha256(url.encode("utf-8", "replace")).hexdigest()

watch_filters = sa.Table(
    "watch_filters", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("filter_json", sa.Text, nullable=False),
)


def ensure_tables(store: Store) -> None:
    """Create the watcher's tables if they are missing."""
    metadata.create_all(store.engine, checkfirst=True)
    if not sa.inspect(store.engine).has_table(_LEGACY):
        return
    legacy = sa.Table(_LEGACY, sa.MetaData(), autoload_with=store.engine)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(legacy)).mappings().all()
    mark_seen(store, [(r["url"], r["feed"], r["text_sha256"], r["status"]) for r in rows])
    legacy.drop(store.engine, checkfirst=True)


def seen_urls(store: Store, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` a poll has handled before."""
    keys = {url_key(url): url for url in urls}
    wanted = sorted(keys)
    found: set[str] = set()
    with store.engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            found.update(keys[key] for key in conn.execute(
                sa.select(watch_seen.c.url_sha256).where(watch_seen.c.url_sha256.in_(part)))
                .scalars())
    return found


def mark_seen(store: Store, rows: Iterable[tuple[str, str, str | None, str]]) -> None:
    """Remember (url, feed, text_sha256, status) rows; a URL already remembered is kept."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    fresh = {url_key(url): (clean_string(url)[0], clean_string(feed)[0], sha, status)
             for url, feed, sha, status in rows}
    if not fresh:
        return
    wanted = sorted(fresh)
    with store.engine.begin() as conn:
        known: set[str] = set()
        for start in range(0, len(wanted), 500):
            known.update(conn.execute(
                sa.select(watch_seen.c.url_sha256)
                .where(watch_seen.c.url_sha256.in_(wanted[start:start + 500]))).scalars())
        values = [{"url_sha256": key, "url": url, "feed": feed, "text_sha256": sha,
                   "status": status, "seen_at": now}
                  for key, (url, feed, sha, status) in fresh.items() if key not in known]
        if values:
            conn.execute(sa.insert(watch_seen), values)


def save_filter(store: Store, name: str, where: IncidentFilter) -> None:
    """Keep ``where`` under ``name`` (replacing one of that name)."""
    with store.engine.begin() as conn:
        conn.execute(sa.delete(watch_filters).where(watch_filters.c.name == name))
        conn.execute(sa.insert(watch_filters).values(
            name=name, filter_json=json.dumps(asdict(where), sort_keys=True)))


def load_filter(store: Store, name: str) -> IncidentFilter | None:
    """The filter saved under ``name``, or None."""
    with store.engine.connect() as conn:
        text = conn.execute(sa.select(watch_filters.c.filter_json)
                            .where(watch_filters.c.name == name)).scalar()
    if text is None:
        return None
    known = {f.name for f in fields(IncidentFilter)}
    return IncidentFilter(**{k: v for k, v in json.loads(text).items() if k in known})
