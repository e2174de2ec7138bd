"""ACLED actor categories (issue 21): what kind a descriptor names, how the export and the
ACLED evaluation code an event's agent and victim, and how a gold record's categories are
read back from its names and interaction code."""

from __future__ import annotations

import pytest

from wirewatch.eval.acled import event_categories, gold_categories, name_category
from wirewatch.export.acled import actor_codes, crowd_violence
from wirewatch.knowledge.actors import descriptor_kind


@pytest.mark.parametrize(("text", "kind"), [
    ("two police officers", "police"),
    ("Police", "police"),
    ("villagers", "civilians"),
    ("unidentified gunmen", None),  # attackers name no group
    ("Maoists", "armed_group"),
    ("supporters of the Awami League", "political_party"),
    ("activists of the ruling party", "political_party"),
    ("a 7-year-old boy", None),
    ("", None),
])
def test_descriptor_kind(text: str, kind: str | None) -> None:
    assert descriptor_kind(text) == kind


def test_actor_codes() -> None:
    # an attack by police on civilians
    assert actor_codes("Violence against civilians", ["police"], [None]) == (1, 7)
    # no agent: an unidentified armed group; no victim phrase but civilian casualties
    assert actor_codes("Explosions/Remote violence", [], [], "civilians") == (3, 7)
    # demonstrators by the event type; a protest's road or demand is no second actor
    assert actor_codes("Protests", [], ["other"]) == (6, 0)
    assert actor_codes("Riots", ["civilians"], ["police"]) == (5, 1)
    # crowd violence without a known armed agent is the rioters'
    assert actor_codes("Violence against civilians", [], [None], crowd=True) == (5, 7)
    assert actor_codes("Battles", ["military"], ["armed_group"], crowd=True) == (1, 2)
    # a clash of a crowd with state forces: the crowd first, the state forces second
    assert actor_codes("Riots", ["police"], ["political_party"], crowd=True) == (5, 1)
    # nothing violent, nobody named
    assert actor_codes("Strategic developments", [], []) == (None, 0)


def test_crowd_violence() -> None:
    assert crowd_violence(["blockaders"], "")
    assert crowd_violence([], "Over 50 people were injured in a clash between two groups of locals.")
    assert crowd_violence([], "Two crude bombs were blasted during the hartal.")
    assert not crowd_violence(["gunmen"], "Gunmen shot dead a councillor in the town centre.")


def test_gold_categories() -> None:
    assert name_category("Protesters (India)") == 6
    assert name_category("Police Forces of Pakistan") == 1
    assert name_category("TTP: Tehreek-i-Taliban Pakistan") is None
    assert gold_categories({"actor1": "Protesters (India)", "actor2": "",
                            "interaction": "60"}) == (6, 0)
    # interaction lists the lower category first: actor1's comes from its name
    assert gold_categories({"actor1": "Protesters (Bangladesh)",
                            "actor2": "Police Forces of Bangladesh",
                            "interaction": "16"}) == (6, 1)
    assert gold_categories({"actor1": "TTP: Tehreek-i-Taliban Pakistan",
                            "actor2": "Military Forces of Pakistan",
                            "interaction": "12"}) == (2, 1)
    assert gold_categories({"actor1": "X", "actor2": "Y", "interaction": "23"}) is None


def test_event_categories_read_entities_then_descriptors() -> None:
    record = {"entities": [{"id": "e1", "name": "Lashkar-e-Taiba", "kind": "armed_group"}]}
    event = {"type": "ASSAULT", "mode": "firearms", "casualties": {},
             "evidence": {"text": "Militants shot two soldiers."},
             "arguments": [
                 {"role": "agent", "entity": "e1", "span": {"text": "Lashkar-e-Taiba"}},
                 {"role": "target", "entity": None, "span": {"text": "a bus"}},
                 {"role": "victim", "entity": None, "span": {"text": "two soldiers"}}]}
    assert event_categories(record, event) == (2, 1)
    event["arguments"] = event["arguments"][1:2]  # only a thing as target
    assert event_categories(record, event) == (3, 0)


def test_read_codes_follow_the_heads_where_the_export_can() -> None:
    from wirewatch.export.acled import read_codes

    read = {"agent": 5, "victim": 1, "confidence": 0.8}
    # rioters can be named by the country; police with no phrase in the text cannot
    assert read_codes("Violence against civilians", 3, 7, read, False, False) == (5, 7)
    assert read_codes("Violence against civilians", 3, 7, read, True, True) == (5, 1)
    # a demonstration's first actor stays the demonstrators
    assert read_codes("Protests", 6, 0, {"agent": 2}, True, False) == (6, 0)
    assert read_codes("Battles", 1, 2, None, True, True) == (1, 2)


class _Head:
    def __init__(self, labels: list[str], winner: int, p: float, threshold: float) -> None:
        self.labels, self.winner, self.p = labels, winner, p
        self.meta = {"threshold": threshold}

    def probs(self, x):
        import numpy as np

        out = np.full(len(self.labels), (1 - self.p) / (len(self.labels) - 1))
        out[self.winner] = self.p
        return out


def test_category_heads_annotate_sure_readings(wirewatch_nlp) -> None:
    from wirewatch.extract.category_heads import CategoryHeads
    from wirewatch.nlp.shared_encoder import load_shared_encoder

    encoder = load_shared_encoder()
    if encoder is None:
        pytest.skip("the shared encoder does not run here")
    doc = wirewatch_nlp("Unidentified assailants hurled a petrol bomb at a police van in "
                        "Dhaka on Saturday, wounding five.")
    events = [dict(e) for e in doc._.ww_events]
    heads = CategoryHeads(encoder, {
        "agent": _Head(["1", "3", "5"], 2, 0.9, 0.5),     # sure: rioters
        "victim": _Head(["0", "1", "7"], 1, 0.4, 0.5)})  # unsure: left to the rules
    out = heads.annotate(doc, events)
    read = [e.get("actor_categories") for e in out if e["type"] == "ASSAULT"]
    assert read and read[0] == {"agent": 5, "confidence": 0.9}
    assert all("actor_categories" not in e for e in out if e["type"] not in
               ("ASSAULT", "FIGHT", "COERCE", "PROTEST"))


def test_train_actor_categories_small(shared_dir, tmp_path) -> None:
    import json

    pytest.importorskip("torch")  # the ``train`` extra

    from wirewatch.train.actor_categories import main

    main(["--data", str(shared_dir / "data"), "--out", str(tmp_path / "heads"),
          "--work", str(tmp_path / "work"), "--limit", "60", "--epochs", "20", "--no-check"])
    report = json.loads((tmp_path / "work" / "report.json").read_text())
    assert report["notes"] > 20
    for side in ("agent", "victim"):
        assert (tmp_path / "heads" / f"acled_{side}.npz").stat().st_size > 10_000
        assert 0.3 <= report[side]["threshold"] <= 1.01
    assert "Check half" not in (tmp_path / "categories_card.md").read_text()
