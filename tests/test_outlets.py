"""Outlets are normalised before sources are counted: one outlet is one source."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_store import event, record

from wirewatch.knowledge.outlets import country_domain, outlet_key
from wirewatch.store import open_store


def test_spellings_of_one_outlet_share_a_key() -> None:
    same = ["www.chron.com", "www.chron.com:80", "http://www.chron.com:80/news/x",
            "CHRON.COM", "Houston Chronicle", "https://m.chron.com", "www.chron.com."]
    assert {outlet_key(o) for o in same} == {"chron.com"}
    assert outlet_key("BBC News") == outlet_key("news.bbc.co.uk") == "bbc.com"
    assert outlet_key("Dawn") == "dawn" != outlet_key("dawn.com")  # unknown names stay apart
    assert outlet_key("  ") is None and outlet_key(None) is None
    assert country_domain("dawn.com.pk") == "PK" and country_domain("bbc.com") is None


def test_one_outlet_under_two_spellings_is_one_independent_source(tmp_path: Path) -> None:
    reports = [
        record("a", "Report A on the bombing.", [event(killed=2)], outlet="www.chron.com"),
        record("b", "Report B on the bombing.", [event(killed=3)], outlet="www.chron.com:80"),
        record("c", "Report C on the bombing.", [event(killed=3)], outlet="Outlet C"),
    ]
    with open_store(str(tmp_path / "w.db")) as store:
        store.add_records(reports)
        [incident] = store.incidents()
    assert incident["independent_sources"] == 2
    assert incident["sources"] == ["Outlet C", "www.chron.com"]
    # one outlet reporting twice counts once, with its highest figure
    assert incident["casualties"]["killed"]["by_source"] == {"www.chron.com": 3, "Outlet C": 3}


def test_incident_page_groups_one_outlet_under_two_spellings(tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    from wirewatch.serve.incident_detail import incident_detail

    reports = [
        record("a", "Report A on the bombing.", [event(killed=2)], outlet="www.chron.com"),
        record("b", "Report B on the bombing.", [event(killed=3)], outlet="http://chron.com:80"),
    ]
    with open_store(str(tmp_path / "w.db")) as store:
        store.add_records(reports)
        [incident] = store.incidents()
        detail = incident_detail(store, incident["id"])
    assert detail is not None
    assert [s["independent"] for s in detail["sources"]] == [True, False]
    assert {s["source_key"] for s in detail["sources"]} == {"www.chron.com"}
