"""Record-level coding protocols (GVA incident coding, ACLED notes) on hand-worked cases."""

from __future__ import annotations

import pytest

from wirewatch.eval.acled import compatible_types, country_code, gold_day, score_note
from wirewatch.eval.acled import summarise as summarise_notes
from wirewatch.eval.coding import score_article, summarise
from wirewatch.eval.common import dev_part, in_part


def event(type_="ASSAULT", day="2014-06-15", lat=40.48, lon=-86.13, killed=None, injured=None,
          victims=(), factuality="actual", generic=False, country="US"):
    return {
        "type": type_, "factuality": factuality, "generic": generic,
        "time": {"value": day, "precision": "day", "span": None} if day else None,
        "location": {"lat": lat, "lon": lon, "country_code": country} if lat is not None
        else None,
        "casualties": {"killed": killed, "injured": injured, "kidnapped": None,
                       "arrested": None, "victim_kind": None, "spans": []},
        "arguments": [{"role": "victim", "entity": None,
                       "span": {"start": 0, "end": len(v), "text": v}} for v in victims],
    }


INCIDENT = {"incident_id": "1", "date": "2014-06-15", "lat_long": [40.4864, -86.1336],
            "num_killed": 0, "num_injured": 4,
            "participants": [{"type": "Victim", "name": "Jane Doe"},
                             {"type": "Victim", "name": "Smith"},  # no first name: not counted
                             {"type": "Subject-Suspect", "name": "John Roe"}]}


def test_a_right_record_scores_every_check():
    record = {"id": "a", "events": [event(injured=4, victims=["Jane Doe, 24,"])]}
    row = score_article(record, INCIDENT)
    assert (row["date"], row["place"], row["killed"], row["injured"]) == (True, True, True, True)
    assert (row["victims_named"], row["victims_found"], row["extra"]) == (1, 1, 0)


def test_background_and_wrong_figures_fail_their_checks():
    record = {"id": "b", "events": [
        event(day="2014-06-14", lat=41.88, lon=-87.63, killed=1, injured=3),
        event(killed=5, factuality="future"),  # not kept: not actual
        event(type_="PROTEST", injured=4),     # not kept: not violent
    ]}
    row = score_article(record, INCIDENT)
    assert row == {**row, "date": False, "place": False, "killed": False, "injured": False,
                   "kept": 1, "extra": 0}


def test_summary_rates_and_over_coding():
    rows = [score_article({"id": "a", "events": [event(injured=4), event(injured=4)]}, INCIDENT),
            score_article({"id": "b", "events": []}, INCIDENT)]
    summary = summarise(rows)
    assert summary["rates"]["injured"] == 50.0 and summary["rates"]["killed"] == 100.0
    assert summary["extra_per_article"] == 0.5


def test_named_suspects_found_as_agents_or_listed_as_victims():
    found = event(injured=4, victims=["Jane Doe"])
    found["arguments"].append({"role": "agent", "entity": None,
                               "span": {"start": 0, "end": 8, "text": "John Roe"}})
    text = "John Roe, 20, shot Jane Doe."
    row = score_article({"id": "a", "events": [found]}, INCIDENT, text)
    assert (row["suspects_in_text"], row["suspects_found"], row["suspects_as_victims"]) == (
        1, 1, 0)
    wrong = event(injured=4, victims=["Jane Doe", "Roe"])
    row2 = score_article({"id": "b", "events": [wrong]}, INCIDENT, text)
    assert (row2["suspects_found"], row2["suspects_as_victims"]) == (0, 1)
    # a suspect the article does not name is not scored
    assert score_article({"id": "c", "events": [wrong]}, INCIDENT, "A man shot Jane Doe.")[
        "suspects_in_text"] == 0
    summary = summarise([row, row2])
    assert summary["suspects_in_text"] == {"named": 2, "rate": 50.0, "as_victims": 1}


def test_acled_type_compatibility():
    assert compatible_types("Battle-No change of territory") == {"FIGHT", "ASSAULT"}
    assert compatible_types("Violence Against Civilians") == {"ASSAULT", "COERCE"}
    assert compatible_types("Riots/Protests") == {"PROTEST", "ASSAULT"}
    assert compatible_types("Strategic development") is None


def test_acled_note_checks():
    gold = {"date": "01-January-2015", "time_precision": 1, "event_type": "Riots/Protests",
            "country": "Bangladesh", "lat": 22.95, "lon": 88.96, "geo_precision": 2,
            "fatalities": 0}
    record = {"id": "n", "events": [event(type_="PROTEST", day="2015-01-01", lat=23.1,
                                          lon=89.0, country="BD")]}
    row = score_note(record, gold)
    assert (row["type"], row["killed"], row["date"], row["country"]) == (True, True, True, True)
    assert row["place"] is None  # geo precision 2 is not scored
    assert summarise_notes([row])["scored"]["place"] == 0


@pytest.mark.parametrize("raw, day", [("01-January-2015", "2015-01-01"),
                                      ("2015-03-09", "2015-03-09"), ("soon", None)])
def test_gold_days(raw, day):
    assert gold_day(raw) == day


def test_country_names_as_acled_writes_them():
    assert country_code("Vietnam") == "VN" and country_code("Laos") == "LA"
    assert country_code("India") == "IN"


def test_dev_split_is_stable_and_about_half():
    ids = [f"doc{i}" for i in range(2000)]
    check = [i for i in ids if dev_part(i) == "check"]
    assert 900 < len(check) < 1100
    assert all(in_part(i, "check") != in_part(i, "tune") for i in ids[:50])
    assert dev_part("doc1") == dev_part("doc1")
    with pytest.raises(ValueError):
        in_part("doc1", "train")
