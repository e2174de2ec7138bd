"""What ``wirewatch watch`` remembers between polls, in the store's own database.

``watch_items``: each article URL seen in a feed, with its text's hash once fetched, so a
second poll neither fetches nor ingests it again (the store's own text-hash check then
catches one text reached through two URLs). ``watch_filters``: named incident filters, so a
watcher started again prints what the same filter selects. The tables live in their own
metadata, created on first use; the store's schema and migrations are untouched.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import asdict, fields

import sqlalchemy as sa

from wirewatch.store.database import Store
from wirewatch.store.summary import IncidentFilter

metadata = sa.MetaData()

watch_items = sa.Table(
    "watch_items", metadata,
    sa.Column("url", sa.String(2048), primary_key=True),
    sa.Column("feed", sa.String(2048), nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=True, index=True),
    sa.Column("status", sa.String(16), nullable=False),  # stored, duplicate, failed
    sa.Column("seen_at", sa.String(32), nullable=False),
)

watch_filters = sa.Table(
    "watch_filters", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("filter_json", sa.Text, nullable=False),
)


def ensure_tables(store: Store) -> None:
    """Create the watcher's tables if they are missing."""
    metadata.create_all(store.engine, checkfirst=True)


def seen_urls(store: Store, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` a poll has handled before."""
    wanted = sorted(set(urls))
    found: set[str] = set()
    with store.engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            found.update(conn.execute(sa.select(watch_items.c.url)
                                      .where(watch_items.c.url.in_(part))).scalars())
    return found


def mark_seen(store: Store, rows: Iterable[tuple[str, str, str | None, str]]) -> None:
    """Remember (url, feed, text_sha256, status) rows; a URL already remembered is kept."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    fresh = {url: (feed, sha, status) for url, feed, sha, status in rows}
    if not fresh:
        return
    with store.engine.begin() as conn:
        known = set(conn.execute(sa.select(watch_items.c.url)
                                 .where(watch_items.c.url.in_(sorted(fresh)))).scalars())
        values = [{"url": url, "feed": feed, "text_sha256": sha, "status": status,
                   "seen_at": now}
                  for url, (feed, sha, status) in fresh.items() if url not in known]
        if values:
            conn.execute(sa.insert(watch_items), values)


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
