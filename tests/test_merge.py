"""The pairwise "same incident" decision and the document evidence behind it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wirewatch.store.merge import (
    MergeItem,
    make_item,
    place_score,
    same_incident,
    time_interval,
    time_score,
    times_compatible,
)
from wirewatch.store.profile import DocProfile, build_profile, minhash, minhash_similarity


def _day(value: str) -> int:
    return dt.date.fromisoformat(value).toordinal()


def item(doc: int, **overrides: Any) -> MergeItem:
    base: dict[str, Any] = {
        "id": doc * 10,
        "document_id": doc,
        "type": "ASSAULT",
        "mode": "firearms",
        "time_value": "2016-06-20",
        "time_precision": "day",
        "location_name": "Kansas City",
        "location_precision": "city",
        "country_code": "US",
        "admin1": "Missouri",
        "lat": 39.1,
        "lon": -94.58,
        "killed": None,
        "injured": None,
    }
    profile = overrides.pop("profile", DocProfile())
    published = overrides.pop("published", "2016-06-21")
    made = make_item({**base, **overrides}, published, profile, overrides.pop("sig", []))
    assert made is not None
    return made


def test_time_intervals_follow_precision() -> None:
    assert time_interval("2016-06-20", "day") == (_day("2016-06-20"), _day("2016-06-20"))
    assert time_interval("2016-06-20", "week") == (_day("2016-06-20"), _day("2016-06-26"))
    assert time_interval("2016-02", "month") == (_day("2016-02-01"), _day("2016-02-29"))
    assert time_interval("2016", "year") == (_day("2016-01-01"), _day("2016-12-31"))


def test_year_only_time_excludes_but_is_no_evidence() -> None:
    background = item(1, time_value="2009", time_precision="year", published="2016-06-30")
    assert background.own_time and background.coarse
    assert not times_compatible(background, item(2))  # 2016-06-20 is not in 2009
    assert time_score(background, item(3, time_value="2009-05-01")) == 0.0


def test_undated_event_falls_back_to_a_window_before_publication() -> None:
    undated = item(1, time_value=None, time_precision=None, published="2016-06-30")
    assert not undated.own_time
    assert (undated.lo, undated.hi) == (_day("2016-06-16"), _day("2016-06-30"))
    assert times_compatible(undated, item(2))  # 06-20 lies in the window
    assert not times_compatible(undated, item(3, time_value="2016-06-10"))


def test_day_slack_is_one_day() -> None:
    assert times_compatible(item(1), item(2, time_value="2016-06-21"))
    assert not times_compatible(item(1), item(2, time_value="2016-06-22"))


def test_place_score_name_distance_and_admin1() -> None:
    assert place_score(item(1), item(2, country_code=None)) == 1.0  # same name, country unknown
    near = item(2, location_name="Independence", lat=39.09, lon=-94.41)  # ~15 km away
    assert place_score(item(1), near) == 1.0
    far = item(2, location_name="St. Louis", lat=38.63, lon=-90.2)
    assert place_score(item(1), far) == 0.5  # same state, far apart
    other_state = item(2, location_name="Topeka", admin1="Kansas", lat=39.05, lon=-95.68)
    assert place_score(item(1), other_state) == -1.0


def test_same_place_and_day_merge_but_type_country_or_time_keep_apart() -> None:
    assert same_incident(item(1), item(2))
    assert same_incident(item(1), item(2, type="FIGHT", mode=None))  # a clash and a shooting
    assert not same_incident(item(1), item(2, type="PROTEST", mode="demonstrate"))
    assert not same_incident(item(1), item(1))  # never within one document
    assert not same_incident(item(1), item(2, time_value="2016-06-25"))
    abroad = item(2, country_code="CA", admin1="Ontario", location_name="Kansas City")
    assert not same_incident(item(1), abroad)


def test_weak_place_needs_document_evidence() -> None:
    far = {"location_name": "St. Louis", "lat": 38.63, "lon": -90.2}
    assert not same_incident(item(1), item(2, **far))
    story = DocProfile(names={"jane doe"}, words={"boy", "backseat", "gunbattle", "rolling"},
                       title_words={"boy", "backseat"})
    assert same_incident(item(1, profile=story), item(2, profile=story, **far))


def test_near_duplicate_texts_link_without_other_evidence() -> None:
    text = "Police said the four-year-old boy was sitting in the back seat when shots rang out."
    copy = text.replace("Police said", "Officers said")
    assert minhash_similarity(minhash(text), minhash(copy)) >= 0.5
    sig = minhash(text)
    a = item(1, sig=sig, location_name=None, admin1=None, lat=None, lon=None)
    b = item(2, sig=sig, location_name=None, admin1=None, lat=None, lon=None,
             time_value=None, time_precision=None)
    assert same_incident(a, b)


def test_profile_skips_surnames_taken_for_places_and_weights_the_lead() -> None:
    record = {
        "title": "Teen shot in Gary",
        "entities": [{"type": "PERSON", "name": "Christopher Rodriguez"}],
        "locations": [
            {"name": "Gary", "precision": "city", "country_code": "US", "admin1": "Indiana",
             "lat": 41.6, "lon": -87.3, "span": {"start": 0, "end": 4, "text": "GARY"}},
            {"name": "Rodriguez", "precision": "city", "country_code": "PH",
             "admin1": "Calabarzon", "span": {"start": 60, "end": 69, "text": "Rodriguez"}},
        ],
    }
    profile = build_profile(record, "GARY, Ind. -- Police said Christopher Rodriguez, 17, ...")
    assert profile.focus == "us|indiana|gary"
    assert profile.countries == {"US"}
    assert profile.names == {"christopher rodriguez"}
    assert {"teen", "shot", "gary", "17"} <= profile.words
    assert DocProfile.from_json(profile.as_json()) == profile


def test_patterns_and_calls_to_arms_are_not_incidents() -> None:
    from wirewatch.store.incidents import is_incident_event

    base = {"factuality": "actual", "type": "ASSAULT", "mode": None, "event_json": {}}
    assert is_incident_event(base)
    assert not is_incident_event({**base, "event_json": {"generic": True}})
    assert not is_incident_event({**base, "type": "MOBILIZE", "mode": "call-to-arms"})
