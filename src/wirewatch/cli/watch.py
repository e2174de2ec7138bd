"""`wirewatch watch`: poll RSS/Atom feeds, ingest new articles, print new incidents.

The only place wirewatch fetches anything: the library reads what it is given and stays
offline. Each poll fetches every feed (with a timeout and a size cap), keeps the entries
whose URL no earlier poll handled (``store.feeds.watch_items``), fetches those articles,
reads them as HTML (``ingest.html``, trafilatura), and ingests them through the store's
ingest, which skips a text already stored (one story reached through two URLs). It then
prints the incidents that match the filter and were not there before the poll. A network
failure leaves the URL unseen, so the next poll tries again; an article that answers with
an HTTP error or without readable text is remembered as failed and not fetched again.

Every fetch is bounded and isolated (``cli.fetch``): one bad server is one line on stderr,
and the rest of the poll goes on; a poll that fails as a whole is reported and the next
one runs as planned.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated, Any

import typer
from rich.markup import escape

from wirewatch.cli.fetch import Fetched, fetch
from wirewatch.cli.options import Db, Gate, MaxChars, Quiet, Workers, err_console
from wirewatch.cli.store import MinSources, Since, Until

#: A feed larger than this is not read.
MAX_FEED_BYTES = 20 << 20


def _filter_options(since: str | None, until: str | None, country: str | None,
                    type_: str | None, actor: str | None, min_sources: int | None) -> Any:
    from wirewatch.store.summary import IncidentFilter

    return IncidentFilter(since=since, until=until, country=country, type=type_, actor=actor,
                          min_sources=min_sources)


def _line(err: BaseException) -> str:
    """An exception as one short line."""
    text = str(err).splitlines()[0][:160] if str(err) else ""
    return f"{type(err).__name__}{': ' + text if text else ''}"


def _read_feed(store: Any, feed_url: str, timeout: float, max_chars: int, quiet: bool,
               documents: list[Any], origin: dict[str, str],
               done: list[tuple[str, str, str | None, str]]) -> None:
    """Fetch one feed and its new articles into ``documents`` (and failures into ``done``)."""
    from wirewatch.ingest.checks import HTML_SIZE_FACTOR
    from wirewatch.ingest.feeds import feed_entries
    from wirewatch.store.feeds import seen_urls

    got = fetch(feed_url, timeout, MAX_FEED_BYTES)
    feed = feed_entries(got.body, feed_url) if got.body is not None else None
    problem = got.error or (feed.error if feed is not None else None)
    if problem or feed is None:
        err_console.print(f"[yellow]feed[/] {escape(feed_url)}: {escape(problem or '')}",
                          highlight=False)
        return
    seen = seen_urls(store, [entry.url for entry in feed.entries])
    for entry in feed.entries:
        if entry.url in seen or entry.url in origin:
            continue
        try:
            page = fetch(entry.url, timeout, max_chars * HTML_SIZE_FACTOR)
            document = _article(page, entry) if page.body is not None else None
        except Exception as err:  # noqa: BLE001 - one article's failure is that article's
            page, document = Fetched(error=_line(err), retry=True), None
        if document is None:
            if not quiet:
                err_console.print(f"[yellow]article[/] {escape(entry.url)}: "
                                  f"{escape(page.error or '')}", highlight=False)
            if not page.retry:
                done.append((entry.url, feed_url, None, "failed"))
            continue
        if document.outlet is None:
            document.outlet = feed.title
        origin[entry.url] = feed_url
        documents.append(document)


def _article(page: Fetched, entry: Any) -> Any:
    """The Document of one fetched article page."""
    from wirewatch.api import Document
    from wirewatch.ingest.decode import decode
    from wirewatch.ingest.html import html_to_document

    html, error, _ = decode(page.body or b"")
    document = (html_to_document(html or "", entry.url, entry.url) if not error
                else Document(id=entry.url, url=entry.url, error=error))
    document.source = entry.url
    if document.published is None and entry.published:
        document.published = entry.published
    if document.title is None:
        document.title = entry.title
    return document


def poll(feeds: list[str], db: str, where: Any, timeout: float, max_chars: int,
         workers: int | None, gate: bool, quiet: bool) -> list[dict[str, Any]]:
    """One poll of every feed; returns the new incidents matching ``where``."""
    from wirewatch.api import Document
    from wirewatch.store import open_store
    from wirewatch.store.feeds import ensure_tables, mark_seen
    from wirewatch.store.ingest import ingest
    from wirewatch.store.records import text_sha256

    with open_store(db) as store:
        ensure_tables(store)
        before = {incident["id"] for incident in store.incidents(where=where)}
        documents: list[Document] = []
        origin: dict[str, str] = {}
        done: list[tuple[str, str, str | None, str]] = []
        for feed_url in feeds:
            try:
                _read_feed(store, feed_url, timeout, max_chars, quiet, documents, origin, done)
            except Exception as err:  # noqa: BLE001 - one feed's failure is that feed's
                err_console.print(f"[yellow]feed[/] {escape(feed_url)}: {escape(_line(err))}",
                                  highlight=False)
        if documents:
            stats = ingest(documents, db, workers=workers, gate=gate)
            if not quiet:
                err_console.print(f"{len(documents)} new articles: {stats.added} stored, "
                                  f"{stats.duplicates} already stored, {stats.errors} failed")
        for document in documents:
            sha = text_sha256(document.text) if document.ok and document.text else None
            done.append((document.id, origin[document.id], sha,
                         "stored" if sha else "failed"))
        mark_seen(store, done)
        return [incident for incident in store.incidents(where=where)
                if incident["id"] not in before]


def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS or Atom feed URLs (http or https).")],
    db: Db = "wirewatch.db",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit.")] = False,
    interval: Annotated[float, typer.Option(
        "--interval", min=1.0, help="Seconds between polls.")] = 900.0,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0.1, max=600.0, help="Seconds allowed for each fetch.")] = 20.0,
    saved: Annotated[str | None, typer.Option(
        "--filter", help="A saved filter's name: the filter options given are saved under "
                         "it; without them, the saved ones are used.")] = None,
    since: Since = None,
    until: Until = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="Only incidents in this country (ISO code).")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="PLOVER event type.")] = None,
    actor: Annotated[str | None, typer.Option(
        "--actor", help="An actor named in a member report (substring, any case).")] = None,
    min_sources: MinSources = None,
    as_json: Annotated[bool, typer.Option("--json", help="New incidents as JSON lines.")] = False,
    max_chars: MaxChars = 2_000_000,
    workers: Workers = 1,
    gate: Gate = False,
    quiet: Quiet = False,
) -> None:
    """Poll feeds, ingest new articles once each, and print new incidents that match."""
    from wirewatch.store import open_store
    from wirewatch.store.feeds import ensure_tables, load_filter, save_filter

    where = _filter_options(since, until, country, type_, actor, min_sources)
    if saved is not None:
        with open_store(db) as store:
            ensure_tables(store)
            if where != _filter_options(None, None, None, None, None, None):
                save_filter(store, saved, where)
            else:
                loaded = load_filter(store, saved)
                if loaded is None:
                    raise typer.BadParameter(f"no saved filter named {saved!r}",
                                             param_hint="--filter")
                where = loaded
    try:
        while True:
            try:
                fresh = poll(feeds, db, where, timeout, max_chars, workers, gate, quiet)
            except Exception as err:  # noqa: BLE001 - a failed poll never stops the next
                err_console.print(f"[red]poll failed[/]: {escape(_line(err))}", highlight=False)
                if once:
                    raise typer.Exit(1) from None
            else:
                show(fresh, as_json)
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


def show(incidents: list[dict[str, Any]], as_json: bool) -> None:
    """Print new incidents: JSON lines, or the incidents table."""
    if not incidents:
        return
    if as_json:
        for incident in incidents:
            sys.stdout.write(json.dumps(incident, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()
        return
    from rich.console import Console

    from wirewatch.store.render import render_incidents_table

    render_incidents_table(incidents, Console() if sys.stdout.isatty() else Console(width=160))
