"""`wirewatch extract`: documents in, contract JSONL out."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from wirewatch.api import (
    DEFAULT_MAX_CHARS,
    Document,
    extract_records,
    load_pipeline,
    read_documents,
)
from wirewatch.cli.options import (
    Country,
    Inputs,
    MaxChars,
    Outlet,
    Published,
    Quiet,
    err_console,
    progress_bar,
    record_feedback,
    warn_missing_inputs,
)

Output = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Write JSONL here instead of stdout.")]


def read_inputs(inputs: list[str], published: str | None, outlet: str | None,
                max_chars: int) -> Iterator[Document]:
    """The documents of the command's INPUTS; a bad ``--published`` is a usage error and a
    missing path a warning (it still gets its error record)."""
    try:
        documents = read_documents(inputs, published, outlet, max_chars)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--published") from err
    warn_missing_inputs(inputs)
    return documents


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> tuple[int, int]:
    """Write one record per line, flushed as it comes; returns (records, failed records)."""
    total = failed = 0
    for record in records:
        total += 1
        failed += "error" in record
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return total, failed


def extract(
    inputs: Inputs,
    output: Output = None,
    published: Published = None,
    outlet: Outlet = None,
    country: Country = None,
    max_chars: MaxChars = DEFAULT_MAX_CHARS,
    quiet: Quiet = False,
) -> None:
    """Extract entities, events, quotes, claims, places and times as contract JSONL."""
    documents = read_inputs(inputs, published, outlet, max_chars)
    if not quiet:
        err_console.print("[dim]loading models...[/]")
    load_pipeline(country)
    with progress_bar(quiet) as start:
        tick = start("extract", None) if start is not None else None
        records = extract_records(documents, country, progress=record_feedback(quiet, tick))
        if output is None:
            total, failed = write_jsonl(records, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as out:
                total, failed = write_jsonl(records, out)
    if not quiet:
        err_console.print(f"{total} documents, {failed} failed"
                          + (f" -> {output}" if output else ""))
    if total and failed == total:
        raise typer.Exit(1)
