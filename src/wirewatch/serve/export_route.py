"""``/export?format=...``: the filtered incidents in any installed export format, written by
the same code as ``wirewatch export`` (``wirewatch.export``), so a download and a CLI export
of the same filter are the same file."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from wirewatch.export.formats import format_names, write
from wirewatch.export.rows import load_incidents
from wirewatch.extras import MissingExtra
from wirewatch.serve.digest import DigestCache
from wirewatch.serve.filters import Filters
from wirewatch.serve.incident_list import select_incidents, text_matches
from wirewatch.serve.params import incident_filters
from wirewatch.store import Store
from wirewatch.store.summary import IncidentFilter

#: Media type and file extension per format (unknown plugin formats: a binary download).
MEDIA_TYPES = {
    "acled-csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "jsonl": ("application/x-ndjson", "jsonl"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
    "stix": ("application/json", "stix.json"),
}


def export_incidents(store: Store, f: Filters, fmt: str, cache: DigestCache | None = None
                     ) -> bytes:
    """The incidents selected by ``f`` in format ``fmt``, as the CLI's writer writes them."""
    with store.engine.connect() as conn:
        digest = cache.get(conn) if cache is not None else None
        selection = select_incidents(conn, f, text_matches(store, f), digest)
        wanted = set(selection.ids) if selection.ids is not None else {
            row.id for row in conn.execute(selection.query)}
    # the CLI's own filter narrows the read; the desk's other filters pick from it
    narrowed = IncidentFilter(since=f.since, until=f.until, country=f.country, type=f.type,
                              actor=f.actor, min_sources=f.min_sources)
    items = [item for item in load_incidents(store, narrowed) if item.incident["id"] in wanted]
    with tempfile.TemporaryDirectory(prefix="wirewatch-export-") as tmp:
        path = Path(tmp) / "export"
        write(items, fmt, path)
        return path.read_bytes()


#: The ``format`` choices: the export formats installed (entry points), read at import.
Format = StrEnum("Format", {name.replace("-", "_"): name for name in format_names()})


def export_router() -> APIRouter:
    """The export route, offering every installed format."""
    router = APIRouter(tags=["export"])

    @router.get("/export", summary="Filtered incidents as a file (ACLED CSV, GeoJSON, ...)",
                response_class=Response)
    def export(request: Request, f: Annotated[Filters, Depends(incident_filters)],
               format: Annotated[Format, Query(description="Export format.")]) -> Response:
        store: Store = request.app.state.store
        fmt = format.value
        try:
            body = export_incidents(store, f, fmt, request.app.state.digests)
        except MissingExtra as err:
            raise HTTPException(501, str(err)) from None
        media, ext = MEDIA_TYPES.get(fmt, ("application/octet-stream", "bin"))
        return Response(body, media_type=media, headers={
            "content-disposition": f'attachment; filename="wirewatch-incidents.{ext}"'})

    return router
