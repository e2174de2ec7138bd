"""`wirewatch ingest`, `wirewatch incidents` and `wirewatch search`: the store's commands."""

from __future__ import annotations

import csv
import json
import re
import sys
from typing import Annotated, Any

import typer

from wirewatch.api import DEFAULT_MAX_CHARS
from wirewatch.cli.extract import read_inputs
from wirewatch.cli.options import (
    Country,
    Db,
    Inputs,
    MaxChars,
    Outlet,
    Published,
    Quiet,
    err_console,
    progress_bar,
    record_feedback,
    require_database,
)

#: Columns of ``wirewatch incidents --csv``.
CSV_COLUMNS = (
    "id", "type", "mode", "status", "date", "time_precision", "place", "admin1", "country",
    "lat", "lon", "killed_min", "killed_max", "injured_min", "injured_max", "conflicting",
    "independent_sources", "sources", "events", "first_reported", "last_reported",
)


def ingest(
    inputs: Inputs,
    db: Db = "wirewatch.db",
    published: Published = None,
    outlet: Outlet = None,
    country: Country = None,
    max_chars: MaxChars = DEFAULT_MAX_CHARS,
    batch_size: Annotated[int, typer.Option(help="Documents per database commit.")] = 100,
    quiet: Quiet = False,
) -> None:
    """Extract and store documents in a database; the same text is stored once."""
    from wirewatch.store.ingest import ingest as ingest_documents

    documents = read_inputs(inputs, published, outlet, max_chars)
    if not quiet:
        err_console.print("[dim]loading models...[/]")
    with progress_bar(quiet) as start:
        tick = start("ingest", None) if start is not None else None
        stats = ingest_documents(documents, db, country, batch_size,
                                 progress=record_feedback(quiet, tick))
    if not quiet:
        err_console.print(
            f"{stats.records} documents: {stats.added} stored, {stats.duplicates} already "
            f"stored, {stats.errors} failed; {stats.events} events, "
            f"{stats.incidents_created} new incidents -> {db}")
    if stats.records and stats.errors == stats.records:
        raise typer.Exit(1)


def date_option(value: str | None, name: str) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (compared as ISO prefixes)."""
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise typer.BadParameter("use YYYY, YYYY-MM or YYYY-MM-DD", param_hint=name)
    return value


def csv_row(incident: dict[str, Any]) -> dict[str, Any]:
    """One incident flattened for ``--csv`` (ranges as min/max, outlets joined by '; ')."""
    time, place = incident.get("time") or {}, incident.get("location") or {}
    casualties = incident.get("casualties") or {}
    return {
        "id": incident["id"],
        "type": incident["type"],
        "mode": incident.get("mode"),
        "status": incident.get("status"),
        "date": time.get("value"),
        "time_precision": time.get("precision"),
        "place": place.get("name"),
        "admin1": place.get("admin1"),
        "country": place.get("country_code"),
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "killed_min": (casualties.get("killed") or {}).get("min"),
        "killed_max": (casualties.get("killed") or {}).get("max"),
        "injured_min": (casualties.get("injured") or {}).get("min"),
        "injured_max": (casualties.get("injured") or {}).get("max"),
        "conflicting": incident.get("conflicting"),
        "independent_sources": incident.get("independent_sources"),
        "sources": "; ".join(incident.get("sources") or []),
        "events": len(incident.get("events") or []),
        "first_reported": incident.get("first_reported"),
        "last_reported": incident.get("last_reported"),
    }


def incidents(
    db: Db = "wirewatch.db",
    since: Annotated[str | None, typer.Option(
        "--since", help="Incidents on or after this date (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="Incidents on or before this date (YYYY[-MM[-DD]]).")] = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="ISO country code of the incident's place.")] = None,
    type_: Annotated[str | None, typer.Option(
        "--type", help="PLOVER event type, e.g. ASSAULT.")] = None,
    actor: Annotated[str | None, typer.Option(
        "--actor", help="An actor named in a member report (substring, any case).")] = None,
    min_sources: Annotated[int | None, typer.Option(
        "--min-sources", help="At least this many independent sources.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One incident per line as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
) -> None:
    """List the incidents stored in a database, newest first."""
    from rich.console import Console

    from wirewatch.store import open_store
    from wirewatch.store.render import render_incidents_table
    from wirewatch.store.summary import IncidentFilter

    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")
    require_database(db)
    where = IncidentFilter(
        since=date_option(since, "--since"),
        until=date_option(until, "--until"),
        country=country,
        type=type_,
        actor=actor,
        min_sources=min_sources,
    )
    with open_store(db) as store:
        found = store.incidents(limit=limit, where=where)
    if as_json:
        for incident in found:
            sys.stdout.write(json.dumps(incident, ensure_ascii=False, default=str) + "\n")
        return
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for incident in found:
            writer.writerow(csv_row(incident))
        return
    render_incidents_table(found, Console())


def search(
    query: Annotated[str, typer.Argument(help="Words to find (FTS5 / web-search syntax).")],
    db: Db = "wirewatch.db",
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One document per line as JSON.")] = False,
) -> None:
    """Full-text search over the stored documents' titles and texts, best match first."""
    from wirewatch.store import open_store

    require_database(db)
    with open_store(db) as store:
        hits = store.search(query, limit=limit)
    for hit in hits:
        if as_json:
            sys.stdout.write(json.dumps(hit, ensure_ascii=False, default=str) + "\n")
        else:
            sys.stdout.write(f"{hit['doc_id']}\t{hit['published'] or ''}\t{hit['title'] or ''}\n")
