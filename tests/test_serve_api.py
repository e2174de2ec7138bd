"""The desk's REST API and pages through FastAPI's TestClient, on the bundled examples
(SQLite, and PostgreSQL when a server is reachable)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx (FastAPI's TestClient) is not installed")

import sqlalchemy as sa  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from serve_support import demo_db, demo_records  # noqa: E402

from wirewatch.export.formats import write  # noqa: E402
from wirewatch.export.rows import load_incidents  # noqa: E402
from wirewatch.serve.app import create_app  # noqa: E402
from wirewatch.serve.highlight import Marker  # noqa: E402
from wirewatch.serve.security import CONTENT_SECURITY_POLICY, safe_url  # noqa: E402
from wirewatch.store import open_store  # noqa: E402
from wirewatch.store.summary import IncidentFilter  # noqa: E402

PG_URL = os.environ.get(
    "WIREWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_SCHEMA = "wirewatch_test_serve"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(demo_db())) as test_client:
        yield test_client


def mogadishu(client) -> dict:
    """The car bombing reported by three outlets, one of which gives a higher toll."""
    found = client.get("/api/incidents", params={"country": "SO", "type": "ASSAULT"}).json()
    [incident] = [i for i in found["items"] if len(i["sources"]) == 3]
    return incident


def test_incident_filters_select_what_the_cli_selects(client):
    with open_store(demo_db()) as store:
        for params, where in (
            ({"country": "so"}, IncidentFilter(country="SO")),
            ({"type": "assault"}, IncidentFilter(type="ASSAULT")),
            ({"country": "NG", "type": "ASSAULT"}, IncidentFilter(country="NG", type="ASSAULT")),
            ({"since": "2025-06", "until": "2025-08"}, IncidentFilter(since="2025-06",
                                                                      until="2025-08")),
            ({"min_sources": 2}, IncidentFilter(min_sources=2)),
            ({"actor": "shabaab"}, IncidentFilter(actor="shabaab")),
        ):
            api = client.get("/api/incidents", params={**params, "limit": 500}).json()
            cli = [i["id"] for i in store.incidents(where=where)]
            assert [i["id"] for i in api["items"]] == cli, params
            assert api["total"] == len(cli) > 0, params


def test_list_rows_have_the_columns_the_terminal_lacks(client):
    incident = mogadishu(client)
    assert incident["casualties"]["killed"]["min"] == 7
    assert incident["casualties"]["killed"]["max"] == 11
    assert incident["casualties"]["injured"]["min"] is not None
    assert incident["conflicting"] is True
    assert "al-Shabaab" in incident["agents"]
    assert incident["victims"]
    assert "car bomb" in incident["summary"].lower()
    assert incident["location"]["precision"] == "city"
    assert incident["time"] == {"value": "2025-03-13", "precision": "day"}
    assert incident["status"] in {"asserted", "reported"}
    assert incident["independent_sources"] == 3


def test_pagination_splits_the_same_order(client):
    whole = client.get("/api/incidents", params={"limit": 20}).json()
    first = client.get("/api/incidents", params={"limit": 7}).json()
    second = client.get("/api/incidents", params={"limit": 7, "offset": 7}).json()
    ids = [i["id"] for i in whole["items"]]
    assert [i["id"] for i in first["items"] + second["items"]] == ids[:14]
    assert first["total"] == second["total"] == whole["total"] > 14


def test_facets_count_the_other_filters(client):
    result = client.get("/api/incidents", params={"facets": "true", "country": "NG"}).json()
    facets = result["facets"]
    assert sum(f["count"] for f in facets["type"]) == result["total"]
    # the country facet ignores the country filter, so other countries stay choosable
    assert {f["value"] for f in facets["country"]} > {"NG"}
    assert sum(f["count"] for f in facets["status"]) == result["total"]
    assert facets["min_sources"][0] == {"value": 1, "count": result["total"]}


def test_status_filter_is_the_incidents_most_certain_status(client):
    everything = client.get("/api/incidents", params={"limit": 500}).json()["items"]
    for status in ("asserted", "reported", "claimed"):
        found = client.get("/api/incidents", params={"status": status, "limit": 500}).json()
        expected = [i["id"] for i in everything if i["status"] == status]
        assert [i["id"] for i in found["items"]] == expected


def test_actor_role_tells_perpetrators_from_victims(client):
    named = client.get("/api/incidents", params={"actor": "shabaab"}).json()
    agent = client.get("/api/incidents", params={"actor": "shabaab", "role": "agent"}).json()
    victim = client.get("/api/incidents", params={"actor": "shabaab", "role": "victim"}).json()
    assert mogadishu(client)["id"] in [i["id"] for i in agent["items"]]
    assert victim["total"] == 0
    assert {i["id"] for i in agent["items"]} < {i["id"] for i in named["items"]}


def test_text_query_accepts_what_people_type(client):
    for query in ("al-Shabaab", "Mogadishu", '"unbalanced', "AND OR NOT", "*", "^ )("):
        response = client.get("/api/incidents", params={"q": query})
        assert response.status_code == 200, query
    found = client.get("/api/incidents", params={"q": "al-Shabaab"}).json()
    assert mogadishu(client)["id"] in [i["id"] for i in found["items"]]
    assert client.get("/api/documents", params={"q": "Mogadishu"}).json()["total"] >= 3


def test_bbox_keeps_incidents_inside_the_box(client):
    found = client.get("/api/incidents", params={"bbox": "40,-5,50,10", "limit": 500}).json()
    assert found["total"] >= 1
    for incident in found["items"]:
        assert 40 <= incident["location"]["lon"] <= 50
        assert -5 <= incident["location"]["lat"] <= 10
    assert client.get("/api/incidents", params={"bbox": "1,2,3"}).status_code == 422
    assert client.get("/api/incidents", params={"bbox": "0,50,10,40"}).status_code == 422


def test_incident_shows_every_source_side_by_side(client):
    detail = client.get(f"/api/incidents/{mogadishu(client)['id']}").json()
    assert len(detail["sources"]) == 3
    killed = next(f for f in detail["figures"] if f["kind"] == "killed")
    assert sorted(killed["by_source"]) == [7, 7, 11] and killed["conflicting"]
    groups = {s["group"] for s in detail["sources"]}
    assert len(groups) == detail["independent_sources"]
    assert detail["status_chain"] and all(link["sources"] for link in detail["status_chain"])
    page = client.get(f"/incidents/{detail['id']}").text
    assert "Northern Ledger" in page and "sources disagree" in page


def test_copies_are_not_independent_sources(tmp_path):
    """A syndicated copy (same text, another outlet) joins the original's group."""
    record = next(r for r in demo_records() if r["id"] == "mogadishu_car_bomb_coastline")
    copy = {**record, "id": "copy", "outlet": "Copy Wire", "text": record["text"] + " (AFP)"}
    copy.pop("text_sha256", None)
    with open_store(str(tmp_path / "copies.db")) as store:
        store.add_records([record, copy])
        with TestClient(create_app(store)) as local:
            # The report's own bombing (an earlier attack it recalls may be an incident of
            # its own): the incident with the dead.
            items = local.get("/api/incidents", params={"country": "SO"}).json()["items"]
            [incident] = [i for i in items if i["casualties"]["killed"]["max"]]
            detail = local.get(f"/api/incidents/{incident['id']}").json()
    copied = [s for s in detail["sources"] if s["copy_of"]]
    assert len(copied) == 1 and not copied[0]["independent"]
    assert detail["independent_sources"] == 1


def test_document_values_point_at_their_spans(client):
    docs = client.get("/api/documents", params={"q": "Mogadishu checkpoint"}).json()["items"]
    pk = next(d["id"] for d in docs if d["doc_id"] == "mogadishu_car_bomb_coastline")
    detail = client.get(f"/api/documents/{pk}").json()
    text = detail["text"]
    marks = {m["key"]: m for m in detail["marks"]}
    assert {"ent", "trigger", "evidence", "figure", "quote", "claim"} <= {
        m["kind"] for m in marks.values()}
    event = next(e for e in detail["events"] if e["type"] == "ASSAULT" and e["incident_id"])
    evidence = marks[event["evidence"]["key"]]
    assert text[evidence["start"]:evidence["end"]] == event["evidence"]["text"]
    page = client.get(f"/documents/{pk}").text
    assert 'class="hl hl-evidence' in page
    assert f'<a id="{event["evidence"]["key"]}" class="anchor">' in page


def test_marker_drops_spans_that_do_not_fit_the_text():
    marker = Marker("A car bomb exploded.")
    assert marker.add({"start": 2, "end": 10, "text": "car bomb"}, "arg")
    assert marker.add({"start": 6, "end": 19, "text": "bomb exploded"}, "evidence")
    assert marker.add({"start": 2, "end": 10, "text": "lies"}, "arg") is None
    assert marker.add({"start": -1, "end": 3}, "arg") is None
    assert marker.add({"start": 5, "end": 99}, "arg") is None
    assert marker.add({"start": True, "end": 3}, "arg") is None
    assert marker.add("junk", "arg") is None
    segments = marker.segments()
    assert "".join(s.text for s in segments) == "A car bomb exploded."
    assert [(s.text, s.kinds) for s in segments] == [
        ("A ", []), ("car ", ["arg"]), ("bomb", ["arg", "evidence"]),
        (" exploded", ["evidence"]), (".", [])]


def test_actor_page_separates_attacks_from_threats(client):
    [actor] = client.get("/api/actors", params={"q": "al-shabaab"}).json()["items"]
    detail = client.get(f"/api/actors/{actor['id']}").json()
    assert detail["counts"]["attack"] >= 1
    assert detail["parent"]["name"] == "al-Qaeda" and detail["parent"]["id"]
    assert "Al-Shabaab" in detail["aliases"]
    assert detail["timeline"] and detail["timeline"][0]["month"] == "2025-03"
    threatening = [a for a in client.get("/api/actors", params={"limit": 500}).json()["items"]
                   if client.get(f"/api/actors/{a['id']}").json()["counts"]["threat"]]
    assert threatening, "some actor in the examples makes a threat"
    assert client.get(f"/actors/{actor['id']}").status_code == 200


def test_events_quotes_claims(client):
    events = client.get("/api/events", params={"country": "SO", "limit": 500}).json()
    assert events["total"] >= 3 and all(e["country_code"] == "SO" for e in events["items"])
    quotes = client.get("/api/quotes", params={"speaker": "warsame"}).json()
    assert quotes["total"] >= 1 and quotes["items"][0]["record"]["direct"] is True
    claims = client.get("/api/claims", params={"status": "claimed"}).json()
    assert claims["total"] >= 1 and all(c["status"] == "claimed" for c in claims["items"])


@pytest.mark.parametrize("fmt", ["acled-csv", "geojson", "jsonl"])
def test_export_is_the_clis_file(client, tmp_path, fmt):
    response = client.get("/export", params={"format": fmt, "country": "SO"})
    assert response.status_code == 200
    with open_store(demo_db()) as store:
        write(load_incidents(store, IncidentFilter(country="SO")), fmt, tmp_path / "cli")
    assert response.content == (tmp_path / "cli").read_bytes()
    if fmt == "acled-csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert rows and all(r["iso"] == "706" and r["country"] == "Somalia" for r in rows)
    assert "attachment" in response.headers["content-disposition"]


def test_export_applies_the_desks_own_filters(client):
    status = client.get("/export", params={"format": "jsonl", "status": "claimed"})
    lines = [json.loads(line) for line in status.text.splitlines()]
    listed = client.get("/api/incidents", params={"status": "claimed", "limit": 500}).json()
    assert sorted(i["id"] for i in lines) == sorted(i["id"] for i in listed["items"])
    assert client.get("/export", params={"format": "nope"}).status_code == 422


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/api/incidents", "/static/desk.js", "/no-such-page", "/map/basemap.svg",
                 "/api/incidents?since=bad"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN


def test_pages_load_only_local_assets(client):
    for path in ("/", "/map", "/timeline", "/documents", "/actors"):
        page = client.get(path).text
        assert "//cdn" not in page and "<script>" not in page and " style=" not in page
        assert '<script src="/static/desk.js" defer></script>' in page
    assert client.get("/static/desk.css").status_code == 200
    svg = client.get("/map/basemap.svg").text
    assert svg.count("<path ") > 150  # country outlines from the countryinfo package


def test_map_and_timeline_draw_the_incidents(client, monkeypatch):
    every = client.get("/api/incidents", params={"limit": 500}).json()["items"]
    located = [i for i in every if i["location"]["lat"] is not None]
    placed = [i for i in every if i["location"]["lat"] is not None
              or i["location"]["country_code"]]
    drawn = {p[0] for p in client.get("/map/points.json").json()["points"]}
    assert drawn == {i["id"] for i in placed} and len(located) > 0  # every place is drawn
    monkeypatch.setattr("wirewatch.serve.map_routes.leaflet_available", lambda: False)
    page = client.get("/map").text  # without the npm packages: the static outline map
    assert page.count('class="marker"') == len(located) > 0
    timeline = client.get("/timeline", params={"bucket": "week"}).text
    assert timeline.count('class="bar"') > 0


@pytest.fixture
def writable_db(tmp_path) -> str:
    path = tmp_path / "writable.db"
    shutil.copy(demo_db(), path)
    return str(path)


def test_write_api_needs_the_start_up_token(writable_db):
    doc = {"id": "new-report", "outlet": "Test Wire", "published": "2025-04-02",
           "text": "Gunmen killed four villagers in Kidal on Tuesday, officials said."}
    with TestClient(create_app(writable_db)) as read_only:
        assert read_only.post("/api/documents", json=[doc]).status_code == 403
    with TestClient(create_app(writable_db, write_token="s3cret")) as desk:
        assert desk.post("/api/documents", json=[doc]).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert desk.post("/api/documents", json=[doc], headers=wrong).status_code == 401
        good = {"Authorization": "Bearer s3cret"}
        result = desk.post("/api/documents", json=[doc, {"id": "empty", "text": ""}],
                           headers=good).json()
        assert result["added"] == 1 and result["events"] >= 1
        assert [f["id"] for f in result["failed"]] == ["empty"]
        found = desk.get("/api/documents", params={"q": "Kidal"}).json()
        assert [d["doc_id"] for d in found["items"]] == ["new-report"]


def test_safe_url_allows_only_http_links():
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("http://example.org") == "http://example.org"
    for bad in ("javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:alert(1)",
                "data:text/html,x", "//example.org", "/local", "https://", None, 42,
                'https://x.org/" onmouseover="x', "https://x.org/\nscript", "vbscript:x"):
        assert safe_url(bad) is None, bad


def test_cli_registers_serve():
    from typer.testing import CliRunner

    from wirewatch.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--write-token" in result.output


def test_postgresql_store_serves_the_same_incidents(client):
    pytest.importorskip("psycopg", reason="PostgreSQL driver psycopg is not installed")
    engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server reachable at {PG_URL}: {exc.orig}")
    finally:
        engine.dispose()
    store = open_store(PG_URL, schema_name=PG_SCHEMA)
    try:
        store.add_records(demo_records())
        with TestClient(create_app(store)) as pg:
            for params in ({}, {"country": "SO"}, {"status": "claimed"}, {"q": "al-Shabaab"},
                           {"actor": "shabaab", "role": "agent"}, {"facets": "true"}):
                ours = pg.get("/api/incidents", params={**params, "limit": 500}).json()
                sqlite = client.get("/api/incidents", params={**params, "limit": 500}).json()
                assert ours["total"] == sqlite["total"], params
                assert ([i["summary"] for i in ours["items"]]
                        == [i["summary"] for i in sqlite["items"]]), params
            incident = mogadishu(pg)
            assert pg.get(f"/incidents/{incident['id']}").status_code == 200
            for path in ("/", "/map", "/timeline", "/documents", "/actors"):
                assert pg.get(path).status_code == 200, path
            assert pg.get("/export", params={"format": "geojson"}).status_code == 200
    finally:
        store.close()
        engine = sa.create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
        engine.dispose()


def test_missing_database_file_is_refused(tmp_path):
    from typer.testing import CliRunner

    from wirewatch.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert not Path(tmp_path / "none.db").exists()


def test_digest_agrees_with_sql_and_follows_the_store(writable_db):
    from wirewatch.serve.digest import DigestCache
    from wirewatch.serve.filters import Filters
    from wirewatch.serve.incident_list import incident_page

    cache = DigestCache()
    with open_store(writable_db) as store:
        for f in (Filters(), Filters(country="NG"), Filters(status="claimed"),
                  Filters(status="reported", type="ASSAULT"),
                  Filters(actor="shabaab", role="agent")):
            fast = incident_page(store, f, limit=500, with_facets=True, cache=cache)
            slow = incident_page(store, f, limit=500, with_facets=True)
            assert [i["id"] for i in fast.items] == [i["id"] for i in slow.items], f
            assert fast.facets == slow.facets, f
        with store.engine.connect() as conn:
            before = cache.get(conn)
        record = next(r for r in demo_records() if r["id"] == "mogadishu_car_bomb_coastline")
        moved = {**record, "id": "later", "text": record["text"] + " Later report."}
        moved.pop("text_sha256", None)
        for event in moved["events"]:
            if event.get("time"):
                event["time"] = {**event["time"], "value": "2030-01-01"}
        store.add_records([moved])
        with store.engine.connect() as conn:
            after = cache.get(conn)
        assert after is not before and after.fingerprint != before.fingerprint
        assert len(after.ranks) > len(before.ranks)
