"""`wirewatch export`: every format validates with its own library and agrees with the store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from test_store import event, record, same_attack_reports
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.export.formats import ACLED_COLUMNS, EXTRA_COLUMNS
from wirewatch.export.rows import acled_type
from wirewatch.store import open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "w.db"
    reports = same_attack_reports()
    for report in reports:  # the Taliban (entity e1) carried out the bombing
        report["events"][0]["arguments"] = [
            {"role": "agent", "entity": "e1", "span": {"start": 0, "end": 7, "text": "Taliban"}}
        ]
    reports.append(record("p", "A protest in Herat.", [
        event(type_="PROTEST", mode="demonstrate", place="Herat", admin1="Herat",
              day="2024-04", precision="month")], outlet="Herat Daily"))
    with open_store(str(path)) as store:
        store.add_records(reports)
    return path


def export(db: Path, fmt: str, out: Path) -> Path:
    result = runner.invoke(app, ["export", "--db", str(db), "--format", fmt, "-o", str(out),
                                 "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def bombing(rows: list[dict[str, Any]], key: str = "event_date") -> dict[str, Any]:
    [row] = [r for r in rows if r[key] == "2024-03-10"]
    return row


def test_acled_csv_columns_types_and_precision(db: Path, tmp_path: Path) -> None:
    with export(db, "acled-csv", tmp_path / "a.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == (*ACLED_COLUMNS, *EXTRA_COLUMNS)
        rows = list(reader)
    row = bombing(rows)
    assert (row["event_type"], row["sub_event_type"]) == (
        "Explosions/Remote violence", "Remote explosive/landmine/IED")
    assert row["actor1"] == "Taliban" and row["iso"] == "4" and row["location"] == "Kandahar"
    assert (row["country"], row["region"], row["event_id_cnty"]) == (
        "Afghanistan", "South Asia", f"AF{row['event_id_cnty'][2:]}")
    assert row["disorder_type"] == "Political violence"
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("2", "0", "20")  # rebels alone
    assert row["timestamp"].isdigit() and int(row["timestamp"]) > 1_600_000_000
    assert row["fatalities"] == "2"  # the lowest toll any source gives
    assert row["reviewed"] == "False"  # no reviewer touched it
    assert (row["geo_precision"], row["time_precision"]) == ("1", "1")  # city, day
    assert row["source"] == "Outlet A; Outlet B; Outlet C"
    assert "killed: 2 per Outlet A, 3 per Outlet B, 3 per Outlet C" in row["notes"]
    [protest] = [r for r in rows if r["event_type"] == "Protests"]
    assert protest["time_precision"] == "3" and protest["sub_event_type"] == "Peaceful protest"
    assert protest["event_date"] == "2024-04-01" and protest["year"] == "2024"  # month: 1st
    assert protest["disorder_type"] == "Demonstrations" and protest["inter1"] == "6"
    assert "crowd size=no report" in protest["tags"]


def test_acled_type_mapping_falls_back_to_the_type_default() -> None:
    assert acled_type("FIGHT", None) == ("Battles", "Armed clash")
    assert acled_type("ASSAULT", "no-such-mode") == ("Violence against civilians", "Attack")
    assert acled_type("PROTEST", "riot") == ("Riots", "Violent demonstration")


def test_geojson_feature_collection(db: Path, tmp_path: Path) -> None:
    data = json.loads(export(db, "geojson", tmp_path / "a.geojson").read_text())
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    feature = next(f for f in data["features"] if f["properties"]["date"] == "2024-03-10")
    assert feature["geometry"] == {"type": "Point", "coordinates": [65.7, 31.6]}
    props = feature["properties"]
    assert props["independent_sources"] == 3 and props["conflicting"] is True
    assert props["casualties"]["killed"]["by_source"]["Outlet A"] == 2


def test_stix_bundle_parses_back_with_stix2(db: Path, tmp_path: Path) -> None:
    stix2 = pytest.importorskip("stix2")
    text = export(db, "stix", tmp_path / "a.json").read_text()
    parsed = stix2.parse(text, allow_custom=True)
    by_type: dict[str, list[Any]] = {}
    for obj in parsed.objects:
        by_type.setdefault(obj["type"], []).append(obj)
    assert len(by_type["x-wirewatch-incident"]) == 2
    assert len(by_type["report"]) == 4
    assert [a["name"] for a in by_type["threat-actor"]] == ["Taliban"]
    outlets = {i["name"] for i in by_type["identity"]}
    assert {"Outlet A", "Outlet B", "Outlet C", "Herat Daily"} <= outlets
    [note] = by_type["note"]
    assert "2 per Outlet A" in note["content"]
    rels = {r["relationship_type"] for r in by_type["relationship"]}
    assert rels == {"located-at", "attributed-to"}
    incident = next(i for i in by_type["x-wirewatch-incident"] if i["incident_type"] == "ASSAULT")
    assert incident["acled_geo_precision"] == 1 and incident["gtd_specificity"] == 1
    ids = {obj["id"] for obj in parsed.objects}
    for obj in parsed.objects:  # every reference resolves inside the bundle
        for ref in obj.get("object_refs", []):
            assert ref in ids
    again = json.loads(export(db, "stix", tmp_path / "b.json").read_text())
    assert {o["id"] for o in again["objects"]} == {o["id"] for o in json.loads(text)["objects"]}


def test_parquet_reads_back(db: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(export(db, "parquet", tmp_path / "a.parquet"))
    rows = table.to_pylist()
    assert len(rows) == 2
    row = bombing(rows)
    assert row["fatalities"] == 2 and row["independent_sources"] == 3
    assert row["sources"] == ["Outlet A", "Outlet B", "Outlet C"]
    assert json.loads(row["casualties_json"])["killed"]["max"] == 3


def test_jsonl_matches_incidents_json(db: Path, tmp_path: Path) -> None:
    lines = export(db, "jsonl", tmp_path / "a.jsonl").read_text().splitlines()
    listed = runner.invoke(app, ["incidents", "--db", str(db), "--json"])
    assert [json.loads(x) for x in lines] == [json.loads(x) for x in listed.stdout.splitlines()]
    incident = json.loads(lines[-1])
    assert set(incident) >= {"id", "type", "mode", "time", "location", "casualties", "status",
                             "sources", "independent_sources", "events", "first_reported",
                             "last_reported"}


def test_incidents_csv_and_filters(db: Path) -> None:
    result = runner.invoke(app, ["incidents", "--db", str(db), "--csv", "--min-sources", "2"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [(r["date"], r["killed_min"], r["killed_max"]) for r in rows] == [
        ("2024-03-10", "2", "3")]
    bad = runner.invoke(app, ["incidents", "--db", str(db), "--since", "March"])
    assert bad.exit_code != 0


def test_search_command(db: Path) -> None:
    result = runner.invoke(app, ["search", "protest", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["doc_id"] for line in result.stdout.splitlines()] == ["p"]


# -- CSV formula injection (OWASP) ----------------------------------------------------------

#: Cells built from hostile article text: each of OWASP's leading characters (=, +, -, @,
#: tab, carriage return), the same behind leading whitespace, and full-width forms.
FORMULAS = [
    "=1+1", "+1+1", "-1+1", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
    " =HYPERLINK(\"http://evil\")", "\u00a0+cmd", "\n@x", "＝1+1", "-2+3+cmd|' /C calc'!A0",
]


def test_safe_cell_defuses_text_and_leaves_numbers() -> None:
    from wirewatch.export.csv_safe import is_formula, safe_cell

    for payload in FORMULAS:
        assert safe_cell(payload) == "'" + payload and is_formula(payload)
    for value in (-33.9, -5, 0, None, True, "Kandahar", "", "Outlet - A", "'quoted"):
        assert safe_cell(value) == value


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """One report per payload, the payload in every text field the CSVs carry."""
    path = tmp_path_factory.mktemp("hostile") / "h.db"
    reports = []
    for n, payload in enumerate(FORMULAS):
        item = event(place=None, country="AF", admin1=payload, day=f"{2001 + n}-01-01",
                     mode=payload)
        item["location"]["name"] = payload
        item["location"]["lat"], item["location"]["lon"] = -33.9, -70.65  # Santiago
        item["evidence"]["text"] = payload
        item["arguments"] = [
            {"role": "agent", "entity": "e1", "span": {"start": 0, "end": 7, "text": "x"}},
            {"role": "victim", "entity": "e2", "span": {"start": 0, "end": 7, "text": "x"}}]
        report = record(f"h{n}", f"Hostile report {n}.", [item], outlet=payload)
        report["entities"][0]["name"] = payload
        report["entities"].append(dict(report["entities"][0], id="e2", name=payload + " victims"))
        reports.append(report)
    with open_store(str(path)) as store:
        stats = store.add_records(reports)
    assert stats.added == len(FORMULAS)
    return path


def formula_cells(rows: list[list[str]], numeric: set[int]) -> list[str]:
    """Cells a spreadsheet would evaluate: text starting (after whitespace) with a formula
    character. Numeric columns are numbers or nothing."""
    from wirewatch.export.csv_safe import FORMULA_STARTS

    bad = []
    for row in rows:
        for index, cell in enumerate(row):
            if index in numeric and cell:
                float(cell)  # a genuine number, kept numeric
                continue
            if cell and (cell[0] in FORMULA_STARTS or cell.lstrip()[:1] in FORMULA_STARTS):
                bad.append(cell)
    return bad


def test_acled_csv_has_no_formula_cells(hostile_db: Path, tmp_path: Path) -> None:
    with export(hostile_db, "acled-csv", tmp_path / "h.csv").open(newline="") as handle:
        header, *rows = list(csv.reader(handle))
    numeric = {header.index(c) for c in ("year", "time_precision", "latitude", "longitude",
                                         "geo_precision", "fatalities", "inter1", "inter2",
                                         "interaction", "iso", "timestamp")}
    assert len(rows) == len(FORMULAS)
    assert formula_cells(rows, numeric) == []
    cells = [cell for row in rows for cell in row]
    for payload in FORMULAS:  # every payload reached the file, defused, in several columns
        assert cells.count("'" + payload) >= 3, payload
    assert {row[header.index("latitude")] for row in rows} == {"-33.9"}


def test_incidents_csv_has_no_formula_cells(hostile_db: Path) -> None:
    result = runner.invoke(app, ["incidents", "--db", str(hostile_db), "--csv"])
    assert result.exit_code == 0, result.output
    header, *rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    numeric = {header.index(c) for c in header if c in (
        "id", "lat", "lon", "killed_min", "killed_max", "injured_min", "injured_max",
        "independent_sources", "events")}
    assert len(rows) == len(FORMULAS)
    assert formula_cells(rows, numeric) == []
    cells = [cell for row in rows for cell in row]
    for payload in FORMULAS:
        assert cells.count("'" + payload) >= 3, payload
    assert {row[header.index("lon")] for row in rows} == {"-70.65"}
