"""Geocoding: place mentions to contract ``Location`` dicts, two ways in.

``PlaceRecognizer.find`` reads the toponyms of a parsed Doc (the ``wirewatch_places``
component wraps it); ``geocode_names`` resolves place-name spans a caller already has
(``wirewatch geocode``, the geoparsing evaluation). Both hand a document's mentions to one
:class:`~wirewatch.resolve.place_scoring.Resolver`, so a mention is always resolved with the
whole document as context. Recognition lives in :mod:`wirewatch.resolve.place_mentions`,
scoring in :mod:`wirewatch.resolve.place_scoring`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from spacy.tokens import Doc

from wirewatch.knowledge.gazetteer import Gazetteer
from wirewatch.knowledge.place_words import place_cues
from wirewatch.nlp.spans import char_span, source_text
from wirewatch.resolve.place_mentions import MentionFinder
from wirewatch.resolve.place_scoring import (
    Mention,
    Resolver,
    _location_dict,
    ordered_location,
    text_country_cue,
)

__all__ = ["PlaceRecognizer", "document_country", "geocode_names"]


class PlaceRecognizer:
    """Toponyms of a Doc resolved against the gazetteer (the ``wirewatch_places`` component
    wraps it)."""

    def __init__(self, country_bias: str | None = None,
                 gazetteer: Gazetteer | None = None) -> None:
        self.resolver = Resolver(gazetteer, country_bias)
        self.finder = MentionFinder(self.resolver.gaz)

    def find(self, doc: Doc) -> list[dict[str, Any]]:
        """Contract Location dicts, each with its span, in text order."""
        text = source_text(doc)
        mentions = self.finder.find(doc, text)
        self.resolver.link_containers(text, mentions)
        locations = self.resolver.resolve(text, mentions)
        # A facility or lone word that only NER took for a place, and that neither the
        # gazetteer nor an enclosing area knows, is more often a person or a street.
        kept = [(m, loc) for m, loc in zip(mentions, locations, strict=True)
                if not (m.weak and (loc.get("lat") is None or m.via_focus))
                and not _stray_acronym(text, m, loc)]
        mentions, locations = [m for m, _ in kept], [loc for _, loc in kept]
        for m, loc in zip(mentions, locations, strict=True):
            loc["span"] = char_span(doc, m.start, m.end)
        return [ordered_location(loc) for loc in locations]


def _stray_acronym(text: str, m: Mention, loc: dict[str, Any]) -> bool:
    """A short all-capital word that resolved to a town or district only ("AL" for the
    Awami League -> Ål, Norway; "RA" -> Ra, Fiji) is an abbreviation, not a place; a
    dateline ("GAO —") is kept."""
    word = m.text.replace(".", "")
    if not (word.isalpha() and word.isupper() and len(word) <= 3):
        return False
    if loc.get("feature") in ("PCLI", "RGN") and not loc.get("resolved_via"):
        return False  # "US", "UK", "EU", "DRC"
    # An admin1 abbreviation counts after a comma ("Austin, TX") or when longer than two
    # letters; a bare "SC" or "UP" is as often a court or a union council.
    if loc.get("feature") == "ADM1" and not loc.get("resolved_via") and (
            len(word) == 3 or text[max(0, m.start - 2):m.start].strip() == ","):
        return False
    after = text[m.end:m.end + 3].lstrip(" ,")
    return not (len(word) == 3 and after[:1] in ("—", "–", "-", ":"))


#: Distinct local-news cues a text needs before its country stands for an event's place
#: when the text locates no place ("UP chairman", "Awami League", "upazila": Bangladesh).
#: One cue named the right country for 537 of 559 ACLED tune-half notes that have one
#: (96%; two cues: 134 of 134, but for a quarter as many notes).
DOCUMENT_COUNTRY_HITS = 1


def document_country(text: str, gazetteer: Gazetteer | None = None) -> dict[str, Any] | None:
    """A country-level Location for a text whose local-news vocabulary names one country
    clearly (DOCUMENT_COUNTRY_HITS distinct cues), else None. It names no toponym, so its
    ``span`` is null; ``inferred_from`` holds the cue word that named the country ("BJP"),
    the evidence an analyst checks before trusting it."""
    found = text_country_cue(text, DOCUMENT_COUNTRY_HITS)
    if found is None:
        return None
    cc, (start, end) = found
    country = (gazetteer or Gazetteer.load()).country(cc)
    if country is None or country.lat is None:
        return None
    loc = _location_dict(country, country.name)
    loc["span"] = None
    loc["inferred_from"] = {"start": start, "end": end, "text": text[start:end]}
    return ordered_location(loc)


@cache
def _resolver(country_bias: str | None, geonames: str | None = None) -> Resolver:
    gazetteer = Gazetteer.load(geonames=geonames) if geonames else None
    return Resolver(gazetteer, country_bias)


def _given_mention(text: str, start: int, end: int, as_given: bool) -> Mention:
    """A caller's span with the cue hints its neighbours give: an administrative word after
    it wants an area ("Dagestan province"), "the town of" before it a settlement."""
    cues = place_cues()
    rest = text[end:end + 16].lower().split()
    want_area = bool(rest) and rest[0].strip(".,;:") in cues.area_words \
        and not text[end:].lstrip().startswith("Province")
    before = text[max(0, start - 16):start].lower().split()
    # "the state of Washington", "the province of Quebec": the area, not its city.
    want_area = want_area or (len(before) >= 2 and before[-1] == "of"
                              and before[-2] in cues.area_words)
    settlement = len(before) >= 2 and before[-1] == "of" \
        and before[-2] in cues.settlement_nouns and before[-2] not in cues.area_nouns
    return Mention(start, end, text[start:end], want_area=want_area,
                   want_settlement=settlement, as_given=as_given)


def geocode_names(text: str, spans: list[tuple[int, int]], country_bias: str | None = None,
                  geonames: str | None = None, demonyms: bool = True
                  ) -> list[dict[str, Any]]:
    """Resolve given place-name spans (character offsets into ``text``) together, as one
    document; returns one Location per span, in the order given. A span handed in as a
    place is resolved even when it is a demonym ("Sudanese" -> Sudan): the caller says it
    names a place (``demonyms=False`` leaves them unresolved). ``geonames``: a GeoNames
    dump to build the gazetteer from."""
    resolver = _resolver(country_bias.upper() if country_bias else None, geonames)
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    mentions = [_given_mention(text, *spans[i], as_given=demonyms) for i in order]
    resolver.link_containers(text, mentions)
    locations = resolver.resolve(text, mentions)
    result: list[dict[str, Any]] = [{}] * len(spans)
    for i, m, loc in zip(order, mentions, locations, strict=True):
        loc["span"] = {"start": m.start, "end": m.end, "text": m.text}
        result[i] = ordered_location(loc)
    return result
