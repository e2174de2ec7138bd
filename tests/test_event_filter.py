"""The learned event filter and the report-date rule of events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wirewatch.extract.event_features import N_FEATURES, _hash, feature_strings
from wirewatch.extract.event_filter import EventFilter, load_model, model_path


@pytest.fixture()
def toy_model(tmp_path):
    """A filter that knows one thing: "lemma=attack" is strongly not an event."""
    weights = np.full(N_FEATURES, 0.0, dtype=np.float16)
    weights[_hash("bias")] = 2.0
    weights[_hash("lemma=attack")] = -6.0
    path = tmp_path / "events.npz"
    np.savez_compressed(path, weights=weights, threshold=np.array(0.5),
                        n_features=np.array(N_FEATURES))
    return str(path)


def _events(nlp, text, published=None):
    doc = nlp.make_doc(text)
    doc._.ww_published = published
    for name, proc in nlp.pipeline:
        if name == "wirewatch_events":
            break
        doc = proc(doc)
    return doc, nlp.get_pipe("wirewatch_events").extractor.find(doc)


def test_toy_filter_drops_what_it_learned_and_renumbers(wirewatch_nlp, toy_model):
    text = "Thousands of students protested in Dakar. Fans attacked a referee near the stadium."
    doc, events = _events(wirewatch_nlp, text)
    assert {e["trigger"]["text"] for e in events} >= {"protested", "attacked"}
    kept = EventFilter(model=toy_model).keep(doc, events)
    assert [e["trigger"]["text"] for e in kept] == ["protested"]
    assert kept[0]["id"] == "v1" and kept[0]["confidence"] == pytest.approx(0.88, abs=0.01)


def test_strong_evidence_overrules_the_model(wirewatch_nlp, toy_model):
    doc, events = _events(wirewatch_nlp, "Gunmen attacked a bus with grenades near Gao.")
    kept = EventFilter(model=toy_model).keep(doc, events)
    assert [e["trigger"]["text"] for e in kept] == ["attacked"]  # a grenade vouches for it


def test_types_the_filter_does_not_judge_pass_through(wirewatch_nlp, toy_model):
    doc, events = _events(wirewatch_nlp, "The two parties signed an agreement in Nairobi.")
    judged = EventFilter(model=toy_model).scores(doc, events)
    assert all(score is None for e, score in zip(events, judged, strict=True)
               if e["type"] not in ("ASSAULT", "FIGHT", "COERCE", "PROTEST", "THREATEN",
                                    "MOBILIZE"))


def test_features_name_the_trigger_and_its_object(wirewatch_nlp):
    doc, events = _events(wirewatch_nlp, "The visitors launched a counter-attack in the second half.")
    names = [f for e in events for f in feature_strings(doc, e, {})]
    if events:
        assert any(f.startswith("lemma=") for f in names)
        assert "s=half" in names


@pytest.mark.skipif(not model_path().exists(), reason="event model not installed")
def test_shipped_model_keeps_attacks_and_drops_sport(analyse):
    weights, threshold = load_model()
    assert weights.shape == (N_FEATURES,) and 0 < threshold < 1
    attack = analyse("Gunmen killed two police officers in an attack on a checkpoint in "
                     "Kano on Monday, police said.", published="2024-03-05")
    assert [e["type"] for e in attack["events"]] == ["ASSAULT"]
    sport = analyse("Wenger hails Arsenal win\n\nArsene Wenger praised his side after they "
                    "beat Chelsea 2-1 in the Premier League. The visitors launched a "
                    "counter-attack in the second half and Henry scored the winner.",
                    published="2024-03-05")
    assert not [e for e in sport["events"] if e["type"] in ("ASSAULT", "FIGHT")]


def test_an_actual_event_without_a_time_takes_the_report_date(analyse_rules):
    # the date rule on the rules' candidate (one context-free sentence is not the filter's)
    record = analyse_rules("A man was shot dead outside a bar in Gary, police said.",
                     published="2014-02-13")
    [event] = [e for e in record["events"] if e["type"] == "ASSAULT"]
    assert event["time"] == {"value": "2014-02-13", "precision": "day", "span": None,
                             "basis": "report"}


def test_an_event_with_its_own_date_keeps_it(analyse_rules):
    record = analyse_rules("A man was shot dead outside a bar in Gary on Tuesday, police said.",
                     published="2014-02-13")
    [event] = [e for e in record["events"] if e["type"] == "ASSAULT"]
    assert event["time"]["value"] == "2014-02-11" and event["time"].get("basis") is None


def test_no_report_date_without_a_publication_date(analyse_rules):
    record = analyse_rules("A man was shot dead outside a bar in Gary, police said.")
    [event] = [e for e in record["events"] if e["type"] == "ASSAULT"]
    assert event["time"] is None


def test_mentions_of_one_shooting_become_one_event(analyse):
    record = analyse("A 2-year-old boy was shot and killed near his home in Denmark, South "
                     "Carolina. The toddler was shot on Saturday afternoon on East Mill "
                     "Street, the coroner said.", published="2014-09-14")
    shootings = [e for e in record["events"] if e["type"] == "ASSAULT"]
    assert len(shootings) == 1
    assert shootings[0]["time"]["value"] == "2014-09-13"  # its own day beats the report's


def test_another_incident_stays_apart(analyse):
    record = analyse("A man was shot dead in Gary on Friday. In another incident, a woman was "
                     "shot and wounded in Hammond.", published="2014-02-15")
    assert len([e for e in record["events"] if e["type"] == "ASSAULT"]) == 2


def test_an_old_incident_recalled_is_not_folded_into_todays(analyse):
    record = analyse("A teenager was killed in a hunting accident in Albion. The sheriff "
                     "recalled a November 2003 incident in which a boy shot a friend.",
                     published="2014-10-18")
    times = sorted((e["time"] or {}).get("value") or "" for e in record["events"]
                   if e["type"] == "ASSAULT")
    assert len(times) == 2 and times[0].startswith("2003")


def test_an_unconfirmed_execution_is_kept_with_its_status(wirewatch_nlp, toy_model):
    doc, events = _events(wirewatch_nlp, "The video ends with an execution of a prisoner, "
                          "which has not been confirmed.")
    doubted = [e for e in events if e["status"] == "unconfirmed"]
    assert doubted
    weights = np.full(N_FEATURES, -8.0, dtype=np.float16)  # a model that drops everything
    path = Path(toy_model).with_name("drop_all.npz")
    np.savez_compressed(path, weights=weights, threshold=np.array(0.5),
                        n_features=np.array(N_FEATURES))
    kept = EventFilter(model=str(path)).keep(doc, events)
    assert [e["trigger"]["text"] for e in kept if e["status"] == "unconfirmed"] == \
        [e["trigger"]["text"] for e in doubted]
