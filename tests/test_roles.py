"""The trained argument-role classifier: where it applies and what it changes."""

from __future__ import annotations

import pytest

from wirewatch.extract.role_features import CLASSES, N_FEATURES
from wirewatch.extract.roles import load_model
from wirewatch.nlp.model import load_base_model
from wirewatch.nlp.pipeline import add_wirewatch_components

UNCASED = ("urban guerrillas attacked a police post in the capital last night. a soldier "
           "guarding the electric power substation was wounded by the terrorists.")


@pytest.fixture(scope="module")
def rules_only():
    return add_wirewatch_components(load_base_model(), roles=False)


def arguments(nlp, text):
    return [sorted((a["role"], a["span"]["text"]) for a in e["arguments"])
            for e in nlp(text)._.ww_events]


def test_weights_match_features():
    weights, threshold = load_model()
    assert weights.shape == (N_FEATURES, len(CLASSES)) and 0 < threshold < 1


def test_no_op_at_impossible_threshold(rules_only):
    before = arguments(rules_only, UNCASED)
    rules_only.add_pipe("wirewatch_roles", config={"threshold": 1.01, "prune": 0.0})
    try:
        assert arguments(rules_only, UNCASED) == before
    finally:
        rules_only.remove_pipe("wirewatch_roles")


def test_adds_arguments_on_uncased_text_only(rules_only):
    cased = UNCASED.capitalize().replace("the capital", "the Capital")
    before_uncased = sum(map(len, arguments(rules_only, UNCASED)))
    before_cased = arguments(rules_only, cased)
    rules_only.add_pipe("wirewatch_roles", config={"threshold": 0.0, "prune": 0.0})
    try:
        assert sum(map(len, arguments(rules_only, UNCASED))) > before_uncased
        assert arguments(rules_only, cased) == before_cased  # mixed case: not applied
    finally:
        rules_only.remove_pipe("wirewatch_roles")


def test_rejects_unknown_scope(rules_only):
    with pytest.raises(ValueError):
        rules_only.add_pipe("wirewatch_roles", config={"apply_to": "sometimes"})
