"""Reviewers' corrections (``wirewatch.store.reviews``, ``wirewatch review``): the CLI flow on
SQLite and PostgreSQL, reviewed values winning everywhere and surviving re-ingest of the same
and of new reports, re-extraction, merges and splits; accounts and the training export."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from test_store import PG_URL, event, record
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.store import open_store, schema
from wirewatch.store.accounts import (
    AccountError,
    add_user,
    hash_password,
    login,
    new_token,
    user_for,
    verify_password,
)
from wirewatch.store.reviews import ReviewError, parse_value

runner = CliRunner()
PG_SCHEMA = f"wirewatch_test_review_{os.getpid()}"


def _pg(statement: str) -> None:
    engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A database the CLI can open by ``--db``: a SQLite file, or a PostgreSQL URL whose
    search_path is a schema of this test's own."""
    if request.param == "sqlite":
        yield str(tmp_path / "review.db")
        return
    pytest.importorskip("psycopg", reason="PostgreSQL driver psycopg is not installed")
    try:
        _pg(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE')
    except sa.exc.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server reachable at {PG_URL}: {exc.orig}")
    _pg(f'CREATE SCHEMA "{PG_SCHEMA}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}"
    finally:
        _pg(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE')


def bombing(doc: str, killed: int, outlet: str, day: str = "2024-03-10",
            place: str = "Kandahar", text: str | None = None) -> dict[str, Any]:
    return record(doc, text or f"Report {doc} on the bombing in {place}.",
                  [event(killed=killed, day=day, place=place)], outlet=outlet)


def reports() -> list[dict[str, Any]]:
    """Two reports of a Kandahar bombing (one incident) and one of a Herat raid."""
    return [
        bombing("a", 2, "Outlet A"),
        bombing("b", 3, "Outlet B"),
        record("h", "Report h on the arrests in Herat.",
               [event(type_="COERCE", mode="arrest", day="2024-05-02", place="Herat",
                      admin1="Herat")], outlet="Outlet H"),
    ]


def cli(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def incidents_json(db: str) -> list[dict[str, Any]]:
    out = cli("incidents", "--db", db, "--json").stdout
    return [json.loads(line) for line in out.splitlines()]


def by_place(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(i for i in items if i["location"]["name"] == name)


def test_cli_review_flow(db: str, tmp_path) -> None:
    with open_store(db) as store:
        store.add_records(reports())
    found = incidents_json(db)
    assert len(found) == 2
    bomb, raid = by_place(found, "Kandahar"), by_place(found, "Herat")
    assert bomb["casualties"]["killed"]["min"] == 2 and bomb["conflicting"]
    assert bomb["reviewed"] == [] and raid["reviewed"] == []

    cli("review", "set", "--db", db, str(bomb["id"]), "place=Spin Boldak", "killed=4",
        "lat=31.0", "lon=66.4", "--by", "ana", "--note", "per the governor")
    now = incidents_json(db)
    bomb_now = next(i for i in now if i["id"] == bomb["id"])
    assert bomb_now["location"]["name"] == "Spin Boldak"
    assert (bomb_now["location"]["lat"], bomb_now["location"]["lon"]) == (31.0, 66.4)
    killed = bomb_now["casualties"]["killed"]
    assert (killed["min"], killed["max"], killed["reviewed"]) == (4, 4, True)
    assert killed["by_source"] == {"Outlet A": 2, "Outlet B": 3}  # sources' own figures kept
    assert not bomb_now["conflicting"]
    assert bomb_now["reviewed"] == ["killed", "lat", "lon", "place"]

    # a wrong value is refused in words, and nothing is recorded
    bad = runner.invoke(app, ["review", "set", "--db", db, str(bomb["id"]), "killed=many",
                              "--by", "ana"])
    assert bad.exit_code == 1 and "whole number" in bad.output

    cli("review", "set", "--db", db, str(raid["id"]), "date=2024-05", "agents=police; army",
        "--by", "ben")
    cli("review", "merge", "--db", db, str(bomb["id"]), str(raid["id"]), "--by", "ana")
    merged = incidents_json(db)
    assert len(merged) == 1
    one = merged[0]
    assert one["id"] == min(bomb["id"], raid["id"]) and len(one["events"]) == 3
    assert one["location"]["name"] == "Spin Boldak"  # corrections of both halves hold
    assert one["agents"] == ["police", "army"] and one["time"]["value"] == "2024-05"
    assert one["time"]["precision"] == "month"

    log = [json.loads(line) for line in cli("review", "log", "--db", db, "--json"
                                            ).stdout.splitlines()]
    assert [(r["action"], r["field"]) for r in log] == [
        ("set", "place"), ("set", "killed"), ("set", "lat"), ("set", "lon"),
        ("set", "date"), ("set", "agents"), ("merge", "incident")]
    assert log[0]["reviewer"] == "ana" and log[0]["old"] == "Kandahar"
    assert log[0]["new"] == "Spin Boldak" and log[0]["note"] == "per the governor"
    assert log[1]["old"] == "2-3" and log[1]["new"] == 4
    text = cli("review", "log", "--db", db).stdout
    assert "place: Kandahar -> Spin Boldak" in text

    # every export carries the reviewed values and the flag
    out = tmp_path / "acled.csv"
    cli("export", "--db", db, "--format", "acled-csv", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert [(r["location"], r["fatalities"], r["reviewed"]) for r in rows] == [
        ("Spin Boldak", "4", "True")]
    geo = tmp_path / "out.geojson"
    cli("export", "--db", db, "--format", "geojson", "-o", str(geo))
    feature = json.loads(geo.read_text("utf-8"))["features"][0]
    assert feature["geometry"]["coordinates"] == [66.4, 31.0]
    assert feature["properties"]["reviewed"] is True and feature["properties"]["actors"] == [
        "police", "army"]
    table = cli("incidents", "--db", db, "--csv").stdout
    assert "Spin Boldak" in table and "agents; date; killed" in table

    # split the Herat report out again, then reject it: it leaves the incidents for good
    with open_store(db) as store:
        herat_event = next(e for e in store.review_log()[-1]["anchors"]["b"])
        with store.engine.connect() as conn:
            pk = conn.execute(sa.select(schema.events.c.id).join(schema.documents).where(
                schema.documents.c.text_sha256 == herat_event["doc"])).scalar()
    cli("review", "split", "--db", db, str(one["id"]), str(pk), "--by", "ana")
    parts = incidents_json(db)
    assert len(parts) == 2
    herat = next(i for i in parts if len(i["events"]) == 1)
    cli("review", "reject", "--db", db, str(herat["id"]), "--by", "ana", "--note", "no raid")
    left = incidents_json(db)
    assert [len(i["events"]) for i in left] == [2]
    assert left[0]["location"]["name"] == "Spin Boldak"


def test_unknown_targets_and_fields_are_refused(tmp_path) -> None:
    db = str(tmp_path / "r.db")
    with open_store(db) as store:
        store.add_records(reports())
        with pytest.raises(ReviewError, match="no such incident"):
            store.review_set("incident", 999, [("killed", "1")], "ana")
        with pytest.raises(ReviewError, match="unknown field"):
            store.review_set("incident", 1, [("colour", "red")], "ana")
        with pytest.raises(ReviewError, match="reviewer"):
            store.review_set("incident", 1, [("killed", "1")], "  ")
        with pytest.raises(ReviewError, match="itself"):
            store.review_merge(1, 1, "ana")
        assert store.review_log() == []
    for field, raw in (("date", "2015-13-45"), ("lat", "91"), ("lon", "nan"),
                       ("country", "USA"), ("status", "probable"), ("type", "PICNIC"),
                       ("killed", "-1"), ("precision", "century")):
        with pytest.raises(ReviewError):
            parse_value(field, raw)
    assert parse_value("date", "2024-02-29") == "2024-02-29"
    assert parse_value("type", "assault") == "ASSAULT"
    assert parse_value("killed", "") is None
    assert parse_value("victims", " a ;; b ") == ["a", "b"]


def test_reviewed_values_survive_reingest_of_same_and_new_reports(tmp_path) -> None:
    db = str(tmp_path / "r.db")
    with open_store(db) as store:
        store.add_records(reports())
        bomb = by_place(store.incidents(), "Kandahar")
        store.review_set("incident", bomb["id"], [("killed", "5"), ("status", "alleged"),
                                                  ("mode", "suicide")], "ana")
    with open_store(db) as store:  # a new process: the same reports, then new ones
        again = store.add_records(reports())
        assert again.duplicates == 3
        stats = store.add_records([bombing("c", 9, "Outlet C"), bombing("d", 1, "Outlet D")],
                                  batch_size=1)
        assert stats.incident_events == 2 and stats.incidents_created == 0
        now = by_place(store.incidents(), "Kandahar")
    assert len(now["events"]) == 4
    killed = now["casualties"]["killed"]
    assert (killed["min"], killed["max"]) == (5, 5)
    assert killed["by_source"]["Outlet C"] == 9
    assert now["status"] == "alleged" and now["mode"] == "suicide"
    assert {e["status"] for e in now["events"]} == {"alleged"}  # new members too


def test_merge_split_and_reject_survive_new_reports(tmp_path) -> None:
    db = str(tmp_path / "r.db")
    with open_store(db) as store:
        store.add_records(reports())
        bomb = by_place(store.incidents(), "Kandahar")
        raid = by_place(store.incidents(), "Herat")
        store.review_merge(bomb["id"], raid["id"], "ana")
        store.add_records([record("h2", "Report h2 on the arrests in Herat.",
                                  [event(type_="COERCE", mode="arrest", day="2024-05-02",
                                         place="Herat", admin1="Herat")], outlet="Outlet H2")])
        found = store.incidents()
        assert len(found) == 1 and len(found[0]["events"]) == 4

        # split the two bombing reports from the rest; a new bombing report stays with them
        with store.engine.connect() as conn:
            pks = list(conn.execute(sa.select(schema.events.c.id).join(schema.documents)
                                    .where(schema.documents.c.doc_id.in_(["a", "b"])))
                       .scalars())
        store.review_split(found[0]["id"], pks, "ana")
        store.add_records([bombing("c", 4, "Outlet C")])
        sizes = sorted(len(i["events"]) for i in store.incidents())
        assert sizes == [2, 3]

        herat = next(i for i in store.incidents() if len(i["events"]) == 2)
        store.review_reject("incident", herat["id"], "ana")
        store.add_records([record("h3", "Report h3 on the arrests in Herat.",
                                  [event(type_="COERCE", mode="arrest", day="2024-05-02",
                                         place="Herat", admin1="Herat")], outlet="Outlet H3")])
        left = store.incidents()
    assert sorted(len(i["events"]) for i in left) == [1, 3]  # the new Herat report alone


def test_reviews_survive_reextraction(tmp_path) -> None:
    """A new model renumbers events and moves trigger spans a little: corrections follow
    the same words, in the same database and in a new one built after importing the log."""
    db = str(tmp_path / "r.db")
    with open_store(db) as store:
        store.add_records(reports())
        bomb = by_place(store.incidents(), "Kandahar")
        store.review_set("incident", bomb["id"], [("place", "Spin Boldak"),
                                                  ("killed", "6")], "ana")
        log = store.review_log()
    reextracted = copy.deepcopy(reports())
    for rec in reextracted:
        for ev in rec["events"]:
            ev["id"] = "x" + ev["id"]
            ev["trigger"] = {"start": 1, "end": 5, "text": "omb "}  # overlaps 0-4
    with open_store(db) as store:  # same database: the old extraction is replaced
        with store.writing() as conn:
            conn.execute(sa.delete(schema.documents))
            conn.execute(sa.delete(schema.incidents))
        store.add_records(reextracted)
        again = by_place(store.incidents(), "Spin Boldak")
    assert again["casualties"]["killed"]["min"] == 6 and len(again["events"]) == 2

    fresh = tmp_path / "fresh.db"
    log_file = tmp_path / "log.jsonl"
    log_file.write_text("".join(json.dumps(r, default=str) + "\n" for r in log), "utf-8")
    with open_store(str(fresh)):
        pass
    cli("review", "import", "--db", str(fresh), str(log_file))
    cli("review", "import", "--db", str(fresh), str(log_file))  # twice: nothing doubles
    with open_store(str(fresh)) as store:
        assert len(store.review_log()) == len(log)
        store.add_records(reextracted)
        new = by_place(store.incidents(), "Spin Boldak")
    assert new["casualties"]["killed"]["min"] == 6


def test_event_level_review_and_training_export(tmp_path) -> None:
    db = str(tmp_path / "r.db")
    with open_store(db) as store:
        store.add_records(reports())
        with store.engine.connect() as conn:
            a_pk = conn.execute(sa.select(schema.events.c.id).join(schema.documents)
                                .where(schema.documents.c.doc_id == "a")).scalar()
            h_pk = conn.execute(sa.select(schema.events.c.id).join(schema.documents)
                                .where(schema.documents.c.doc_id == "h")).scalar()
        store.review_set("event", a_pk, [("killed", "3")], "ana")
        bomb = by_place(store.incidents(), "Kandahar")
        assert bomb["casualties"]["killed"]["by_source"]["Outlet A"] == 3
        assert not bomb["conflicting"]  # both sources now say 3
        # a type that is no incident type takes the event out of the incidents
        store.review_set("event", h_pk, [("type", "THREATEN")], "ana")
        assert len(store.incidents()) == 1
    out = tmp_path / "train.jsonl"
    cli("review", "export", "--db", db, "-o", str(out))
    examples = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    events = {e["doc_id"]: e for e in examples if e["kind"] == "event"}
    assert events["a"]["machine"]["killed"] == 2 and events["a"]["reviewed"] == {"killed": 3}
    assert events["a"]["text"].startswith("Report a") and events["a"]["is_event"]
    assert events["h"]["reviewed"]["type"] == "THREATEN"

    from wirewatch.train.events import review_source  # what `make train REVIEWS=...` reads

    name, rows, label = review_source(out)
    assert name.startswith("reviews-") and sorted(r["id"] for r in rows) == ["a", "h"]
    row_a, row_h = sorted(rows, key=lambda r: r["id"])
    assert label(row_a, {"trigger": {"start": 1, "end": 3}}) == 1  # still an ASSAULT
    assert label(row_h, {"trigger": {"start": 0, "end": 4}}) == 0  # no longer one it judges
    assert label(row_a, {"trigger": {"start": 10, "end": 14}}) is None  # not reviewed


def test_migration_from_schema_3_adds_the_review_tables(tmp_path) -> None:
    path = tmp_path / "old.db"
    with open_store(str(path)) as store:
        store.add_records(reports())
        with store.writing() as conn:
            for table in ("tokens", "users", "reviews"):
                conn.exec_driver_sql(f"DROP TABLE {table}")
            conn.exec_driver_sql("ALTER TABLE events DROP COLUMN reviewed_json")
            conn.exec_driver_sql("ALTER TABLE incidents DROP COLUMN reviewed_json")
            conn.execute(sa.update(schema.schema_version).values(version=3))
    with open_store(str(path)) as store:
        assert store.schema_version() == schema.SCHEMA_VERSION == 4
        bomb = by_place(store.incidents(), "Kandahar")
        store.review_set("incident", bomb["id"], [("killed", "1")], "ana")
        assert by_place(store.incidents(), "Kandahar")["reviewed"] == ["killed"]


def test_accounts_passwords_tokens_and_sessions(tmp_path) -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$") and "correct" not in stored
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)
    assert not verify_password("x", "garbage")
    with open_store(str(tmp_path / "a.db")) as store, store.writing() as conn:
        add_user(conn, "ana", "reviewer", "correct horse")
        with pytest.raises(AccountError):
            add_user(conn, "bad name", "reviewer")
        with pytest.raises(AccountError):
            add_user(conn, "ben", "owner")
        with pytest.raises(AccountError):
            add_user(conn, "ben", "reader", "short")
        token = new_token(conn, "ana")
        found = user_for(conn, token, "api")
        assert found is not None and found[0].name == "ana" and found[0].can("reviewer")
        assert not found[0].can("admin")
        assert user_for(conn, token, "session") is None  # a token is not a session
        assert user_for(conn, token + "x", "api") is None
        assert conn.execute(sa.select(schema.tokens.c.token_sha256)).scalar() != token
        assert login(conn, "ana", "wrong password") is None
        assert login(conn, "nobody", "correct horse") is None
        session = login(conn, "ana", "correct horse")
        assert session is not None
        found = user_for(conn, session[0], "session")
        assert found is not None and found[1] == session[1]


def test_users_cli(tmp_path) -> None:
    db = str(tmp_path / "u.db")
    with open_store(db):
        pass
    made = runner.invoke(app, ["users", "add", "ana", "--role", "reviewer", "--db", db,
                               "--password-stdin", "--token"], input="correct horse\n")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("ww_")
    listed = cli("users", "list", "--db", db).stdout
    assert "ana\treviewer\tpassword\t1 tokens" in listed
    refused = runner.invoke(app, ["users", "add", "ben", "--role", "boss", "--db", db])
    assert refused.exit_code == 1 and "role" in refused.output


def test_a_corrected_place_gets_the_gazetteers_coordinates(tmp_path) -> None:
    with open_store(str(tmp_path / "g.db")) as store:
        store.add_records(reports())
        bomb = by_place(store.incidents(), "Kandahar")
        made = store.review_set("incident", bomb["id"], [("place", "Lashkar Gah")], "ana",
                                geocode=True)
        place = by_place(store.incidents(), "Lashkar Gah")["location"]
        fields = {r["field"] for r in store.review_log()}
    assert len(made) == len(fields) and {"place", "lat", "lon"} <= fields
    assert place["country_code"] == "AF" and 31 < place["lat"] < 32 and 64 < place["lon"] < 65
