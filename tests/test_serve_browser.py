"""The desk in a real headless Chromium (Debian's ``chromium``, driven by playwright): the
analyst's path through the demo data, with a screenshot of each step in
out/test-artifacts/serve/. Skips cleanly where playwright or Chromium is missing."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")

from serve_support import ARTIFACTS, browser, demo_db, live_server  # noqa: E402


@pytest.fixture(scope="module")
def desk():
    """(base URL, browser page, problems seen: console errors, CSP reports, page errors)."""
    with live_server(demo_db()) as base, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        yield base, page, problems


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_analyst_path_through_the_demo(desk):
    base, page, problems = desk
    page.goto(base + "/")
    rows = page.locator("#incidents tbody tr[data-incident]")
    assert rows.count() > 20
    shot(page, "1-incidents")

    # facet selects submit themselves (desk.js) and leave empty fields out of the URL
    with page.expect_navigation():
        page.select_option("#f-country", "SO")
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.country)")) == {"SO"}
    with page.expect_navigation():
        page.select_option("#f-type", "ASSAULT")
    assert re.search(r"\?country=SO&type=ASSAULT$", page.url), page.url
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.type)")) == {"ASSAULT"}
    shot(page, "2-filtered")

    page.locator("#incidents tbody tr", has_text="Coastline Daily").locator(
        "td.date a").click()
    page.wait_for_load_state()
    assert page.locator("article.source").count() == 3
    assert page.locator("#figures tr.conflict").count() >= 1  # 7 vs 11 killed
    shot(page, "3-incident")

    page.locator("article.source a.doc-link").first.click()
    page.wait_for_load_state()
    evidence = page.locator("#article-text .hl-evidence").first
    assert evidence.is_visible()
    link = page.locator("#events a.span-link").nth(1)  # the first event's evidence
    link.hover()
    key = link.get_attribute("data-key")
    lit = page.locator("#article-text .hl.lit")
    assert lit.count() >= 1
    assert all(key in (s or "").split() for s in lit.evaluate_all(
        "els => els.map(e => e.dataset.s)"))
    shot(page, "4-document")

    page.goto(base + "/map")
    page.wait_for_selector("#map[data-drawn]")
    if page.locator("#map.leaflet-map").count():  # the interactive map (npm packages there)
        assert int(page.get_attribute("#map", "data-drawn")) > 10
        assert page.locator("#map .leaflet-marker-icon, #map path.leaflet-interactive").count()
    else:
        assert page.locator("#map a.marker circle").count() > 10
    assert page.locator("#map").bounding_box()["height"] > 300
    shot(page, "5-map")

    page.goto(base + "/timeline")
    assert page.locator("#timeline rect.bar").count() > 0
    shot(page, "6-timeline")

    assert not [p for p in problems if "favicon" not in p], problems
