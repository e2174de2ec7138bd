"""Hostile articles in the desk: script tags, event handlers, javascript: URLs, SVG payloads
and broken markup, ingested as texts, titles, outlets and URLs (and as every value of a
poisoned record). No page may contain markup that came from data, and in a real browser no
payload may run (each would set ``window.__xss`` or open a dialog)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx (FastAPI's TestClient) is not installed")

from fastapi.testclient import TestClient  # noqa: E402
from serve_support import (  # noqa: E402
    ARTIFACTS,
    HOSTILE_URLS,
    XSS_PAYLOADS,
    browser,
    hostile_db,
    live_server,
    unsafe_markup,
)

from wirewatch.serve.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(hostile_db())) as test_client:
        yield test_client


def hostile_pages(client) -> list[str]:
    """Every page that shows the hostile documents' data."""
    docs = [d for d in client.get("/api/documents", params={"limit": 500}).json()["items"]
            if d["doc_id"].startswith("xss")]
    assert len(docs) == len(XSS_PAYLOADS) + 1
    incidents = set()
    for doc in docs:
        for event in client.get(f"/api/documents/{doc['id']}").json()["events"]:
            if event["incident_id"]:
                incidents.add(event["incident_id"])
    assert incidents, "the hostile articles make incidents"
    actors = [a["id"] for a in client.get("/api/actors", params={"limit": 500}).json()["items"]
              if "xss" in a["name"] or "<" in a["name"]]
    assert actors, "payloads became actor names"
    pages = ["/", "/?q=Kandahar", "/?country=AF", "/?actor=script", "/map", "/timeline",
             "/timeline?bucket=day", "/documents", "/documents?q=Kandahar", "/actors",
             "/actors?q=xss", "/?since=<script>", "/no-such-page/<script>", "/help",
             "/?sort=killed", "/?sort=sources&min_killed=0&max_killed=100",
             "/?acled_type=Violence against civilians", "/?acled_type=<script>",
             "/documents?q=script", "/documents?q=xss onerror", "/?since=2015-13-45",
             "/timeline?background=1"]
    pages += [f"/documents/{d['id']}" for d in docs]
    pages += [f"/incidents/{i}" for i in sorted(incidents)]
    pages += [f"/actors/{a}" for a in actors]
    return pages


def test_no_markup_from_data_in_any_page(client):
    checked = 0
    for path in hostile_pages(client):
        response = client.get(path)
        assert response.status_code in (200, 404, 422), path
        html = response.text
        assert unsafe_markup(html) == [], path
        for payload in XSS_PAYLOADS:
            if "<" in payload:
                assert payload not in html, (path, payload)
        checked += 1
    assert checked > 30


def test_payloads_are_shown_as_text(client):
    doc = next(d for d in client.get("/api/documents", params={"q": "Kandahar"}).json()["items"]
               if d["doc_id"] == "xss-0")
    html = client.get(f"/documents/{doc['id']}").text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html  # escaped, visible
    assert 'class="external"' not in html  # a javascript: URL is not a link
    assert "javascript:window.__xss=20" in html  # but is shown as text


def test_hostile_urls_never_become_links(client):
    for doc in client.get("/api/documents", params={"limit": 500}).json()["items"]:
        if not doc["doc_id"].startswith("xss"):
            continue
        html = client.get(f"/documents/{doc['id']}").text
        for url in HOSTILE_URLS:
            assert f'href="{url}' not in html


def test_api_answers_json_not_html(client):
    for path in ("/api/documents?q=Kandahar", "/api/incidents?q=Kandahar",
                 "/api/actors?q=script"):
        response = client.get(path)
        assert response.headers["content-type"] == "application/json"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_no_payload_runs_in_the_browser(client):
    pages = hostile_pages(client)
    with live_server(hostile_db()) as base, browser() as chromium:
        context = chromium.new_context()
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        ran = []
        for path in pages:
            page.goto(base + path)
            page.wait_for_load_state("load")
            # hover and focus every link and highlighted span: handlers would fire now
            for element in page.locator("a, .hl").all()[:25]:
                element.dispatch_event("mouseover")
            if page.evaluate("() => window.__xss !== undefined"):
                ran.append(path)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.goto(base + next(p for p in pages if p.startswith("/documents/")))
        page.screenshot(path=str(ARTIFACTS / "xss-document.png"), full_page=True)
        context.close()
    assert ran == [] and dialogs == [] and errors == []
