"""The map: the page, the points it draws, the borders under them and the map library's
files (``web_assets``). With the npm packages absent the page falls back to the static SVG
outline map (``basemap``), and says how to get the interactive one."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from wirewatch.serve.basemap import country_outlines, graticule
from wirewatch.serve.charts import map_markers, view_box
from wirewatch.serve.filters import Filters
from wirewatch.serve.incident_list import select_incidents, text_matches
from wirewatch.serve.map_data import map_points
from wirewatch.serve.page_routes import _filter_context, render
from wirewatch.serve.params import incident_filters
from wirewatch.serve.web_assets import (
    admin1_text,
    countries_text,
    leaflet_available,
    vendor_file,
)

router = APIRouter(include_in_schema=False)

FiltersDep = Annotated[Filters, Depends(incident_filters)]
#: Borders and library files change only with a new install: a day in the browser's cache.
CACHED = {"cache-control": "public, max-age=86400"}


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, f: FiltersDep) -> HTMLResponse:
    if leaflet_available():
        return render(request, "map.html", interactive=True, **_filter_context(f))
    store = request.app.state.store
    with store.engine.connect() as conn:
        selection = select_incidents(conn, f, text_matches(store, f),
                                     request.app.state.digests.get(conn))
        markers, unlocated = map_markers(conn, selection)
    return render(request, "map.html", interactive=False, markers=markers, unlocated=unlocated,
                  view=view_box(markers, f.bbox), outlines=country_outlines() is not None,
                  graticule=graticule(), **_filter_context(f))


@router.get("/map/points.json")
def points(request: Request, f: FiltersDep) -> Response:
    """The filtered incidents with a place (``map_data.map_points``)."""
    store = request.app.state.store
    with store.engine.connect() as conn:
        digest = request.app.state.digests.get(conn)
        selection = select_incidents(conn, f, text_matches(store, f), digest)
        data = map_points(conn, selection, digest)
    return Response(json.dumps(data, separators=(",", ":"), ensure_ascii=False),
                    media_type="application/json")


@router.get("/map/countries.geojson")
def countries_geojson() -> Response:
    return Response(countries_text(), media_type="application/geo+json", headers=CACHED)


@router.get("/map/admin1/{code}.geojson")
def admin1_geojson(code: Annotated[str, Path(pattern=r"^[A-Za-z]{2}$")]) -> Response:
    text = admin1_text(code.upper())
    if text is None:
        raise HTTPException(404, "no admin-1 borders for this country")
    return Response(text, media_type="application/geo+json", headers=CACHED)


@router.get("/vendor/{prefix}/{name:path}")
def vendor(prefix: str, name: str) -> FileResponse:
    """A file of the map library, only those ``web_assets.VENDOR_FILES`` names."""
    path = vendor_file(prefix, name)
    if path is None:
        raise HTTPException(404, "no such file")
    return FileResponse(path, headers=CACHED)
