"""`wirewatch ingest`, `wirewatch incidents` and `wirewatch search`: the store's commands."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from typing import Annotated, Any

import typer
from rich.markup import escape

from wirewatch.api import DEFAULT_MAX_CHARS
from wirewatch.cli.extract import check_engine, read_inputs
from wirewatch.cli.options import (
    Address,
    Country,
    Db,
    Engine,
    Gate,
    Inputs,
    MaxChars,
    Outlet,
    Published,
    Quiet,
    Shards,
    Workers,
    err_console,
    progress_bar,
    record_feedback,
    require_database,
)
from wirewatch.export.csv_safe import write_rows

#: The largest ``--limit`` / ``--min-sources`` accepted (more rows than any store holds;
#: ``wirewatch.store.dialect.MAX_LIMIT``, not imported here to keep ``--help`` light).
MAX_LIMIT = 1_000_000_000

#: Columns of ``wirewatch incidents --csv``.
CSV_COLUMNS = (
    "id", "type", "mode", "status", "date", "time_precision", "place", "admin1", "country",
    "lat", "lon", "location_precision", "killed_min", "killed_max", "injured_min",
    "injured_max", "arrested_min", "arrested_max", "kidnapped_min", "kidnapped_max",
    "conflicting", "agents", "victims", "summary", "independent_sources", "sources", "events",
    "first_reported", "last_reported", "reviewed",
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
    workers: Workers = None,
    gate: Gate = False,
    engine: Engine = "local",
    address: Address = None,
    shards: Shards = None,
) -> None:
    """Extract and store documents in a database; the same text is stored once, and a
    re-run of a stopped ingest skips what is stored and goes on where it stopped."""
    from wirewatch.api import count_documents
    from wirewatch.store.ingest import ingest as ingest_documents

    check_engine(engine)
    documents = read_inputs(inputs, published, outlet, max_chars)
    if not quiet:
        err_console.print("[dim]loading models...[/]")
    with progress_bar(quiet) as start:
        tick = start("ingest", count_documents(inputs)) if start is not None else None
        stats = ingest_documents(documents, db, country, batch_size,
                                 progress=record_feedback(quiet, tick), workers=workers,
                                 gate=gate, engine=engine, address=address,
                                 shards=str(shards) if shards else None, on_skipped=tick)
    if not quiet:
        err_console.print(
            f"{stats.records} documents: {stats.added} stored, {stats.duplicates} already "
            f"stored, {stats.errors} failed; {stats.events} events, "
            f"{stats.incidents_created} new incidents -> {db}")
    if stats.records and stats.errors == stats.records:
        raise typer.Exit(1)


def date_option(value: str | None, name: str) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD naming a real calendar year, month or day
    (compared as ISO prefixes); 2025-02-30 or 2024-13 is a clean usage error."""
    if value is None:
        return None
    if re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", value):
        parts = [int(part) for part in value.split("-")] + [1, 1]
        try:
            dt.date(*parts[:3])
        except ValueError:
            pass
        else:
            return value
    raise typer.BadParameter(
        f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date)",
        param_hint=name)


def since_option(value: str | None) -> str | None:
    """typer callback of ``--since``."""
    return date_option(value, "--since")


def until_option(value: str | None) -> str | None:
    """typer callback of ``--until``."""
    return date_option(value, "--until")


#: ``--since`` / ``--until``: validated as calendar dates when the command line is read.
Since = Annotated[str | None, typer.Option(
    "--since", callback=since_option, help="Incidents on or after this date (YYYY[-MM[-DD]]).")]
Until = Annotated[str | None, typer.Option(
    "--until", callback=until_option, help="Incidents on or before this date (YYYY[-MM[-DD]]).")]
#: ``--min-sources``: bounded so a 20-digit number is a usage error, not an overflow.
MinSources = Annotated[int | None, typer.Option(
    "--min-sources", min=0, max=MAX_LIMIT, help="At least this many independent sources.")]


def csv_row(incident: dict[str, Any]) -> dict[str, Any]:
    """One incident flattened for ``--csv`` (ranges as min/max; outlets, agents and victims
    joined by '; ')."""
    time, place = incident.get("time") or {}, incident.get("location") or {}
    casualties = incident.get("casualties") or {}
    figures = {f"{kind}_{end}": (casualties.get(kind) or {}).get(end)
               for kind in ("killed", "injured", "arrested", "kidnapped") for end in ("min", "max")}
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
        "location_precision": place.get("precision"),
        **figures,
        "conflicting": incident.get("conflicting"),
        "agents": "; ".join(incident.get("agents") or []),
        "victims": "; ".join(incident.get("victims") or []),
        "summary": incident.get("summary"),
        "independent_sources": incident.get("independent_sources"),
        "sources": "; ".join(incident.get("sources") or []),
        "events": len(incident.get("events") or []),
        "first_reported": incident.get("first_reported"),
        "last_reported": incident.get("last_reported"),
        "reviewed": "; ".join(incident.get("reviewed") or []),  # fields a reviewer set
    }


def incidents(
    db: Db = "wirewatch.db",
    since: Since = None,
    until: Until = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="ISO country code of the incident's place.")] = None,
    type_: Annotated[str | None, typer.Option(
        "--type", help="PLOVER event type, e.g. ASSAULT.")] = None,
    actor: Annotated[str | None, typer.Option(
        "--actor", help="An actor named in a member report (substring, any case).")] = None,
    agent: Annotated[str | None, typer.Option(
        "--agent", help="A name filling the agent (perpetrator) role of a member event "
                        "(substring, any case).")] = None,
    victim: Annotated[str | None, typer.Option(
        "--victim", help="A name filling the victim or target role of a member event "
                         "(substring, any case).")] = None,
    min_sources: MinSources = None,
    as_json: Annotated[bool, typer.Option("--json", help="One incident per line as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row.")] = False,
    limit: Annotated[int | None, typer.Option(
        min=0, max=MAX_LIMIT, help="Show at most this many.")] = None,
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
        since=since,
        until=until,
        country=country,
        type=type_,
        actor=actor,
        min_sources=min_sources,
        agent=agent,
        victim=victim,
    )
    with open_store(db) as store:
        found = store.incidents(limit=limit, where=where)
    if as_json:
        for incident in found:
            sys.stdout.write(json.dumps(incident, ensure_ascii=False, default=str) + "\n")
        return
    if as_csv:  # text cells that would start a spreadsheet formula are defused
        write_rows(sys.stdout, CSV_COLUMNS, (csv_row(incident) for incident in found),
                   lineterminator="\n")
        return
    # a pipe or a file gets a wide table (rich would otherwise assume 80 columns)
    render_incidents_table(found, Console() if sys.stdout.isatty() else Console(width=160))


def search(
    query: Annotated[str, typer.Argument(
        help="Words to find, as typed: every word must occur; \"quotes\" or a hyphen make a "
             "phrase; a trailing * matches any ending (gov*). --raw: the engine's syntax.")],
    db: Db = "wirewatch.db",
    limit: Annotated[int, typer.Option(min=0, max=MAX_LIMIT, help="Show at most this many.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One document per line as JSON.")] = False,
    raw: Annotated[bool, typer.Option(
        "--raw", help="Pass the query to the engine as it is: an FTS5 expression on SQLite, "
                      "to_tsquery('simple', ...) syntax on PostgreSQL.")] = False,
) -> None:
    """Full-text search over the stored documents' titles and texts, best match first."""
    from wirewatch.store import open_store
    from wirewatch.store.fts_query import SearchQueryError, parse

    try:
        if not raw and not parse(query):
            err_console.print(f"[yellow]nothing to search for:[/] {escape(printable(query))} "
                              "has no letters or digits")
            raise typer.Exit(1)
        require_database(db)
        with open_store(db) as store:
            hits = store.search(query, limit=limit, raw=raw)
    except SearchQueryError as err:
        err_console.print(f"[red]error:[/] {escape(printable(str(err)))}")
        raise typer.Exit(1) from None
    for hit in hits:
        if as_json:
            sys.stdout.write(json.dumps(hit, ensure_ascii=False, default=str) + "\n")
        else:
            sys.stdout.write("\t".join(printable(str(hit[key] or ""))
                                       for key in ("doc_id", "published", "title")) + "\n")


def printable(text: str) -> str:
    """``text`` safe to write on a terminal line: control and format characters (escape
    sequences, tabs, newlines, bidi overrides) and lone surrogates shown as ``\\x..`` /
    ``\\u....`` escapes. Titles and ids come from articles, which are hostile."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(char.encode("unicode_escape", "backslashreplace").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)
