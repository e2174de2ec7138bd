"""The timeline: news events only by default, imprecise dates counted once in their period,
labelled axes, bars that open the list of their incidents."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
pytest.importorskip("httpx", reason="httpx (FastAPI's TestClient) is not installed")

from fastapi.testclient import TestClient  # noqa: E402
from test_store import event, record  # noqa: E402

from wirewatch.serve.app import create_app  # noqa: E402
from wirewatch.store import open_store  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("timeline") / "t.db"
    reports = [
        record("d1", "A bomb in Kandahar on Sunday.", [event(day="2024-03-10")]),
        record("d2", "Fighting near Herat on Monday.",
               [event(type_="FIGHT", mode=None, place="Herat", admin1="Herat",
                      day="2024-03-18")], published="2024-03-19"),
        record("m1", "Attacks in Kabul this month.",
               [event(place="Kabul", admin1="Kabul", day="2024-03", precision="month")],
               published="2024-03-28"),
        record("b1", "The 1979 siege is remembered.",
               [event(place="Kabul", admin1="Kabul", day="1979-11-20")],
               published="2024-03-12"),
    ]
    with open_store(str(path)) as store:
        store.add_records(reports)
    with TestClient(create_app(str(path))) as test_client:
        yield test_client


def test_background_is_left_out_by_default(client) -> None:
    page = client.get("/timeline").text
    assert '<span class="count">3</span>' in page  # two days and one month; not 1979
    assert "1 background incident" in page and "1979" not in page
    toggle = re.search(r'id="background-toggle" href="([^"]+)"', page).group(1)
    both = client.get(toggle.replace("&amp;", "&")).text
    assert '<span class="count">4</span>' in both and "1979" in both


def test_month_is_counted_once_in_its_period(client) -> None:
    page = client.get("/timeline", params={"bucket": "day"}).text
    bars = re.findall(r'<rect class="bar"[^>]*>', page)
    assert len(bars) == 2  # the two days; the month is not put on a day
    bands = re.findall(r'class="band band-month"', page)
    assert len(bands) == 1 and "1 in 2024-03" in page


def test_axes_are_labelled(client) -> None:
    page = client.get("/timeline").text
    assert "incidents per week" in page and "date (weeks, starting Monday)" in page
    assert re.search(r'class="axis">1</text>', page)


def test_bars_open_their_incidents(client) -> None:
    page = client.get("/timeline", params={"bucket": "day"}).text
    links = [h.replace("&amp;", "&") for h in re.findall(r'class="bar-link"', page)]
    hrefs = re.findall(r'<a href="([^"]+)" class="bar-link">', page)
    assert len(hrefs) == len(links) == 2
    for href in hrefs:
        listed = client.get("/api/incidents" + href.replace("&amp;", "&")[1:]).json()
        assert listed["total"] == 1
    band = re.search(r'<a href="([^"]+)" class="band-link">', page).group(1)
    listed = client.get("/api/incidents" + band.replace("&amp;", "&")[1:]).json()
    assert {i["time"]["value"] for i in listed["items"]} >= {"2024-03"}
