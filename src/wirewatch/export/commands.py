"""`wirewatch export`: incidents to the formats analysts' tools read."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from wirewatch.cli import Db, Quiet, err_console


class Format(StrEnum):
    acled_csv = "acled-csv"
    geojson = "geojson"
    stix = "stix"
    parquet = "parquet"
    jsonl = "jsonl"


def register(app: typer.Typer) -> None:
    """Add `wirewatch export` to the main app."""
    app.command("export")(export)


def export(
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    db: Db = "wirewatch.db",
    since: Annotated[str | None, typer.Option("--since", help="YYYY[-MM[-DD]]")] = None,
    until: Annotated[str | None, typer.Option("--until", help="YYYY[-MM[-DD]]")] = None,
    country: Annotated[str | None, typer.Option("--country")] = None,
    min_sources: Annotated[int | None, typer.Option("--min-sources")] = None,
    quiet: Quiet = False,
) -> None:
    """Export incidents: ACLED-style CSV, GeoJSON, STIX 2.1, Parquet or JSONL."""
    from wirewatch.export.formats import write
    from wirewatch.export.rows import load_incidents
    from wirewatch.store import open_store
    from wirewatch.store.summary import IncidentFilter

    if "://" not in db and not Path(db).exists():
        err_console.print(f"[red]error:[/] no database at {db} (run `wirewatch ingest` first)")
        raise typer.Exit(2)
    where = IncidentFilter(since=since, until=until, country=country, min_sources=min_sources)
    with open_store(db) as store:
        items = load_incidents(store, where)
    output.parent.mkdir(parents=True, exist_ok=True)
    write(items, fmt.value, output)
    if not quiet:
        err_console.print(f"{len(items)} incidents -> {output} ({fmt.value})")
