"""The store: idempotent ingest, incident grouping, per-source casualty figures.

Every behavioural test runs on SQLite and, when a server and driver are available, on
PostgreSQL (``WIREWATCH_TEST_PG_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
inside a throw-away schema that is dropped before and after each test.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from rich.console import Console

from wirewatch.store import Store, open_store, render_incidents_table
from wirewatch.store.database import database_url
from wirewatch.store.incidents import places_agree

PG_URL = os.environ.get(
    "WIREWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_SCHEMA = "wirewatch_test_store"


def _drop_pg_schema() -> None:
    engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    if request.param == "sqlite":
        with open_store(str(tmp_path / "ww.db")) as opened:
            yield opened
        return
    pytest.importorskip("psycopg", reason="PostgreSQL driver psycopg is not installed")
    try:
        _drop_pg_schema()
    except sa.exc.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server reachable at {PG_URL}: {exc.orig}")
    opened = open_store(PG_URL, schema_name=PG_SCHEMA)
    try:
        yield opened
    finally:
        opened.close()
        _drop_pg_schema()


def event(
    eid: str = "v1",
    *,
    type_: str = "ASSAULT",
    mode: str | None = "explosives",
    day: str | None = "2024-03-10",
    precision: str = "day",
    place: str | None = "Kandahar",
    country: str | None = "AF",
    admin1: str | None = "Kandahar",
    killed: int | None = None,
    injured: int | None = None,
    factuality: str = "actual",
) -> dict[str, Any]:
    """A contract-shaped Event with only the fields the store reads filled in meaningfully."""
    location = None
    if place or country:
        location = {
            "span": None,
            "name": place or country,
            "geonameid": None,
            "feature": None,
            "country_code": country,
            "admin1": admin1,
            "lat": 31.6 if place else None,
            "lon": 65.7 if place else None,
            "precision": "city" if place else "country",
        }
    return {
        "id": eid,
        "type": type_,
        "mode": mode,
        "contexts": [],
        "trigger": {"start": 0, "end": 4, "text": "bomb"},
        "evidence": {"start": 0, "end": 20, "text": "A bomb killed people"},
        "factuality": factuality,
        "status": "asserted",
        "sources": [],
        "arguments": [],
        "time": {"value": day, "precision": precision if day else None, "span": None},
        "location": location,
        "casualties": {
            "killed": killed,
            "injured": injured,
            "kidnapped": None,
            "arrested": None,
            "victim_kind": None,
            "spans": [],
        },
        "responsibility": [],
        "confidence": 0.8,
    }


def record(
    doc_id: str,
    text: str,
    events: list[dict[str, Any]],
    *,
    outlet: str | None = None,
    published: str | None = "2024-03-11",
) -> dict[str, Any]:
    return {
        "id": doc_id,
        "title": None,
        "url": None,
        "outlet": outlet,
        "published": published,
        "language": "en",
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "text": text,
        "entities": [
            {
                "id": "e1",
                "name": "Taliban",
                "type": "ORG",
                "kind": "armed_group",
                "country": "AF",
                "parent": None,
                "aliases": [],
                "mentions": [{"start": 0, "end": 7, "text": "Taliban"}],
            }
        ],
        "events": events,
        "quotes": [
            {
                "id": "q1",
                "span": {"start": 0, "end": 5, "text": "words"},
                "direct": True,
                "speaker": "e1",
                "speaker_span": None,
                "cue": "said",
            }
        ],
        "claims": [],
        "locations": [
            {
                "span": {"start": 10, "end": 18, "text": "Kandahar"},
                "name": "Kandahar",
                "geonameid": 1138336,
                "feature": "PPLA",
                "country_code": "AF",
                "admin1": "Kandahar",
                "lat": 31.6,
                "lon": 65.7,
                "precision": "city",
            }
        ],
        "times": [],
    }


def same_attack_reports() -> list[dict[str, Any]]:
    """Three outlets on one bombing, disagreeing on the toll, one dating it a day later."""
    return [
        record("a", "Report A on the bombing.", [event(killed=2, injured=5)], outlet="Outlet A"),
        record(
            "b",
            "Report B on the bombing.",
            [event(killed=3, day="2024-03-11")],
            outlet="Outlet B",
            published="2024-03-12",
        ),
        record("c", "Report C on the bombing.", [event(killed=3, injured=5)], outlet="Outlet C"),
    ]


def test_reingest_same_text_is_skipped_as_duplicate(store: Store) -> None:
    records = same_attack_reports()
    first = store.add_records(records, batch_size=2)
    assert (first.added, first.duplicates, first.errors) == (3, 0, 0)
    before = store.counts()

    again = store.add_records(records + [dict(records[0], id="a-copy")])
    assert (again.added, again.duplicates) == (0, 4)
    assert store.counts() == before

    # The same text twice inside one batch is also stored once.
    twin = record("d", "A fresh text.", [event(day="2024-05-01")])
    within = store.add_records([twin, dict(twin, id="d2")])
    assert (within.added, within.duplicates) == (1, 1)
    assert store.counts()["documents"] == before["documents"] + 1


def test_reports_of_one_attack_merge_with_per_source_figures(store: Store) -> None:
    stats = store.add_records(same_attack_reports())
    assert stats.incidents_created == 1 and stats.incident_events == 3
    [incident] = store.incidents()
    assert incident["type"] == "ASSAULT" and incident["mode"] == "explosives"
    assert incident["independent_sources"] == 3
    assert incident["sources"] == ["Outlet A", "Outlet B", "Outlet C"]
    killed = incident["casualties"]["killed"]
    assert killed["by_source"] == {"Outlet A": 2, "Outlet B": 3, "Outlet C": 3}
    assert (killed["min"], killed["max"]) == (2, 3)
    injured = incident["casualties"]["injured"]
    assert injured["by_source"] == {"Outlet A": 5, "Outlet C": 5}
    assert (injured["min"], injured["max"]) == (5, 5)
    assert incident["conflicting"] is True
    assert incident["time"] == {"value": "2024-03-10", "precision": "day"}
    assert incident["location"]["country_code"] == "AF"
    assert incident["location"]["admin1"] == "Kandahar"
    assert (incident["first_reported"], incident["last_reported"]) == ("2024-03-11", "2024-03-12")
    assert sorted((e["doc_id"], e["event_id"]) for e in incident["events"]) == [
        ("a", "v1"),
        ("b", "v1"),
        ("c", "v1"),
    ]
    counts = store.counts()
    assert counts["incidents"] == 1 and counts["incident_events"] == 3
    assert counts["entities"] == 3 and counts["quotes"] == 3 and counts["locations"] == 3


def test_documents_without_outlet_count_as_their_own_source(store: Store) -> None:
    store.add_records(
        [
            record("x", "Text X.", [event(killed=1)]),
            record("y", "Text Y.", [event(killed=1)]),
            record("z", "Text Z.", [event(killed=1)], outlet="Wire"),
            record("w", "Text W.", [event(killed=4)], outlet="Wire"),
        ]
    )
    [incident] = store.incidents()
    assert incident["independent_sources"] == 3
    assert incident["sources"] == ["Wire"]
    # One outlet reporting twice keeps its highest figure, once.
    assert incident["casualties"]["killed"]["by_source"] == {"x": 1, "y": 1, "Wire": 4}


def test_different_day_or_place_or_type_stays_apart(store: Store) -> None:
    store.add_records(
        [
            record("base", "Base.", [event(killed=1)]),
            record("later", "Two days later.", [event(day="2024-03-12", killed=1)]),
            record(
                "abroad",
                "Same name, other country.",
                [event(country="PK", admin1="Balochistan", killed=1)],
            ),
            record(
                "province",
                "Other province.",
                [event(place="Herat", admin1="Herat", killed=1)],
            ),
            record("fight", "A clash.", [event(type_="FIGHT", mode=None)]),
            record("month", "Month only.", [event(day="2024-03", precision="month")]),
        ]
    )
    incidents = store.incidents()
    assert len(incidents) == 6
    assert all(len(i["events"]) == 1 for i in incidents)


def test_same_place_name_without_admin1_joins(store: Store) -> None:
    store.add_records(
        [
            record("p", "P.", [event(admin1=None)], outlet="P"),
            record("q", "Q.", [event(country=None, admin1=None)], outlet="Q"),
            record("r", "R.", [event(place="Spin Boldak", admin1="Kandahar")], outlet="R"),
        ]
    )
    by_size = sorted(len(i["events"]) for i in store.incidents())
    # p and q share the place name; r (another town, admin1 known only there) stays apart.
    assert by_size == [1, 2]


def test_non_actual_and_non_violent_events_never_become_incidents(store: Store) -> None:
    stats = store.add_records(
        [
            record(
                "threats",
                "Threats and plans.",
                [
                    event("v1", factuality="future", killed=10),
                    event("v2", factuality="hypothetical"),
                    event("v3", factuality="negated"),
                    event("v4", type_="DISAPPROVE", mode=None),
                    event("v5", type_="THREATEN", mode=None),
                ],
            )
        ]
    )
    assert stats.events == 5
    assert stats.incidents_created == 0
    assert store.incidents() == []
    counts = store.counts()
    assert counts["events"] == 5 and counts["incidents"] == 0 and counts["incident_events"] == 0


def test_error_records_do_not_break_a_batch(store: Store) -> None:
    records: list[Any] = [
        record("good1", "Good one.", [event(killed=1)], outlet="A"),
        {"id": "bad.html", "error": "binary file"},
        "not a record",
        {"id": "no-text"},
        record("good2", "Good two.", [event(killed=1)], outlet="B"),
    ]
    stats = store.add_records(records, batch_size=10)
    assert (stats.records, stats.added, stats.errors, stats.duplicates) == (5, 2, 3, 0)
    counts = store.counts()
    assert counts["documents"] == 2 and counts["ingest_errors"] == 3
    errors = store.errors()
    assert [(e["doc_id"], e["error"]) for e in errors[:1]] == [("bad.html", "binary file")]
    assert errors[1]["doc_id"] is None and errors[2]["doc_id"] == "no-text"
    [incident] = store.incidents()
    assert incident["independent_sources"] == 2


def test_incidents_limit_and_order(store: Store) -> None:
    store.add_records(
        [
            record("old", "Old.", [event(day="2023-01-01")]),
            record("new", "New.", [event(day="2024-06-01")]),
            record("undated", "Undated.", [event(day=None)]),
        ]
    )
    dates = [i["time"]["value"] for i in store.incidents()]
    assert dates == ["2024-06-01", "2023-01-01", None]
    assert [i["time"]["value"] for i in store.incidents(limit=1)] == ["2024-06-01"]


def test_reopen_keeps_data_and_schema_version(tmp_path) -> None:
    path = str(tmp_path / "sub" / "ww.db")
    with open_store(path) as first:
        first.add_records(same_attack_reports())
        assert first.schema_version() == 1
    with open_store(path) as second:
        assert second.schema_version() == 1
        assert second.add_records(same_attack_reports()).duplicates == 3
        assert second.counts()["documents"] == 3


def test_database_url_forms(tmp_path) -> None:
    assert database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("sqlite://") == "sqlite://"
    assert database_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql://u@h/db"


def test_places_agree_rules() -> None:
    kandahar = {"country_code": "AF", "admin1": "Kandahar", "location_name": "Kandahar"}
    assert places_agree(kandahar, {"country_code": "AF", "admin1": "kandahar"})
    assert not places_agree(kandahar, {"country_code": "AF", "admin1": "Herat"})
    assert not places_agree(kandahar, {**kandahar, "country_code": "PK"})
    assert places_agree(kandahar, {"location_name": "KANDAHAR"})
    assert not places_agree({"location_name": None}, {"location_name": None})


def test_render_shows_conflicting_range(tmp_path) -> None:
    with open_store(str(tmp_path / "r.db")) as store:
        store.add_records(same_attack_reports())
        console = Console(record=True, width=160, color_system=None)
        render_incidents_table(store.incidents(), console)
    out = console.export_text()
    assert "2024-03-10" in out and "ASSAULT/explosives" in out
    assert "2–3" in out
    assert "Outlet A, Outlet B, Outlet C" in out
