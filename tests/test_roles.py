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


def test_adds_arguments_on_uncased_text_only(rules_only, with_roles):
    cased = UNCASED.capitalize().replace("the capital", "the Capital")
    before_uncased = sum(map(len, arguments(rules_only, UNCASED)))
    before_cased = arguments(rules_only, cased)
    nlp = with_roles(threshold=0.0, prune=0.0)
    assert sum(map(len, arguments(nlp, UNCASED))) > before_uncased
    assert arguments(nlp, cased) == before_cased  # mixed case: not applied


def test_rejects_unknown_scope(with_roles):
    with pytest.raises(ValueError):
        with_roles(apply_to="sometimes")
