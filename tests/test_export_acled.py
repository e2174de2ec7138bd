"""ACLED's export: its columns in its order, ISO dates with time_precision, numeric ISO codes,
actor categories and interaction codes; on made-up reports, the demo and (with ../shared)
Gun Violence Corpus dev articles."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from test_store import event, record

from wirewatch.export.acled import (
    ACLED_COLUMNS,
    acled_date,
    acled_row,
    codes,
    interaction,
    iso_numeric,
    source_scale,
)
from wirewatch.export.formats import write_acled_csv
from wirewatch.export.rows import acled_type, load_incidents
from wirewatch.store import open_store

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

#: ACLED's current export header, as ACLED's own files spell it.
ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,"
    "source,source_scale,notes,fatalities,tags,timestamp")


def test_columns_are_acleds_in_order() -> None:
    assert ",".join(ACLED_COLUMNS) == ACLED_HEADER


@pytest.mark.parametrize(("value", "precision", "expected"), [
    ("2024-03-10", "day", ("2024-03-10", 2024, 1)),
    ("2024-03-11", "week", ("2024-03-11", 2024, 2)),
    ("2025-09", "month", ("2025-09-01", 2025, 3)),
    ("2024", "year", ("2024-01-01", 2024, 3)),
    ("2024-02-30", "day", ("", None, None)),  # not a date: undated, never a made-up day
    ("", None, ("", None, None)),
    (None, None, ("", None, None)),
])
def test_partial_and_empty_dates(value: str | None, precision: str | None,
                                 expected: tuple[Any, ...]) -> None:
    assert acled_date(value, precision) == expected


def test_codes() -> None:
    assert iso_numeric("US") == 840 and iso_numeric("af") == 4 and iso_numeric("ZZ") is None
    assert interaction(1, 7) == interaction(7, 1) == 17 and interaction(3, None) == 30
    assert interaction(None, None) is None
    assert source_scale(["Reuters"], "NG") == "International"
    assert source_scale(["punchng.com.ng", "www.reuters.com:443"], "NG") == \
        "National-International"
    assert source_scale(["Some Blog"], "NG") == "Other"
    regions = codes()["region_of"]
    assert regions["NG"] == "Western Africa" and regions["US"] == "North America"


def test_accidental_shooting_is_not_violence_against_civilians(tmp_path: Path) -> None:
    shot = event(type_="ASSAULT", mode="firearms", killed=1)
    shot["accidental"] = True
    shot["casualties"]["victim_kind"] = "civilians"
    aimed = event(type_="ASSAULT", mode="firearms", place="Herat", admin1="Herat",
                  day="2024-05-01", killed=2)
    aimed["casualties"]["victim_kind"] = "civilians"
    with open_store(str(tmp_path / "w.db")) as store:
        store.add_records([record("a", "A boy shot his sister by accident.", [shot]),
                           record("b", "Gunmen shot two villagers.", [aimed])])
        items = load_incidents(store)
    rows = {row["event_date"]: row for row in map(acled_row, items)}
    accident, attack = rows["2024-03-10"], rows["2024-05-01"]
    assert accident["event_type"] != "Violence against civilians"
    assert accident["disorder_type"] == "Strategic developments"
    assert "accidental" in accident["tags"] and accident["civilian_targeting"] == ""
    assert attack["event_type"] == "Violence against civilians"
    assert attack["civilian_targeting"] == "Civilian targeting"
    assert attack["actor1"].startswith("Unidentified Armed Group") and attack["inter1"] == 3
    assert (attack["inter2"], attack["interaction"]) == (7, 37)
    assert acled_type("ASSAULT", "firearms", accidental=True) == tuple(codes()["accidental"])


def test_export_follows_the_category_heads(tmp_path: Path) -> None:
    mob = event(type_="ASSAULT", mode="explosives", place="Herat", admin1="Herat",
                day="2024-05-01", killed=1)
    mob["casualties"]["victim_kind"] = "civilians"
    mob["actor_categories"] = {"agent": 5, "victim": 1, "confidence": 0.8}
    with open_store(str(tmp_path / "w.db")) as store:
        store.add_records([record("a", "Crude bombs were hurled during the strike.", [mob])])
        [item] = load_incidents(store)
    row = acled_row(item)
    # the heads read rioters: named by the country; police with no phrase stay out
    assert (row["actor1"], row["inter1"]) == ("Rioters (Afghanistan)", 5)
    assert (row["actor2"], row["inter2"], row["interaction"]) == ("Civilians (Afghanistan)",
                                                                   7, 57)


def check_rows(path: Path) -> list[dict[str, str]]:
    """Every row of an ACLED CSV holds valid values in ACLED's formats."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        # ACLED's columns in ACLED's order, then ours (whether a reviewer corrected the row)
        assert ",".join(reader.fieldnames or ()) == f"{ACLED_HEADER},reviewed"
        rows = list(reader)
    event_types = {pair[0] for table in json.loads(json.dumps(_types())).values()
                   for pair in table.values()} | {codes()["accidental"][0]}
    for row in rows:
        if row["event_date"]:
            assert dt.date.fromisoformat(row["event_date"]).year == int(row["year"])
            assert row["time_precision"] in ("1", "2", "3")
        else:
            assert row["year"] == row["time_precision"] == ""
        if row["iso"]:
            assert row["iso"].isdigit() and row["country"]
        assert row["event_type"] in event_types
        assert row["disorder_type"] in set(codes()["disorder_types"].values())
        inter1, inter2 = row["inter1"], row["inter2"]
        assert inter1 == "" or int(inter1) in range(1, 9)
        if row["interaction"]:
            codes_ = sorted(int(c) for c in (inter1, inter2 or "0"))
            expected = codes_[1] * 10 if codes_[0] == 0 else codes_[0] * 10 + codes_[1]
            assert int(row["interaction"]) == expected
        assert row["geo_precision"] in ("", "1", "2", "3")
        assert int(row["fatalities"]) >= 0 and row["timestamp"].isdigit()
        assert row["civilian_targeting"] in ("", "Civilian targeting")
    return rows


def _types() -> dict[str, dict[str, list[str]]]:
    from wirewatch.knowledge import load_yaml

    return load_yaml("acled_types.yaml")


def test_demo_export_is_valid_acled(tmp_path: Path) -> None:
    from serve_support import demo_db

    with open_store(demo_db()) as store:
        items = load_incidents(store)
    assert items
    write_acled_csv(items, tmp_path / "demo.csv")
    rows = check_rows(tmp_path / "demo.csv")
    assert any(r["iso"] and r["interaction"] for r in rows)


@pytest.mark.skipif(not (SHARED / "incidents" / "gvc_dev.jsonl").exists(),
                    reason="needs ../shared/data (GVC dev)")
def test_gvc_dev_export_is_valid_acled(tmp_path: Path) -> None:
    from wirewatch.api import read_documents
    from wirewatch.store.ingest import ingest

    source = SHARED / "incidents" / "gvc_dev.jsonl"
    sample = tmp_path / "gvc.jsonl"
    with source.open(encoding="utf-8") as handle:  # the first 40 articles: a minute's work
        sample.write_text("".join(line for _n, line in zip(range(40), handle, strict=False)),
                          "utf-8")
    ingest(read_documents([str(sample)]), str(tmp_path / "gvc.db"))
    with open_store(str(tmp_path / "gvc.db")) as store:
        items = load_incidents(store)
    assert items
    write_acled_csv(items, tmp_path / "gvc.csv")
    rows = check_rows(tmp_path / "gvc.csv")
    us = [r for r in rows if r["iso"]]
    american = [r for r in us if r["iso"] == "840"]  # US local news: most placed in the US
    assert len(american) >= 0.8 * len(us)
    assert {r["region"] for r in american} == {"North America"}
    assert {r["country"] for r in american} == {"United States"}
    assert all(r["interaction"] for r in rows if r["disorder_type"] == "Political violence")
