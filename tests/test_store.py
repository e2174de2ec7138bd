"""The store: idempotent ingest, incident grouping, per-source casualty figures.

Every behavioural test runs on SQLite and, when a server and driver are available, on
PostgreSQL (``WIREWATCH_TEST_PG_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
inside a throw-away schema that is dropped before and after each test.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rich.console import Console

from wirewatch.store import Store, open_store, render_incidents_table, schema
from wirewatch.store.database import database_url

PG_URL = os.environ.get(
    "WIREWATCH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
#: One schema per test process, so parallel runs on one server do not drop each other's.
PG_SCHEMA = f"wirewatch_test_store_{os.getpid()}"


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


#: Approximate coordinates of the places the tests use (distance matters to merging).
COORDS = {"Kandahar": (31.6, 65.7), "Herat": (34.35, 62.2), "Spin Boldak": (31.0, 66.4)}


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
    lat, lon = COORDS.get(place or "", (None, None))
    location = None
    if place or country:
        location = {
            "span": None,
            "name": place or country,
            "geonameid": None,
            "feature": None,
            "country_code": country,
            "admin1": admin1,
            "lat": lat,
            "lon": lon,
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
            record("protest", "A protest.", [event(type_="PROTEST", mode=None)]),
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
        assert first.schema_version() == schema.SCHEMA_VERSION
    with open_store(path) as second:
        assert second.schema_version() == schema.SCHEMA_VERSION
        assert second.add_records(same_attack_reports()).duplicates == 3
        assert second.counts()["documents"] == 3


def test_database_url_forms(tmp_path) -> None:
    assert database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("sqlite://") == "sqlite://"
    assert database_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql://u@h/db"


def test_render_shows_conflicting_range(tmp_path) -> None:
    with open_store(str(tmp_path / "r.db")) as store:
        store.add_records(same_attack_reports())
        console = Console(record=True, width=160, color_system=None)
        render_incidents_table(store.incidents(), console)
    out = console.export_text()
    assert "2024-03-10" in out and "ASSAULT/explosives" in out
    assert "2–3" in out
    assert "Outlet A, Outlet B, Outlet C" in out


def partition(store: Store) -> set[frozenset[tuple[str, str]]]:
    """Incidents as sets of (doc_id, event_id): comparable across databases."""
    return {frozenset((e["doc_id"], e["event_id"]) for e in i["events"]) for i in store.incidents()}


def bridging_reports() -> list[dict[str, Any]]:
    """x and z are two days apart, so they only match through y (a day from each)."""
    return [
        record("x", "Car bomb at the market, first report.", [event(day="2024-03-10")],
               outlet="X"),
        record("z", "Car bomb at the market, second report.", [event(day="2024-03-12")],
               outlet="Z", published="2024-03-12"),
        record("y", "Car bomb at the market, third report.", [event(day="2024-03-11")],
               outlet="Y"),
        record("other", "Herat clash.", [event(place="Herat", admin1="Herat")], outlet="O"),
    ]


def test_an_event_that_bridges_two_incidents_merges_them(store: Store) -> None:
    stats = store.add_records(bridging_reports(), batch_size=1)
    assert stats.incidents_created == 3 and stats.incidents_merged == 1
    groups = sorted(sorted(doc for doc, _ in group) for group in partition(store))
    assert groups == [["other"], ["x", "y", "z"]]
    assert store.counts()["incidents"] == 2  # merged-away incidents are deleted


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 2, 1, 0), (1, 3, 0, 2), (2, 0, 3, 1)])
def test_ingest_order_does_not_change_the_incidents(tmp_path, order: tuple[int, ...]) -> None:
    reports = bridging_reports() + same_attack_reports()
    with open_store(str(tmp_path / "ref.db")) as reference:
        reference.add_records(reports)
        expected = partition(reference)
    shuffled = [reports[i] for i in order] + [reports[i] for i in range(4, len(reports))][::-1]
    with open_store(str(tmp_path / "perm.db")) as permuted:
        for start in range(0, len(shuffled), 2):  # several ingest runs, like a feed
            permuted.add_records(shuffled[start : start + 2], batch_size=1)
        assert partition(permuted) == expected


def test_syndicated_copies_count_as_one_source(store: Store) -> None:
    wire = ("Gunmen opened fire on a wedding party in the village late on Saturday, killing "
            "four guests and wounding nine, the provincial police chief told reporters.")
    store.add_records(
        [
            record("w1", wire, [event(killed=4)], outlet="Paper One"),
            record("w2", wire + " More to follow.", [event(killed=4)], outlet="Paper Two"),
            record("own", "Our reporter in Kandahar counted four dead.", [event(killed=4)],
                   outlet="Paper Three"),
        ]
    )
    [incident] = store.incidents()
    assert len(incident["events"]) == 3
    assert incident["sources"] == ["Paper One", "Paper Three", "Paper Two"]
    assert incident["independent_sources"] == 2


def test_full_text_search(store: Store) -> None:
    store.add_records(same_attack_reports() + [record("d", "A protest in Herat.", [])])
    assert [hit["doc_id"] for hit in store.search("protest")] == ["d"]
    assert {hit["doc_id"] for hit in store.search("bombing")} == {"a", "b", "c"}
    assert store.search("earthquake") == []


def test_actors_are_canonical_across_documents(store: Store) -> None:
    store.add_records(same_attack_reports())
    counts = store.counts()
    assert counts["entities"] == 3 and counts["actors"] == 1
    with store.engine.connect() as conn:
        ids = set(conn.execute(sa.select(schema.entities.c.actor_id)).scalars())
    assert len(ids) == 1 and None not in ids


def test_incident_filters(store: Store) -> None:
    from wirewatch.store.summary import IncidentFilter

    store.add_records(
        same_attack_reports()
        + [record("h", "Herat.", [event(place="Herat", admin1="Herat", day="2024-05-02")]),
           record("p", "Protest.", [event(type_="PROTEST", mode=None, day="2023-01-01",
                                          country="PK", admin1="Sindh", place=None)])]
    )

    def days(**kwargs: Any) -> list[str | None]:
        return [i["time"]["value"] for i in store.incidents(where=IncidentFilter(**kwargs))]

    assert days() == ["2024-05-02", "2024-03-10", "2023-01-01"]
    assert days(since="2024-03-10") == ["2024-05-02", "2024-03-10"]
    assert days(until="2024-03") == ["2024-03-10", "2023-01-01"]
    assert days(country="pk") == ["2023-01-01"]
    assert days(type="protest") == ["2023-01-01"]
    assert days(min_sources=3) == ["2024-03-10"]
    assert days(actor="taliban") == ["2024-05-02", "2024-03-10", "2023-01-01"]
    assert days(actor="nobody") == []


def _v1_metadata() -> sa.MetaData:
    """The version-1 tables: today's minus the columns and tables version 2 added."""
    from wirewatch.store import schema

    old = sa.MetaData()
    for table in schema.metadata.sorted_tables:
        if table.name == "actors":
            continue
        dropped = schema.V2_COLUMNS.get(table.name, ())
        sa.Table(table.name, old, *(c._copy() for c in table.columns if c.name not in dropped))
    return old


def test_migration_from_version_1(tmp_path) -> None:
    path = tmp_path / "v1.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    reports = same_attack_reports()
    with engine.begin() as conn:
        _v1_metadata().create_all(conn)
        conn.execute(sa.text("INSERT INTO schema_version VALUES (1, '2024-01-01')"))
        conn.execute(
            sa.text("INSERT INTO documents (doc_id, text_sha256, text, record_json, ingested_at)"
                    " VALUES ('a', :sha, :text, :record, '2024-01-01')"),
            {"sha": reports[0]["text_sha256"], "text": reports[0]["text"],
             "record": json.dumps({k: v for k, v in reports[0].items() if k != "text"})},
        )
    engine.dispose()
    with open_store(str(path)) as store:
        assert store.schema_version() == schema.SCHEMA_VERSION
        assert [hit["doc_id"] for hit in store.search("bombing")] == ["a"]
        stats = store.add_records(reports)
        assert (stats.added, stats.duplicates) == (2, 1)
        with store.engine.connect() as conn:
            profile = conn.execute(sa.text("SELECT profile_json FROM documents WHERE doc_id='a'"))
            assert "kandahar" in json.loads(profile.scalar())["places"].__repr__()


def test_kill_mid_ingest_then_rerun_loses_and_duplicates_nothing(tmp_path) -> None:
    """A subprocess is killed while ingesting; a rerun stores every document exactly once."""
    db = tmp_path / "crash.db"
    script = tmp_path / "child.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_store import crash_reports\n"
        "from wirewatch.store import open_store\n"
        "def feed():\n"
        "    for n, rec in enumerate(crash_reports()):\n"
        "        print(n, flush=True)\n"
        "        time.sleep(0.05)\n"
        "        yield rec\n"
        f"with open_store({str(db)!r}) as store:\n"
        "    store.add_records(feed(), batch_size=4)\n"
    )
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if int(line) >= 9:  # two batches committed, the third half read
            child.kill()
            break
    child.wait(timeout=30)
    with open_store(str(db)) as store:
        assert store.counts()["documents"] == 8
        store.add_records(crash_reports(), batch_size=4)
        counts = store.counts()
        got = partition(store)
    with open_store(str(tmp_path / "clean.db")) as clean:
        clean.add_records(crash_reports())
        assert counts == clean.counts()
        assert got == partition(clean)


def crash_reports() -> list[dict[str, Any]]:
    """Sixteen reports of four incidents (four reports each)."""
    places = [("Kandahar", "Kandahar"), ("Herat", "Herat"), ("Spin Boldak", "Kandahar")]
    reports = []
    for n in range(16):
        place, admin1 = places[n % 3] if n % 4 else (None, None)
        day = f"2024-0{1 + n % 4}-10"
        reports.append(record(f"doc{n}", f"Report number {n} of incident {n % 4}.",
                              [event(day=day, place=place, admin1=admin1)],
                              outlet=f"Outlet {n}", published=day))
    return reports


def test_datasette_opens_the_database(tmp_path) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    path = tmp_path / "browse.db"
    with open_store(str(path)) as store:
        store.add_records(same_attack_reports())

    async def browse() -> tuple[dict[str, Any], dict[str, Any]]:
        ds = datasette_app.Datasette([str(path)])
        database = (await ds.client.get("/browse.json")).json()
        view = (await ds.client.get("/browse/incident_sources.json?_shape=objects")).json()
        return database, view

    database, view = asyncio.run(browse())
    tables = {t["name"]: t for t in database["tables"]}
    assert {"documents", "events", "incidents", "incident_events", "actors"} <= set(tables)
    outgoing = {fk["other_table"] for fk in tables["incident_events"]["foreign_keys"]["outgoing"]}
    assert outgoing == {"incidents", "events"}
    assert "incident_sources" in {v["name"] for v in database["views"]}
    assert sorted(row["doc_id"] for row in view["rows"]) == ["a", "b", "c"]


@pytest.fixture(scope="module")
def example_records(wirewatch_nlp) -> list[dict[str, Any]]:
    """The bundled sample reports, extracted once (with their texts, as ingest stores them)."""
    from wirewatch.api import extract_records, read_documents

    examples = Path(__file__).resolve().parents[1] / "examples"
    return list(extract_records(read_documents([str(examples)]), include_text=True))


def test_extracted_reports_merge_the_same_in_any_order(tmp_path, example_records) -> None:
    import random

    orders = [example_records, example_records[::-1]]
    shuffled = list(example_records)
    random.Random(7).shuffle(shuffled)
    orders.append(shuffled)
    partitions = []
    for n, records in enumerate(orders):
        with open_store(str(tmp_path / f"order{n}.db")) as store:
            store.add_records(records, batch_size=3)
            partitions.append(partition(store))
    assert partitions[0] == partitions[1] == partitions[2]
    merged = [group for group in partitions[0] if len({doc for doc, _ in group}) >= 3]
    assert any(all("mogadishu" in doc for doc, _ in group) for group in merged)


def _text_with(doc_id: str, text: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """A record whose text cannot be hashed by ``record`` (a lone surrogate)."""
    return {**record(doc_id, doc_id, events), "text": text}


def test_values_no_column_takes_do_not_cost_the_batch(store: Store) -> None:
    """Hostile values reach the store as an extractor may produce them: each document is
    stored, with what its columns cannot hold made storable, and nothing else is lost."""
    reports = [
        record("toll", "Huge toll.", [event(killed=99999999999999999999)]),
        record("int32", "Beyond 32 bits.", [event(day="2024-04-01", killed=3_000_000_000,
                                                  injured=2)]),
        record("year1", "On Monday, long ago.", [event(day=None)], published="0001-01-01"),
        record("year9999", "On Friday, far ahead.", [event(day=None)], published="9999-12-31"),
        record("lastday", "The last day.", [event(day="9999-12-31")], published="9999-12-31"),
        {**record("title", "Lone surrogate title.", [event(day="2024-05-01")]),
         "title": "bad \ud800 title"},
        _text_with("text", "Lone \udc00 surrogate in the text.", [event(day="2024-05-02")]),
        record("nul", "A NUL \x00 in the text.", [event(day="2024-06-01")]),
        record("nan", "NaN confidence.", [{**event(day="2024-07-01"), "confidence": float("nan"),
                                           "location": None}]),
        record("good", "A good report.", [event(place="Herat", admin1="Herat")], outlet="G"),
    ]
    stats = store.add_records(reports, batch_size=20)
    assert (stats.added, stats.errors) == (10, 0)
    assert len(store.incidents()) >= 6
    with store.engine.connect() as conn:
        docs = {row.doc_id: row for row in conn.execute(sa.select(schema.documents))}
        events = conn.execute(sa.select(schema.events)).all()
    assert docs["title"].title == "bad \ufffd title"
    assert docs["text"].text == "Lone \ufffd surrogate in the text."  # same length: offsets hold
    assert docs["nul"].text == "A NUL \ufffd in the text."
    assert str(docs["year1"].published) == "0001-01-01"
    # the column drops a count no integer column holds; the event's JSON keeps what was said
    toll_event = next(row for row in events
                      if row.event_json["casualties"]["killed"] == 99999999999999999999)
    assert toll_event.killed is None
    killed = {row.killed for row in events}
    assert 3_000_000_000 not in killed and 2 in {row.injured for row in events}


def test_a_record_the_database_refuses_becomes_an_error_row(store: Store, monkeypatch) -> None:
    """If a value still reaches the database and is refused, the batch is stored again one
    record at a time: only the record at fault is lost, with the database's reason in one
    line; a rerun records that failure once."""
    from wirewatch.store import records

    monkeypatch.setattr(records, "INT_MAX", 10**30)  # let a 20-digit toll through
    batch = [
        record("ok1", "First good report.", [event(killed=2)], outlet="A"),
        record("toll", "Huge toll.", [event(killed=10**20)], outlet="B"),
        record("ok2", "Second good report.", [event(killed=2)], outlet="C"),
    ]
    stats = store.add_records(batch, batch_size=10)
    assert (stats.records, stats.added, stats.errors) == (3, 2, 1)
    [error] = store.errors()
    assert error["doc_id"] == "toll"
    assert error["error"].startswith("could not be stored: ")
    assert "INSERT" not in error["error"] and "\n" not in error["error"]
    [incident] = store.incidents()
    assert {e["doc_id"] for e in incident["events"]} == {"ok1", "ok2"}

    again = store.add_records(batch, batch_size=10)
    assert (again.added, again.duplicates, again.errors) == (0, 2, 1)
    assert store.counts()["ingest_errors"] == 1


def test_error_records_are_recorded_once_across_reruns(store: Store) -> None:
    failed = [{"id": "bad.html", "error": "binary file"}, {"id": "other", "error": "too long"}]
    store.add_records(failed)
    store.add_records(failed + [{"id": "bad.html", "error": "another reason"}])
    assert sorted((e["doc_id"], e["error"]) for e in store.errors()) == [
        ("bad.html", "another reason"), ("bad.html", "binary file"), ("other", "too long")]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_new_database_is_created_once_by_racing_openers(tmp_path, engine: str) -> None:
    """Processes opening one new database (PostgreSQL: a new schema) at once: each finds or
    makes the whole schema, none fails."""
    if engine == "sqlite":
        target, schema_name = str(tmp_path / "race.db"), None
    else:
        pytest.importorskip("psycopg", reason="PostgreSQL driver psycopg is not installed")
        try:
            _drop_pg_schema()
        except sa.exc.OperationalError as exc:
            pytest.skip(f"no PostgreSQL server reachable at {PG_URL}: {exc.orig}")
        target, schema_name = PG_URL, PG_SCHEMA
    code = (
        "import sys\n"
        "from wirewatch.store import open_store\n"
        "with open_store(sys.argv[1], schema_name=sys.argv[2] or None) as store:\n"
        "    print(store.schema_version(), store.counts()['documents'])\n"
    )
    try:
        children = [subprocess.Popen([sys.executable, "-c", code, target, schema_name or ""],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                    for _ in range(6)]
        outputs = [child.communicate(timeout=120)[0] for child in children]
        assert [child.returncode for child in children] == [0] * 6, outputs
        assert all(out.split() == [str(schema.SCHEMA_VERSION), "0"] for out in outputs), outputs
        with open_store(target, schema_name=schema_name) as store:
            with store.engine.connect() as conn:
                versions = conn.execute(sa.select(schema.schema_version.c.version)).scalars()
                assert versions.all() == [schema.SCHEMA_VERSION]
    finally:
        if engine == "postgresql":
            _drop_pg_schema()
