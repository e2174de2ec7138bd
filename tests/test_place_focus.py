"""Places as a local reader takes them: the outlet's home, the document's focus, streets and
parts of town, close spellings, the outlet's history, and a confidence for every place."""

from __future__ import annotations

import math

from wirewatch.contract.validate import validation_errors
from wirewatch.knowledge.gazetteer import Gazetteer
from wirewatch.resolve.geocode import _resolver, geocode_names, prior_table
from wirewatch.resolve.outlet_place import outlet_hint, outlet_host
from wirewatch.resolve.place_confidence import calibrated, is_ambiguous, softmax
from wirewatch.resolve.place_scoring import Mention, Resolver


def _spans(text: str, *names: str) -> list[tuple[int, int]]:
    spans = []
    for name in names:
        start = text.index(name, spans[-1][1] if spans else 0)
        spans.append((start, start + len(name)))
    return spans


def test_outlet_hint_reads_towns_call_signs_and_country_domains():
    gaz = Gazetteer.load()
    chicago = outlet_hint(gaz, "https://abc7chicago.com/news/x", None)
    assert chicago.country == "US" and {p.name for p in chicago.places} == {"Chicago"}
    assert outlet_hint(gaz, "http://www.wftv.com/news/x", None).country == "US"
    assert outlet_hint(gaz, "http://www.cambridge-news.co.uk/x", None).country == "GB"
    toledo = outlet_hint(gaz, "http://www.toledoblade.com/local/x", None)
    assert any(p.country_code == "US" and p.admin1_name == "Ohio" for p in toledo.places)
    # An archived copy is read for the original address.
    assert outlet_host("http://web.archive.org/web/2016/http://fox59.com:80/2014/x") == "fox59.com"
    # Alternate names are not read into an address ("theday" names no Turkish Tire).
    assert not outlet_hint(gaz, "http://www.theday.com/x", None).places
    # The outlet's name counts too ("WFTV Orlando").
    named = outlet_hint(gaz, None, "WFTV Orlando")
    assert named.country == "US" and any(p.name == "Orlando" for p in named.places)


def test_outlet_home_decides_a_bare_town_name():
    text = "A teen was shot Saturday night in central Toledo, police said."
    [bare] = geocode_names(text, _spans(text, "Toledo"), demonyms=False)
    [local] = geocode_names(text, _spans(text, "Toledo"), url="http://www.toledoblade.com/x")
    assert local["country_code"] == "US" and local["admin1"] == "Ohio"
    assert bare != local or bare["country_code"] == "US"


def test_outlet_history_from_the_store_places_a_namesake():
    text = "A toddler was shot at an apartment complex in Springfield on Sunday."
    history = [{"country_code": "US", "admin1": "Ohio", "count": 7},
               {"country_code": "US", "admin1": "Kentucky", "count": 1}]
    [plain] = geocode_names(text, _spans(text, "Springfield"), url="http://www.whio.com/x")
    [known] = geocode_names(text, _spans(text, "Springfield"), url="http://www.whio.com/x",
                            outlet_places=history)
    assert plain["admin1"] != "Ohio"  # the largest Springfield, without the history
    assert known["country_code"] == "US" and known["admin1"] == "Ohio"
    # Too little history is no prior.
    [few] = geocode_names(text, _spans(text, "Springfield"), url="http://www.whio.com/x",
                          outlet_places=[{"country_code": "US", "admin1": "Ohio", "count": 2}])
    assert few["admin1"] == plain["admin1"]
    assert prior_table([{"country_code": "US"}, {"junk": 1}]) is None  # malformed: no prior


def _mentions(text: str, *names: str) -> list[Mention]:
    return [Mention(a, b, text[a:b]) for a, b in _spans(text, *names)]


def test_a_small_town_abroad_without_evidence_is_no_place_in_a_focused_story():
    text = ("KOKOMO, Ind. — Four people were hurt in a shooting in Kokomo, Indiana. "
            "The Highway Patrol and Howard County deputies responded.")
    resolver = Resolver()
    mentions = _mentions(text, "KOKOMO", "Ind.", "Kokomo", "Indiana", "Patrol", "Howard County")
    resolver.link_containers(text, mentions)
    locations = resolver.resolve(text, mentions)
    assert resolver.focus_country == "US" and resolver.focus_strong
    by_name = {m.text: (m, loc) for m, loc in zip(mentions, locations, strict=True)}
    patrol, _ = by_name["Patrol"]
    assert patrol.rejected  # Patrol, Indonesia: no evidence of its own
    kokomo, loc = by_name["Kokomo"]
    assert not kokomo.rejected and loc["admin1"] == "Indiana"


def test_parts_of_town_and_streets_lie_in_the_outlets_city():
    text = "A boy was killed on the West Side on Saturday near North Harding Avenue."
    west, street = geocode_names(text, _spans(text, "West Side", "North Harding Avenue"),
                                 url="https://abc7chicago.com/x")
    for loc in (west, street):
        assert loc["admin1"] == "Illinois" and loc["resolved_via"] == "Chicago"
        assert loc["precision"] == "city"


def test_close_spelling_of_a_focus_country_name():
    text = "Two Awami League activists were hurt in a clash at Jhenidah on Friday."
    [place] = geocode_names(text, _spans(text, "Jhenidah"))
    assert place["country_code"] == "BD" and place["name"].startswith("Jhenaidah")


def test_every_location_has_a_probability_and_an_ambiguity_flag():
    text = "Officials in Paris and in Springfield met on Monday; Nowhereville was quiet."
    locations = geocode_names(text, _spans(text, "Paris", "Springfield", "Nowhereville"))
    for loc in locations:
        assert isinstance(loc["probability"], float) and 0.0 <= loc["probability"] <= 1.0
        assert isinstance(loc["ambiguous"], bool)
    assert locations[2]["lat"] is None and locations[2]["probability"] == 0.0
    # Springfield has many far-apart namesakes of similar weight: flagged.
    assert locations[1]["ambiguous"]


def test_confidence_helpers():
    assert softmax([]) == []
    probs = softmax([2.0, 2.0, -5.0])
    assert math.isclose(sum(probs), 1.0) and probs[0] == probs[1]
    assert softmax([math.inf, 1.0]) == [1.0, 0.0]
    # A close runner-up 1,000 km away is ambiguous; one a few km away is the same place.
    assert is_ambiguous([(40.0, -80.0), (40.0, -92.0)], [0.55, 0.45], via_focus=False)
    assert not is_ambiguous([(40.0, -80.0), (40.01, -80.01)], [0.55, 0.45], via_focus=False)
    assert not is_ambiguous([(40.0, -80.0), (40.0, -92.0)], [0.95, 0.05], via_focus=False)
    # The isotonic knots map a score monotonically into [0, 1].
    knots = [(0.0, 0.3), (1.0, 0.8), (2.0, 0.99)]
    low = calibrated({"bias": -1.0}, {"bias": 1.0}, knots)
    mid = calibrated({"bias": 1.5}, {"bias": 1.0}, knots)
    high = calibrated({"bias": 9.0}, {"bias": 1.0}, knots)
    assert low == 0.3 and 0.8 < mid < 0.99 and high == 0.99


def test_shipped_calibration_is_read():
    resolver = _resolver(None)
    assert resolver.calibration is not None and resolver.calibration_knots


def test_record_locations_carry_probability_and_ambiguous_and_validate(tmp_path):
    from wirewatch.api import Document, extract_records

    doc = Document(id="t1", text="Shooting in Toledo\n\nTOLEDO, Ohio — A man was shot on "
                   "Monday at 85 Saint John St., Toledo police said.",
                   url="http://www.toledoblade.com/x")
    [record] = list(extract_records([doc]))
    assert validation_errors(record) == []
    locations = record["locations"]
    assert locations and all(0.0 <= loc["probability"] <= 1.0 and isinstance(
        loc["ambiguous"], bool) for loc in locations)
    assert all(loc["country_code"] in ("US", None) for loc in locations)
    street = [loc for loc in locations if "Saint John" in (loc["span"] or {}).get("text", "")]
    assert street and street[0]["admin1"] == "Ohio"  # not Saint John, Indiana
