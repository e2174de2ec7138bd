"""RSS and Atom feeds -> the articles they link to (parsing only; nothing is fetched here).

``wirewatch watch`` fetches a feed and hands its bytes to :func:`feed_entries`, then fetches
each new article and reads it with ``ingest.html``. Feeds are hostile input like any
article: a feed that does not parse yields no entries and says why, links that are not
http(s) are dropped, and every string is cleaned before it reaches a Document.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from wirewatch.contract.limits import clean_string
from wirewatch.extras import require


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: the article's URL and what the feed says about it."""

    url: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD, when the feed gives a date


@dataclass
class Feed:
    """A parsed feed: its title, its entries in feed order, and why it failed, if it did."""

    entries: list[FeedEntry]
    title: str | None = None
    error: str | None = None


def _text(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return clean_string(value.strip())[0]


def feed_entries(data: bytes, base_url: str | None = None) -> Feed:
    """The entries of an RSS or Atom document, links resolved against ``base_url``."""
    feedparser = require("feedparser", "feeds", "wirewatch watch")
    try:
        parsed = feedparser.parse(data, response_headers={"content-location": base_url or ""})
    except Exception as err:  # noqa: BLE001 - a hostile feed is an error, not a crash
        return Feed([], error=f"the feed could not be parsed ({type(err).__name__})")
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for item in parsed.get("entries") or []:
        link = _text(item.get("link"))
        if link is None:
            continue
        url = urljoin(base_url or "", link)
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        day = None
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        if stamp:
            try:
                day = time.strftime("%Y-%m-%d", stamp)
            except (TypeError, ValueError):
                day = None
        entries.append(FeedEntry(url, _text(item.get("title")), day))
    title = _text((parsed.get("feed") or {}).get("title"))
    error = None
    if not entries and parsed.get("bozo"):
        error = f"not a readable RSS or Atom feed ({type(parsed.get('bozo_exception')).__name__})"
    return Feed(entries, title, error)
