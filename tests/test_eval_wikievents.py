"""The WikiEvents scorer (KAIROS -> wirewatch mapping, cluster-level role fillers, event
detection) on a hand-made document whose scores are worked out in the comments; plus a CLI
smoke test on three dev documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.eval.wikievents import gold_document, kairos_group, score_wikievents

TEXT = ("Rebels attacked the base. They killed two soldiers. Police arrested Ali. "
        "Gunmen shot a guard with rifles.")


def _at(part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(part, start + 1)
    return start, start + len(part)


def _span(part: str, nth: int = 0) -> dict:
    start, end = _at(part, nth)
    return {"start": start, "end": end, "text": part}


# gold entities: (id, text, type, cluster); "Rebels" and "They" are one cluster (C1)
ENTITIES = [("T1", "Rebels", "ORG", "C1"), ("T2", "base", "FAC", "T2"),
            ("T3", "They", "ORG", "C1"), ("T4", "soldiers", "PER", "T4"),
            ("T5", "Police", "ORG", "T5"), ("T6", "Ali", "PER", "T6"),
            ("T7", "Gunmen", "PER", "T7"), ("T8", "guard", "PER", "T8"),
            ("T9", "rifles", "WEA", "T9")]


def _gold() -> dict:
    ents = {i: (t, ty, c) for i, t, ty, c in ENTITIES}

    def arg(role: str, eid: str) -> dict:
        text, _, cluster = ents[eid]
        start, end = _at(text)
        return {"role": role, "entity_id": eid, "start": start, "end": end, "text": text,
                "cluster": cluster}

    def event(eid: str, type_: str, trigger: str, args: list[dict]) -> dict:
        return {"id": eid, "type": type_, "trigger": _span(trigger), "arguments": args}

    return {
        "doc_id": "d1", "text": TEXT,
        "entities": [{"id": i, "type": ty, "start": _at(t)[0], "end": _at(t)[1], "text": t,
                      "cluster": c} for i, t, ty, c in ENTITIES],
        "clusters": [{"id": "C1", "members": ["T1", "T3"]}],
        "events": [
            event("E1", "Conflict.Attack.Unspecified", "attacked",
                  [arg("Attacker", "T1"), arg("Target", "T2")]),            # agent C1, target
            event("E2", "Life.Die.Unspecified", "killed",
                  [arg("Killer", "T3"), arg("Victim", "T4")]),              # agent C1 again
            event("E3", "Justice.ArrestJailDetain.Unspecified", "arrested",
                  [arg("Jailer", "T5"), arg("Detainee", "T6")]),
            event("E4", "Conflict.Attack.FirearmAttack", "shot",            # PER Target: victim
                  [arg("Attacker", "T7"), arg("Target", "T8"), arg("Instrument", "T9")]),
            event("E5", "Contact.Contact.Broadcast", "Police",              # not mapped
                  [arg("Communicator", "T5")]),
        ],
    }


def _pred_event(eid: str, type_: str, trigger: str, evidence: str,
                args: list[tuple[str, str, str | None]]) -> dict:
    return {"id": eid, "type": type_, "factuality": "actual", "trigger": _span(trigger),
            "evidence": _span(evidence),
            "arguments": [{"role": r, "entity": e, "span": _span(t)} for r, t, e in args]}


PREDICTED = {"id": "d1", "events": [
    _pred_event("v1", "ASSAULT", "attacked", "Rebels attacked the base.",
                [("agent", "Rebels", "e1"), ("target", "the base", None),
                 ("victim", "soldiers", "e2")]),
    _pred_event("v2", "ASSAULT", "killed", "They killed two soldiers.",
                [("agent", "They", "e1"), ("victim", "two soldiers", None)]),
    _pred_event("v3", "COERCE", "arrested", "Police arrested Ali.",
                [("agent", "Police", None), ("victim", "Ali", None)]),
    # wrong trigger word, but its evidence sentence covers the gold trigger "shot"
    _pred_event("v4", "FIGHT", "Gunmen", "Gunmen shot a guard with rifles.", []),
    _pred_event("v5", "PROTEST", "Rebels", "Rebels attacked the base.",
                [("agent", "Rebels", None)]),
]}


def test_kairos_mapping():
    assert kairos_group("Life.Injure.Unspecified") == "violence"
    assert kairos_group("Justice.ArrestJailDetain.Unspecified") == "COERCE"
    assert kairos_group("Contact.Contact.Broadcast") is None
    gold = gold_document(_gold())
    # one cluster for "Rebels"/"They"; the PER Target "guard" is a victim, not a target
    assert {k: [c.text for c in v] for k, v in gold.fillers.items()} == {
        ("violence", "agent"): ["Rebels", "Gunmen"], ("violence", "target"): ["base"],
        ("violence", "victim"): ["soldiers", "guard"], ("violence", "instrument"): ["rifles"],
        ("COERCE", "agent"): ["Police"], ("COERCE", "victim"): ["Ali"]}
    assert [e[0] for e in gold.events] == ["E1", "E2", "E3", "E4"]


def test_scores_worked_by_hand():
    result = score_wikievents([_gold()], {"d1": PREDICTED})
    # gold clusters (8): violence agent C1, Gunmen; target base; victim soldiers, guard;
    #   instrument rifles; COERCE agent Police, victim Ali.
    # predicted entities (7): violence agent {Rebels, They} (entity e1, one entity: matches
    #   C1); target "the base" (overlaps base); victim "soldiers" (e2) and "two soldiers"
    #   (no entity, other text: a second entity) both overlap the soldiers cluster, only one
    #   aligns; COERCE agent Police, victim Ali; PROTEST agent Rebels (no PROTEST gold).
    # matched 5: C1, base, soldiers, Police, Ali -> P 5/7 .7143, R 5/8 .625, F1 .6667
    assert result["micro"] == {"p": 0.7143, "r": 0.625, "f1": 0.6667, "matched": 5,
                               "predicted": 7, "gold": 8}
    # agent: 2 matched (C1, Police) / 3 predicted / 3 gold (C1, Gunmen, Police)
    assert (result["roles"]["agent"]["matched"], result["roles"]["agent"]["predicted"],
            result["roles"]["agent"]["gold"]) == (2, 3, 3)
    assert result["roles"]["instrument"] == {"p": 0.0, "r": 0.0, "f1": 0.0, "matched": 0,
                                             "predicted": 0, "gold": 1}
    # violence: matched 3 (C1, base, soldiers) / predicted 4 / gold 6 -> P .75, R .5, F1 .6
    assert result["groups"]["violence"] == {"p": 0.75, "r": 0.5, "f1": 0.6, "matched": 3,
                                            "predicted": 4, "gold": 6}
    # events: E1-E3 found by trigger, E4 only through v4's evidence -> recall 4/4,
    # trigger-only 3/4; predicted 5, of which v1, v2, v3 have a correct trigger -> P 3/5
    events = result["events"]["all"]
    assert (events["gold"], events["found"], events["recall"]) == (4, 4, 1.0)
    assert (events["found_by_trigger"], events["trigger_recall"]) == (3, 0.75)
    assert (events["predicted"], events["trigger_precision"]) == (5, 0.6)
    classes = {(e["kind"], e["class"], e["text"]) for e in result["errors"]}
    assert ("fp", "duplicate", "two soldiers") in classes
    assert ("fp", "wrong_group", "Rebels") in classes  # a violence agent typed as PROTEST
    assert ("miss", "not_predicted", "Gunmen") in classes


def test_empty_prediction_and_empty_gold():
    empty_gold = {"doc_id": "d2", "text": "Nothing happened.", "entities": [], "events": []}
    result = score_wikievents([_gold(), empty_gold], {})
    # nothing predicted: 0 matched / 0 predicted / 8 gold; every gold event missed
    assert result["micro"] == {"p": 0.0, "r": 0.0, "f1": 0.0, "matched": 0, "predicted": 0,
                               "gold": 8}
    assert result["events"]["all"]["found"] == 0
    assert {e["class"] for e in result["errors"]} == {"event_missed"}
    result = score_wikievents([empty_gold], {})
    assert result["documents"] == 1 and result["errors"] == []


def test_actual_only_drops_other_factualities():
    hedged = json.loads(json.dumps(PREDICTED))
    for event in hedged["events"]:
        event["factuality"] = "future"
    assert score_wikievents([_gold()], {"d1": hedged})["micro"]["predicted"] == 7
    assert score_wikievents([_gold()], {"d1": hedged}, actual_only=True)["micro"]["predicted"] == 0


def test_cli_smoke_on_three_dev_documents(shared_dir: Path, tmp_path: Path):
    from wirewatch.cli import app

    path = shared_dir / "data" / "wikievents" / "dev.jsonl"
    if not path.exists():
        pytest.skip("WikiEvents dev file absent")
    errors = tmp_path / "errors.jsonl"
    result = CliRunner().invoke(app, ["eval", "wikievents", str(path), "--limit", "3",
                                      "--json", "--quiet", "--errors", str(errors)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["documents"] == 3
    with path.open(encoding="utf-8") as fh:
        docs = [json.loads(next(fh)) for _ in range(3)]
    assert scores["micro"]["gold"] == sum(
        len(v) for d in docs for v in gold_document(d).fillers.values())
    rows = [json.loads(line) for line in errors.read_text("utf-8").splitlines()]
    assert sum(r["kind"] == "miss" for r in rows) == scores["micro"]["gold"] - scores["micro"]["matched"]
    assert sum(r["kind"] == "fp" for r in rows) == (scores["micro"]["predicted"]
                                                    - scores["micro"]["matched"])
