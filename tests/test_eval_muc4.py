"""The MUC-4 scorer (GRIT CEAF-REE) and the event -> GRIT role mapping, on hand-made cases
whose scores are worked out in the comments; plus a CLI smoke test on three dev documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.eval.common import max_matching, normalise
from wirewatch.eval.muc4 import ROLES, predicted_templates, score_muc4


def test_normalise_punctuation_articles_case_spaces():
    assert normalise('The "Santo Tomas"  presidential farm') == "santo tomas presidential farm"
    assert normalise("U.S. embassy") == "us embassy"  # punctuation deleted, not spaced
    # "an" goes, but the "a" inside "a37" is not a word on its own
    assert normalise("an A-37 plane") == "a37 plane"
    assert normalise("the") == ""


def test_normalised_prediction_matches_any_gold_mention():
    gold = {"d1": {"Target": [[['"santo tomas" presidential farm', 61],
                                 ["presidential farm", 75]]]}}
    # "the Santo Tomas presidential farm" -> "santo tomas presidential farm" = mention 1:
    # 1 matched / 1 predicted / 1 gold -> P = R = F1 = 1
    result = score_muc4(gold, {"d1": {"Target": ["the Santo Tomas presidential farm"]}})
    assert result["roles"]["Target"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "matched": 1,
                                         "predicted": 1, "gold": 1}
    # a string that is only part of a mention does not match: 0 / 1 / 1, a boundary error
    result = score_muc4(gold, {"d1": {"Target": ["santo tomas"]}})
    assert result["micro"]["matched"] == 0
    assert [e["class"] for e in result["errors"]] == ["boundary", "boundary"]  # fp and miss


def test_two_predictions_of_one_gold_entity_count_once():
    gold = {"d1": {"PerpInd": [[["guerrillas", 37], ["guerrilla column", 349]]]}}
    # both strings are mentions of the one gold entity; one-to-one alignment matches one:
    # matched 1, predicted 2, gold 1 -> P 0.5, R 1.0, F1 = 2*.5*1/1.5 = 0.6667
    result = score_muc4(gold, {"d1": {"PerpInd": ["guerrillas", "guerrilla column"]}})
    assert result["roles"]["PerpInd"] == {"p": 0.5, "r": 1.0, "f1": 0.6667, "matched": 1,
                                          "predicted": 2, "gold": 1}
    [fp] = result["errors"]
    assert (fp["kind"], fp["class"], fp["text"]) == ("fp", "duplicate", "guerrilla column")


def test_alignment_is_optimal_not_greedy():
    # "farm" is a mention of both gold entities, "santo tomas farm" only of the first.
    # Greedy (in order) gives farm->E1 and leaves "santo tomas farm" unmatched (1 match);
    # the optimal alignment is farm->E2, santo tomas farm->E1: 2 matched / 2 / 2 -> F1 1.
    gold = {"d1": {"Target": [[["farm", 1], ["santo tomas farm", 9]],
                               [["farm", 1], ["la eminencia farm", 40]]]}}
    result = score_muc4(gold, {"d1": {"Target": ["farm", "santo tomas farm"]}})
    assert result["micro"]["matched"] == 2 and result["micro"]["f1"] == 1.0
    assert max_matching([[0, 1], [0]], 2) == [(0, 1), (1, 0)]


def test_empty_documents_and_micro_average():
    gold = [
        {"docid": "empty", "extracts": {r: [] for r in ROLES}},  # nothing either side: 0/0/0
        {"docid": "missed", "extracts": {"Victim": [[["cerezo", 139]]]}},  # 0 / 0 / 1
        {"docid": "irrelevant", "extracts": {}},  # predicts "peasant": 0 / 1 / 0
        {"docid": "hit", "extracts": {"Victim": [[["priest", 5]]],
                                      "Weapon": [[["dynamite", 30]]]}},  # 1/1/1 and 0/0/1
    ]
    predictions = {"irrelevant": {"Victim": ["peasant"]}, "hit": {"Victim": ["the priest"]},
                   "unknown": {"Weapon": ["bomb"]}}  # not in the gold: 0 / 1 / 0
    result = score_muc4(gold, predictions)
    assert result["documents"] == 5
    # Victim: matched 1, predicted 2 (peasant, priest), gold 2 (cerezo, priest) -> .5/.5/.5
    assert result["roles"]["Victim"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "matched": 1,
                                         "predicted": 2, "gold": 2}
    # Weapon: 0 matched, 1 predicted (bomb), 1 gold (dynamite) -> 0 / 0 / 0
    assert result["roles"]["Weapon"]["f1"] == 0.0
    # micro: matched 1, predicted 3, gold 3 -> P = R = F1 = 0.3333
    assert result["micro"] == {"p": 0.3333, "r": 0.3333, "f1": 0.3333, "matched": 1,
                               "predicted": 3, "gold": 3}
    classes = {(e["docid"], e["kind"], e["class"]) for e in result["errors"]}
    assert ("irrelevant", "fp", "irrelevant_doc") in classes
    assert ("missed", "miss", "not_predicted") in classes


def _span(text: str, part: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return {"start": start, "end": start + len(part), "text": part}


def _event(text: str, trigger: str, args: list[tuple], *, type_: str = "ASSAULT",
           mode: str | None = None, factuality: str = "actual") -> dict:
    """A contract-shaped event; an argument is (role, text, entity id[, occurrence])."""
    return {"id": f"v-{trigger}", "type": type_, "mode": mode, "factuality": factuality,
            "trigger": _span(text, trigger), "evidence": _span(text, text),
            "arguments": [{"role": a[0], "entity": a[2], "span": _span(text, a[1], *a[3:])}
                          for a in args]}


def test_predicted_templates_maps_roles_and_merges_entities():
    text = ("the fmln and urban guerrillas bombed a power station with bombs, killing two "
            "peasants. they also killed two peasants. the army shot a colonel. police "
            "arrested a student. troops detained workers. the fmln threatened a judge.")
    entities = [
        {"id": "e1", "type": "ORG", "mentions": [_span(text, "fmln"), _span(text, "they")]},
        {"id": "e2", "type": "PERSON", "mentions": [_span(text, "colonel")]},
    ]
    events = [
        # named organisation -> PerpOrg, a common-noun perpetrator -> PerpInd
        _event(text, "bombed", [("agent", "fmln", "e1"), ("agent", "urban guerrillas", None),
                                ("target", "power station", None), ("instrument", "bombs", None),
                                ("victim", "two peasants", None), ("place", "station", None)]),
        # "they" resolves to e1 (already predicted); the repeated victim is the same string
        _event(text, "killed", [("agent", "they", "e1"), ("victim", "two peasants", None, 1)]),
        # a negated event contributes nothing
        _event(text, "shot", [("agent", "army", None), ("victim", "colonel", "e2")],
               factuality="negated"),
        # COERCE counts only in the abduct/arrest modes; THREATEN never
        _event(text, "arrested", [("agent", "police", None), ("victim", "student", None)],
               type_="COERCE", mode="arrest"),
        _event(text, "detained", [("victim", "workers", None)], type_="COERCE", mode=None),
        _event(text, "threatened", [("agent", "fmln", "e1"), ("target", "judge", None)],
               type_="THREATEN"),
    ]
    got = predicted_templates({"entities": entities, "events": events})
    assert got == {"PerpInd": ["urban guerrillas", "police"], "PerpOrg": ["fmln"],
                   "Target": ["power station"], "Victim": ["two peasants", "student"],
                   "Weapon": ["bombs"]}


def test_fillers_are_argument_span_text_and_person_agent_is_perpind():
    # the README mapping represents a filler by its argument span text, pronouns included
    # (the extractor itself names a resolved pronoun by its antecedent's mention)
    text = "they shot the mayor. colonel lopez shot a guard."
    entities = [{"id": "e1", "type": "PERSON", "mentions": [_span(text, "colonel lopez")]}]
    events = [_event(text, "shot", [("agent", "they", None), ("victim", "mayor", None)]),
              _event(text, "shot", [("agent", "colonel lopez", "e1"), ("victim", "guard", None)])]
    got = predicted_templates({"entities": entities, "events": events})
    assert got["PerpInd"] == ["they", "colonel lopez"] and got["PerpOrg"] == []
    assert got["Victim"] == ["mayor", "guard"]


def test_cli_smoke_on_three_dev_documents(shared_dir: Path, tmp_path: Path):
    from wirewatch.cli import app

    path = shared_dir / "data" / "muc4" / "grit_dev.jsonl"
    if not path.exists():
        pytest.skip("MUC-4 dev file absent")
    errors = tmp_path / "errors.jsonl"
    result = CliRunner().invoke(app, ["eval", "muc4", str(path), "--limit", "3", "--json",
                                      "--quiet", "--errors", str(errors)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["documents"] == 3 and set(scores["roles"]) == set(ROLES)
    with path.open(encoding="utf-8") as fh:
        docs = [json.loads(next(fh)) for _ in range(3)]
    n_gold = sum(len(d["extracts"][r]) for d in docs for r in ROLES)
    assert scores["micro"]["gold"] == n_gold
    rows = [json.loads(line) for line in errors.read_text("utf-8").splitlines()]
    misses = [r for r in rows if r["kind"] == "miss"]
    assert len(misses) == n_gold - scores["micro"]["matched"]
    assert all(r["sentence"] for r in misses)


def test_recased_setting_keeps_offsets_and_restores_case():
    from wirewatch.eval.muc4 import document_text

    doc = {"docid": "x", "doctext": "guerrillas attacked the town of la paz in bolivia "
           "on monday, the police said."}
    recased = document_text(doc, "recased")
    assert len(recased) == len(doc["doctext"]) and recased.lower() == doc["doctext"]
    assert recased != doc["doctext"]  # names and sentence starts get capitals back
    assert document_text(doc, "uncased") == doc["doctext"]
    with pytest.raises(ValueError):
        document_text(doc, "shouty")


def test_cli_part_and_setting(shared_dir: Path):
    from wirewatch.cli import app
    from wirewatch.eval.common import dev_part

    path = shared_dir / "data" / "muc4" / "grit_dev.jsonl"
    if not path.exists():
        pytest.skip("MUC-4 dev file absent")
    with path.open(encoding="utf-8") as fh:
        ids = [json.loads(line)["docid"] for line in fh]
    n_check = sum(dev_part(i) == "check" for i in ids)
    assert 0 < n_check < len(ids)
    result = CliRunner().invoke(app, ["eval", "muc4", str(path), "--part", "check", "--limit",
                                      "2", "--setting", "recased", "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["documents"] == 2 and scores["part"] == "check"
    assert scores["setting"] == "recased"
    bad = CliRunner().invoke(app, ["eval", "muc4", str(path), "--setting", "shouty"])
    assert bad.exit_code != 0
