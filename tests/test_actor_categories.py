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
