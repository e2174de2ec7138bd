"""Toponym recognition in a parsed Doc: which spans name places.

Mentions come from spaCy NER (GPE/LOC/FAC) plus cue phrases NER misses ("the town of
Dzhemikent", "in Dagestan province"), datelines, names before local nouns ("Roselle
officers") and party tags ("D-W. Va."). Actor entities, demonyms and people are kept out.
Which place each mention names is :mod:`wirewatch.resolve.place_scoring`'s job.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span

from wirewatch.knowledge.actors import person_titles
from wirewatch.knowledge.gazetteer import Gazetteer, Place
from wirewatch.knowledge.place_names import normalize
from wirewatch.knowledge.place_words import non_place_adjectives, place_cues, stopnames
from wirewatch.nlp.extensions import register_extensions
from wirewatch.resolve.place_scoring import Mention, is_demonym, text_country

register_extensions()

NER_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: Entity kinds/types (from ``wirewatch_entities``) that are actors, never places.
NON_PLACE_KINDS = frozenset({
    "armed_group", "media", "political_party", "government", "military", "police",
    "security_service", "international_org", "religious_group", "civilians",
})
NON_PLACE_TYPES = frozenset({"PERSON", "ORG", "NORP", "WEAPON"})
MIN_CUE_POPULATION = 5000
#: A person's surname is still a place when it names a large area ("Georgia", "Jordan").
MIN_SURNAME_AREA_POP = 1_000_000
#: NER labels a cue phrase may override ("in the Sahel" is often tagged PERSON).
CUE_ENT_TYPES = frozenset({"", "PERSON", "ORG", "PRODUCT", "LANGUAGE", "NORP"})
#: Other NER labels whose span is still taken as a place when it names a known area exactly
#: ("the North Caucasus" is often tagged ORG, "Sahel" PRODUCT).
MISLABELS = frozenset({"ORG", "PERSON", "PRODUCT", "WORK_OF_ART", "EVENT"})
_LEADING = frozenset({"the", "The", "THE"})


@cache
def _party_pattern() -> re.Pattern[str]:
    """Party tags before a state or district: "D-W. Va.", "R-London"."""
    tags = "|".join(re.escape(t) for t in place_cues().party_tags)
    return re.compile(r"(?<![\w.])(?:" + tags + r")-([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)")


#: A dateline: a run of capitalised words opening a sentence, then a dash, colon or comma.
_DATELINE_GAP = re.compile(r"\s*(?:—|–|-{1,2}|:|,)")


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
    titles = person_titles()
    for tok in doc:  # "Mr. Nelson", "Peruvian president Garcia"
        if tok.i > 0 and doc[tok.i - 1].text.rstrip(".").capitalize() in titles \
                and tok.text[:1].isupper():
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
        if tok.lower_ in place_cues().area_words and not (tok.text == "Province"):
            return end + 1
    return end


class MentionFinder:
    """Finds a Doc's toponym mentions; holds only read-only tables (the gazetteer, which
    decides whether a capitalised word NER missed is a known place, and the word lists)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.stop = stopnames()
        self.demonyms = non_place_adjectives()
        self.cues = place_cues()

    def find(self, doc: Doc, text: str) -> list[Mention]:
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
            if end < len(doc) and end > start and doc[end].text[:1].isupper() \
                    and doc[end].lower_.rstrip(".") in self.cues.street_words:
                end += 1  # "85 Saint John St.": a street, not the town it is named after
            skip = skip_actor if cue else skip_any
            if start >= end or any(i in skip or i in taken for i in range(start, end)):
                return False
            if not any(doc[i].text[:1].isupper() for i in range(start, end)):
                return False  # "into the bush": a common noun, whatever NER says
            if end == start + 1 and doc[start].text in surnames and not any(
                    p.feature in ("PCLI", "ADM1", "RGN") and p.population >= MIN_SURNAME_AREA_POP
                    for p in gaz.candidates(doc[start].text)):
                return False  # "Saakashvili" after "Mikheil Saakashvili": a person
            taken.update(range(start, end))
            spans.append((start, end, want_area, settlement))
            return True

        settlement_at: dict[int, bool] = {}
        gaz, cues = self.gaz, self.cues
        for tok in doc:  # cue phrases: "the town of X", "in X province", "in X"
            i = tok.i
            low = tok.lower_
            if low in cues.settlement_nouns and i + 2 < len(doc) \
                    and doc[i + 1].lower_ == "of" and _is_name_token(doc[i + 2]):
                settlement_at[i + 2] = low not in cues.area_nouns
            elif low in cues.place_prepositions:
                j = i + 2 if i + 2 < len(doc) and doc[i + 1].lower_ == "the" else i + 1
                if j < len(doc) and _is_name_token(doc[j]) and doc[j].ent_type_ in CUE_ENT_TYPES:
                    end = _name_run(doc, j)
                    sfx = _suffix_end(doc, end)
                    name = text[doc[j].idx: doc[end - 1].idx + len(doc[end - 1])]
                    if (sfx > end and doc[end].is_lower) or self._known(gaz, name):
                        add(j, sfx, sfx > end, False, True)
                    else:  # "in Varanasi Uttar Pradesh": a town, then its state
                        self._known_pieces(doc, text, j, end, add)
        for start, end in self._datelines(doc, text):  # before NER: a dateline is no guess
            add(start, end, False, False, True)
        people = _named_people(doc)
        home = text_country(text)  # a lone word NER calls a person or an org: a town at "home"
        for ent in doc.ents:
            if ent.label_ in MISLABELS:
                first = ent.start + 1 if doc[ent.start].text in _LEADING else ent.start
                whole = text[doc[first].idx:ent.end_char] if first < ent.end else ""
                if whole and self._is_area(gaz, whole) and not (
                        ent.label_ == "PERSON" and first in people):
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
            if end - first > 2 and not gaz.candidates(text[doc[first].idx:doc[end - 1].idx
                                                           + len(doc[end - 1])]):
                # "Palm Beach County Sheriff's Office" taken for a place: its place is
                # the county it opens with.
                prefix = self._place_prefix(doc, text, first, end)
                if prefix:
                    add(first, prefix, False, False, True)
                    continue
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

    def _known_pieces(self, doc: Doc, text: str, start: int, end: int, add: Any) -> None:
        """Known names run together after a place preposition ("Varanasi Uttar Pradesh",
        no comma between town and state): the longest known name from the left, then the
        rest the same way."""
        i = start
        while i < end:
            for stop in range(end, i, -1):
                name = text[doc[i].idx: doc[stop - 1].idx + len(doc[stop - 1])]
                if self._known(self.gaz, name):
                    add(i, stop, False, False, True)
                    i = stop
                    break
            else:
                return

    def _datelines(self, doc: Doc, text: str) -> list[tuple[int, int]]:
        """Token spans of datelines: capitals opening a sentence, then a dash, a colon or a
        comma ("HARWINTON —", "COLUMBUS, Ohio (AP) —", "BEIRUT:"). Unknown names count only
        before a dash, the dateline's own mark."""
        gaz = self.gaz
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
                        and normalize(name) not in self.stop \
                        and (gap.lstrip()[:1] in "—–-" or self._known(gaz, name)):
                    out.append((i, end))
        return out

    def _local_names(self, doc: Doc, text: str, add: Any) -> None:
        """Names NER missed that local news marks by the next word: a known place name
        before a local noun ("Roselle officers", "a Paris man")."""
        after_name = self.cues.after_name
        gaz = self.gaz
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
        out = []
        for match in _party_pattern().finditer(text):
            start, end = match.span(1)
            if any(m.start < end and start < m.end for m in taken):
                continue
            name = match.group(1).rstrip(",;")
            end = start + len(name)
            if self._known(self.gaz, name) or self._is_area(self.gaz, name):
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
            if doc[stop].lower_ in self.cues.area_words:  # "Douglas County Hospital": keep "County"
                continue
            if self._is_area(self.gaz, name):
                return stop
            plain = stop > start + 1 or _plain_word(doc[start])
            # A town opens the name of its police or its university, not of "Care
            # International" or the "Countryside Alliance".
            if plain and doc[stop].lower_ in self.cues.org_heads \
                    and self._known(self.gaz, name):
                return stop
        return 0

    def _is_area(self, gaz: Gazetteer, name: str) -> bool:
        """A region, country or admin1 area indexed under exactly this name."""
        key = normalize(name)
        if key in self.stop or is_demonym(key, self.demonyms):
            return False
        return any(_named_area(p, key) for p in gaz.candidates(name)) and gaz.has_key(key)

    def _known(self, gaz: Gazetteer, name: str, country: str | None = None) -> bool:
        """A named area or a town of MIN_CUE_POPULATION (in ``country`` when given)."""
        key = normalize(name)
        if key in self.stop or is_demonym(key, self.demonyms):
            return False
        return any(_named_area(p, key) or (not p.is_area and p.population >= MIN_CUE_POPULATION
                                           and country in (None, p.country_code))
                   for p in gaz.candidates(name))



def _named_area(place: Place, key: str) -> bool:
    """An area the name denotes by itself: a county only under its full name ("Brown County",
    not the surname "Brown")."""
    return place.is_area and (place.feature != "ADM2" or normalize(place.name) == key)
