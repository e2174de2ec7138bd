"""`wirewatch export`: incidents to the formats analysts' tools read.

The formats offered are the installed entry points of ``wirewatch.export_formats`` (see
``wirewatch.export.formats``), so a plugin's format appears here without a code change.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from wirewatch.cli.options import Db, Quiet, err_console, require_database
from wirewatch.cli.store import MinSources, Since, Until
from wirewatch.export.formats import format_names

#: The ``--format`` choices, one per installed export format.
Format = StrEnum("Format", {name.replace("-", "_"): name for name in format_names()})


def export(
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    db: Db = "wirewatch.db",
    since: Since = None,
    until: Until = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="ISO country code of the incident's place.")] = None,
    min_sources: MinSources = None,
    quiet: Quiet = False,
) -> None:
    """Export incidents: ACLED-style CSV, GeoJSON, STIX 2.1, Parquet or JSONL.

    CSV cells that would start a spreadsheet formula (=, +, -, @, tab, CR) get a leading '.
    """
    from wirewatch.export.formats import write
    from wirewatch.export.rows import load_incidents
    from wirewatch.store import open_store
    from wirewatch.store.summary import IncidentFilter

    require_database(db)
    where = IncidentFilter(since=since, until=until, country=country, min_sources=min_sources)
    with open_store(db) as store:
        items = load_incidents(store, where)
    output.parent.mkdir(parents=True, exist_ok=True)
    write(items, fmt.value, output)
    if not quiet:
        err_console.print(f"{len(items)} incidents -> {output} ({fmt.value})")
