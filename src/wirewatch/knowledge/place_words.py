"""The words around place names that the geocoder reads (data/places_*.yaml,
demonyms.yaml): which words are never places, which cue a place, and which mark a country's
local news. Normalised where the geocoder compares normalised names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from wirewatch.knowledge import load_yaml
from wirewatch.knowledge.actors import demonyms as national_demonyms
from wirewatch.knowledge.place_names import normalize


@cache
def non_place_adjectives() -> frozenset[str]:
    """Normalised demonyms, national, ethnic and religious adjectives: never places."""
    national = frozenset(normalize(name) for name in national_demonyms())
    extra = load_yaml("places_demonyms.yaml") or {}
    return national | frozenset(normalize(str(w)) for w in extra.get("demonyms", []))


@cache
def stopnames() -> frozenset[str]:
    """Generic words ("North", "Centre") that are never resolved on their own (normalised)."""
    data = load_yaml("places_admin1.yaml") or {}
    return frozenset(normalize(str(w)) for w in data.get("stopnames", []))


@dataclass(frozen=True)
class PlaceCues:
    """data/places_cues.yaml: the words that show a capitalised word is a place."""

    #: Words right after a name that make it a local place ("Roselle officers"), casefolded.
    after_name: frozenset[str]
    #: Party letters before a state or district ("D-W. Va.").
    party_tags: tuple[str, ...]
    #: "the town of X": nouns that introduce a settlement name ...
    settlement_nouns: frozenset[str]
    #: ... and those of them that introduce an area instead ("the province of X").
    area_nouns: frozenset[str]
    #: Prepositions after which a capitalised known name is taken as a place.
    place_prepositions: frozenset[str]
    #: Words after a name that make it an administrative area ("Dagestan province").
    area_words: frozenset[str]
    #: Second-level type words whose area its namesake town may stand for ("X district").
    seat_words: frozenset[str] = frozenset()
    #: Words after a town's name opening an organisation's name that keep the town a place
    #: ("Gainesville Police Department", "Kabul University").
    org_heads: frozenset[str] = frozenset()
    #: Last words of street and neighbourhood names ("Kimbark Avenue").
    street_words: frozenset[str] = frozenset()
    #: First words naming a part of a town ("North Minneapolis").
    town_parts: frozenset[str] = frozenset()
    #: Words that with town_parts name a part of a town ("West Side", "East End").
    part_words: frozenset[str] = frozenset()


@cache
def place_cues() -> PlaceCues:
    """The place cue words."""
    data = load_yaml("places_cues.yaml") or {}
    return PlaceCues(
        after_name=frozenset(str(w).casefold() for w in data.get("after_name", [])),
        party_tags=tuple(str(t) for t in data.get("party_tags", [])),
        settlement_nouns=frozenset(data["settlement_nouns"]),
        area_nouns=frozenset(data["area_nouns"]),
        place_prepositions=frozenset(data["place_prepositions"]),
        area_words=frozenset(data["area_words"]),
        seat_words=frozenset(str(w) for w in data.get("seat_words", [])),
        org_heads=frozenset(str(w).casefold() for w in data.get("org_heads", [])),
        street_words=frozenset(str(w).casefold() for w in data.get("street_words", [])),
        town_parts=frozenset(str(w).casefold() for w in data.get("town_parts", [])),
        part_words=frozenset(str(w).casefold() for w in data.get("part_words", [])),
    )


@dataclass(frozen=True)
class CountryCues:
    """data/places_country_cues.yaml: words that mark a country's local news."""

    #: Distinct cues a text needs before it reads as one country's local news.
    min_hits: int
    #: ISO 3166-1 alpha-2 code -> its cue words, matched case-sensitively on whole words.
    words: Mapping[str, tuple[str, ...]]


@cache
def country_cues() -> CountryCues:
    """The local-news cue words per country."""
    data = load_yaml("places_country_cues.yaml") or {}
    return CountryCues(
        min_hits=int(data.get("min_hits", 2)),
        words={cc: tuple(str(w) for w in words) for cc, words in (data.get("cues") or {}).items()},
    )
