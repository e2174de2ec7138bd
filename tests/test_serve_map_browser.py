"""The interactive map in headless Chromium: zoom, pan, clusters, click through to the
incident, every incident with a place drawn, and hostile place names kept as text. Skips
where playwright, Chromium or the map's npm packages (``make install``) are missing."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")

from serve_support import ARTIFACTS, browser, demo_db, live_server  # noqa: E402

from wirewatch.serve.web_assets import leaflet_available  # noqa: E402

pytestmark = pytest.mark.skipif(not leaflet_available(),
                                reason="the map's npm packages are not installed (make install)")


def open_map(page, base: str, path: str = "/map") -> None:
    page.goto(base + path)
    page.wait_for_selector("#map[data-drawn]")
    page.wait_for_selector("#map[data-borders]")


def zoom(page) -> float:
    return page.evaluate("window.wirewatchMap.map.getZoom()")


def wait_zoom(page, test, timeout: float = 5.0) -> float:
    """Poll the map's zoom until ``test(zoom)`` (the page's CSP forbids eval, which a string
    wait_for_function needs)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = zoom(page)
        if test(value) or time.monotonic() > deadline:
            page.wait_for_timeout(400)  # let the zoom animation end: Leaflet drops input during it
            return value
        page.wait_for_timeout(100)


def centre(page) -> tuple[float, float]:
    c = page.evaluate("(() => { const c = window.wirewatchMap.map.getCenter(); "
                      "return [c.lat, c.lng]; })()")
    return c[0], c[1]


@pytest.fixture(scope="module")
def chromium():
    with browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def desk(chromium):
    with live_server(demo_db()) as base:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        yield base, page, problems


def test_every_incident_with_a_place_is_drawn(desk) -> None:
    base, page, problems = desk
    open_map(page, base)
    points = page.evaluate("fetch('/map/points.json').then(r => r.json())")
    incidents = page.evaluate("fetch('/api/incidents?limit=500').then(r => r.json())")["items"]
    with_place = {i["id"] for i in incidents
                  if i["location"]["lat"] is not None or i["location"]["country_code"]}
    assert {p[0] for p in points["points"]} == with_place
    assert int(page.get_attribute("#map", "data-drawn")) == len(with_place)
    assert int(page.get_attribute("#map", "data-borders")) > 150  # country borders drawn
    # all of them are in the map's cluster layer, clustered or not
    assert page.evaluate("window.wirewatchMap.cluster.getLayers().length") == len(with_place)
    assert not problems, problems


def test_zoom_with_buttons_and_wheel(desk) -> None:
    base, page, _problems = desk
    open_map(page, base)
    before = zoom(page)
    page.click(".leaflet-control-zoom-in")
    assert wait_zoom(page, lambda z: z > before) == before + 1
    page.click(".leaflet-control-zoom-out")
    assert wait_zoom(page, lambda z: z == before) == before
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -600)
    assert wait_zoom(page, lambda z: z > before) > before


def test_pan_by_dragging(desk) -> None:
    base, page, _problems = desk
    open_map(page, base)
    lat, lon = centre(page)
    box = page.locator("#map").bounding_box()
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.8
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 250, y - 150, steps=12)
    page.mouse.up()
    page.wait_for_timeout(400)
    new_lat, new_lon = centre(page)
    assert new_lon < lon - 1 and new_lat < lat - 1  # dragged east and up: view moved west, south
    href = page.get_attribute("#map-view-list", "href")
    assert re.search(r"bbox=-?[\d.]+%2C", href), href  # "list the incidents in this view"


def test_admin1_borders_and_labels_when_zoomed_in(desk) -> None:
    base, page, _problems = desk
    open_map(page, base)
    page.evaluate("window.wirewatchMap.map.setView([9.5, 8], 6, {animate: false})")
    page.wait_for_selector("#map[data-admin1]")
    page.wait_for_selector(".admin1-label span")
    names = page.locator(".admin1-label span").all_text_contents()
    assert "Kano" in names and "Borno" in names  # Nigerian states from Natural Earth
    assert "Nigeria" in page.locator(".country-label span").all_text_contents()
    page.screenshot(path=str(ARTIFACTS / "map-admin1.png"))


def test_cluster_opens_and_a_click_opens_the_incident(desk) -> None:
    base, page, _problems = desk
    open_map(page, base)
    page.evaluate("window.wirewatchMap.map.setView([20, 15], 2, {animate: false})")
    page.wait_for_timeout(300)
    clusters = page.locator(".marker-cluster")
    assert clusters.count() >= 1
    before = zoom(page)
    sizes = [int(t) for t in clusters.all_text_contents()]
    clusters.nth(sizes.index(max(sizes))).click()  # the largest: places that zooming separates
    assert wait_zoom(page, lambda z: z > before) > before

    # a single incident: brought into view unclustered, then clicked like a person would
    target = page.evaluate("""() => new Promise(done => {
        const w = window.wirewatchMap;
        const marker = w.markers[0];
        w.cluster.zoomToShowLayer(marker, () => done(marker.incident));
    })""")
    page.wait_for_timeout(500)
    box = page.evaluate("""(id) => {
        const m = window.wirewatchMap.markers.find(x => x.incident === id);
        const r = m._path.getBoundingClientRect();
        return {x: r.x + r.width / 2, y: r.y + r.height / 2};
    }""", target)
    with page.expect_navigation():
        page.mouse.click(box["x"], box["y"])
    assert page.url.endswith(f"/incidents/{target}")
    assert page.locator("h1").count() == 1


def test_precision_is_drawn_by_style(desk) -> None:
    base, page, _problems = desk
    open_map(page, base)
    styles = page.evaluate("""() => window.wirewatchMap.markers.map(m =>
        [m.options.fillOpacity, m.options.dashArray || null, m.options.radius])""")
    points = page.evaluate("fetch('/map/points.json').then(r => r.json())")
    for (fill, dash, radius), point in zip(styles, points["points"], strict=True):
        precision = points["precisions"][point[4]]
        placed = point[6] & points["flags"]["placed"]
        exact = precision in points["exact"] and not placed
        assert (fill > 0.5) == (exact and not point[6] & points["flags"]["uncertain"])
        if placed:
            assert dash and radius <= 7  # a country-level guess is never a big solid mark


def test_hostile_place_names_stay_text_on_the_map(chromium, tmp_path) -> None:
    from serve_support import XSS_PAYLOADS
    from test_store import event, record

    from wirewatch.store import open_store

    reports = []
    for n, payload in enumerate(XSS_PAYLOADS):
        item = event(place=None, country="AF", admin1=payload, day=f"{2001 + n}-01-01")
        item["location"]["name"] = payload
        item["location"]["lat"], item["location"]["lon"] = 30 + n * 0.5, 60 + n * 0.5
        reports.append(record(f"x{n}", f"Hostile report {n}.", [item], outlet=payload))
    db = tmp_path / "hostile-map.db"
    with open_store(str(db)) as store:
        store.add_records(reports)
    with live_server(str(db)) as base:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        open_map(page, base)
        page.evaluate("""() => { const w = window.wirewatchMap;
            w.map.setView([34, 64], 7, {animate: false});
            w.markers.forEach(m => { if (w.map.hasLayer(m)) { m.fire('mouseover'); } }); }""")
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__xss === undefined") and not dialogs
        shown = page.evaluate("""() => window.wirewatchMap.markers.map(m =>
            m.getTooltip().getContent().textContent)""")
        for payload in XSS_PAYLOADS:  # each payload shown whole, as text
            assert any(payload in text for text in shown), payload
        assert page.locator(".leaflet-tooltip").count() >= 1
        assert page.locator(".leaflet-tooltip script, .leaflet-tooltip img").count() == 0
        for path in ("/help", "/timeline?background=true", "/?sort=killed&min_killed=0"):
            page.goto(base + path)
            assert page.evaluate("() => window.__xss === undefined"), path
