"""The attribution lexicon (data/cues.yaml) as one typed, read-only value.

Reporting verbs and the claim status each gives its content, hedges, non-confirmation words,
self-report nouns and pronouns: the quotes, claims and events stages all read the same copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from wirewatch.contract import CLAIM_STATUSES
from wirewatch.knowledge import load_yaml


@dataclass(frozen=True)
class Cues:
    """The attribution lexicon, loaded once and shared read-only."""

    #: Reporting verb lemma -> the claim status it gives its content (first listed wins).
    verb_status: Mapping[str, str]
    quote_verbs: frozenset[str]
    hedges: frozenset[str]
    unconfirmed_verbs: frozenset[str]
    unconfirmed_words: frozenset[str]
    according_to: tuple[tuple[str, str], ...]
    self_report_nouns: frozenset[str]
    self_report_verbs: frozenset[str]
    pronouns: frozenset[str]
    person_pronouns: frozenset[str]
    #: Claims only: stance verbs, verbs whose object is content, verb -> content prepositions.
    stance_verbs: frozenset[str] = frozenset()
    object_content: frozenset[str] = frozenset()
    prep_content: Mapping[str, frozenset[str]] | None = None
    noun_cues: frozenset[str] = frozenset()
    noun_preps: frozenset[str] = frozenset()
    #: Words whose dependents belong to a statement, whatever their part of speech.
    statement_words: frozenset[str] = frozenset()
    #: Head nouns of things, happenings, places and times: never a source.
    mute_sources: frozenset[str] = frozenset()
    #: GeoNames feature codes of places that may speak for their government ("Moscow said").
    speaking_place_features: frozenset[str] = frozenset()
    #: Nouns for one person, which a speaking "he"/"she" may stand for.
    person_nouns: frozenset[str] = frozenset()
    #: Named buildings that stand for the power they house ("the White House said").
    speaking_facilities: frozenset[str] = frozenset()
    #: Titles that make the name they head a person's ("Mr Cable", which NER may call an ORG).
    person_titles: frozenset[str] = frozenset()
    #: Aim, decision and action verbs whose infinitive or "whether" content is no claim.
    intention_verbs: frozenset[str] = frozenset()


def parse_cues(raw: Mapping[str, Any]) -> Cues:
    """Cues from the parsed YAML mapping (tests build variants from their own mappings)."""
    verb_status: dict[str, str] = {}
    for status, lemmas in raw["verbs"].items():
        if status not in CLAIM_STATUSES:
            raise ValueError(f"cues.yaml: unknown status {status!r}")
        for lemma in lemmas:
            verb_status.setdefault(lemma, status)
    return Cues(
        verb_status=verb_status,
        quote_verbs=frozenset(verb_status) | frozenset(raw.get("quote_only_verbs", ())),
        hedges=frozenset(raw.get("hedges", ())),
        unconfirmed_verbs=frozenset(raw["unconfirmed"].get("negated_verbs", ())),
        unconfirmed_words=frozenset(raw["unconfirmed"].get("words", ())),
        according_to=tuple((a, b) for a, b in raw.get("according_to", ())),
        self_report_nouns=frozenset(raw["self_report"]["nouns"]),
        self_report_verbs=frozenset(raw["self_report"]["verbs"]),
        pronouns=frozenset(raw["pronouns"]),
        person_pronouns=frozenset(raw["person_pronouns"]),
        stance_verbs=frozenset(raw.get("stance_verbs", ())),
        object_content=frozenset(raw.get("object_content", ())),
        prep_content={k: frozenset(v) for k, v in (raw.get("prep_content") or {}).items()},
        noun_cues=frozenset((raw.get("noun_cues") or {}).get("nouns", ())),
        noun_preps=frozenset((raw.get("noun_cues") or {}).get("prepositions", ())),
        statement_words=frozenset(raw.get("statement_words", ())),
        mute_sources=frozenset(str(w).lower() for group in (raw.get("mute_sources") or {}).values()
                               for w in group),
        speaking_place_features=frozenset(str(f) for f in raw.get("speaking_place_features", ())),
        person_nouns=frozenset(str(w).lower() for w in raw.get("person_nouns", ())),
        speaking_facilities=frozenset(str(f).lower() for f in raw.get("speaking_facilities", ())),
        person_titles=frozenset(str(w).lower() for w in raw.get("person_titles", ())),
        intention_verbs=frozenset(str(w).lower() for w in raw.get("intention_verbs", ())),
    )


@cache
def load_cues() -> Cues:
    """The packaged lexicon (``data/cues.yaml``), parsed once per process; immutable."""
    return parse_cues(load_yaml("cues.yaml"))
