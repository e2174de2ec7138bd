"""Place context as a coder reads it: stated containment, the news sense of a name, the
learned candidate ranker and its training script."""

from __future__ import annotations

import pytest

from wirewatch.knowledge.gazetteer import Gazetteer
from wirewatch.knowledge.place_ranker import ranker_weights
from wirewatch.resolve.geocode import geocode_names
from wirewatch.resolve.place_scoring import FEATURE_NAMES, HAND_WEIGHTS, Resolver


def _names(text: str, *names: str) -> list[dict]:
    spans = []
    for name in names:
        start = text.index(name, spans[-1][1] if spans else 0)
        spans.append((start, start + len(name)))
    return geocode_names(text, spans)


def test_village_in_stated_district_and_province_takes_the_district():
    text = ("Insurgents raided the village of Chai, in Macomia district, Cabo Delgado "
            "province, on Tuesday.")
    chai, district, province = _names(text, "Chai", "Macomia district", "Cabo Delgado province")
    assert province["country_code"] == "MZ" and province["feature"] == "ADM1"
    # A Turkish namesake (Çey) never beats the stated containment.
    assert chai["country_code"] == "MZ" and chai["admin1"] == province["admin1"]
    assert chai["resolved_via"] and chai["precision"] == "admin2"
    # The district has no area row of its own: its namesake seat town stands for it, at
    # admin2 precision and without the town's GeoNames id.
    assert district["precision"] == "admin2" and district["geonameid"] is None
    assert (chai["lat"], chai["lon"]) == (district["lat"], district["lon"])


def test_parenthesised_areas_contain_the_village():
    text = "Gunmen killed two civilians in the village of Cisse (Pobe-Mengao, Soum) on Monday."
    [cisse] = _names(text, "Cisse")
    assert cisse["country_code"] == "BF"  # not Cissé, France
    assert cisse["resolved_via"] == "Soum" and cisse["precision"] == "admin2"


def test_stated_containment_picks_a_known_namesake_inside_it():
    [paris] = _names("Flooding hit Paris (Lamar County, Texas) overnight.", "Paris")
    assert paris["country_code"] == "US" and paris["admin1"] == "Texas"
    assert paris["precision"] == "city"


def test_a_list_of_areas_is_no_containment():
    georgia, ukraine = _names("Talks with Georgia, Ukraine and Moldova resumed.", "Georgia",
                              "Ukraine")
    assert ukraine["country_code"] == "UA"
    assert georgia["feature"] in ("PCLI", "ADM1") and not georgia.get("resolved_via")


def test_capital_beats_its_namesake_state_unless_the_text_says_state():
    [city] = _names("Lawmakers in Washington passed the bill.", "Washington")
    assert city["feature"] == "PPLC" and city["admin1"] == "District of Columbia"
    [state] = _names("Wildfires burned across the state of Washington.", "Washington")
    assert state["feature"] == "ADM1" and state["admin1"] == "Washington"


def test_shipped_ranker_covers_known_features_and_differs_from_hand_weights():
    weights = ranker_weights()
    assert weights is not None and set(weights) <= set(FEATURE_NAMES)
    assert weights != HAND_WEIGHTS
    hand = Resolver(weights=dict(HAND_WEIGHTS))
    assert hand.weights == HAND_WEIGHTS and Resolver().weights == weights


def test_ranker_fit_learns_the_feature_that_separates_right_from_wrong():
    import numpy as np

    from wirewatch.train.places import fit

    # Two features; only the second tells the right candidate (label 1) from the wrong.
    rows = np.array([[1.0, 1.0], [1.0, 0.0], [1.0, 0.0]])
    data = [(rows, np.array([1.0, 0.0, 0.0]))] * 60
    w = fit(data, prior=np.zeros(2), l2=0.001, steps=200)
    assert w[1] > 1.0 and abs(w[0]) < 0.5


def test_seat_words_fall_back_to_the_namesake_town_only_for_second_level_types():
    gaz = Gazetteer.load()
    [district] = gaz.candidates("Macomia district")
    assert district.feature == "ADM2" and district.id is None and district.country_code == "MZ"
    assert gaz.candidates("Caucasus Province") == []  # an armed group, no area


# ---- names that are not places; the event's own place (need the spaCy pipeline) ----------


@pytest.fixture(scope="module")
def places_nlp():
    from wirewatch.nlp.model import load_base_model

    model = load_base_model()
    model.add_pipe("wirewatch_places")
    return model


def _place_texts(nlp, text: str) -> list[str]:
    return [loc["span"]["text"] for loc in nlp(text)._.ww_locations]


def test_organisation_and_person_names_are_not_places(places_nlp):
    assert "Care" not in _place_texts(
        places_nlp, "Aid agency Care International said the convoy was attacked.")
    assert "Countryside" not in _place_texts(
        places_nlp, "The Countryside Alliance organised a march in London on Sunday.")
    assert "Garcia" not in _place_texts(
        places_nlp, "Peruvian president Garcia condemned the attack in Lima.")
    # ... but a town opening an institution's name is still the town.
    assert "Kabul" in _place_texts(places_nlp, "Students at Kabul University protested.")


def test_short_acronym_is_no_town(places_nlp):
    texts = _place_texts(places_nlp, "Two AL activists were hurt in a clash in Dhaka.")
    assert "AL" not in texts and "Dhaka" in texts


def _events(text: str) -> list[dict]:
    from wirewatch.api import Document, extract_records

    [record] = extract_records([Document(id="t", text=text, published="2015-01-02")])
    return record["events"]


def test_event_without_a_place_in_its_sentence_takes_the_articles_main_place():
    events = _events("Gunmen stormed a market in Maiduguri, Borno State, on Friday. "
                     "They shot dead four traders and burned two shops.")
    located = [e["location"] for e in events if e.get("location")]
    assert located and all(loc["country_code"] == "NG" for loc in located)
    assert len(located) == len(events)


def test_text_that_names_no_place_takes_the_country_of_its_local_vocabulary():
    events = _events("One person was injured in a gunfight between two groups of the ruling "
                     "Awami League over control of a cattle market. Police arrested the UP "
                     "chairman on the following day.")
    located = [e["location"] for e in events if e.get("location")]
    assert located and {loc["country_code"] for loc in located} == {"BD"}
    assert all(loc["precision"] == "country" and loc["span"] is None for loc in located)


def test_places_abroad_leave_an_unplaced_event_unplaced():
    events = _events("Officials in Kenya and Uganda met on Monday. "
                     "Gunmen later shot dead four traders.")
    shooting = [e for e in events if e["type"] == "ASSAULT"]
    assert shooting and all(e.get("location") is None for e in shooting)


def test_unknown_street_takes_the_documents_town_not_its_states_centre():
    text = "CHICAGO — A man was shot dead on South Kimbark Avenue, Illinois, police said."
    _, street, state = _names(text, "CHICAGO", "South Kimbark Avenue", "Illinois")
    assert state["feature"] == "ADM1"
    assert street["resolved_via"] == "Chicago" and street["precision"] == "city"
    # With no town in the document the stated area is all there is.
    [alone, _] = _names("A man was shot on South Kimbark Avenue, Illinois.",
                        "South Kimbark Avenue", "Illinois")
    assert alone["precision"] == "admin1" and alone["resolved_via"] == "Illinois"


def test_dateline_is_a_prior_not_the_scene():
    events = _events("INDIANAPOLIS — A gunman opened fire at a restaurant in Kokomo on "
                     "Saturday. He killed two customers.")
    located = [e["location"] for e in events if e.get("location")]
    assert located and all(loc["name"] == "Kokomo" for loc in located)


def test_unknown_village_without_stated_area_takes_the_documents_country():
    [village] = _names("Awami League activists clashed with police in the village of "
                       "Qzxpara on Monday.", "Qzxpara")
    assert village["country_code"] == "BD" and village["precision"] == "country"
    # A bare unknown name gets no such guess.
    [bare] = _names("Awami League activists marched from Qzxpara on Monday.", "Qzxpara")
    assert bare["lat"] is None


def test_a_names_stated_area_holds_for_its_later_mentions():
    text = ("Insurgents raided the village of Chai, in Macomia district, Cabo Delgado "
            "province. Residents fled Chai overnight.")
    first, _, _, later = _names(text, "Chai", "Macomia district", "Cabo Delgado province",
                                "Chai")
    assert later["country_code"] == "MZ" and later["resolved_via"] == first["resolved_via"]


def test_lower_case_words_are_never_places(places_nlp):
    texts = _place_texts(places_nlp, "The gunmen fled into the bush near Macomia.")
    assert "bush" not in texts


def test_an_ambiguous_area_after_a_comma_is_the_one_holding_the_name():
    [town] = _names("Farmers held a hunger strike in Rupnagar, Punjab, on Monday.", "Rupnagar")
    assert town["country_code"] == "IN" and town["admin1"] == "Punjab"
    [city] = _names("Protests in Lahore, Punjab turned violent.", "Lahore")
    assert city["country_code"] == "PK" and city["precision"] == "city"


def test_a_list_of_capitals_is_no_containment_and_a_bare_ocean_is_the_ocean():
    text = "Flights between New York and Moscow, Kiev, Minsk and Riga start next year."
    _, moscow, kiev, _ = _names(text, "New York", "Moscow", "Kiev", "Minsk")
    assert (moscow["country_code"], moscow["feature"]) == ("RU", "PPLC")
    assert (kiev["country_code"], kiev["feature"]) == ("UA", "PPLC")
    [ocean] = _names("The storm moved over the Atlantic on Tuesday.", "Atlantic")
    assert ocean["feature"] == "RGN" and ocean["name"] == "Atlantic Ocean"


def test_an_office_named_after_a_county_is_placed_in_the_county(places_nlp):
    locs = {loc["span"]["text"]: loc for loc in places_nlp(
        "A deputy of the Palm Beach County Sheriff’s Office said a man was shot in "
        "Greenacres.")._.ww_locations}
    assert "Palm Beach County" in locs and locs["Palm Beach County"]["admin1"] == "Florida"
    assert locs["Greenacres"]["admin1"] == "Florida"


def test_a_directional_part_of_a_city_is_the_city():
    [part] = _names("A teen was shot in North Minneapolis on Sunday.", "North Minneapolis")
    assert part["resolved_via"] == "Minneapolis" and part["precision"] == "city"
    assert part["admin1"] == "Minnesota"


def test_a_bare_capital_dateline_is_the_capital():
    [dateline] = _names("WASHINGTON — Lawmakers passed a bill taxing bonuses.", "WASHINGTON")
    assert dateline["feature"] == "PPLC" and dateline["admin1"] == "District of Columbia"


def test_country_named_only_by_local_vocabulary_carries_its_cue():
    """A text that names no place but writes like one country's local news ("upazila",
    "Awami League") places its events in that country, with the cue as evidence."""
    from wirewatch.resolve.geocode import document_country

    text = "Two Awami League activists were hacked in a clash at Kalukhali upazila on Friday."
    loc = document_country(text)
    assert loc is not None and loc["country_code"] == "BD" and loc["precision"] == "country"
    assert loc["span"] is None
    cue = loc["inferred_from"]
    assert text[cue["start"]:cue["end"]] == cue["text"] == "Awami League"
    assert document_country("The committee met on Friday to discuss the budget.") is None
