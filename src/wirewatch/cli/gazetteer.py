"""`wirewatch gazetteer ...`: the offline gazetteer's village coverage.

The packaged gazetteer holds towns of 500 people or more. An analyst of a region adds the
GeoNames country files of that region once (``wirewatch gazetteer add BF.zip ML.zip``, from
https://download.geonames.org/export/dump/, fetched by the user: wirewatch never goes
online); they are compiled into the cache, and every later run resolves their villages and
districts, with GeoNames' own ids and points for the areas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The offline gazetteer: add GeoNames files for village coverage.",
                  no_args_is_help=True)


@app.command("add")
def add(
    files: Annotated[list[Path], typer.Argument(
        help="GeoNames exports: country files (BF.zip, BF.txt) or allCountries.zip.")],
) -> None:
    """Add GeoNames files to the gazetteer and compile it into the cache."""
    from wirewatch.knowledge.gazetteer import add_geonames, cache_dir

    try:
        kept = add_geonames(files)
    except (OSError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    for name, rows in kept.items():
        typer.echo(f"{name}: {rows} places and areas added")
    typer.echo(f"gazetteer compiled in {cache_dir()}")


@app.command("list")
def list_added() -> None:
    """The GeoNames files added to the gazetteer."""
    from wirewatch.knowledge.gazetteer import added_files, cache_dir

    files = added_files()
    if not files:
        typer.echo(f"no GeoNames files added (cache: {cache_dir()})")
    for path in files:
        typer.echo(str(path))
