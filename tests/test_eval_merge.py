"""Scorers of `wirewatch eval merge` on small cases worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.eval.merge import bcubed, error_pairs, main_incident, pairwise


def test_bcubed_and_pairwise_on_a_hand_case() -> None:
    gold = {"a": 1, "b": 1, "c": 2}
    predicted = {"a": "x", "b": "y", "c": "y"}
    # precision per item: a 1/1, b 1/2, c 1/2; recall: a 1/2, b 1/2, c 1/1
    b3 = bcubed(gold, predicted)
    assert b3["p"] == pytest.approx(200 / 3) and b3["r"] == pytest.approx(200 / 3)
    assert b3["f1"] == pytest.approx(200 / 3)
    # gold pairs {a,b}; predicted pairs {b,c}: nothing shared
    assert pairwise(gold, predicted) == {"p": 0.0, "r": 0.0, "f1": 0.0}


def test_perfect_and_all_singletons() -> None:
    gold = {"a": 1, "b": 1, "c": 2}
    assert bcubed(gold, gold)["f1"] == pytest.approx(100.0)
    assert pairwise(gold, gold)["f1"] == pytest.approx(100.0)
    alone = {item: item for item in gold}
    b3 = bcubed(gold, alone)
    # recall: a 1/2, b 1/2, c 1 -> 2/3; precision 1
    assert b3["p"] == pytest.approx(100.0) and b3["r"] == pytest.approx(200 / 3)
    assert b3["f1"] == pytest.approx(80.0)


def test_main_incident_majority_then_violence_then_order() -> None:
    assert main_incident([(7, "COERCE"), (3, "ASSAULT"), (3, "ASSAULT")]) == 3
    assert main_incident([(7, "COERCE"), (3, "ASSAULT")]) == 3  # tie: the violent one
    assert main_incident([(7, "ASSAULT"), (3, "FIGHT")]) == 7  # tie, both violent: first


def test_error_pairs_name_wrong_and_missed_merges() -> None:
    rows = [{"id": i, "title": i.upper()} for i in "abc"]
    errors = error_pairs(rows, {"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "y", "c": "y"})
    kinds = sorted((e["error"], e["a"]["id"], e["b"]["id"]) for e in errors)
    assert kinds == [("missed_merge", "a", "b"), ("wrong_merge", "b", "c")]


def test_command_scores_pre_extracted_records(tmp_path: Path) -> None:
    """End to end on two hand-made reports of one incident and one of another."""
    from test_store import event, record

    reports = [
        record("r1", "Gunmen attacked the market.", [event(killed=2)], outlet="A"),
        record("r2", "The market was attacked.", [event(killed=2)], outlet="B"),
        record("r3", "A different town.", [event(place="Herat", admin1="Herat",
                                                  day="2024-05-01")], outlet="C"),
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": r["id"], "text": r["text"], "title": None,
                                        "incident_id": "k" if r["id"] != "r3" else "h"}) + "\n"
                            for r in reports))
    extracted = tmp_path / "records.jsonl"
    extracted.write_text("".join(json.dumps(r) + "\n" for r in reports))
    result = CliRunner().invoke(app, ["eval", "merge", str(gold), "--records", str(extracted),
                                      "--json", "--errors", str(tmp_path / "err.jsonl")])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["bcubed"]["f1"] == pytest.approx(100.0)
    assert scores["wrong_merges"] == 0 and scores["missed_merges"] == 0
    assert (tmp_path / "err.jsonl").read_text() == ""
