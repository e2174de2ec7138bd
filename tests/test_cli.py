"""End to end through the CLI: extract on files, stdin and bad input; ingest + incidents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.contract import span_errors, validation_errors

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()


def run_extract(*args: str, input: str | None = None) -> tuple[int, list[dict]]:
    result = runner.invoke(app, ["extract", "--quiet", *args], input=input)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines


def valid(record: dict, text: str | None) -> None:
    assert validation_errors(record) == [], record.get("id")
    if text is not None and "error" not in record:
        assert span_errors(record, text) == []


@pytest.fixture(scope="module")
def seed(shared_dir: Path) -> tuple[dict, str]:
    path = shared_dir / "examples" / "seed-article.txt"
    code, [record] = run_extract(str(path), "--published", "2016-02-23")
    assert code == 0
    return record, path.read_text("utf-8")


def test_seed_is_schema_valid(seed):
    record, text = seed
    valid(record, text)
    assert record["published"] == "2016-02-23"


def test_seed_car_bombing(seed):
    record, _ = seed
    bombings = [e for e in record["events"] if e["type"] == "ASSAULT"
                and e["mode"] == "explosives" and e["factuality"] == "actual"]
    assert bombings, [e["trigger"]["text"] for e in record["events"]]
    event = bombings[0]
    assert event["casualties"]["killed"] == 2
    assert event["casualties"]["victim_kind"] == "police"
    assert event["time"]["value"] == "2016-02-15"
    loc = event["location"]
    assert loc["admin1"] and "Dagestan" in loc["admin1"] or "Dagestan" in loc["name"]
    assert loc["country_code"] == "RU"
    assert event["status"] != "asserted"  # it is described by a TV report shown in a video


def test_seed_video_execution_is_kept_as_unconfirmed(seed):
    record, _ = seed
    executions = [e for e in record["events"] if e["type"] == "ASSAULT"
                  and e["trigger"]["text"] == "execution"]
    assert [e["status"] for e in executions] == ["unconfirmed"]


def test_seed_threat_against_russia(seed):
    record, _ = seed
    entities = {e["id"]: e for e in record["entities"]}
    threats = [e for e in record["events"] if e["type"] == "THREATEN"
               and e["factuality"] == "actual"]
    assert threats

    def names(event, role):
        return [entities[a["entity"]]["name"] for a in event["arguments"]
                if a["role"] == role and a["entity"] in entities]

    assert any("Russia" in names(t, "target") for t in threats)
    for t in threats:
        for name in names(t, "agent"):
            entity = next(e for e in entities.values() if e["name"] == name)
            assert name == "Islamic State" or entity["parent"] == "Islamic State"
    # the headline's "attacks on Russian soil" are threatened, not carried out
    headline_end = record["events"][0]["evidence"]["end"]
    assert not [e for e in record["events"] if e["type"] == "ASSAULT"
                and e["factuality"] == "actual" and e["trigger"]["start"] < headline_end]


def test_seed_quotes_of_abu_yasser(seed):
    record, _ = seed
    speakers = [q["speaker_span"]["text"] for q in record["quotes"] if q["speaker_span"]]
    assert speakers.count("Abu Yasser") >= 3
    quote = next(q for q in record["quotes"] if q["span"]["text"].startswith("Today we do not"))
    assert quote["speaker_span"]["text"] == "Abu Yasser"
    entity = next(e for e in record["entities"] if e["id"] == quote["speaker"])
    assert entity["name"] == "Abu Yasser" and entity["type"] == "PERSON"


def test_seed_places(seed):
    record, _ = seed
    by_name: dict[str, dict] = {}
    for loc in record["locations"]:  # keyed by the first word(s): "Dagestan province"
        by_name.setdefault(loc["span"]["text"], loc)
        by_name.setdefault(loc["span"]["text"].split(" province")[0], loc)
    assert by_name["Russia"]["precision"] == "country"
    assert by_name["Russia"]["country_code"] == "RU"
    assert by_name["Dagestan"]["precision"] == "admin1"
    assert by_name["North Caucasus"]["precision"] == "region"
    for name in ("Russia", "Dagestan", "North Caucasus"):
        assert by_name[name]["lat"] is not None and by_name[name]["lon"] is not None
    # a village the gazetteer lacks falls back to its province
    assert by_name["Dzhemikent"]["precision"] == "admin1"


def test_seed_entities_merge_aliases(seed):
    record, _ = seed
    isis = [e for e in record["entities"] if e["name"] == "Islamic State"]
    assert len(isis) == 1 and "ISIS" in isis[0]["aliases"]
    [province] = [e for e in record["entities"] if e["name"] == "Caucasus Province"]
    assert province["kind"] == "armed_group" and province["parent"] == "Islamic State"
    assert not [loc for loc in record["locations"] if loc["span"]["text"] == "Caucasus Province"]


def test_bad_input_does_not_stop_the_batch(tmp_path: Path):
    good = tmp_path / "a.txt"
    good.write_text("Gunmen killed two police officers in Kano on Monday.", "utf-8")
    empty = tmp_path / "b.txt"
    empty.write_text("   ", "utf-8")
    binary = tmp_path / "c.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 200)
    german = tmp_path / "d.txt"
    german.write_text("Die Polizei hat am Montag in der Stadt zwei Verdächtige festgenommen, "
                      "und die Ermittlungen dauern noch an, wie ein Sprecher sagte.", "utf-8")
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text('{"id": "ok", "text": "Police arrested four protesters in Dhaka."}\n'
                     "{not json\n", "utf-8")
    code, records = run_extract(str(good), str(empty), str(binary), str(german), str(jsonl),
                                str(tmp_path / "missing.txt"))
    assert code == 0
    assert [r["id"] for r in records][:5] == [str(good), str(empty), str(binary), str(german),
                                              "ok"]
    by_id = {r["id"]: r for r in records}
    assert by_id[str(good)]["events"]
    assert "empty" in by_id[str(empty)]["error"]
    assert "binary" in by_id[str(binary)]["error"]
    assert by_id[str(german)]["language"] != "en" and by_id[str(german)]["events"] == []
    assert by_id["ok"]["events"]
    assert any("error" in r and "JSON" in r["error"] for r in records)
    assert any("error" in r and "missing" in r["id"] for r in records)
    for record in records:
        valid(record, None)


def test_huge_document_gets_error(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text("Police arrested a man. " * 2000, "utf-8")
    code, [record] = run_extract(str(big), "--max-chars", "10000")
    assert code == 1  # every document failed
    assert "too large" in record["error"]


def test_stdin_jsonl_keeps_order_and_offsets():
    lines = [json.dumps({"id": f"d{i}", "text": f"Gunmen shot {n} villagers in Zamfara."})
             for i, n in enumerate(["two", "three", "five"])]
    code, records = run_extract("-", input="\n".join(lines) + "\n")
    assert code == 0
    assert [r["id"] for r in records] == ["d0", "d1", "d2"]


def test_all_caps_wire_report():
    text = ("KABUL, 14 MAR 25 (WIRE) -- TALIBAN GUNMEN KILLED THREE SOLDIERS IN AN AMBUSH "
            "NEAR KANDAHAR ON MONDAY, THE DEFENCE MINISTRY SAID.")
    code, [record] = run_extract("-", input=json.dumps({"id": "w", "text": text,
                                                        "published": "2025-03-14"}) + "\n")
    valid(record, text)
    assert record["events"], "ALL-CAPS text must still yield events"
    event = record["events"][0]
    assert event["type"] == "ASSAULT" and event["casualties"]["killed"] == 3
    assert any(e["name"] == "Taliban" for e in record["entities"])


def test_html_input(tmp_path: Path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>Blast in Quetta</title>"
        '<meta property="og:site_name" content="Valley Times">'
        '<meta property="article:published_time" content="2025-05-02T10:00:00Z"></head>'
        "<body><nav>Home | World | Sport</nav><article><h1>Blast in Quetta</h1>"
        "<p>A bomb exploded at a bus station in Quetta on Thursday, killing six people and "
        "wounding 20 others, police said.</p><p>No group has claimed the attack so far, "
        "officials told reporters at the scene.</p></article>"
        "<footer>Copyright Valley Times</footer></body></html>", "utf-8")
    code, [record] = run_extract(str(page))
    assert code == 0
    valid(record, record["text"])
    assert record["outlet"] == "Valley Times" and record["published"] == "2025-05-02"
    assert "Copyright" not in record["text"]
    [event] = [e for e in record["events"] if e["type"] == "ASSAULT"]
    assert event["casualties"]["killed"] == 6 and event["time"]["value"] == "2025-05-01"


def test_ingest_is_idempotent_and_lists_incidents(tmp_path: Path):
    db = tmp_path / "w.db"
    reports = EXAMPLES / "reports"
    first = runner.invoke(app, ["ingest", str(reports), "--db", str(db), "--quiet"])
    assert first.exit_code == 0, first.output
    listed = runner.invoke(app, ["incidents", "--db", str(db), "--json"])
    incidents = [json.loads(line) for line in listed.stdout.splitlines()]
    assert incidents
    again = runner.invoke(app, ["ingest", str(reports), "--db", str(db), "--quiet"])
    assert again.exit_code == 0
    relisted = runner.invoke(app, ["incidents", "--db", str(db), "--json"])
    assert len(relisted.stdout.splitlines()) == len(incidents)
    # the three reports of one car bombing are one incident with three outlets
    multi = [i for i in incidents if i["independent_sources"] >= 3]
    assert multi, [(i["type"], i["time"], i["sources"]) for i in incidents]
    [bombing] = multi
    assert bombing["type"] == "ASSAULT" and bombing["location"]["name"] == "Mogadishu"
    killed = bombing["casualties"]["killed"]
    assert killed["min"] == 7 and killed["max"] == 11 and bombing["conflicting"]
    table = runner.invoke(app, ["incidents", "--db", str(db)], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "Mogadishu" in table.stdout


def test_commands_and_export_formats_come_from_entry_points():
    from importlib.metadata import entry_points

    from wirewatch.export.formats import format_names

    declared = {ep.name for ep in entry_points(group="wirewatch.commands")}
    assert {"extract", "ingest", "incidents", "search", "geocode", "export", "eval"} <= declared
    help_text = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout
    assert all(name in help_text for name in declared)
    assert format_names() == ["acled-csv", "geojson", "jsonl", "parquet", "stix"]


def test_python_dash_m_runs_the_same_app():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "wirewatch.cli", "eval", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "muc4" in done.stdout and "merge" in done.stdout


def _one_line_naming(result, extra: str) -> None:
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("error:") and f"pip install 'wirewatch[{extra}]'" in line


def test_missing_parquet_writer_names_the_extra(tmp_path: Path, monkeypatch):
    import sys

    from wirewatch.store import open_store

    db = tmp_path / "w.db"
    open_store(str(db)).close()
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # "not installed"
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "parquet",
                                 "-o", str(tmp_path / "x.parquet"), "--quiet"])
    _one_line_naming(result, "export")
    assert not (tmp_path / "x.parquet").exists()


def test_missing_postgres_driver_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # "not installed"
    result = runner.invoke(app, ["incidents", "--db", "postgresql://u@127.0.0.1:9/none"])
    _one_line_naming(result, "postgres")
