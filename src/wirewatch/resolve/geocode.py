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
from wirewatch.resolve.outlet_place import outlet_hint
from wirewatch.resolve.place_mentions import MentionFinder
from wirewatch.resolve.place_scoring import (
    Mention,
    Resolver,
    _location_dict,
    ordered_location,
    text_country_cue,
)

__all__ = ["OutletPlaces", "PlaceRecognizer", "document_country", "geocode_names",
           "prior_table"]

#: Where an outlet's earlier reports were placed, as the store counts them: a list of
#: ``{"country_code": "US", "admin1": "Illinois", "count": 12}`` (JSON-friendly, so it
#: travels with a Document to worker processes).
OutletPlaces = list[dict[str, Any]]


def prior_table(rows: OutletPlaces | None) -> dict[tuple[str, str], float] | None:
    """The resolver's (country code, admin1 name) -> count table of ``rows``; malformed
    rows are skipped (the history is a hint, never a reason to fail)."""
    if not rows:
        return None
    table: dict[tuple[str, str], float] = {}
    for row in rows:
        try:
            key = (str(row["country_code"]), str(row["admin1"]))
            table[key] = table.get(key, 0.0) + float(row.get("count", 1))
        except (KeyError, TypeError, ValueError):
            continue
    return table or None


class PlaceRecognizer:
    """Toponyms of a Doc resolved against the gazetteer (the ``wirewatch_places`` component
    wraps it)."""

    def __init__(self, country_bias: str | None = None,
                 gazetteer: Gazetteer | None = None) -> None:
        self.resolver = Resolver(gazetteer, country_bias)
        self.finder = MentionFinder(self.resolver.gaz)

    def find(self, doc: Doc, url: str | None = None, outlet: str | None = None,
             outlet_places: OutletPlaces | None = None) -> list[dict[str, Any]]:
        """Contract Location dicts, each with its span, in text order. ``url`` and
        ``outlet`` say where the outlet is at home (a local station's city);
        ``outlet_places`` where its earlier reports were placed (see ``prior_table``)."""
        text = source_text(doc)
        mentions = self.finder.find(doc, text)
        self.resolver.link_containers(text, mentions)
        self.resolver.outlet = outlet_hint(self.resolver.gaz, url, outlet) \
            if url or outlet else None
        self.resolver.outlet_prior = prior_table(outlet_places)
        locations = self.resolver.resolve(text, mentions)
        # A facility or lone word that only NER took for a place, and that neither the
        # gazetteer nor an enclosing area knows, is more often a person or a street.
        kept = [(m, loc) for m, loc in zip(mentions, locations, strict=True)
                if not (m.weak and (loc.get("lat") is None or m.via_focus)) and not m.rejected
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
    if word.isalpha() and word.isupper() and len(word) == 4 and word[0] in "KW" \
            and (loc.get("resolved_via") or loc.get("lat") is None):
        return True  # a broadcaster's call sign ("WJAX - Jacksonville"), not a place
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
#: ... so such a country's ``probability`` (that the country is right).
DOCUMENT_COUNTRY_PROBABILITY = round(537 / 559, 3)


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
    # The measured rate of a right country (above); a guess from words, so ambiguous.
    loc["probability"], loc["ambiguous"] = DOCUMENT_COUNTRY_PROBABILITY, True
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
                  geonames: str | None = None, demonyms: bool = True,
                  url: str | None = None, outlet: str | None = None,
                  outlet_places: OutletPlaces | None = None) -> list[dict[str, Any]]:
    """Resolve given place-name spans (character offsets into ``text``) together, as one
    document; returns one Location per span, in the order given. A span handed in as a
    place is resolved even when it is a demonym ("Sudanese" -> Sudan): the caller says it
    names a place (``demonyms=False`` leaves them unresolved). ``geonames``: a GeoNames
    dump to build the gazetteer from; ``url`` / ``outlet``: the outlet's address and name;
    ``outlet_places``: where the outlet's earlier reports were placed."""
    resolver = _resolver(country_bias.upper() if country_bias else None, geonames)
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    mentions = [_given_mention(text, *spans[i], as_given=demonyms) for i in order]
    resolver.link_containers(text, mentions)
    resolver.outlet = outlet_hint(resolver.gaz, url, outlet) if url or outlet else None
    resolver.outlet_prior = prior_table(outlet_places)
    locations = resolver.resolve(text, mentions)
    result: list[dict[str, Any]] = [{}] * len(spans)
    for i, m, loc in zip(order, mentions, locations, strict=True):
        loc["span"] = {"start": m.start, "end": m.end, "text": m.text}
        result[i] = ordered_location(loc)
    return result
