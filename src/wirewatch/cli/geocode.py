"""`wirewatch geocode`: resolve place names the caller has already found.

JSONL in, one ``{"id", "text", "spans": [[start, end], ...]}`` per line; JSONL out, one
``{"id", "locations": [Location, ...]}`` per input line with one contract Location per span,
in the order given. A bad line gets ``{"id", "error"}`` and the rest goes on.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

GeoNames = Annotated[Path | None, typer.Option(
    "--geonames", help="A GeoNames dump (allCountries.txt or cities*.txt format) to build the "
    "gazetteer from instead of the packaged cities; also $WIREWATCH_GEONAMES.")]


def _spans(value: Any, length: int) -> list[tuple[int, int]]:
    if not isinstance(value, list):
        raise ValueError('"spans" must be a list of [start, end] pairs')
    spans = []
    for pair in value:
        if not (isinstance(pair, list | tuple) and len(pair) == 2
                and all(isinstance(x, int) for x in pair) and 0 <= pair[0] < pair[1] <= length):
            raise ValueError(f"bad span {pair!r}: want [start, end] inside the text")
        spans.append((pair[0], pair[1]))
    return spans


def geocode_lines(lines: Iterable[str], country: str | None = None,
                  geonames: str | None = None) -> Iterator[dict[str, Any]]:
    """One output record per non-blank input line."""
    from wirewatch.api import geocode_spans

    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            yield {"id": None, "error": f"line {n}: invalid JSON: {err.msg}"}
            continue
        if not isinstance(item, dict):
            yield {"id": None, "error": f"line {n}: expected a JSON object"}
            continue
        doc_id = item.get("id")
        text = item.get("text")
        if not isinstance(text, str):
            yield {"id": doc_id, "error": f'line {n}: "text" must be a string'}
            continue
        try:
            spans = _spans(item.get("spans", []), len(text))
        except ValueError as err:
            yield {"id": doc_id, "error": f"line {n}: {err}"}
            continue
        yield {"id": doc_id, "locations": geocode_spans(text, spans, country, geonames)}


def geocode(
    source: Annotated[str, typer.Argument(help="JSONL file, or - for stdin.")] = "-",
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="Write JSONL here.")] = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="ISO country code to prefer when names are ambiguous.")] = None,
    geonames: GeoNames = None,
) -> None:
    """Resolve given place-name spans to contract Locations (JSONL in, JSONL out)."""
    dump = str(geonames) if geonames else os.environ.get("WIREWATCH_GEONAMES") or None
    if dump and not Path(dump).expanduser().is_file():
        raise typer.BadParameter(f"no such file: {dump}", param_hint="--geonames")
    if source != "-" and not Path(source).is_file():
        raise typer.BadParameter(f"no such file: {source}", param_hint="SOURCE")
    infile = sys.stdin if source == "-" else Path(source).open(encoding="utf-8")
    out = sys.stdout if output is None else output.open("w", encoding="utf-8")
    total = failed = 0
    try:
        for record in geocode_lines(infile, country.upper() if country else None, dump):
            total += 1
            failed += "error" in record
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if infile is not sys.stdin:
            infile.close()
        if out is not sys.stdout:
            out.close()
    if total and failed == total:
        raise typer.Exit(1)
