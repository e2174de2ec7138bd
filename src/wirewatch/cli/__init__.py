"""The `wirewatch` command line: the thin top layer over ``wirewatch.api`` and the stages.

Commands are entry points of the ``wirewatch.commands`` group (declared in pyproject.toml):
each names a command function, or a ``typer.Typer`` that becomes a command group (``eval``).
The app is assembled from whatever is installed, so a plugin package adds a command the same
way, and nothing inside wirewatch imports this package.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from typing import Any

import click
import typer
from typer.core import TyperGroup

from wirewatch.extras import MissingExtra

#: Entry-point group of the CLI's commands.
ENTRY_POINT_GROUP = "wirewatch.commands"


class WirewatchGroup(TyperGroup):
    """The root command group: a missing optional extra (PostgreSQL driver, Parquet writer)
    ends any command with one line naming what to install, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MissingExtra as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(1) from None
        except Exception as err:
            if not _is_database_error(err):
                raise
            typer.echo(f"error: database: {_first_line(err)}", err=True)
            raise typer.Exit(1) from None


def _is_database_error(err: Exception) -> bool:
    """An SQLAlchemy error (or the store refusing a database). Checked without importing
    SQLAlchemy: when it was never imported, the error cannot be one of its own."""
    sqlalchemy = sys.modules.get("sqlalchemy")
    store = sys.modules.get("wirewatch.store.database")
    return (sqlalchemy is not None and isinstance(err, sqlalchemy.exc.SQLAlchemyError)) or (
        store is not None and isinstance(err, store.StoreError))


def _first_line(err: Exception) -> str:
    """The driver's own message, first line only: SQLAlchemy's text adds the statement and
    its parameters, which are no business of the person at the terminal."""
    orig = getattr(err, "orig", None)
    lines = str(orig if orig is not None else err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def build_app() -> typer.Typer:
    """The ``wirewatch`` app with every installed command (sorted by name)."""
    app = typer.Typer(
        cls=WirewatchGroup,
        help="News reports in; sourced, geocoded political-violence events out.",
        no_args_is_help=True,
        add_completion=False,
    )
    commands = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    for name in sorted(commands):
        target = commands[name].load()
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name)
        else:
            app.command(name)(target)
    return app


app = build_app()


def main() -> None:
    """The console script: the app, or one line saying the package is not installed (entry
    points come from the installed package's metadata)."""
    if not app.registered_commands and not app.registered_groups:
        raise SystemExit("wirewatch has no commands: install the package (pip install -e .)")
    app()
