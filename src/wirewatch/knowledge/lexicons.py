"""Typed views of the event lexicons: triggers, weapons, casualty and factuality words, and
the words re-casing leaves alone.

Each view is parsed from its data file once per process and is read-only, so the extract
modules share one copy and never parse YAML themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from wirewatch.knowledge import load_yaml


@dataclass(frozen=True)
class TriggerSense:
    """What a trigger word states: its PLOVER type and optional mode, the contexts it sets,
    the casualty slot its object fills, and whether it needs other violence evidence."""

    type: str
    mode: str | None = None
    contexts: tuple[str, ...] = ()
    casualty: str | None = None
    weak: bool = False


@dataclass(frozen=True)
class TriggerLexicon:
    """data/triggers.yaml: trigger lemmas by part of speech, plus the words around them."""

    verbs: Mapping[str, TriggerSense]
    nouns: Mapping[str, TriggerSense]
    #: Two-word triggers: "verb particle" ("gun down") and compound nouns ("car bombing").
    phrasal: Mapping[str, TriggerSense]
    #: Modifier lemma -> the ASSAULT mode it sets ("suicide" -> suicide-attack).
    mode_modifiers: Mapping[str, str]
    terror_words: frozenset[str]
    message_nouns: frozenset[str]
    #: Compound modifiers that make a trigger noun no violence ("heart attack").
    not_violence: frozenset[str]


def _sense(entry: Mapping[str, Any]) -> TriggerSense:
    return TriggerSense(entry["type"], entry.get("mode"), tuple(entry.get("contexts") or ()),
                        entry.get("casualty"), bool(entry.get("weak", False)))


@cache
def trigger_lexicon() -> TriggerLexicon:
    """The trigger lexicon, keys lower-cased."""
    raw = load_yaml("triggers.yaml")

    def senses(part: str) -> dict[str, TriggerSense]:
        return {str(k).lower(): _sense(v) for k, v in raw[part].items()}

    return TriggerLexicon(
        verbs=senses("verbs"),
        nouns=senses("nouns"),
        phrasal=senses("phrasal"),
        mode_modifiers={str(k).lower(): v for k, v in raw["mode_modifiers"].items()},
        terror_words=frozenset(raw["terror_words"]),
        message_nouns=frozenset(raw["message_nouns"]),
        not_violence=frozenset(raw["not_violence_compounds"]),
    )


@cache
def weapon_lemmas() -> Mapping[str, str]:
    """Weapon head lemma (or two-word phrase) -> weapon category (data/weapons.yaml)."""
    raw = load_yaml("weapons.yaml")
    return {str(w).lower(): cat for cat, words in raw.items() for w in words}


@cache
def strong_weapons() -> frozenset[str]:
    """Weapon lemmas that vouch for violence on their own (data/event_filter.yaml)."""
    raw = load_yaml("event_filter.yaml")
    categories = set(raw["strong_weapon_categories"])
    ambiguous = {str(w).lower() for w in raw["ambiguous_weapons"]}
    return frozenset(w for w, cat in weapon_lemmas().items()
                     if cat in categories and w not in ambiguous)


@cache
def disaster_words() -> frozenset[str]:
    """Lemmas naming a disaster or accident as a cause of death (data/event_filter.yaml)."""
    return frozenset(str(w).lower() for w in load_yaml("event_filter.yaml")["disaster_words"])


@dataclass(frozen=True)
class CasualtyLexicon:
    """data/casualties.yaml: which lemmas report which casualty slot, and number words."""

    #: Lemma -> casualty slot ("kill", "dead", "death" -> killed).
    slot_of: Mapping[str, str]
    #: Vague quantity -> its lower bound ("dozens" -> 24), None where there is none ("many").
    vague_numbers: Mapping[str, int | None]
    number_words: Mapping[str, int]
    #: Harm lemmas whose victim is injured unless the sentence says they died ("shoot").
    injured_unless_killed: frozenset[str] = frozenset()
    #: Adverbs that make a harm word a death ("fatally", "mortally").
    fatal_modifiers: frozenset[str] = frozenset()
    #: Adjectives that make a harm noun a death ("fatal shooting").
    fatal_adjectives: frozenset[str] = frozenset()
    #: What a violent death dies of ("gunshot", "wound"); "died of cancer" is no casualty.
    violent_causes: frozenset[str] = frozenset()
    #: Words that say nobody ("none", "nobody").
    zero_words: frozenset[str] = frozenset()
    #: Heads under which a casualty word is a legal matter ("arrest warrant").
    not_casualty_heads: frozenset[str] = frozenset()
    #: Singular nouns naming one person ("man", "victim", "grandson").
    person_nouns: frozenset[str] = frozenset()
    #: Nouns never counted as one person ("family", "police").
    collective_nouns: frozenset[str] = frozenset()
    #: Last words of place and organisation names ("Street", "Mall"), never a surname.
    not_surnames: frozenset[str] = frozenset()


@cache
def casualty_lexicon() -> CasualtyLexicon:
    """The casualty lexicon."""
    raw = load_yaml("casualties.yaml")
    slot_of = {lemma: slot for slot, lemmas in raw["slots"].items() for lemma in lemmas}

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in raw.get(key) or ())

    return CasualtyLexicon(
        slot_of, {str(k): v for k, v in raw["vague_numbers"].items()},
        {str(k): v for k, v in raw["number_words"].items()},
        injured_unless_killed=words("injured_unless_killed"),
        fatal_modifiers=words("fatal_modifiers"), fatal_adjectives=words("fatal_adjectives"),
        violent_causes=words("violent_causes"),
        zero_words=words("zero_words"),
        not_casualty_heads=words("not_casualty_heads"), person_nouns=words("person_nouns"),
        collective_nouns=words("collective_nouns"), not_surnames=words("not_surnames"))


@dataclass(frozen=True)
class FactualityLexicon:
    """data/factuality.yaml: the words that make an event mention other than actual, and
    those that make a sentence describe a pattern of events."""

    future_modals: frozenset[str]
    hypothetical_modals: frozenset[str]
    conditionals: frozenset[str]
    future_governors: frozenset[str]
    hypothetical_governors: frozenset[str]
    negators: frozenset[str]
    future_modifiers: frozenset[str]
    habitual: frozenset[str]
    #: Words that introduce a different incident ("another", "a separate shooting").
    other_incident: frozenset[str] = frozenset()


@cache
def factuality_lexicon() -> FactualityLexicon:
    """The factuality lexicon."""
    raw = load_yaml("factuality.yaml")
    return FactualityLexicon(**{k: frozenset(v) for k, v in raw.items()})


@dataclass(frozen=True)
class CasingWords:
    """data/casing.yaml: what re-casing uncased text treats specially."""

    #: Lower-case words also found inside names, never capitalised on their own.
    common_words: frozenset[str]
    #: Words always upper-cased.
    acronyms: frozenset[str]


@cache
def casing_words() -> CasingWords:
    """The re-casing word lists."""
    raw = load_yaml("casing.yaml")
    return CasingWords(frozenset(str(w) for w in raw["common_words"]),
                       frozenset(str(w) for w in raw["acronyms"]))
