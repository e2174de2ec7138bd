"""Review in the desk: sign in, correct, merge, split and reject through the incident page's
forms and the API; the change in the list, the map, the API and the CSV. No reviewer action
gets through without the reviewer role (reader token or session, no token, a forged or
missing CSRF token, a foreign Origin), and hostile values typed into the forms stay text."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx (FastAPI's TestClient) is not installed")

from fastapi.testclient import TestClient  # noqa: E402
from serve_support import XSS_PAYLOADS, demo_db, hostile_db, unsafe_markup  # noqa: E402

from wirewatch.serve.app import create_app  # noqa: E402
from wirewatch.store import open_store  # noqa: E402
from wirewatch.store.accounts import add_user, new_token  # noqa: E402

PASSWORD = "correct horse battery"


def _desk(source: str, tmp_path):
    """A writable copy of a test store with a reviewer and a reader (and their tokens)."""
    path = tmp_path / "desk.db"
    shutil.copy(source, path)
    with open_store(str(path)) as store, store.writing() as conn:
        add_user(conn, "rev", "reviewer", PASSWORD)
        add_user(conn, "rdr", "reader", PASSWORD)
        tokens = {"rev": new_token(conn, "rev"), "rdr": new_token(conn, "rdr")}
    return str(path), tokens


@pytest.fixture
def desk(tmp_path):
    path, tokens = _desk(demo_db(), tmp_path)
    with TestClient(create_app(path)) as client:
        yield client, path, tokens


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    done = client.post("/login", data={"login_token": token, "name": name,
                                       "password": password, "next": "/"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text


def csrf_of(client: TestClient, path: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def reviews(path: str) -> list:
    with open_store(path) as store:
        return store.review_log()


def incident_with(client: TestClient, **where) -> dict:
    items = client.get("/api/incidents", params={"limit": 500}).json()["items"]
    return next(i for i in items if all(i.get(k) == v for k, v in where.items()))


def form_values(client: TestClient, incident_id: int) -> dict[str, str]:
    """The correction form as the page fills it in (what a browser would send)."""
    html = client.get(f"/incidents/{incident_id}").text
    form = html[html.index('id="correct-form"'):]
    form = form[:form.index("</form>")]
    values = dict(re.findall(r'<input name="([^"]+)" id="r-[^"]+" value="([^"]*)"', form))
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    return {k: v.replace("&amp;", "&").replace("&#39;", "'") for k, v in values.items()}


def test_reviewer_corrects_merges_and_sees_it_everywhere(desk):
    client, path, _tokens = desk
    sign_in(client, "rev")
    first, second = client.get("/api/incidents", params={"limit": 2}).json()["items"]
    page = client.get(f"/incidents/{first['id']}").text
    assert 'id="correct-form"' in page and "rev (reviewer)" in page
    values = form_values(client, first["id"])
    assert values["place"] == (first["location"]["name"] or "")
    values.update(csrf=csrf_of(client, f"/incidents/{first['id']}"), action="set",
                  place="Zahle", lat="33.8467", lon="35.902", killed="4", note="per AFP")
    done = client.post(f"/incidents/{first['id']}/review", data=values, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("#review")
    assert sorted(r["field"] for r in reviews(path)) == ["killed", "lat", "lon", "place"]

    page = client.get(f"/incidents/{first['id']}").text
    assert "reviewed: killed, lat, lon, place" in page and "per AFP" in page
    listed = client.get("/").text
    row = re.search(rf'<tr data-incident="{first["id"]}" data-reviewed="([^"]+)"', listed)
    assert row and row.group(1) == "killed lat lon place"
    point = next(p for p in client.get("/map/points.json").json()["points"]
                 if p[0] == first["id"])
    assert "Zahle" in point[-1]
    api = incident_with(client, id=first["id"])
    assert api["location"]["name"] == "Zahle" and api["casualties"]["killed"]["min"] == 4
    assert api["reviewed"] == ["killed", "lat", "lon", "place"]

    second_events = [e["event_pk"] for s in client.get(f"/api/incidents/{second['id']}")
                     .json()["sources"] for e in s["events"]]
    merged = client.post(f"/incidents/{first['id']}/review", follow_redirects=False, data={
        "csrf": csrf_of(client, f"/incidents/{first['id']}"), "action": "merge",
        "other": str(second["id"])})
    keep = min(first["id"], second["id"])
    assert merged.headers["location"] == f"/incidents/{keep}#review"
    ids = {i["id"] for i in client.get("/api/incidents", params={"limit": 500}).json()["items"]}
    assert keep in ids and max(first["id"], second["id"]) not in ids
    rows = list(csv.DictReader(io.StringIO(client.get("/export?format=acled-csv").text)))
    row = next(r for r in rows if r["event_id_cnty"].endswith(str(keep)))
    assert (row["location"], row["fatalities"], row["reviewed"]) == ("Zahle", "4", "True")

    # split the merged-in events out again, then say the rest is not an event
    detail = client.get(f"/api/incidents/{keep}").json()
    held = [e["event_pk"] for s in detail["sources"] for e in s["events"]]
    other_events = second_events if keep == first["id"] else [
        pk for pk in held if pk not in second_events]
    assert other_events and set(other_events) < set(held)
    split = client.post(f"/incidents/{keep}/review", follow_redirects=False, data={
        "csrf": csrf_of(client, f"/incidents/{keep}"), "action": "split",
        "events": " ".join(map(str, other_events))})
    assert split.status_code == 303
    assert len(ids) + 1 == client.get("/api/incidents").json()["total"]
    rejected = client.post(f"/incidents/{keep}/review", follow_redirects=False, data={
        "csrf": csrf_of(client, f"/incidents/{keep}"), "action": "reject"})
    assert rejected.headers["location"] == "/"
    assert client.get(f"/incidents/{keep}").status_code == 404
    assert [r["action"] for r in client.get("/api/reviews").json()["items"]][-3:] == [
        "merge", "split", "reject"]


def test_api_review_with_a_reviewer_token(desk):
    client, path, tokens = desk
    first = client.get("/api/incidents", params={"limit": 1}).json()["items"][0]
    auth = {"Authorization": f"Bearer {tokens['rev']}"}
    made = client.post(f"/api/incidents/{first['id']}/review", headers=auth,
                       json={"set": {"injured": 7, "victims": "a; b"}, "note": "n"})
    assert made.status_code == 200 and len(made.json()["reviews"]) == 2
    bad = client.post(f"/api/incidents/{first['id']}/review", headers=auth,
                      json={"set": {"injured": "lots"}})
    assert bad.status_code == 422 and "whole number" in bad.json()["detail"]
    both = client.post(f"/api/incidents/{first['id']}/review", headers=auth,
                       json={"reject": True, "merge": 2})
    assert both.status_code == 422
    now = incident_with(client, id=first["id"])
    assert now["casualties"]["injured"]["min"] == 7 and now["victims"] == ["a", "b"]
    event_pk = client.get(f"/api/incidents/{first['id']}").json()["sources"][0]["events"][0][
        "event_pk"]
    assert client.post(f"/api/events/{event_pk}/review", headers=auth,
                       json={"set": {"killed": 55}}).status_code == 200
    assert len(reviews(path)) == 3


def test_no_reviewer_action_without_the_reviewer_role(desk):
    client, path, tokens = desk
    target, other = client.get("/api/incidents", params={"limit": 2}).json()["items"]
    before = client.get("/api/incidents", params={"limit": 500}).json()
    forms = [{"action": "set", "killed": "99", "place": "Nowhere", "lat": "1", "lon": "1"},
             {"action": "reject"}, {"action": "merge", "other": str(other["id"])},
             {"action": "split", "events": "1"}]
    url = f"/incidents/{target['id']}/review"
    refused = []

    def attempt(client: TestClient, form: dict, **kwargs) -> None:
        response = client.post(url, data=form, follow_redirects=False, **kwargs)
        refused.append(response.status_code)

    for form in forms:  # signed out: with no token, and with a made-up one
        attempt(client, form)
        attempt(client, {**form, "csrf": "made-up"})
    sign_in(client, "rdr")  # a reader's session, with the reader's own valid CSRF token
    reader_csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    assert 'id="correct-form"' not in client.get(f"/incidents/{target['id']}").text
    for form in forms:
        attempt(client, {**form, "csrf": reader_csrf})
    client.cookies.clear()
    sign_in(client, "rev")  # a reviewer, but the CSRF token is missing, forged or foreign
    good = csrf_of(client, f"/incidents/{target['id']}")
    for form in forms:
        attempt(client, form)
        attempt(client, {**form, "csrf": good[:-1] + ("A" if good[-1] != "A" else "B")})
        attempt(client, {**form, "csrf": reader_csrf})
        attempt(client, {**form, "csrf": good}, headers={"Origin": "https://evil.example"})
        attempt(client, {**form, "csrf": good}, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused and all(code in (401, 403) for code in refused), refused

    api = f"/api/incidents/{target['id']}/review"
    bodies = [{"set": {"killed": 99}}, {"reject": True}, {"merge": other["id"]},
              {"split": [1]}]
    for body in bodies:  # the API: no token, a reader's, a made-up one, only a cookie
        assert client.post(api, json=body).status_code == 401  # the reviewer's cookie is no token
        for header, code in ((f"Bearer {tokens['rdr']}", 403), ("Bearer ww_nope", 401),
                             ("Basic cmV2OnB3", 401), (f"bearer {tokens['rdr']}x", 401)):
            assert client.post(api, json=body, headers={"Authorization": header}
                               ).status_code == code
    assert client.post("/api/events/1/review", json={"reject": True},
                       headers={"Authorization": f"Bearer {tokens['rdr']}"}).status_code == 403
    assert client.post("/logout", data={"csrf": "x"}, follow_redirects=False).status_code == 403

    assert reviews(path) == []
    assert client.get("/api/incidents", params={"limit": 500}).json() == before


def test_login_is_refused_without_its_token_or_with_a_wrong_password(desk):
    client, _path, _tokens = desk
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    wrong = client.post("/login", data={"login_token": token, "name": "rev",
                                        "password": "nope nope"}, follow_redirects=False)
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    client.cookies.clear()
    forged = client.post("/login", data={"login_token": token, "name": "rev",
                                         "password": PASSWORD}, follow_redirects=False)
    assert forged.status_code == 403 and "ww_session" not in forged.headers.get(
        "set-cookie", "")
    away = client.get("/login", params={"next": "//evil.example/x"})
    assert 'name="next" value="/"' in away.text  # never a redirect to another site


def test_hostile_values_typed_into_review_forms_stay_text(tmp_path):
    path, _tokens = _desk(hostile_db(), tmp_path)
    with TestClient(create_app(path)) as client:
        sign_in(client, "rev")
        items = client.get("/api/incidents", params={"limit": 500}).json()["items"]
        shown = []
        for n, item in enumerate(items[:6]):
            payload = XSS_PAYLOADS[n % len(XSS_PAYLOADS)]
            url = f"/incidents/{item['id']}"
            values = form_values(client, item["id"])
            values.update(csrf=csrf_of(client, url), action="set", place=payload,
                          mode=payload, admin1=payload, agents=f"{payload}; x",
                          victims=payload, lat="10", lon="10", note=payload)
            done = client.post(f"{url}/review", data=values, follow_redirects=False)
            assert done.status_code == 303, done.text
            shown.append(item["id"])
            # a value the field refuses is echoed in the error, as text
            bad = client.post(f"{url}/review", data={**values, "killed": payload,
                                                     "csrf": csrf_of(client, url)})
            assert bad.status_code == 422 and "review-error" in bad.text
            assert unsafe_markup(bad.text) == []
            client.post(f"{url}/review", follow_redirects=False, data={
                "csrf": csrf_of(client, url), "action": "merge", "other": payload})
        pages = ["/", "/map", "/timeline", "/login?next=/%22%3E%3Cscript%3Ewindow.__xss=1",
                 *(f"/incidents/{i}" for i in shown)]
        for page in pages:
            html = client.get(page).text
            assert unsafe_markup(html) == [], page
            for payload in XSS_PAYLOADS:
                if "<" in payload:
                    assert payload not in html, (page, payload)
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in client.get(
            f"/incidents/{shown[0]}").text
    assert {r["field"] for r in reviews(path)} >= {"place", "mode", "agents", "victims"}


def test_one_event_marked_not_an_event(desk):
    client, path, _tokens = desk
    sign_in(client, "rev")
    multi = next(i for i in client.get("/api/incidents", params={"limit": 500}).json()["items"]
                 if i["events"] >= 2)
    url = f"/incidents/{multi['id']}"
    page = client.get(url).text
    pks = re.findall(r'name="event" value="([0-9]+)"', page)
    assert len(pks) == multi["events"]
    done = client.post(f"{url}/review", follow_redirects=False, data={
        "csrf": csrf_of(client, url), "action": "reject-event", "event": pks[0]})
    assert done.status_code == 303
    assert incident_with(client, id=multi["id"])["events"] == multi["events"] - 1
    event = client.get("/api/events", params={"limit": 500}).json()["items"]
    rejected = next(e for e in event if str(e["id"]) == pks[0])
    assert rejected["incident_id"] is None and rejected["reviewed"] == {"not_event": True}
    assert [(r["action"], r["target"]) for r in reviews(path)] == [("reject", "event")]
