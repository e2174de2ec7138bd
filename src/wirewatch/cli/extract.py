"""`wirewatch extract`: documents in, contract JSONL out."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.markup import escape

from wirewatch.api import (
    DEFAULT_MAX_CHARS,
    Document,
    read_documents,
)
from wirewatch.cli.options import (
    Address,
    Country,
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


def check_engine(engine: str) -> None:
    """``--engine`` names a known engine; ray is installed when asked for."""
    from wirewatch.extras import MissingExtra, require

    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"{engine!r}: expected local or ray", param_hint="--engine")
    if engine == "ray":
        try:
            require("ray", "ray", "--engine ray")
        except MissingExtra as err:
            err_console.print(f"[red]error:[/] {escape(str(err))}")
            raise typer.Exit(2) from None


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> tuple[int, int]:
    """Write one record per line, flushed as it comes; returns (records, failed records).

    Records arrive within the contract's limits; should one still not serialise as UTF-8
    JSON, an error record takes its line, so every document keeps its one line."""
    total = failed = 0
    for record in records:
        total += 1
        line, written = _json_line(record)
        failed += "error" in record or not written
        out.write(line + "\n")
        out.flush()
    return total, failed


def _utf8(stream: TextIO) -> None:
    """JSONL is UTF-8 whatever the terminal's locale says (a text stream that cannot be
    reconfigured, such as a test runner's, is left as it is)."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower() != "utf-8":
        try:
            reconfigure(encoding="utf-8")
        except (ValueError, OSError):
            pass


def _json_line(record: dict[str, Any]) -> tuple[str, bool]:
    """(``record`` as one line of UTF-8 JSON, True), or (an ASCII error record saying why
    not, False)."""
    try:
        line = json.dumps(record, ensure_ascii=False, allow_nan=False)
        line.encode("utf-8")
        return line, True
    except (TypeError, ValueError, RecursionError) as err:  # UnicodeEncodeError: ValueError
        record_id = record.get("id")
        return json.dumps({
            "id": record_id.encode("utf-8", "replace").decode("utf-8")
            if isinstance(record_id, str) else "<unknown>",
            "error": f"the record could not be written as JSON ({type(err).__name__})",
        }), False


def extract(
    inputs: Inputs,
    output: Output = None,
    published: Published = None,
    outlet: Outlet = None,
    country: Country = None,
    max_chars: MaxChars = DEFAULT_MAX_CHARS,
    quiet: Quiet = False,
    workers: Workers = None,
    gate: Gate = False,
    engine: Engine = "local",
    address: Address = None,
    shards: Shards = None,
) -> None:
    """Extract entities, events, quotes, claims, places and times as contract JSONL."""
    from wirewatch.api import count_documents
    from wirewatch.run import extract_stream

    check_engine(engine)
    if engine == "ray" and shards is None:
        if output is None:
            raise typer.BadParameter("--engine ray keeps its shards in a folder: give "
                                     "--shards DIR or -o FILE", param_hint="--shards")
        shards = output.with_name(output.name + ".shards")
    documents = read_inputs(inputs, published, outlet, max_chars)
    if not quiet:
        err_console.print("[dim]loading models...[/]")
    with progress_bar(quiet) as start:
        tick = start("extract", count_documents(inputs)) if start is not None else None
        records = extract_stream(documents, country, progress=record_feedback(quiet, tick),
                                 workers=workers, gate=gate, engine=engine, address=address,
                                 shards=shards)
        if output is None:
            _utf8(sys.stdout)
            total, failed = write_jsonl(records, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as out:
                total, failed = write_jsonl(records, out)
    if not quiet:
        err_console.print(f"{total} documents, {failed} failed"
                          + (f" -> {escape(str(output))}" if output else ""))
    if total and failed == total:
        raise typer.Exit(1)
