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


def _names(text: str, *names: str, bias: str | None = None, demonyms: bool = True
           ) -> list[dict]:
    spans = []
    for name in names:
        start = text.index(name, spans[-1][1] if spans else 0)
        spans.append((start, start + len(name)))
    return geocode_names(text, spans, country_bias=bias, demonyms=demonyms)


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
    [loc] = _names("Russian police arrived.", "Russian", demonyms=False)
    assert loc["lat"] is None and loc["precision"] is None


def test_given_demonym_stands_for_its_country():
    """A caller that hands "Sudanese" in as a place name means Sudan (LGL-style metonymy)."""
    [loc] = _names("Sudanese troops crossed the border.", "Sudanese")
    assert loc["country_code"] == "SD" and loc["precision"] == "country"
    [resident] = _names("Ohioans voted on Tuesday.", "Ohioans")
    assert resident["feature"] == "ADM1" and resident["admin1"] == "Ohio"


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


def test_dateline_state_abbreviation_after_a_comma():
    """"ALEXANDRIA, Minn." -- the state is no given span, yet it settles the town."""
    [town] = _names("ALEXANDRIA, Minn. -- A driver was hurt on Tuesday.", "ALEXANDRIA")
    assert town["country_code"] == "US" and town["admin1"] == "Minnesota"


def test_other_names_vote_for_their_admin1_area():
    text = ("An Alexandria man was hurt near Nelson. Douglas County deputies and the "
            "Minnesota State Patrol responded.")
    town, _, county, state = _names(text, "Alexandria", "Nelson", "Douglas County",
                                    "Minnesota")
    assert town["admin1"] == "Minnesota" and county["admin1"] == "Minnesota"
    assert county["precision"] == "admin2" and state["feature"] == "ADM1"


def test_local_news_vocabulary_prefers_the_countrys_namesake():
    text = "The Paris police chief said the sheriff's deputies arrested two men."
    [loc] = _names(text, "Paris")
    assert loc["country_code"] == "US"
    [plain] = _names("Police in Paris said two people were hurt.", "Paris")
    assert plain["country_code"] == "FR"


def test_county_name_resolves_to_the_county():
    [loc] = _names("Deputies in Avoyelles Parish made 14 arrests.", "Avoyelles Parish")
    assert loc["feature"] == "ADM2" and loc["precision"] == "admin2"
    assert loc["admin1"] == "Louisiana"


def test_geocode_command_jsonl_in_and_out():
    import json

    from typer.testing import CliRunner

    from wirewatch.cli import app

    lines = [json.dumps({"id": "a", "text": "Clashes in Kano and Lagos.",
                         "spans": [[11, 15], [20, 25]]}),
             "not json",
             json.dumps({"id": "b", "text": "x", "spans": [[0, 9]]})]
    result = CliRunner().invoke(app, ["geocode", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in out] == ["a", None, "b"]
    kano, lagos = out[0]["locations"]
    assert kano["span"]["text"] == "Kano" and kano["country_code"] == "NG"
    assert lagos["country_code"] == "NG" and not validation_errors_of(kano)
    assert "error" in out[1] and "error" in out[2]


def validation_errors_of(location: dict) -> list:
    record = {"id": "t", "title": None, "url": None, "outlet": None, "published": None,
              "language": None, "text_sha256": "0" * 64, "entities": [], "events": [],
              "quotes": [], "claims": [], "locations": [location], "times": []}
    return validation_errors(record)


def test_all_caps_dateline_is_a_place(nlp):
    doc = nlp("HARWINTON — The selectmen approved the budget on Monday. "
              "COLUMBUS, Ohio (AP) — Officials met.")
    texts = [loc["span"]["text"] for loc in doc._.ww_locations]
    assert "HARWINTON" in texts and "COLUMBUS" in texts
    columbus = _by_text(doc)["COLUMBUS"]
    assert columbus["country_code"] == "US" and columbus["admin1"] == "Ohio"


def test_known_name_before_a_local_noun(nlp):
    doc = nlp("Roselle officers this month are continuing the speed enforcement.")
    assert [loc["span"]["text"] for loc in doc._.ww_locations] == ["Roselle"]


def test_party_tag_names_the_state(nlp):
    doc = nlp("Rep. Nick Rahall, D-W. Va., chairman of the committee, spoke on Monday.")
    locs = _by_text(doc)
    assert locs["W. Va."]["admin1"] == "West Virginia"


def test_person_surname_is_not_a_place(nlp):
    doc = nlp("Andrew Trapani is a producer. Trapani moved to Los Angeles in 2001.")
    texts = [loc["span"]["text"] for loc in doc._.ww_locations]
    assert "Trapani" not in texts and "Los Angeles" in texts


def test_unknown_village_falls_back_to_the_documents_admin1_area():
    text = "Firefighters from Torrington and Zzyzxville responded. Torrington police said."
    town, village, _ = _names(text, "Torrington", "Zzyzxville", "Torrington")
    assert town["admin1"] == "Connecticut"
    assert village["name"] == "Zzyzxville" and village["precision"] == "admin1"
    assert village["resolved_via"] == "Connecticut" and village["lat"] is not None


def test_unknown_name_without_context_stays_unlocated():
    [loc] = _names("Zzyzxville residents gathered.", "Zzyzxville")
    assert loc["lat"] is None and loc["precision"] is None


def test_names_of_god_are_not_places(nlp):
    # a few gazetteer villages share religious names; in a statement they are no places
    doc = nlp("Thanks to Allah, we have many brave brothers here with us in Russia.")
    assert list(_by_text(doc)) == ["Russia"]
