"""The review flow in a real headless Chromium: sign in, correct a place and a figure, merge
two incidents, see the change in the list, the map and the CSV, ingest the same and a new
report, and the change stays. Screenshots in out/test-artifacts/serve/. Skips cleanly where
playwright or Chromium is missing."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import urllib.request

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")

from serve_support import ARTIFACTS, browser, demo_db, demo_records, live_server  # noqa: E402

from wirewatch.store import open_store  # noqa: E402
from wirewatch.store.accounts import add_user  # noqa: E402

PASSWORD = "correct horse battery"


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own desk)
        return response.read().decode("utf-8")


def test_review_flow_in_chromium(tmp_path):
    path = tmp_path / "desk.db"
    shutil.copy(demo_db(), path)
    with open_store(str(path)) as store, store.writing() as conn:
        add_user(conn, "ana", "reviewer", PASSWORD)
    with live_server(str(path)) as base, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        first, second = json.loads(_get(base + "/api/incidents?limit=2"))["items"]
        keep = min(first["id"], second["id"])

        page.goto(f"{base}/incidents/{first['id']}")
        assert page.locator("#correct-form").count() == 0  # signed out: no forms
        page.click("#review-sign-in")
        page.fill("#login-name", "ana")
        page.fill("#login-password", PASSWORD)
        with page.expect_navigation():
            page.click("#login-form button[type=submit]")
        assert page.url.endswith(f"/incidents/{first['id']}")
        assert "ana (reviewer)" in page.locator("header .account").inner_text()

        page.fill("#r-place", "Zahle")
        page.fill("#r-lat", "33.8467")
        page.fill("#r-lon", "35.902")
        page.fill("#r-killed", "4")
        page.fill("#r-note", "checked against the governor's statement")
        with page.expect_navigation():
            page.click("#r-save")
        assert page.locator("#review-error").count() == 0, page.locator("#review-error").inner_text()
        assert page.locator("#reviewed-fields").count() == 1, (page.url, page.locator("main").inner_text())
        assert "place" in page.locator("#reviewed-fields").inner_text(), page.url
        assert page.locator("#review-log tbody tr").count() == 4
        page.screenshot(path=str(ARTIFACTS / "review-1-corrected.png"), full_page=True)

        page.fill("#r-other", str(second["id"]))
        with page.expect_navigation():
            page.click("#r-merge")
        assert page.url.endswith(f"/incidents/{keep}#review")
        page.screenshot(path=str(ARTIFACTS / "review-2-merged.png"), full_page=True)

        def check_everywhere() -> None:
            page.goto(base + "/")
            row = page.locator(f"#incidents tbody tr[data-incident='{keep}']")
            assert row.get_attribute("data-reviewed") == "killed lat lon place"
            assert "Zahle" in row.inner_text() and "4" in row.locator("td.num").first.inner_text()
            assert page.locator(f"#incidents tbody tr[data-incident='{max(first['id'], second['id'])}']"
                                ).count() == 0
            page.goto(base + "/map")
            points = page.evaluate("fetch('/map/points.json').then(r => r.json())")["points"]
            assert "Zahle" in next(p for p in points if p[0] == keep)[-1]
            rows = list(csv.DictReader(io.StringIO(_get(base + "/export?format=acled-csv"))))
            mine = next(r for r in rows if r["event_id_cnty"].endswith(str(keep)))
            assert (mine["location"], mine["fatalities"], mine["reviewed"]) == (
                "Zahle", "4", "True")

        check_everywhere()
        page.screenshot(path=str(ARTIFACTS / "review-3-list.png"), full_page=True)

        # ingest again: the same reports, and a new report of the corrected incident
        detail = json.loads(_get(f"{base}/api/incidents/{keep}"))
        doc_id = detail["sources"][0]["doc_id"]
        new = copy.deepcopy(next(r for r in demo_records() if r["id"] == doc_id))
        new["id"], new["outlet"] = f"{doc_id}-follow-up", "Another Wire"
        new["text"] = new["text"] + "\n\nMore to follow."
        new.pop("text_sha256", None)
        with open_store(str(path)) as store:
            assert store.add_records(demo_records()).added == 0
            assert store.add_records([new]).added == 1
        check_everywhere()
        page.goto(f"{base}/incidents/{keep}")
        assert "Another Wire" in page.content()
        page.screenshot(path=str(ARTIFACTS / "review-4-after-ingest.png"), full_page=True)
        assert page.evaluate("window.__xss === undefined")
        assert not [p for p in problems if "favicon" not in p], problems
