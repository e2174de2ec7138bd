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
from spacy.tokens import Doc, Span

from wirewatch.knowledge.actors import demonyms as national_demonyms
from wirewatch.knowledge.gazetteer import Gazetteer, Place, normalize
from wirewatch.nlp.extensions import register_extensions
from wirewatch.nlp.spans import char_span, source_text

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
#: Distinct located names that must share an admin1 area for it to be the document's focus.
FOCUS_MIN_NAMES = 1
#: A person's surname is still a place when it names a large area ("Georgia", "Jordan").
MIN_SURNAME_AREA_POP = 1_000_000
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
W_EXACT_AREA = 1.5    # an area's own name beats a town named after it (not a capital)
W_ALTERNATE = -1.0    # a town matched through an alternate name only
W_TEXT_COUNTRY = 3.5  # the document reads like local news of this country (country cues)
W_ADMIN2 = -1.5       # a bare name means the town more often than the county named like it
W_SUPPORT = 2.5       # per vote of the document's other names for the candidate's admin1
MAX_SUPPORT = 2.0     # votes counted at most
#: "X, Minn." after a name: the next one to three capitalised words may name its area.
_TRAILING_AREA = re.compile(r"\s*,\s*((?:[A-Z][\w.'-]*)(?:\s+[A-Z][\w.'-]*){0,2})")


@dataclass
class Mention:
    """One toponym mention: character offsets into the source text and cue hints."""

    start: int
    end: int
    text: str
    want_area: bool = False
    want_settlement: bool = False
    container: int | None = None  # index of the mention that encloses this one
    area_hint: Place | None = None  # an area named right after it ("X, Minn.")
    as_given: bool = False  # handed in as a place name by the caller (``geocode_names``)
    weak: bool = False  # NER's guess alone (a facility, a lone word): dropped if unknown
    candidates: list[Place] = field(default_factory=list)
    own_votes: dict[tuple[str, str], float] = field(default_factory=dict)
    via_focus: bool = False  # unknown name placed in the document's main admin1 area
    capital_namesake: bool = False  # a national capital bears the name ("Washington")


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


@cache
def country_cues() -> tuple[int, dict[str, re.Pattern[str]]]:
    """(min distinct hits, country -> pattern of its local-news cue words)."""
    with (DATA_DIR / "places_country_cues.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    patterns = {
        cc: re.compile(r"(?<![\w.])(?:" + "|".join(
            re.escape(str(w)) for w in sorted(words, key=lambda w: -len(str(w)))) + r")(?![\w])")
        for cc, words in (data.get("cues") or {}).items()}
    return int(data.get("min_hits", 2)), patterns


def text_country(text: str) -> str | None:
    """The country whose local-news vocabulary the text uses most (at least ``min_hits``
    distinct cues), else None."""
    min_hits, patterns = country_cues()
    best, best_hits = None, min_hits - 1
    for cc, pattern in patterns.items():
        hits = len(set(pattern.findall(text)))
        if hits > best_hits:
            best, best_hits = cc, hits
    return best


@cache
def place_cues() -> tuple[frozenset[str], re.Pattern[str]]:
    """(words after a name that make it a local place, pattern of party tags "D-Texas")."""
    with (DATA_DIR / "places_cues.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    tags = "|".join(re.escape(str(t)) for t in data.get("party_tags", []))
    party = re.compile(r"(?<![\w.])(?:" + tags + r")-([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)")
    return frozenset(str(w).casefold() for w in data.get("after_name", [])), party


#: A dateline: a run of capitalised words opening a sentence, then a dash, colon or comma.
_DATELINE_GAP = re.compile(r"\s*(?:—|–|-{1,2}|:|,)")


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
        self.demonym_country = {normalize(k): v for k, v in national_demonyms().items()}
        self.stop = stopnames()
        self._support: dict[tuple[str, str], float] = {}
        self._country_support: Counter[str] = Counter()
        self._text_country: str | None = None
        self._focus: Place | None = None

    def link_containers(self, text: str, mentions: list[Mention]) -> None:
        """Mark "X, Y" and "X in (the) Y" pairs: Y may enclose X. When Y is no mention of its
        own ("ALEXANDRIA, Minn. --" in a dateline), an area named right after the comma is
        kept as the mention's ``area_hint``."""
        for i, here in enumerate(mentions):
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            if nxt is not None and _CONTAINER_GAP.fullmatch(text[here.end:nxt.start]):
                here.container = i + 1
                continue
            match = _TRAILING_AREA.match(text, here.end, here.end + 40)
            if match is None:
                continue
            words = match.group(1).split()
            for n in range(len(words), 0, -1):
                areas = [p for p in self.gaz.candidates(" ".join(words[:n]))
                         if p.feature in ("ADM1", "PCLI")]
                if areas:
                    here.area_hint = max(areas, key=lambda p: p.population)
                    break

    def resolve(self, text: str, mentions: list[Mention]) -> list[dict[str, Any]]:
        """Contract Location dicts (span filled by the caller) for ``mentions``, in order."""
        for m in mentions:
            key = normalize(m.text)
            usable = key not in self.stop and not _is_demonym(key, self.demonyms)
            m.candidates = self.gaz.candidates(m.text) if usable else []
            m.capital_namesake = any(p.feature == "PPLC" and normalize(p.name) == key
                                     for p in m.candidates)
            if not m.candidates and m.as_given:
                m.candidates = self._given_fallback(key)
        self._support = _admin1_votes(mentions)
        self._text_country = text_country(text)
        self._country_support = Counter()
        for (cc, _), v in self._support.items():
            self._country_support[cc] += v
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
        self._focus = self._document_focus(mentions, chosen)
        return [self._location(m, place, chosen, mentions) for m, place in zip(mentions, chosen, strict=True)]

    def _document_focus(self, mentions: list[Mention], chosen: list[Place | None]
                        ) -> Place | None:
        """The admin1 area most of the document's distinct located names lie in (at least
        FOCUS_MIN_NAMES of them and more than half), the area an unknown village is
        probably in: local news names its state's towns."""
        areas: dict[str, tuple[str, str]] = {}
        for m, place in zip(mentions, chosen, strict=True):
            if place is not None and place.country_code and place.admin1_code \
                    and place.feature != "PCLI":
                areas.setdefault(normalize(m.text), (place.country_code, place.admin1_code))
        if not areas:
            return None
        (cc, a1), n = Counter(areas.values()).most_common(1)[0]
        if n < FOCUS_MIN_NAMES or 2 * n <= len(areas):
            return None
        return self.gaz.admin1(cc, a1)

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
            score += W_EXACT + (W_EXACT_AREA if p.feature == "PCLI" or (
                p.feature == "ADM1" and not m.capital_namesake) else 0.0)
        elif not p.is_area:
            score += W_ALTERNATE
        if m.want_area:
            score += W_KIND if p.is_area else -W_KIND
        elif m.want_settlement and p.is_area:
            score -= W_KIND
        elif p.feature == "ADM2" and not m.want_area:
            score += W_ADMIN2
        if container is None:
            container = m.area_hint
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
        if cc and cc == self._text_country:
            score += W_TEXT_COUNTRY
        if cc and p.admin1_code and p.feature != "PCLI":
            votes = self._support.get((cc, p.admin1_code), 0.0) - m.own_votes.get(
                (cc, p.admin1_code), 0.0)
            score += W_SUPPORT * min(votes, MAX_SUPPORT)
        elif cc and p.feature == "PCLI":  # a country gathers its areas' votes
            votes = self._country_support.get(cc, 0.0) - sum(
                v for (c, _), v in m.own_votes.items() if c == cc)
            score += W_SUPPORT * min(votes, MAX_SUPPORT)
        return score

    def _given_fallback(self, key: str) -> list[Place]:
        """A span handed in as a place that names no place directly: a demonym stands for
        its country ("Sudanese" -> Sudan), a resident noun for its area ("Ohioans")."""
        cc = self.demonym_country.get(key) or (
            self.demonym_country.get(key[:-1]) if key.endswith("s") else None)
        if cc:
            country = self.gaz.country(cc)
            return [country] if country is not None else []
        for cut in (key[:-1], key[:-2], key[:-3], key[:-3] + "a", key[:-1] + "s"):
            areas = [p for p in self.gaz.candidates(cut) if p.is_area] if len(cut) > 3 else []
            if areas:
                return areas
        return []

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
        # Unknown name: fall back to the enclosing area named right after it ("Dzhemikent,
        # Dagestan"; "Harwinton, Conn."), else to the admin1 area the document is about.
        area = chosen[m.container] if m.container is not None else m.area_hint
        if area is None or not area.is_area:
            area = self._focus
            m.via_focus = area is not None
        if area is not None and area.is_area and area.lat is not None:
            loc = _location_dict(area, m.text)
            loc["resolved_via"] = area.name
            return loc
        return {"name": m.text, "geonameid": None, "feature": None, "country_code": None,
                "admin1": None, "lat": None, "lon": None, "precision": None}


def _admin1_votes(mentions: list[Mention]) -> dict[tuple[str, str], float]:
    """Each distinct name casts one vote, shared equally among the admin1 areas its
    candidates lie in (an admin1 name votes for itself). Names the document uses together
    tend to lie in one area: "Alexandria" beside "Douglas County" and "Minnesota" is the
    Minnesota town. Each mention keeps its own name's share so it can discount it."""
    by_key: dict[str, dict[tuple[str, str], float]] = {}
    for m in mentions:
        key = normalize(m.text)
        if key not in by_key:
            areas = {(p.country_code, p.admin1_code) for p in m.candidates
                     if p.country_code and p.admin1_code and p.feature != "PCLI"}
            by_key[key] = {a: 1.0 / len(areas) for a in areas}
        m.own_votes = by_key[key]
    total: dict[tuple[str, str], float] = {}
    for votes in by_key.values():
        for area, v in votes.items():
            total[area] = total.get(area, 0.0) + v
    return total


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


def _named_people(doc: Doc) -> set[int]:
    """Tokens of person entities known by a full name or a title ("Ben Nelson" makes a later
    "Nelson" a person); a lone capitalised word NER calls PERSON may still be a town."""
    entities = doc._.ww_entities or []
    token_entity = doc._.ww_token_entity or {}
    people = {e["id"] for e in entities if e.get("type") == "PERSON"
              and (len(str(e.get("name", "")).split()) > 1 or len(e.get("mentions", [])) == 0)}
    out = {i for i, eid in token_entity.items() if eid in people}
    for tok in doc:
        if tok.i > 0 and doc[tok.i - 1].text.rstrip(".") in _TITLES:
            out.add(tok.i)
    return out


def _surnames(doc: Doc) -> frozenset[str]:
    """Last words of the document's multi-word person names (their later short mentions)."""
    names = {str(e.get("name", "")) for e in doc._.ww_entities or [] if e.get("type") == "PERSON"}
    names.update(ent.text for ent in doc.ents if ent.label_ == "PERSON")
    return frozenset(n.split()[-1] for n in names if len(n.split()) > 1)


def _plain_word(tok: Any) -> bool:
    """A word that can be a town's name on its own: no acronym ("IRS", "ER"), no
    abbreviation ("St.")."""
    return tok.is_alpha and not (tok.is_upper and len(tok) <= 4)


_TITLES = frozenset({"Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Col", "Capt", "Lt",
                     "Sgt", "Officer", "Judge", "President", "Minister", "Mayor", "Chief",
                     "Deputy", "Detective", "Coach", "Pastor", "Rev", "Father", "Miss"})


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
    """Toponyms of a Doc resolved against the gazetteer (the ``wirewatch_places`` component
    wraps it)."""

    def __init__(self, country_bias: str | None = None,
                 gazetteer: Gazetteer | None = None) -> None:
        self.resolver = Resolver(gazetteer, country_bias)

    def find(self, doc: Doc) -> list[dict[str, Any]]:
        """Contract Location dicts, each with its span, in text order."""
        text = source_text(doc)
        mentions = self.mentions(doc, text)
        self.resolver.link_containers(text, mentions)
        locations = self.resolver.resolve(text, mentions)
        # A facility or lone word that only NER took for a place, and that neither the
        # gazetteer nor an enclosing area knows, is more often a person or a street.
        kept = [(m, loc) for m, loc in zip(mentions, locations, strict=True)
                if not (m.weak and (loc.get("lat") is None or m.via_focus))]
        mentions, locations = [m for m, _ in kept], [loc for _, loc in kept]
        for m, loc in zip(mentions, locations, strict=True):
            loc["span"] = char_span(doc, m.start, m.end)
        return [_ordered(loc) for loc in locations]

    def mentions(self, doc: Doc, text: str) -> list[Mention]:
        """Toponym mentions in text order, without overlaps."""
        skip_actor = _skip_tokens(doc, by_type=False)
        skip_any = _skip_tokens(doc, by_type=True)
        taken: set[int] = set()
        spans: list[tuple[int, int, bool, bool]] = []  # token start, end, want_area, settlement
        weak: set[int] = set()  # starts of NER spans kept only if the gazetteer knows them

        surnames = _surnames(doc)

        def add(start: int, end: int, want_area: bool, settlement: bool, cue: bool) -> bool:
            while start < end and doc[start].text in _LEADING:
                start += 1
            while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ == "'s"):
                end -= 1
            skip = skip_actor if cue else skip_any
            if start >= end or any(i in skip or i in taken for i in range(start, end)):
                return False
            if end == start + 1 and doc[start].text in surnames and not any(
                    p.feature in ("PCLI", "ADM1", "RGN") and p.population >= MIN_SURNAME_AREA_POP
                    for p in gaz.candidates(doc[start].text)):
                return False  # "Saakashvili" after "Mikheil Saakashvili": a person
            taken.update(range(start, end))
            spans.append((start, end, want_area, settlement))
            return True

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
        for start, end in self._datelines(doc, text):  # before NER: a dateline is no guess
            add(start, end, False, False, True)
        people = _named_people(doc)
        home = text_country(text)  # a lone word NER calls a person or an org: a town at "home"
        for ent in doc.ents:
            if ent.label_ in MISLABELS:
                first = ent.start + 1 if doc[ent.start].text in _LEADING else ent.start
                whole = text[doc[first].idx:ent.end_char] if first < ent.end else ""
                if whole and self._is_area(gaz, whole):
                    add(first, ent.end, False, False, True)
                elif whole and ent.label_ in ("PERSON", "ORG") and first + 1 == ent.end \
                        and first not in people and _plain_word(doc[first]) \
                        and self._known(gaz, whole, home):
                    add(first, ent.end, False, False, True)  # "Alexandria" tagged PERSON
                elif ent.label_ == "ORG":
                    prefix = self._place_prefix(doc, text, first, ent.end)
                    if prefix:  # "the Gainesville Police Department"
                        add(first, prefix, False, False, True)
                continue
            if ent.label_ not in NER_LABELS:
                continue
            start, end = ent.start, _suffix_end(doc, ent.end)
            first = start + 1 if doc[start].text in _LEADING else start
            added = add(start, end, end > ent.end, settlement_at.get(first, False), False)
            if added and (ent.label_ == "FAC" or (end - first == 1 and first not in settlement_at)):
                weak.add(first)
        for start, settlement in settlement_at.items():
            if start not in taken:
                end = _name_run(doc, start)
                add(start, _suffix_end(doc, end), False, settlement, True)
        self._local_names(doc, text, add)
        spans.sort()
        out = []
        for start, end, want_area, settlement in spans:
            span = Span(doc, start, end)
            out.append(Mention(span.start_char, span.end_char, text[span.start_char:span.end_char],
                               want_area=want_area, want_settlement=settlement,
                               weak=start in weak))
        out.extend(self._party_tags(text, out))
        out.sort(key=lambda m: m.start)
        return out

    def _datelines(self, doc: Doc, text: str) -> list[tuple[int, int]]:
        """Token spans of datelines: capitals opening a sentence, then a dash, a colon or a
        comma ("HARWINTON —", "COLUMBUS, Ohio (AP) —", "BEIRUT:"). Unknown names count only
        before a dash, the dateline's own mark."""
        gaz = self.resolver.gaz
        out = []
        for sent in doc.sents:
            i = sent.start
            while i < sent.end and not doc[i].is_alpha:
                i += 1
            if i < sent.end and doc[i].is_upper and len(doc[i]) > 2:
                end = i
                while end < sent.end and doc[end].is_upper and doc[end].is_alpha:
                    end += 1
                gap = text[doc[end - 1].idx + len(doc[end - 1]):doc[end - 1].idx
                           + len(doc[end - 1]) + 3] if end > i else ""
                name = text[doc[i].idx: doc[end - 1].idx + len(doc[end - 1])]
                if end > i and end - i <= 3 and _DATELINE_GAP.match(gap) \
                        and normalize(name) not in self.resolver.stop \
                        and (gap.lstrip()[:1] in "—–-" or self._known(gaz, name)):
                    out.append((i, end))
        return out

    def _local_names(self, doc: Doc, text: str, add: Any) -> None:
        """Names NER missed that local news marks by the next word: a known place name
        before a local noun ("Roselle officers", "a Paris man")."""
        after_name, _ = place_cues()
        gaz = self.resolver.gaz
        for tok in doc:
            if tok.lower_ not in after_name or tok.i == 0 or tok.ent_type_ in NER_LABELS:
                continue
            end = tok.i
            start = end
            while start > 0 and end - start < 3 and _is_name_token(doc[start - 1]) \
                    and doc[start - 1].ent_type_ != "PERSON" \
                    and doc[start - 1].lower_ not in after_name and not doc[start - 1].is_stop:
                start -= 1
            for s0 in range(start, end):
                name = text[doc[s0].idx: doc[end - 1].idx + len(doc[end - 1])]
                if (end - s0 > 1 or _plain_word(doc[s0])) and self._known(gaz, name):
                    add(s0, end, False, False, True)
                    break

    def _party_tags(self, text: str, taken: list[Mention]) -> list[Mention]:
        """"D-W. Va." / "R-London" after a politician's name: the state or district."""
        _, party = place_cues()
        out = []
        for match in party.finditer(text):
            start, end = match.span(1)
            if any(m.start < end and start < m.end for m in taken):
                continue
            name = match.group(1).rstrip(",;")
            end = start + len(name)
            if self._known(self.resolver.gaz, name) or self._is_area(self.resolver.gaz, name):
                out.append(Mention(start, end, text[start:end]))
        return out

    def _place_prefix(self, doc: Doc, text: str, start: int, end: int) -> int:
        """End of a known place name opening a longer organisation name ("Gainesville" in
        "Gainesville Police Department", "Douglas County" in "Douglas County Hospital"), or
        0. The rest must be capitalised words, so "Texas" in "Texas, Ohio" is no prefix."""
        for stop in range(min(end - 1, start + 3), start, -1):
            if not all(_is_name_token(doc[i]) for i in range(start, stop + 1)):
                continue
            name = text[doc[start].idx: doc[stop - 1].idx + len(doc[stop - 1])]
            if doc[stop].lower_ in ADMIN_WORDS:  # "Douglas County Hospital": keep "County"
                continue
            if self._is_area(self.resolver.gaz, name):
                return stop
            plain = stop > start + 1 or _plain_word(doc[start])
            if plain and self._known(self.resolver.gaz, name):
                return stop
        return 0

    def _is_area(self, gaz: Gazetteer, name: str) -> bool:
        """A region, country or admin1 area indexed under exactly this name."""
        key = normalize(name)
        if key in self.resolver.stop or _is_demonym(key, self.resolver.demonyms):
            return False
        return any(_named_area(p, key) for p in gaz.candidates(name)) and gaz.has_key(key)

    def _known(self, gaz: Gazetteer, name: str, country: str | None = None) -> bool:
        """A named area or a town of MIN_CUE_POPULATION (in ``country`` when given)."""
        key = normalize(name)
        if key in self.resolver.stop or _is_demonym(key, self.resolver.demonyms):
            return False
        return any(_named_area(p, key) or (not p.is_area and p.population >= MIN_CUE_POPULATION
                                           and country in (None, p.country_code))
                   for p in gaz.candidates(name))


def _named_area(place: Place, key: str) -> bool:
    """An area the name denotes by itself: a county only under its full name ("Brown County",
    not the surname "Brown")."""
    return place.is_area and (place.feature != "ADM2" or normalize(place.name) == key)


_FIELD_ORDER = ("span", "name", "geonameid", "feature", "country_code", "admin1", "lat", "lon",
                "precision")


def _ordered(loc: dict[str, Any]) -> dict[str, Any]:
    out = {k: loc.get(k) for k in _FIELD_ORDER}
    out.update((k, v) for k, v in loc.items() if k not in out)
    return out


# --------------------------------------------------------------------------------------
# plain-function interface (``wirewatch geocode``)


@cache
def _resolver(country_bias: str | None, geonames: str | None = None) -> Resolver:
    gazetteer = Gazetteer.load(geonames=geonames) if geonames else None
    return Resolver(gazetteer, country_bias)


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
                                want_settlement=settlement, as_given=demonyms))
    resolver.link_containers(text, mentions)
    locations = resolver.resolve(text, mentions)
    result: list[dict[str, Any]] = [{}] * len(spans)
    for i, m, loc in zip(order, mentions, locations, strict=True):
        loc["span"] = {"start": m.start, "end": m.end, "text": m.text}
        result[i] = _ordered(loc)
    return result
