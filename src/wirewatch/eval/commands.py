"""`wirewatch eval ...`: benchmark scorers, one sub-command per benchmark module."""

from __future__ import annotations

import importlib

import typer

eval_app = typer.Typer(help="Score wirewatch on public benchmarks (dev splits).",
                       no_args_is_help=True)

#: Benchmark modules; each exposes ``register(eval_app)`` adding its sub-command.
BENCHMARKS: tuple[str, ...] = (
    "wirewatch.eval.muc4",
    "wirewatch.eval.wikievents",
    "wirewatch.eval.geo",
    "wirewatch.eval.polnear",
    "wirewatch.eval.merge",
)


def register(app: typer.Typer) -> None:
    """Add `wirewatch eval` with every benchmark module that is present."""
    for name in BENCHMARKS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name and name.startswith(err.name):  # not written yet
                continue
            raise
        module.register(eval_app)
    app.add_typer(eval_app, name="eval")
