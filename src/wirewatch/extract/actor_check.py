"""Actors that are actors: what may fill an event's agent or victim.

An agent or a victim is a person, a group, an organisation, a state or a descriptor of people
("gunmen", "a 7-year-old boy"). Read as an analyst would, a database whose perpetrators
include "Boston Marathon", "New Haven", "Glock", "Associated Press" or an unresolved "who"
is wrong in a way no score hides. ``not_an_actor`` names why a phrase cannot fill these roles
(None when it can): a pronoun left unresolved, a named event, facility or place (a country
may act as a state, never as a victim), a thing, happening, place or time by its head noun
(the ``mute_sources`` lists of ``cues.yaml``, which already say what never speaks), a weapon
(``weapons.yaml``), or a news outlet (the actor dictionary's media, or a name ending in a
newspaper word such as "Tribune").
"""

from __future__ import annotations

from functools import cache
from typing import Any

from spacy.tokens import Span, Token

from wirewatch.knowledge import load_yaml
from wirewatch.knowledge.cues import load_cues
from wirewatch.knowledge.lexicons import weapon_lemmas

#: Pronouns that name nobody until resolved ("who", "they").
PRONOUNS = frozenset({"who", "whom", "whose", "which", "that", "they", "them", "their",
                      "he", "him", "his", "she", "her", "it", "its", "we", "us", "i", "me",
                      "you", "this", "these", "those", "one", "someone", "somebody",
                      "anyone", "anybody", "everyone", "himself", "herself", "themselves"})
#: Entity labels that never act nor suffer as people do (not WORK_OF_ART, PRODUCT or LAW:
#: on recased copy the tagger gives those to groups, "the Extraditables").
_NOT_ACTOR_ENTS = frozenset({"EVENT", "FAC", "LOC", "DATE", "TIME", "MONEY", "PERCENT",
                             "QUANTITY"})
#: Last words of newspaper and broadcaster names.
OUTLET_WORDS = frozenset({"tribune", "times", "post", "herald", "journal", "gazette",
                          "telegraph", "chronicle", "courier", "examiner", "inquirer",
                          "dispatch", "bulletin", "sentinel", "daily", "news", "press",
                          "radio", "tv", "television", "newspaper", "magazine",
                          "broadcasting", "reuters", "xinhua", "afp", "ap", "online"})
#: Last words of event names ("Boston Marathon", "Notting Hill Carnival").
EVENT_WORDS = frozenset({"marathon", "festival", "carnival", "parade", "concert", "games",
                         "olympics", "championship", "championships", "cup", "summit",
                         "conference", "election", "elections", "rally", "march", "fair",
                         "tournament", "race", "show", "ceremony", "celebration", "expo"})
#: Entity kinds that are outlets (actor dictionary sections).
_OUTLET_KINDS = frozenset({"media"})
_ACTOR_KINDS = frozenset({"armed_group", "military", "international_org", "person",
                          "political_party", "government", "police"})


@cache
def _country_names() -> frozenset[str]:
    names: set[str] = set()
    try:
        import pycountry

        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    names.add(value.lower())
    except ImportError:  # the aliases file alone
        pass
    raw = load_yaml("places_countries.yaml") or {}
    for values in (raw.get("aliases") or {}).values():
        names.update(str(v).lower() for v in values)
    return frozenset(names)


@cache
def _mute_heads() -> frozenset[str]:
    return frozenset(load_cues().mute_sources) | frozenset(weapon_lemmas())


@cache
def _happenings() -> frozenset[str]:
    """Nouns of events and happenings (``mute_sources.events`` of ``cues.yaml``)."""
    raw = (load_yaml("cues.yaml") or {}).get("mute_sources") or {}
    return frozenset(str(w).lower() for w in raw.get("events") or ())


def _resolved_place(span: Span) -> bool:
    """The places component resolved (part of) this phrase to a gazetteer place: a name the
    tagger calls GPE but no gazetteer knows ("Oqueli") is more likely a person's."""
    doc = span.doc
    locations = doc._.ww_locations if doc.has_extension("ww_locations") else None
    if locations is None:
        return True  # no places component ran: trust the tagger
    return any(loc["span"]["start"] < span.end_char and span.start_char < loc["span"]["end"]
               for loc in locations)


def _name_like(root: Token) -> bool:
    """A head noun with only compound words before it and no determiner ("jeffrey brent
    ball" in lower-case copy): a name the tagger missed, not a thing."""
    lefts = list(root.lefts)
    return bool(lefts) and all(c.dep_ == "compound" for c in lefts)


def _call_sign(span: Span) -> bool:
    """A North American broadcaster's call sign standing alone ("KTHV", "WGN-TV"): in a
    dateline's parentheses, or without a vowel (the tagger often calls it a PERSON)."""
    word = span.text.strip().split("-")[0]
    if not (len(span) <= 3 and word.isalpha() and word.isupper() and 3 <= len(word) <= 4
            and word[0] in "KW"):
        return False
    doc = span.doc
    bracketed = span.start > 0 and doc[span.start - 1].text == "(" and span.end < len(doc) \
        and doc[span.end].text == ")"
    return bracketed or not set(word) & set("AEIOU")


def _dateline(span: Span) -> bool:
    """A capitalised dateline at the head of the text ("LITTLE ROCK, Ark. (KTHV) -"): a
    place name the tagger may read as anything."""
    letters = [c for c in span.text if c.isalpha()]
    if len(letters) < 3 or not all(c.isupper() for c in letters):
        return False
    after = span.doc[span.end: span.end + 1]
    return span.start <= span.sent.start + 1 and bool(after) and after.text in (",", "(", "-",
                                                                                "—", "–")


def _clean(text: str) -> str:
    words = text.lower().replace("\u2019", "'").split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words).strip(" .,;:'\"")


def not_an_actor(span: Span, role: str, entity: dict[str, Any] | None = None) -> str | None:
    """Why ``span`` cannot be an event's ``role`` ("agent" or "victim"): "pronoun", "place",
    "event", "thing", "weapon", "outlet"; None when it can (and for other roles)."""
    if role not in ("agent", "victim") or len(span) == 0:
        return None
    text = _clean(span.text)
    root = span.root
    if text in PRONOUNS or (root.pos_ == "PRON" and len(span) == 1):
        return "pronoun"
    kind = (entity or {}).get("kind")
    if kind in _OUTLET_KINDS:
        return "outlet"
    words = text.split()
    named = root.ent_type_ in ("ORG", "PERSON", "NORP", "GPE", "FAC", "") and any(
        t.pos_ == "PROPN" for t in span)
    if named and root.ent_type_ != "PERSON" and words and words[-1] in OUTLET_WORDS and \
            len(words) > 1:
        return "outlet"
    if _call_sign(span):
        return "outlet"
    if len(span) == 1 and root.lower_ in _happenings():
        return "event"  # a title-case headline's "Vigil held for ..." tagged as a person
    if _dateline(span):
        return "place"
    if root.ent_type_ == "EVENT" or (named and words and words[-1] in EVENT_WORDS
                                     and root.ent_type_ not in ("PERSON", "NORP")):
        return "event"
    if root.ent_type_ in _NOT_ACTOR_ENTS:
        return "place" if root.ent_type_ in ("FAC", "LOC") else "thing"
    if root.ent_type_ == "GPE" and kind not in _ACTOR_KINDS and _resolved_place(span):
        if role == "victim" or text not in _country_names():
            return "place"
    if root.pos_ in ("NOUN", "PROPN") and root.ent_type_ not in ("PERSON", "ORG", "NORP") \
            and not _name_like(root):
        lemma = root.lemma_.lower()
        if lemma in weapon_lemmas():
            return "weapon"
        if lemma in _mute_heads():
            return "thing"
    return None
