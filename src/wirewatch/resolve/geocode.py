"""Toponym detection and document-level resolution to contract ``Location`` dicts.

Mentions come from spaCy NER (GPE/LOC/FAC) plus cue phrases NER misses ("the town of
Dzhemikent", "in Dagestan province"). Each mention is resolved with the whole document as
context: explicit containment ("X, Y", "X in Y province") first, then countries and admin1
areas mentioned elsewhere, an optional country bias, feature class and population. A name
the gazetteer lacks falls back to its enclosing area ("resolved_via"); one with no area keeps
a Location with null coordinates, so no mention is ever dropped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from wirewatch.nlp.extensions import register_extensions
from wirewatch.resolve.actors import demonyms as national_demonyms
from wirewatch.resolve.gazetteer import Gazetteer, Place, normalize
from wirewatch.spans import char_span, source_text

register_extensions()

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

NER_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: Entity kinds/types (from ``wirewatch_entities``) that are actors, never places.
NON_PLACE_KINDS = frozenset({
    "armed_group", "media", "political_party", "government", "military", "police",
    "security_service", "international_org", "religious_group", "civilians",
})
NON_PLACE_TYPES = frozenset({"PERSON", "ORG", "NORP", "WEAPON"})
#: Words after a name that make it an administrative area ("Dagestan province").
ADMIN_WORDS = frozenset({
    "province", "region", "oblast", "governorate", "district", "state", "county", "republic",
    "prefecture", "krai", "kray", "territory", "department", "municipality", "canton",
})
#: Nouns that introduce a settlement name: "the town of X", "the village of X".
SETTLEMENT_NOUNS = frozenset({
    "town", "city", "village", "settlement", "hamlet", "suburb", "municipality", "district",
    "province", "region", "neighbourhood", "neighborhood", "port", "capital", "enclave",
})
AREA_NOUNS = frozenset({"province", "region", "district", "municipality"})
#: Prepositions after which a capitalised known name is taken as a place NER missed.
PLACE_PREPOSITIONS = frozenset({
    "in", "near", "outside", "across", "around", "from", "to", "into", "towards", "toward",
    "throughout",
})
MIN_CUE_POPULATION = 5000
#: NER labels a cue phrase may override ("in the Sahel" is often tagged PERSON).
CUE_ENT_TYPES = frozenset({"", "PERSON", "ORG", "PRODUCT"})
#: Other NER labels whose span is still taken as a place when it names a known area exactly
#: ("the North Caucasus" is often tagged ORG, "Sahel" PRODUCT).
MISLABELS = frozenset({"ORG", "PERSON", "PRODUCT", "WORK_OF_ART", "EVENT"})

_CONTAINER_GAP = re.compile(r"\s*,\s*|\s+(?:in|near|of)\s+(?:the\s+)?", re.IGNORECASE)
_LEADING = frozenset({"the", "The", "THE"})

# Scoring weights (log10 population is the base prior).
W_COUNTRY = 3.0       # countries are what an unqualified country name means
W_REGION = 9.0        # fixed prior for curated regions (they have no population)
W_ADMIN1 = -0.5       # an area sums its towns' populations: discount it against a city
W_CAPITAL = 1.0
W_EXACT = 0.5         # the gazetteer's own name rather than an alternate name
W_CONTAINED = 10.0    # "X, Y" / "X in Y": a candidate inside Y
W_DOC_COUNTRY = 3.0   # the candidate's country is named elsewhere in the document
W_DOC_ADMIN1 = 2.0    # ... or its admin1 area is
W_BIAS = 3.5          # the configured country bias
W_KIND = 5.0          # "X province" wants an area; "the town of X" wants a settlement


@dataclass
class Mention:
    """One toponym mention: character offsets into the source text and cue hints."""

    start: int
    end: int
    text: str
    want_area: bool = False
    want_settlement: bool = False
    container: int | None = None  # index of the mention that encloses this one
    candidates: list[Place] = field(default_factory=list)


@cache
def _word_list(filename: str, key: str) -> frozenset[str]:
    with (DATA_DIR / filename).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return frozenset(normalize(str(w)) for w in data.get(key, []))


@cache
def demonyms() -> frozenset[str]:
    """Normalised demonyms, national, ethnic and religious adjectives: never places."""
    national = frozenset(normalize(name) for name in national_demonyms())
    return national | _word_list("places_demonyms.yaml", "demonyms")


def stopnames() -> frozenset[str]:
    """Generic words ("North", "Centre") that are never resolved on their own."""
    return _word_list("places_admin1.yaml", "stopnames")


def _is_demonym(key: str, words: frozenset[str]) -> bool:
    return key in words or (key.endswith("s") and key[:-1] in words)


# --------------------------------------------------------------------------------------
# resolution (shared by the spaCy component and geocode_names)


class Resolver:
    """Resolves a document's mentions together; holds only read-only tables."""

    def __init__(self, gazetteer: Gazetteer | None = None, country_bias: str | None = None
                 ) -> None:
        self.gaz = gazetteer or Gazetteer.load()
        self.bias = country_bias.upper() if country_bias else None
        self.demonyms = demonyms()
        self.stop = stopnames()

    def link_containers(self, text: str, mentions: list[Mention]) -> None:
        """Mark "X, Y" and "X in (the) Y" pairs: Y may enclose X."""
        for i in range(len(mentions) - 1):
            here, nxt = mentions[i], mentions[i + 1]
            if _CONTAINER_GAP.fullmatch(text[here.end:nxt.start]):
                here.container = i + 1

    def resolve(self, text: str, mentions: list[Mention]) -> list[dict[str, Any]]:
        """Contract Location dicts (span filled by the caller) for ``mentions``, in order."""
        for m in mentions:
            key = normalize(m.text)
            usable = key not in self.stop and not _is_demonym(key, self.demonyms)
            m.candidates = self.gaz.candidates(m.text) if usable else []
        first = [self._best(m, None, Counter(), Counter()) for m in mentions]
        countries: Counter[str] = Counter()
        admin1s: Counter[tuple[str, str]] = Counter()
        for place in first:
            if place is not None and place.country_code:
                countries[place.country_code] += 1
                if place.admin1_code and place.feature != "PCLI":
                    admin1s[(place.country_code, place.admin1_code)] += 1
        chosen: list[Place | None] = [None] * len(mentions)
        # Containers first (they sit later in the text), so "X, Y" can use Y's choice.
        for i in sorted(range(len(mentions)), key=lambda j: mentions[j].container is not None):
            m = mentions[i]
            own = first[i]
            ctx_c, ctx_a = countries.copy(), admin1s.copy()
            if own is not None and own.country_code:
                ctx_c[own.country_code] -= 1
                if own.admin1_code:
                    ctx_a[(own.country_code, own.admin1_code)] -= 1
            container = chosen[m.container] if m.container is not None else None
            chosen[i] = self._best(m, container, ctx_c, ctx_a)
        return [self._location(m, place, chosen, mentions) for m, place in zip(mentions, chosen, strict=True)]

    def _score(self, m: Mention, p: Place, key: str, container: Place | None,
               ctx_c: Counter[str], ctx_a: Counter[tuple[str, str]]) -> float:
        if p.feature == "RGN":
            score = W_REGION
        else:
            score = math.log10(p.population + 1)
            if p.feature == "PCLI":
                score += W_COUNTRY
            elif p.feature == "ADM1":
                score += W_ADMIN1
            elif p.feature == "PPLC":
                score += W_CAPITAL
        if normalize(p.name) == key:
            score += W_EXACT
        if m.want_area:
            score += W_KIND if p.is_area else -W_KIND
        elif m.want_settlement and p.is_area:
            score -= W_KIND
        if container is not None and (container.contains(p) or (
                container.feature == "RGN" and container.country_code == p.country_code)):
            score += W_CONTAINED
        cc = p.country_code
        if cc and ctx_c.get(cc, 0) > 0:
            score += W_DOC_COUNTRY + min(ctx_c[cc] - 1, 4) * 0.5
        if cc and p.admin1_code and ctx_a.get((cc, p.admin1_code), 0) > 0:
            score += W_DOC_ADMIN1
        if self.bias and cc == self.bias:
            score += W_BIAS
        return score

    def _best(self, m: Mention, container: Place | None, ctx_c: Counter[str],
              ctx_a: Counter[tuple[str, str]]) -> Place | None:
        if not m.candidates:
            return None
        key = normalize(m.text)
        return max(m.candidates, key=lambda p: self._score(m, p, key, container, ctx_c, ctx_a))

    def _location(self, m: Mention, place: Place | None, chosen: list[Place | None],
                  mentions: list[Mention]) -> dict[str, Any]:
        if place is not None:
            return _location_dict(place, place.name)
        # Unknown name: fall back to the enclosing area named right after it, if any.
        area = chosen[m.container] if m.container is not None else None
        if area is not None and area.is_area and area.lat is not None:
            loc = _location_dict(area, m.text)
            loc["resolved_via"] = area.name
            return loc
        return {"name": m.text, "geonameid": None, "feature": None, "country_code": None,
                "admin1": None, "lat": None, "lon": None, "precision": None}


def _location_dict(place: Place, name: str) -> dict[str, Any]:
    admin1 = place.name if place.feature == "ADM1" else place.admin1_name
    return {
        "name": name,
        "geonameid": place.id,
        "feature": place.feature,
        "country_code": place.country_code,
        "admin1": admin1,
        "lat": round(place.lat, 5) if place.lat is not None else None,
        "lon": round(place.lon, 5) if place.lon is not None else None,
        "precision": place.precision if place.lat is not None else None,
    }


# --------------------------------------------------------------------------------------
# mention detection in a parsed Doc


def _skip_tokens(doc: Doc, by_type: bool) -> set[int]:
    """Token indices covered by actor entities (armed groups, media, ...); with ``by_type``
    also by entities typed PERSON/ORG/NORP (cue phrases override that NER-derived type)."""
    entities = doc._.ww_entities
    if not entities:
        return set()
    bad = {e["id"] for e in entities if e.get("kind") in NON_PLACE_KINDS
           or (by_type and e.get("type") in NON_PLACE_TYPES)}
    if not bad:
        return set()
    token_entity = doc._.ww_token_entity
    if token_entity is not None:
        return {i for i, eid in token_entity.items() if eid in bad}
    skip: set[int] = set()
    for e in entities:
        if e["id"] in bad:
            for mention in e.get("mentions", []):
                span = doc.char_span(mention["start"], mention["end"], alignment_mode="expand")
                if span is not None:
                    skip.update(range(span.start, span.end))
    return skip


def _is_name_token(tok: Any) -> bool:
    return tok.is_title or (tok.is_upper and len(tok) > 1) or tok.pos_ == "PROPN" and tok.text[:1].isupper()


def _name_run(doc: Doc, start: int) -> int:
    """End (exclusive) of the run of capitalised tokens from ``start`` (hyphens allowed)."""
    end = start
    while end < len(doc):
        tok = doc[end]
        if _is_name_token(tok):
            end += 1
        elif tok.text in ("-", "'") and end + 1 < len(doc) and _is_name_token(doc[end + 1]) \
                and end > start and not tok.whitespace_ and not doc[end - 1].whitespace_:
            end += 2
        else:
            break
    return end


def _suffix_end(doc: Doc, end: int) -> int:
    """Extend a name over a following administrative word ("Dagestan province")."""
    if end < len(doc):
        tok = doc[end]
        if tok.lower_ in ADMIN_WORDS and not (tok.text == "Province"):
            return end + 1
    return end


class PlaceRecognizer:
    """spaCy component ``wirewatch_places``: writes ``doc._.ww_locations``."""

    def __init__(self, nlp: Language, name: str = "wirewatch_places",
                 country_bias: str | None = None, gazetteer: Gazetteer | None = None) -> None:
        self.name = name
        self.resolver = Resolver(gazetteer, country_bias)

    def __call__(self, doc: Doc) -> Doc:
        text = source_text(doc)
        mentions = self.mentions(doc, text)
        self.resolver.link_containers(text, mentions)
        locations = self.resolver.resolve(text, mentions)
        for m, loc in zip(mentions, locations, strict=True):
            loc["span"] = char_span(doc, m.start, m.end)
        doc._.ww_locations = [_ordered(loc) for loc in locations]
        return doc

    def mentions(self, doc: Doc, text: str) -> list[Mention]:
        """Toponym mentions in text order, without overlaps."""
        skip_actor = _skip_tokens(doc, by_type=False)
        skip_any = _skip_tokens(doc, by_type=True)
        taken: set[int] = set()
        spans: list[tuple[int, int, bool, bool]] = []  # token start, end, want_area, settlement

        def add(start: int, end: int, want_area: bool, settlement: bool, cue: bool) -> None:
            while start < end and doc[start].text in _LEADING:
                start += 1
            while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ == "'s"):
                end -= 1
            skip = skip_actor if cue else skip_any
            if start >= end or any(i in skip or i in taken for i in range(start, end)):
                return
            taken.update(range(start, end))
            spans.append((start, end, want_area, settlement))

        settlement_at: dict[int, bool] = {}
        gaz = self.resolver.gaz
        for tok in doc:  # cue phrases: "the town of X", "in X province", "in X"
            i = tok.i
            low = tok.lower_
            if low in SETTLEMENT_NOUNS and i + 2 < len(doc) and doc[i + 1].lower_ == "of" \
                    and _is_name_token(doc[i + 2]):
                settlement_at[i + 2] = low not in AREA_NOUNS
            elif low in PLACE_PREPOSITIONS:
                j = i + 2 if i + 2 < len(doc) and doc[i + 1].lower_ == "the" else i + 1
                if j < len(doc) and _is_name_token(doc[j]) and doc[j].ent_type_ in CUE_ENT_TYPES:
                    end = _name_run(doc, j)
                    sfx = _suffix_end(doc, end)
                    name = text[doc[j].idx: doc[end - 1].idx + len(doc[end - 1])]
                    if (sfx > end and doc[end].is_lower) or self._known(gaz, name):
                        add(j, sfx, sfx > end, False, True)
        for ent in doc.ents:
            if ent.label_ in MISLABELS:
                first = ent.start + 1 if doc[ent.start].text in _LEADING else ent.start
                if first < ent.end and self._is_area(gaz, text[doc[first].idx:ent.end_char]):
                    add(first, ent.end, False, False, True)
                continue
            if ent.label_ not in NER_LABELS:
                continue
            start, end = ent.start, _suffix_end(doc, ent.end)
            first = start + 1 if doc[start].text in _LEADING else start
            add(start, end, end > ent.end, settlement_at.get(first, False), False)
        for start, settlement in settlement_at.items():
            if start not in taken:
                end = _name_run(doc, start)
                add(start, _suffix_end(doc, end), False, settlement, True)
        spans.sort()
        out = []
        for start, end, want_area, settlement in spans:
            span = Span(doc, start, end)
            out.append(Mention(span.start_char, span.end_char, text[span.start_char:span.end_char],
                               want_area=want_area, want_settlement=settlement))
        return out

    def _is_area(self, gaz: Gazetteer, name: str) -> bool:
        """A region, country or admin1 area indexed under exactly this name."""
        key = normalize(name)
        if key in self.resolver.stop or _is_demonym(key, self.resolver.demonyms):
            return False
        return any(p.is_area for p in gaz.candidates(name)) and gaz.has_key(key)

    def _known(self, gaz: Gazetteer, name: str) -> bool:
        key = normalize(name)
        if key in self.resolver.stop or _is_demonym(key, self.resolver.demonyms):
            return False
        return any(p.is_area or p.population >= MIN_CUE_POPULATION for p in gaz.candidates(name))


_FIELD_ORDER = ("span", "name", "geonameid", "feature", "country_code", "admin1", "lat", "lon",
                "precision")


def _ordered(loc: dict[str, Any]) -> dict[str, Any]:
    out = {k: loc.get(k) for k in _FIELD_ORDER}
    out.update((k, v) for k, v in loc.items() if k not in out)
    return out


@Language.factory("wirewatch_places", default_config={"country_bias": None})
def make_place_recognizer(nlp: Language, name: str, country_bias: str | None
                          ) -> PlaceRecognizer:
    """Factory for ``nlp.add_pipe("wirewatch_places", config={"country_bias": "US"})``."""
    return PlaceRecognizer(nlp, name, country_bias=country_bias)


# --------------------------------------------------------------------------------------
# plain-function interface (``wirewatch geocode``)


@cache
def _resolver(country_bias: str | None) -> Resolver:
    return Resolver(None, country_bias)


def geocode_names(text: str, spans: list[tuple[int, int]], country_bias: str | None = None
                  ) -> list[dict[str, Any]]:
    """Resolve given place-name spans (character offsets into ``text``) together, as one
    document; returns one Location per span, in the order given."""
    resolver = _resolver(country_bias.upper() if country_bias else None)
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    mentions = []
    for i in order:
        start, end = spans[i]
        rest = text[end:end + 16].lower().split()
        want_area = bool(rest) and rest[0].strip(".,;:") in ADMIN_WORDS \
            and not text[end:].lstrip().startswith("Province")
        before = text[max(0, start - 16):start].lower().split()
        settlement = len(before) >= 2 and before[-1] == "of" and before[-2] in SETTLEMENT_NOUNS \
            and before[-2] not in AREA_NOUNS
        mentions.append(Mention(start, end, text[start:end], want_area=want_area,
                                want_settlement=settlement))
    resolver.link_containers(text, mentions)
    locations = resolver.resolve(text, mentions)
    result: list[dict[str, Any]] = [{}] * len(spans)
    for i, m, loc in zip(order, mentions, locations, strict=True):
        loc["span"] = {"start": m.start, "end": m.end, "text": m.text}
        result[i] = _ordered(loc)
    return result
