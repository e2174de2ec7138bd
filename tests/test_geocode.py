"""Places component and geocode_names: detection, disambiguation, fallbacks."""

from __future__ import annotations

import pytest

from wirewatch.contract import validation_errors
from wirewatch.nlp.model import load_base_model
from wirewatch.resolve.geocode import geocode_names


@pytest.fixture(scope="module")
def nlp():
    model = load_base_model()
    model.add_pipe("wirewatch_places")
    return model


def _by_text(doc) -> dict[str, dict]:
    return {loc["span"]["text"]: loc for loc in doc._.ww_locations}


def _names(text: str, *names: str, bias: str | None = None) -> list[dict]:
    spans = []
    for name in names:
        start = text.index(name, spans[-1][1] if spans else 0)
        spans.append((start, start + len(name)))
    return geocode_names(text, spans, country_bias=bias)


def test_containment_fallback_in_admin1_province(nlp):
    doc = nlp("A car bomb struck the town of Dzhemikent in Dagestan province on Monday.")
    locs = _by_text(doc)
    town = locs["Dzhemikent"]
    assert town["name"] == "Dzhemikent" and town["resolved_via"] == "Dagestan"
    assert town["precision"] == "admin1" and town["admin1"] == "Dagestan"
    assert town["country_code"] == "RU" and town["lat"] is not None
    area = locs["Dagestan province"]
    assert area["feature"] == "ADM1" and (area["lat"], area["lon"]) == (town["lat"], town["lon"])


def test_comma_containment_fallback():
    town, area = _names("Gunmen attacked Dzhemikent, Dagestan, overnight.", "Dzhemikent",
                        "Dagestan")
    assert town["resolved_via"] == "Dagestan" and town["precision"] == "admin1"
    assert area["precision"] == "admin1" and area["country_code"] == "RU"


def test_comma_containment_picks_the_contained_city():
    paris, texas = _names("The tornado hit Paris, Texas, on Sunday.", "Paris", "Texas")
    assert paris["country_code"] == "US" and paris["admin1"] == "Texas"
    assert paris["precision"] == "city" and texas["feature"] == "ADM1"


def test_demonyms_are_not_places(nlp):
    doc = nlp("Russian police and Syrian troops met European officials in Aleppo.")
    texts = [loc["span"]["text"] for loc in doc._.ww_locations]
    assert texts == ["Aleppo"]
    assert doc._.ww_locations[0]["country_code"] == "SY"
    [loc] = _names("Russian police arrived.", "Russian")
    assert loc["lat"] is None and loc["precision"] is None


def test_country_bias_picks_the_smaller_namesake_only_when_biased():
    text = "Police in Paris said two people were hurt."
    [plain] = _names(text, "Paris")
    [biased] = _names(text, "Paris", bias="US")
    assert plain["country_code"] == "FR" and plain["feature"] == "PPLC"
    assert biased["country_code"] == "US" and biased["admin1"] == "Texas"


def test_ambiguous_name_without_context_picks_the_prominent_place():
    [loc] = _names("Officials in Washington condemned the attack.", "Washington")
    assert loc["country_code"] == "US" and loc["admin1"] == "District of Columbia"
    assert loc["precision"] == "city"


def test_document_context_disambiguates():
    us = _names("Police in Atlanta and Savannah said the storm hit Georgia.",
                "Atlanta", "Savannah", "Georgia")
    assert us[2]["country_code"] == "US" and us[2]["feature"] == "ADM1"
    caucasus = _names("Georgia and Armenia met in Tbilisi.", "Georgia", "Armenia", "Tbilisi")
    assert caucasus[0]["country_code"] == "GE" and caucasus[0]["feature"] == "PCLI"


def test_unknown_name_keeps_a_null_location_without_emptying_the_rest():
    locs = _names("Fighting spread from Zqxvillestan to Aleppo and Homs.", "Zqxvillestan",
                  "Aleppo", "Homs")
    assert [loc["span"]["text"] for loc in locs] == ["Zqxvillestan", "Aleppo", "Homs"]
    unknown = locs[0]
    assert unknown["name"] == "Zqxvillestan"
    assert unknown["lat"] is None and unknown["geonameid"] is None
    assert unknown["precision"] is None
    assert all(loc["country_code"] == "SY" and loc["lat"] is not None for loc in locs[1:])


def test_regions_are_geocoded(nlp):
    doc = nlp("Militants moved from the North Caucasus to the Middle East and the Sahel.")
    regions = {loc["name"]: loc for loc in doc._.ww_locations if loc["precision"] == "region"}
    assert {"North Caucasus", "Middle East", "Sahel"} <= set(regions)
    assert regions["North Caucasus"]["country_code"] == "RU"


def test_actor_entities_that_look_like_places_are_skipped(nlp):
    text = "Fighters of the Caucasus Province attacked a police post in Derbent."
    doc = nlp.make_doc(text)
    for _, proc in nlp.pipeline:
        if proc is not nlp.get_pipe("wirewatch_places"):
            doc = proc(doc)
    start = text.index("Caucasus Province")
    span = doc.char_span(start, start + len("Caucasus Province"))
    doc._.ww_entities = [{"id": "e1", "name": "Caucasus Province", "type": "ORG",
                          "kind": "armed_group", "mentions": [
                              {"start": span.start_char, "end": span.end_char,
                               "text": span.text}]}]
    doc._.ww_token_entity = {i: "e1" for i in range(span.start, span.end)}
    doc = nlp.get_pipe("wirewatch_places")(doc)
    texts = [loc["span"]["text"] for loc in doc._.ww_locations]
    assert not any("Caucasus" in t for t in texts)
    assert _by_text(doc)["Derbent"]["admin1"] == "Dagestan"


def test_locations_are_in_text_order_and_contract_shaped(nlp):
    doc = nlp("Troops left Kabul for Kandahar, then flew to Islamabad in Pakistan.")
    locs = doc._.ww_locations
    starts = [loc["span"]["start"] for loc in locs]
    assert starts == sorted(starts) and len(locs) >= 3
    record = {"id": "t", "title": None, "url": None, "outlet": None, "published": None,
              "language": "en", "text_sha256": "0" * 64, "entities": [], "events": [],
              "quotes": [], "claims": [], "locations": locs, "times": []}
    assert validation_errors(record) == []
    for loc in locs:
        assert doc.text[loc["span"]["start"]:loc["span"]["end"]] == loc["span"]["text"]


def test_seed_article(nlp, shared_dir):
    text = (shared_dir / "examples" / "seed-article.txt").read_text(encoding="utf-8")
    locs = nlp(text)._.ww_locations
    by_name: dict[str, list[dict]] = {}
    for loc in locs:
        by_name.setdefault(loc["name"], []).append(loc)
    assert all(loc["precision"] == "country" and loc["country_code"] == "RU"
               for loc in by_name["Russia"])
    dagestan = by_name["Dagestan"][0]
    assert dagestan["precision"] == "admin1" and dagestan["country_code"] == "RU"
    assert by_name["North Caucasus"][0]["precision"] == "region"
    town = by_name["Dzhemikent"][0]
    assert town["resolved_via"] == "Dagestan" and town["precision"] == "admin1"
    assert (town["lat"], town["lon"]) == (dagestan["lat"], dagestan["lon"])
