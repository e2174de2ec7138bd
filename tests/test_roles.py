"""The trained argument-role classifier: where it applies and what it changes."""

from __future__ import annotations

import pytest

from wirewatch.extract.role_features import CLASSES, N_FEATURES
from wirewatch.extract.roles import load_model
from wirewatch.nlp.model import load_base_model
from wirewatch.pipeline import add_wirewatch_components

UNCASED = ("urban guerrillas attacked a police post in the capital last night. a soldier "
           "guarding the electric power substation was wounded by the terrorists.")


@pytest.fixture(scope="module")
def rules_only():
    return add_wirewatch_components(load_base_model(), roles=False)


@pytest.fixture()
def with_roles(rules_only):
    """The rules-only pipeline with its events component swapped for one using the role
    model with the given settings; restored afterwards."""
    def swap(**config):
        config = {f"roles_{k}": v for k, v in config.items()}
        rules_only.replace_pipe("wirewatch_events", "wirewatch_events",
                                config={"roles": True, **config})
        return rules_only
    yield swap
    if "wirewatch_events" in rules_only.pipe_names:  # a rejected config removed it
        rules_only.remove_pipe("wirewatch_events")
    rules_only.add_pipe("wirewatch_events", config={"roles": False})


def arguments(nlp, text):
    return [sorted((a["role"], a["span"]["text"]) for a in e["arguments"])
            for e in nlp(text)._.ww_events]


def test_weights_match_features():
    weights, threshold = load_model()
    assert weights.shape == (N_FEATURES, len(CLASSES)) and 0 < threshold < 1


def test_no_op_at_impossible_threshold(rules_only, with_roles):
    before = arguments(rules_only, UNCASED)
    assert arguments(with_roles(threshold=1.01, prune=0.0), UNCASED) == before


def test_adds_arguments_on_mixed_case_text_too(rules_only, with_roles):
    cased = "Gunmen killed the mayor of the town on Monday. The attackers fired rifles at the car."
    before = sum(map(len, arguments(rules_only, cased)))
    assert sum(map(len, arguments(with_roles(threshold=0.0, prune=0.0), cased))) > before
    # restricted to uncased copy, it leaves mixed-case text to the rules
    assert arguments(with_roles(threshold=0.0, prune=0.0, apply_to="uncased"), cased) == \
        arguments(rules_only, cased)


def test_mixed_case_keeps_rule_fillers_and_adds_only_victims_and_instruments(
        rules_only, with_roles):
    cased = ("Rebels ambushed an army convoy, and a soldier guarding the bridge was wounded "
             "by mortar fire.")
    rules = arguments(rules_only, cased)
    assert any(rules)
    # mixed case: no pruning even at an impossible bar, and only victims/instruments added
    assert arguments(with_roles(threshold=1.01, prune=1.0), cased) == rules
    added = arguments(with_roles(threshold=0.0, prune=1.0), cased)
    new = [a for e, r in zip(added, rules, strict=True) for a in e if a not in r]
    assert new and {a[0] for a in new} <= {"victim", "instrument"}
    # told to read mixed case as MUC-4 reads wire copy, it prunes there too
    pruned = arguments(with_roles(threshold=1.01, prune=1.0, prune_on="all"), cased)
    assert sum(map(len, pruned)) < sum(map(len, rules))


def test_one_boundary_per_head_and_no_nested_duplicates(with_roles):
    nlp = with_roles(threshold=0.0, prune=0.0)
    doc = nlp("guerrillas attacked the salvadoran embassy building in the capital.")
    added = [a for e in doc._.ww_events for a in e["arguments"] if "score" in a]
    heads = [doc.char_span(a["span"]["start"], a["span"]["end"],
                           alignment_mode="expand").root.i for a in added]
    assert len(heads) == len(set(heads))
    texts = [(a["role"], a["span"]["text"].lower()) for a in added]
    for role, text in texts:
        assert not any(r == role and o != text and (f" {o} " in f" {text} ")
                       for r, o in texts)


def test_rejects_unknown_scope(with_roles):
    with pytest.raises(ValueError):
        with_roles(apply_to="sometimes")


def test_candidates_split_titles_quantifiers_and_of_phrases(rules_only):
    from wirewatch.extract.role_features import candidates

    doc = rules_only("three peasants and members of the 8th front were killed by soldiers "
                     "near the home of presidential candidate luis carlos galan.")
    events = doc._.ww_events
    assert events
    found = {c.span.text for c in candidates(doc, events)}
    assert "peasants" in found  # a quantified phrase also as its core
    assert "members of the 8th front" in found
    assert "luis carlos galan" in found  # a name without its title


def test_no_candidates_without_an_actual_violent_event(rules_only):
    from wirewatch.extract.role_features import candidates

    doc = rules_only("the minister opened a new school in the capital on monday.")
    assert candidates(doc, doc._.ww_events) == []


def test_nested_phrases_are_one_entity():
    from wirewatch.extract.roles import _nested, _words

    assert _words("The U.S. Embassy") == "u s embassy"
    assert _nested("embassy", "u s embassy") and _nested("u s embassy", "embassy")
    assert not _nested("bus", "buses")
    assert not _nested("peasants", "two peasant leaders")


def test_a_charged_agent_is_not_also_a_victim() -> None:
    from wirewatch.extract.roles import drop_suspect_victims

    def arg(role: str, text: str, status: str | None = None) -> dict:
        found = {"role": role, "entity": None, "span": {"start": 0, "end": 1, "text": text}}
        return {**found, "status": status} if status else found

    event = {"evidence": {"text": "Hollinger shot his friend."},
             "arguments": [arg("agent", "Curtis Hollinger", "alleged"),
                           arg("victim", "Hollinger"), arg("victim", "Thomas Hollinger"),
                           arg("victim", "his friend")]}
    drop_suspect_victims([event])
    assert [a["span"]["text"] for a in event["arguments"] if a["role"] == "victim"] == [
        "Thomas Hollinger", "his friend"]  # a relative with the surname stays
    selfshot = {"evidence": {"text": "Hollinger accidentally shot himself."},
                "arguments": [arg("agent", "Hollinger", "alleged"), arg("victim", "Hollinger")]}
    drop_suspect_victims([selfshot])
    assert len(selfshot["arguments"]) == 2
    parsed = {"evidence": {"text": "x"},  # an agent from the parse may be the victim misread
              "arguments": [arg("agent", "Rollins"), arg("victim", "Rollins")]}
    drop_suspect_victims([parsed])
    assert len(parsed["arguments"]) == 2
