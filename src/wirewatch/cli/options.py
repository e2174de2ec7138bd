"""What the commands share: option types, the stderr console, progress bars, checks.

Kept free of heavy imports: every command module imports this one when ``wirewatch --help``
builds the app.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from wirewatch.eval.common import TaskStarter

err_console = Console(stderr=True)

Inputs = Annotated[list[str], typer.Argument(
    help="Files (.txt, .html, .htm, .jsonl, .warc, .warc.gz), directories, or - for JSONL "
         "on stdin.")]
Published = Annotated[str | None, typer.Option(
    "--published", help="Publication date YYYY-MM-DD for inputs that carry none.")]
Outlet = Annotated[str | None, typer.Option("--outlet", help="Outlet name for inputs without one.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]
MaxChars = Annotated[int, typer.Option(
    "--max-chars", min=1, help="Documents longer than this get an error record (HTML may be "
    "ten times as many bytes).")]
Country = Annotated[str | None, typer.Option(
    "--country", help="ISO country code to prefer when place names are ambiguous.")]
Db = Annotated[str, typer.Option("--db", help="SQLite path or postgresql:// URL.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")]
Workers = Annotated[int | None, typer.Option(
    "--workers", "-j", min=1, max=1024,
    help="Worker processes, each with its own pipeline (default: every core, up to 8; "
         "inputs under 128 documents run in one). Output is the same for any count.")]
Gate = Annotated[bool, typer.Option(
    "--gate", help="Relevance gate: documents with no political-violence or coercion cue "
                   "skip the event stages (their record's note says so).")]
Engine = Annotated[str, typer.Option(
    "--engine", help="local (processes on this machine) or ray (a Ray cluster; "
                     "pip install 'wirewatch[ray]').")]
Address = Annotated[str | None, typer.Option(
    "--address", help="With --engine ray: the cluster to join (ray://host:10001, auto); "
                      "default: a local Ray instance.")]
Shards = Annotated[Path | None, typer.Option(
    "--shards", help="With --engine ray: the folder for the Parquet shards of records "
                     "(kept, so a re-run skips finished shards); default: beside the "
                     "output or database.")]
Limit = Annotated[int | None, typer.Option("--limit", help="Score the first N docs.")]

@contextmanager
def progress_bar(quiet: bool) -> Iterator[TaskStarter | None]:
    """A transient progress display on stderr while the block runs; yields a task starter
    (None when ``quiet``). Each task shows done/total and items per second."""
    if quiet:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    # the ETA shows once a task has a total (e.g. the documents counted before an ingest)
    progress = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}[/]"), BarColumn(),
                        MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                        console=err_console, transient=True)

    def start(label: str, total: int | None) -> Callable[[], None]:
        task = progress.add_task(label, total=total, rate="")
        started = time.perf_counter()
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            rate = done / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=done, rate=f"{rate:.1f} docs/s")

        return tick

    with progress:
        yield start


def record_feedback(quiet: bool, tick: Callable[[], None] | None
                    ) -> Callable[[dict[str, Any]], None] | None:
    """A per-record callback for ``wirewatch.api.extract_records``: advances the bar and
    names each failed document (and each note) on stderr."""
    if quiet:
        return None

    def seen(record: dict[str, Any]) -> None:
        if tick is not None:
            tick()
        # ids, errors and notes quote the input: escaped, so "[/x]" is text, not markup
        if "error" in record:
            err_console.print(f"[red]error[/] {escape(str(record['id']))}: "
                              f"{escape(str(record['error']))}", highlight=False)
        elif record.get("note"):
            err_console.print(f"[yellow]note[/] {escape(str(record['id']))}: "
                              f"{escape(str(record['note']))}", highlight=False)

    return seen


def warn_missing_inputs(inputs: list[str]) -> None:
    """A warning per input path that does not exist (its error record follows anyway)."""
    for path in inputs:
        if path != "-" and not Path(path).exists():
            err_console.print(f"[yellow]warning:[/] {escape(path)}: no such file or directory",
                              highlight=False)


def require_database(db: str) -> None:
    """Exit with status 2 and one line when a SQLite file to read does not exist."""
    if "://" not in db and not Path(db).exists():
        err_console.print(f"[red]error:[/] no database at {escape(db)} "
                          "(run `wirewatch ingest` first)")
        raise typer.Exit(2)
