"""The map's offline basemap: country outlines drawn as SVG on an equirectangular projection.

The outlines come from the ``countryinfo`` package (MIT), which ships each country's
GeoJSON polygons (Natural Earth's low-resolution shapes, via world.geo.json); nothing is
fetched at run time. Without that package the map falls back to a latitude/longitude
graticule alone, and says so. The projection is the plainest one: x = longitude + 180,
y = 90 - latitude, so the SVG's user units are degrees and a marker's radius can be given
in degrees of uncertainty.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from html import escape
from typing import Any

#: The whole world in the projection's units (degrees).
WIDTH, HEIGHT = 360.0, 180.0


def project(lat: float, lon: float) -> tuple[float, float]:
    """Equirectangular projection to SVG user units (x right, y down)."""
    return lon + 180.0, 90.0 - lat


def _rings(geometry: dict[str, Any]) -> Iterator[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for polygon in polygons:
        yield from polygon


def ring_path(ring: Iterable[Any]) -> str:
    """SVG path data of one closed ring of [lon, lat] points, rounded to 0.1 degree."""
    points = []
    last = None
    for point in ring:
        if not isinstance(point, list | tuple) or len(point) < 2:
            continue
        x, y = project(float(point[1]), float(point[0]))
        here = f"{x:.1f} {y:.1f}"
        if here != last:
            points.append(here)
            last = here
    if len(points) < 3:
        return ""
    return "M" + "L".join(points) + "Z"


@functools.cache
def country_outlines() -> tuple[tuple[str, str, str], ...] | None:
    """(ISO alpha-2, name, SVG path data) per country; None without ``countryinfo``."""
    try:
        from countryinfo import CountryInfo
    except ImportError:
        return None
    outlines = []
    for info in CountryInfo.all().values():
        geo = info.get("geoJSON") or {}
        paths = []
        for feature in geo.get("features") or []:
            for ring in _rings(feature.get("geometry") or {}):
                if d := ring_path(ring):
                    paths.append(d)
        if paths:
            code = str((info.get("ISO") or {}).get("alpha2") or "")
            outlines.append((code, str(info.get("name") or ""), "".join(paths)))
    return tuple(sorted(outlines))


def graticule(step: int = 30) -> list[dict[str, float]]:
    """Lines every ``step`` degrees of latitude and longitude (x1, y1, x2, y2)."""
    lines = [{"x1": float(lon + 180), "y1": 0.0, "x2": float(lon + 180), "y2": HEIGHT}
             for lon in range(-180, 181, step)]
    lines += [{"x1": 0.0, "y1": float(90 - lat), "x2": WIDTH, "y2": float(90 - lat)}
              for lat in range(-90, 91, step)]
    return lines


@functools.cache
def basemap_svg() -> str:
    """A standalone SVG of the outlines (or the graticule alone), cached by the browser."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" '
             f'width="{WIDTH:g}" height="{HEIGHT:g}">',
             f'<rect width="{WIDTH:g}" height="{HEIGHT:g}" fill="#eef3f7"/>']
    for line in graticule():
        parts.append('<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="#cfdbe5" '
                     'stroke-width="0.2"/>'.format(**line))
    for code, name, d in country_outlines() or ():
        parts.append(f'<path d="{d}" fill="#fbfaf5" stroke="#9aa7b0" stroke-width="0.15" '
                     f'data-iso="{escape(code)}"><title>{escape(name)}</title></path>')
    parts.append("</svg>")
    return "".join(parts)
