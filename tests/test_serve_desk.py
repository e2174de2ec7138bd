"""The analyst's list: sorting, the fatalities range, ACLED types, plain-language errors,
help and tooltips, figures linked to their sentences, document snippets, flat GeoJSON."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx (FastAPI's TestClient) is not installed")

from fastapi.testclient import TestClient  # noqa: E402
from serve_support import demo_db  # noqa: E402

from wirewatch.export.rows import acled_type  # noqa: E402
from wirewatch.serve.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(demo_db())) as test_client:
        yield test_client


def items(client, **params) -> list[dict]:
    response = client.get("/api/incidents", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def killed(item: dict, end: str = "max") -> int | None:
    return item["casualties"]["killed"][end]


def test_sorting_orders_every_incident(client) -> None:
    every = items(client)
    by_killed = items(client, sort="killed")
    assert sorted(i["id"] for i in by_killed) == sorted(i["id"] for i in every)
    tolls = [killed(i) for i in by_killed if killed(i) is not None]
    assert tolls == sorted(tolls, reverse=True) and tolls[0] > tolls[-1]
    assert all(killed(i) is None for i in by_killed[len(tolls):])  # unknown tolls last
    sources = [i["independent_sources"] for i in items(client, sort="sources")]
    assert sources == sorted(sources, reverse=True)
    dates = [i["time"]["value"] for i in items(client, sort="date_asc") if i["time"]["value"]]
    assert dates == sorted(dates)
    html = client.get("/", params={"sort": "killed"}).text
    assert 'class="sort sorted"' in html and "sort=injured" in html


def test_fatalities_range(client) -> None:
    every = items(client)
    some = items(client, min_killed=5)
    assert some and all(killed(i) >= 5 for i in some)
    assert len(some) == sum(1 for i in every if (killed(i) or 0) >= 5)
    few = items(client, max_killed=2)
    assert all((killed(i, "min") or 0) <= 2 for i in few)
    assert len(few) == sum(1 for i in every if (killed(i, "min") or 0) <= 2)


def test_acled_type_filter_matches_the_export_mapping(client) -> None:
    every = items(client)
    for name in ("Battles", "Violence against civilians", "Protests", "Armed clash"):
        chosen = {i["id"] for i in items(client, acled_type=name)}
        expected = {i["id"] for i in every if name in acled_type(i["type"], i["mode"])}
        assert chosen == expected, name
    assert any(items(client, acled_type="violence against civilians"))
    bad = client.get("/api/incidents", params={"acled_type": "Picnics"})
    assert bad.status_code == 422 and "Battles" in bad.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/api/incidents", "/map", "/timeline", "/documents"])
def test_impossible_date_is_refused_in_words(client, path: str) -> None:
    response = client.get(path, params={"since": "2015-13-45"})
    assert response.status_code == 422
    assert "2015-13-45 is not a date" in response.text
    malformed = client.get(path, params={"until": "March"})
    assert malformed.status_code == 422
    if path.startswith("/api"):
        assert malformed.json()["message"].startswith("until: expected a date as YYYY")
    else:
        assert "YYYY-MM-DD" in malformed.text and "^(" not in malformed.text


def test_help_page_and_tooltips(client) -> None:
    page = client.get("/help").text
    for word in ("asserted", "denied", "admin1", "report", "inferred", "reviewed",
                 "Remote explosive/landmine/IED"):
        assert word in page
    listing = client.get("/").text
    assert 'href="/help#status"' in listing
    assert re.search(r'class="status status-\w+" title="[A-Z][^"]+"', listing)
    assert re.search(r'title="place: [A-Z][^"]+"', listing)
    first = items(client)[0]
    assert tuple(first["acled"].values()) == acled_type(first["type"], first["mode"])
    page = client.get(f"/incidents/{first['id']}").text
    assert re.search(r'class="status status-\w+" title="[A-Z][^"]+"', page)


def test_figures_link_to_their_sentences(client) -> None:
    listing = client.get("/").text
    links = re.findall(r'href="(/documents/\d+#ev-\d+)"', listing)
    assert links
    document, anchor = links[0].split("#")
    assert f'id="{anchor}"' in client.get(document).text


def test_document_search_shows_snippets(client) -> None:
    page = client.get("/documents", params={"q": "killed"}).text
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', page, re.S)
    assert snippets and all(re.search(r"<mark>killed</mark>", s, re.I) for s in snippets)


def test_geojson_has_flat_casualties(client) -> None:
    data = client.get("/export", params={"format": "geojson"}).json()
    props = [f["properties"] for f in data["features"]]
    assert all("killed_min" in p and "injured_max" in p for p in props)
    assert any(p["killed_max"] for p in props)
    for p in props:
        assert p["killed_max"] == (p["casualties"]["killed"] or {}).get("max")
        assert isinstance(p["acled_event_type"], str)


def test_document_page_keeps_paragraphs(client) -> None:
    docs = client.get("/api/documents", params={"limit": 500}).json()["items"]
    for doc in docs:
        text = client.get(f"/api/documents/{doc['id']}").json().get("text") or ""
        if "\n" in text.strip():
            break
    else:
        pytest.skip("no multi-paragraph document in the demo")
    page = client.get(f"/documents/{doc['id']}").text
    start = page.index('id="article-text"')
    body = page[start:page.index("</div>", start)]
    breaks = len(re.findall(r"\n+", text.strip()))  # one paragraph break per run of newlines
    assert body.count("\n\n") >= breaks > 0
    assert re.sub(r"<[^>]+>", "", body).count("\n\n\n") == 0
