"""The `wirewatch` command line: extract, ingest, incidents."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from wirewatch.ingest.document import Document

app = typer.Typer(
    help="News reports in; sourced, geocoded political-violence events out.",
    no_args_is_help=True,
    add_completion=False,
)
err_console = Console(stderr=True)

Inputs = Annotated[list[str], typer.Argument(
    help="Files (.txt, .html, .htm, .jsonl), directories, or - for JSONL on stdin.")]
Published = Annotated[str | None, typer.Option(
    "--published", help="Publication date YYYY-MM-DD for inputs that carry none.")]
Outlet = Annotated[str | None, typer.Option("--outlet", help="Outlet name for inputs without one.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]
MaxChars = Annotated[int, typer.Option(
    "--max-chars", help="Documents longer than this get an error record.")]
Country = Annotated[str | None, typer.Option(
    "--country", help="ISO country code to prefer when place names are ambiguous.")]
Db = Annotated[str, typer.Option("--db", help="SQLite path or postgresql:// URL.")]


def _documents(inputs: list[str], published: str | None, outlet: str | None,
               max_chars: int) -> Iterator[Document]:
    from wirewatch.ingest.checks import parse_published
    from wirewatch.ingest.readers import iter_documents

    if published is not None:
        try:
            published = parse_published(published)
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--published") from err
    missing = [p for p in inputs if p != "-" and not Path(p).exists()]
    for path in missing:
        err_console.print(f"[yellow]warning:[/] {path}: no such file or directory")
    yield from iter_documents(inputs, published=published, outlet=outlet, stdin=sys.stdin,
                              max_chars=max_chars)


@contextmanager
def _progress(quiet: bool, label: str) -> Iterator[Any]:
    if quiet:
        yield None
        return
    progress = Progress(SpinnerColumn(), TextColumn(f"[bold]{label}[/]"), BarColumn(),
                        MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                        TimeElapsedColumn(), console=err_console, transient=True)
    with progress:
        yield progress


def _records(inputs: list[str], published: str | None, outlet: str | None, max_chars: int,
             country: str | None, quiet: bool, label: str, include_text: bool = False
             ) -> Iterator[dict[str, Any]]:
    """Documents -> pipeline -> contract records, in input order, with a progress bar;
    ``include_text`` adds each document's text to its record."""
    import time

    from wirewatch.pipeline import load_pipeline, process
    from wirewatch.pipeline.record import to_record

    if not quiet:
        err_console.print("[dim]loading models...[/]")
    nlp = load_pipeline(country.upper() if country else None)
    start = time.perf_counter()
    with _progress(quiet, label) as progress:
        task = progress.add_task(label, total=None, rate="") if progress else None
        for n, (document, doc) in enumerate(
                process(nlp, _documents(inputs, published, outlet, max_chars)), start=1):
            record = to_record(document, doc, include_text=include_text)
            if progress is not None:
                rate = n / max(time.perf_counter() - start, 1e-9)
                progress.update(task, completed=n, rate=f"{rate:.1f} docs/s")
            if not quiet and "error" in record:
                err_console.print(f"[red]error[/] {record['id']}: {record['error']}")
            elif not quiet and record.get("note"):
                err_console.print(f"[yellow]note[/] {record['id']}: {record['note']}")
            yield record


def _write_jsonl(records: Iterator[dict[str, Any]], out: TextIO) -> tuple[int, int]:
    total = failed = 0
    for record in records:
        total += 1
        failed += "error" in record
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return total, failed


@app.command()
def extract(
    inputs: Inputs,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write JSONL here "
                                                "instead of stdout.")] = None,
    published: Published = None,
    outlet: Outlet = None,
    country: Country = None,
    max_chars: MaxChars = 2_000_000,
    quiet: Quiet = False,
) -> None:
    """Extract entities, events, quotes, claims, places and times as contract JSONL."""
    records = _records(inputs, published, outlet, max_chars, country, quiet, "extract")
    if output is None:
        total, failed = _write_jsonl(records, sys.stdout)
    else:
        with output.open("w", encoding="utf-8") as out:
            total, failed = _write_jsonl(records, out)
    if not quiet:
        err_console.print(f"{total} documents, {failed} failed"
                          + (f" -> {output}" if output else ""))
    if total and failed == total:
        raise typer.Exit(1)


def _register_commands() -> None:
    """Commands owned by other stages register themselves (store, eval, export, geocode),
    so each stage keeps its command next to its code."""
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name and name.startswith(err.name):  # a stage without commands yet
                continue
            raise
        module.register(app)


#: Modules exposing ``register(app)``; each adds its own sub-commands.
COMMAND_MODULES: tuple[str, ...] = (
    "wirewatch.store.commands",
    "wirewatch.resolve.commands",
    "wirewatch.export.commands",
    "wirewatch.eval.commands",
)
_register_commands()


if __name__ == "__main__":
    app()
