"""`wirewatch incidents`: who did it to whom, the sentence it rests on, every figure, status
and precision, in the table, ``--json`` and ``--csv``; ``--agent`` / ``--victim`` by role."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from test_store import event, record, store  # noqa: F401  (store: the two-engine fixture)
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.export.csv_safe import FORMULA_STARTS
from wirewatch.store import Store, open_store, render_incidents_table
from wirewatch.store.roles import one_line
from wirewatch.store.summary import IncidentFilter

runner = CliRunner()

POLICE_SHOOT = "Kenya Police shot two protesters in Nairobi on Sunday, witnesses said."
POLICE_ATTACKED = "Taliban fighters attacked a checkpoint and killed three Afghan National Police."


def _entity(eid: str, name: str, type_: str = "ORG") -> dict[str, Any]:
    return {"id": eid, "name": name, "type": type_, "kind": None, "country": None,
            "parent": None, "aliases": [], "mentions": [{"start": 0, "end": 5, "text": name}]}


def _arg(role: str, text: str, entity: str | None = None) -> dict[str, Any]:
    return {"role": role, "entity": entity, "span": {"start": 0, "end": len(text), "text": text}}


def police_reports() -> list[dict[str, Any]]:
    """Police as the agent in Nairobi, police as the victim in Kandahar."""
    shooting = event("v1", mode="firearms", day="2024-05-05", place="Nairobi", country="KE",
                     admin1="Nairobi", injured=2)
    shooting["evidence"]["text"] = POLICE_SHOOT
    shooting["arguments"] = [_arg("agent", "Kenya Police", "e2"),
                             _arg("victim", "two protesters")]  # no entity: its own words
    nairobi = record("ke", "Nairobi report.", [shooting], outlet="Daily Nation")
    nairobi["entities"].append(_entity("e2", "Kenya Police"))

    attack = event("v1", killed=3, day="2024-03-10")
    attack["casualties"]["arrested"] = 4
    attack["evidence"]["text"] = POLICE_ATTACKED
    attack["arguments"] = [_arg("agent", "Taliban fighters", "e1"),
                           _arg("target", "Afghan National Police", "e2")]
    kandahar = record("af", "Kandahar report.", [attack], outlet="Pajhwok")
    kandahar["entities"].append(_entity("e2", "Afghan National Police"))
    return [nairobi, kandahar]


def places(found: list[dict[str, Any]]) -> list[str | None]:
    return [i["location"]["name"] for i in found]


def test_agents_victims_summary_and_every_figure(store: Store) -> None:  # noqa: F811
    store.add_records(police_reports())
    kandahar, nairobi = sorted(store.incidents(), key=lambda i: i["location"]["name"])
    assert nairobi["agents"] == ["Kenya Police"] and nairobi["victims"] == ["two protesters"]
    assert nairobi["summary"] == POLICE_SHOOT
    assert kandahar["agents"] == ["Taliban"]  # the resolved entity's name, not the span
    assert kandahar["victims"] == ["Afghan National Police"]
    assert kandahar["casualties"]["arrested"]["min"] == 4
    assert kandahar["casualties"]["kidnapped"]["min"] is None
    assert nairobi["casualties"]["injured"]["max"] == 2
    assert nairobi["status"] == "asserted"
    assert nairobi["time"]["precision"] == "day" and nairobi["location"]["precision"] == "city"


def test_agent_and_victim_filters_tell_the_roles_apart(store: Store) -> None:  # noqa: F811
    store.add_records(police_reports())

    def where(**kwargs: Any) -> list[str | None]:
        return places(store.incidents(where=IncidentFilter(**kwargs)))

    assert where(agent="police") == ["Nairobi"]
    assert where(victim="POLICE") == ["Kandahar"]  # "target" counts as a victim role
    assert where(actor="police") == ["Nairobi", "Kandahar"]  # any role, newest first
    assert where(victim="protesters") == ["Nairobi"]  # an argument's own words match too
    assert where(agent="fighters") == []  # ...only where no entity names it ("Taliban")
    assert where(agent="taliban") == ["Kandahar"]
    assert where(agent="taliban", victim="police") == ["Kandahar"]
    assert where(agent="police", victim="police") == []
    assert where(agent="%") == [] and where(victim="_") == []  # no LIKE wildcards
    assert where(agent="police", country="AF") == []
    assert places(store.incidents(limit=1, where=IncidentFilter(victim="police"))) == ["Kandahar"]


def test_summary_is_the_most_informative_sentence_on_one_line(store: Store) -> None:  # noqa: F811
    vague = event("v1")
    vague["evidence"]["text"] = "The attack was\n  condemned by the government."
    told = event("v1", killed=5)
    told["evidence"]["text"] = "A car   bomb\tkilled five people in Kandahar. " + "More. " * 40
    store.add_records([record("a", "A.", [vague], outlet="A"), record("b", "B.", [told], outlet="B")])
    [incident] = store.incidents()
    assert incident["summary"].startswith("A car bomb killed five people in Kandahar. More.")
    assert len(incident["summary"]) <= 121 and incident["summary"].endswith("…")
    assert one_line("a  b\n c") == "a b c"


def test_cli_table_json_and_csv_carry_the_new_columns(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with open_store(str(db)) as opened:
        opened.add_records(police_reports())
    listed = runner.invoke(app, ["incidents", "--db", str(db), "--json", "--agent", "police"])
    assert listed.exit_code == 0, listed.output
    [only] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert only["location"]["name"] == "Nairobi" and only["summary"] == POLICE_SHOOT
    assert {"agents", "victims", "summary", "status"} <= set(only)

    table = runner.invoke(app, ["incidents", "--db", str(db)], env={"COLUMNS": "240"})
    assert table.exit_code == 0, table.output
    for text in ("injured 2", "killed 3", "arrested 4", "agents", "victims", "summary",
                 "asserted", "city", "Kenya Police", "protesters", "Taliban", "1: Pajhwok",
                 "Kenya Police shot two protesters"):
        assert text in table.stdout, text

    out = runner.invoke(app, ["incidents", "--db", str(db), "--csv", "--victim", "police"])
    assert out.exit_code == 0, out.output
    [row] = list(csv.DictReader(io.StringIO(out.stdout, newline="")))
    assert (row["place"], row["arrested_min"], row["kidnapped_min"]) == ("Kandahar", "4", "")
    assert row["agents"] == "Taliban" and row["victims"] == "Afghan National Police"
    assert row["summary"] == POLICE_ATTACKED and row["location_precision"] == "city"


@pytest.mark.parametrize("payload", ["=1+1", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "\t+1"])
def test_csv_names_and_summary_stay_formula_safe(tmp_path: Path, payload: str) -> None:
    item = event("v1")
    item["evidence"]["text"] = payload
    item["arguments"] = [_arg("agent", "x", "e2"), _arg("victim", payload)]
    report = record("h", "Hostile.", [item], outlet="O")
    report["entities"].append(_entity("e2", payload))
    db = tmp_path / "h.db"
    with open_store(str(db)) as opened:
        opened.add_records([report])
    out = runner.invoke(app, ["incidents", "--db", str(db), "--csv"])
    assert out.exit_code == 0, out.output
    [row] = list(csv.DictReader(io.StringIO(out.stdout, newline="")))
    for column in ("agents", "victims", "summary"):
        assert row[column].startswith("'"), (column, row[column])
        assert row[column].lstrip("'").strip()[:1] in FORMULA_STARTS


def test_table_cells_cannot_drive_the_terminal(tmp_path: Path) -> None:
    [report, _] = police_reports()
    report["events"][0]["evidence"]["text"] = "Police \x1b]0;pwned\x07 fired [bold]x[/bold]"
    report["entities"][1]["name"] = "Kenya\x1b[31m Police"
    with open_store(str(tmp_path / "t.db")) as opened:
        opened.add_records([report])
        console = Console(record=True, width=240, force_terminal=True)
        render_incidents_table(opened.incidents(), console)
    out = console.export_text(styles=False)
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;pwned" in out and "[bold]x[/bold]" in out


def test_a_reader_sees_which_perpetrators_are_alleged_or_claimed() -> None:
    from wirewatch.store.roles import AGENT_ROLES, participants

    def span(text: str) -> dict:
        return {"start": 0, "end": len(text), "text": text}

    event = {"arguments": [{"role": "agent", "entity": None, "span": span("a gunman")},
                           {"role": "agent", "entity": "e2", "span": span("Brown"),
                            "status": "alleged"}],
             "responsibility": [{"name": "Anthony Brown", "entity": "e2", "mode": "attributed"},
                                {"name": "JNIM", "entity": None, "mode": "claimed"},
                                {"name": "Hezbollah", "entity": None, "mode": "denied"}]}
    names = {(1, "e2"): "Anthony Brown"}
    assert participants(event, AGENT_ROLES, names, 1, qualified=True) == [
        "a gunman", "Anthony Brown (alleged)", "JNIM (claimed)"]
    # counted names stay bare, one per mention
    assert participants(event, AGENT_ROLES, names, 1) == [
        "a gunman", "Anthony Brown", "Anthony Brown", "JNIM"]
