"""`wirewatch ingest` and `wirewatch incidents`: the store's commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wirewatch.cli import (
    Country,
    Db,
    Inputs,
    MaxChars,
    Outlet,
    Published,
    Quiet,
    _records,
    err_console,
)


def register(app: typer.Typer) -> None:
    """Add the store's commands to the main app."""
    app.command()(ingest)
    app.command()(incidents)


def ingest(
    inputs: Inputs,
    db: Db = "wirewatch.db",
    published: Published = None,
    outlet: Outlet = None,
    country: Country = None,
    max_chars: MaxChars = 2_000_000,
    batch_size: Annotated[int, typer.Option(help="Documents per database commit.")] = 100,
    quiet: Quiet = False,
) -> None:
    """Extract and store documents in a database; the same text is stored once."""
    from wirewatch.store import open_store

    records = _records(inputs, published, outlet, max_chars, country, quiet, "ingest")
    with open_store(db) as store:
        stats = store.add_records(records, batch_size=batch_size)
    if not quiet:
        err_console.print(
            f"{stats.records} documents: {stats.added} stored, {stats.duplicates} already "
            f"stored, {stats.errors} failed; {stats.events} events, "
            f"{stats.incidents_created} new incidents -> {db}")
    if stats.records and stats.errors == stats.records:
        raise typer.Exit(1)


def incidents(
    db: Db = "wirewatch.db",
    as_json: Annotated[bool, typer.Option("--json", help="One incident per line as JSON.")] = False,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
) -> None:
    """List the incidents stored in a database, newest first."""
    from wirewatch.store import open_store
    from wirewatch.store.render import render_incidents_table

    if "://" not in db and not Path(db).exists():
        err_console.print(f"[red]error:[/] no database at {db} (run `wirewatch ingest` first)")
        raise typer.Exit(2)
    with open_store(db) as store:
        found = store.incidents(limit=limit)
    if as_json:
        for incident in found:
            sys.stdout.write(json.dumps(incident, ensure_ascii=False, default=str) + "\n")
        return
    render_incidents_table(found, Console())


