"""The learned event filter: is this mention an actual, reported political-violence or
coercion event, or a word used otherwise ("counter-attack" in a match report, "execute
strategies", "the threat of inflation")?

The rules find candidate events with high recall; a logistic regression over hashed features
(``extract/event_features.py``; weights ``data/models/events.npz``, trained by
``wirewatch.train.events``, model card ``events.md``) scores each candidate of the types it
was trained on, and candidates scoring below the threshold are not events. Kept events carry
the model's probability as their ``confidence``. Threats and calls to arms, which have no
labelled positives to learn from, pass when their sentence speaks of violence; other types
pass through unchanged.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc

from wirewatch.extract.event_features import N_FEATURES, entity_kinds, event_features
from wirewatch.knowledge import data_file
from wirewatch.knowledge.lexicons import (
    disaster_words,
    strong_weapons,
    trigger_lexicon,
    weapon_lemmas,
)

#: The event types the model judges: alarm types with labelled examples of both kinds
#: (arrests are not judged: the negatives' business and celebrity arrests taught it that
#: "arrested" is rarely news, which is wrong for "police arrested four protesters").
FILTERED_TYPES = frozenset({"ASSAULT", "FIGHT", "PROTEST"})
#: Speech acts with no labelled positives to learn from: a threat or a call to arms is kept
#: when its sentence speaks of violence (a violent trigger, a weapon, an armed group), so
#: "the threat of inflation" and "called on fans to stay calm" are not alarms.
SPEECH_TYPES = frozenset({"THREATEN", "MOBILIZE"})
#: Statuses that already say how far to trust an event; the filter leaves such events be.
DOUBTED = frozenset({"claimed", "unconfirmed", "denied"})


def judged(event: dict) -> bool:
    """The model judges what it was trained on: actual, not generic, of a filtered type
    (a planned, denied or generic mention is not an alarm; the rules already say so). An
    event someone claims or that is explicitly unconfirmed or denied is kept for the analyst
    with that status: figurative words are not claimed, confirmed or denied ("the video ends
    with an execution ..., which has not been confirmed")."""
    return (event["type"] in FILTERED_TYPES and event["factuality"] == "actual"
            and not event.get("generic") and event.get("status") not in DOUBTED)


def model_path() -> Path:
    """The packaged event-filter model (``data/models/events.npz``)."""
    return Path(str(data_file("models/events.npz")))


@cache
def load_model(path: str | None = None) -> tuple[np.ndarray, float]:
    """(weights float32 [features], decision threshold) of the binary filter."""
    with np.load(path or model_path()) as data:
        if int(data["n_features"]) != N_FEATURES:
            raise ValueError("event model does not match the feature extractor; retrain it")
        return data["weights"].astype(np.float32), float(data["threshold"])


def probability(weights: np.ndarray, features: list[int]) -> float:
    """P(real event) under the logistic model."""
    score = float(weights[features].sum())
    return float(1.0 / (1.0 + np.exp(-score)))


def speaks_of_violence(doc: Doc, event: dict, token_entity_kind: dict[int, str]) -> bool:
    """True when the event's sentence has a violent trigger word, a weapon or an armed group
    (besides the speech act's own trigger)."""
    span = doc.char_span(event["evidence"]["start"], event["evidence"]["end"],
                         alignment_mode="expand")
    if span is None:
        return False
    violent = violent_lemmas()
    weapons = weapon_lemmas()
    start = event["trigger"]["start"]
    for token in span:
        if token.idx == start:
            continue
        lemma = token.lemma_.lower()
        if lemma in violent or lemma in weapons:
            return True
        if token_entity_kind.get(token.i) == "armed_group":
            return True
    return False


def strong_evidence(doc: Doc, event: dict, token_entity_kind: dict[int, str]) -> bool:
    """Violence the words themselves vouch for, which no topic should overrule: a death or
    injury figure of two or more (one victim is also the stuff of fiction and history, "the
    murder at the beginning of the novel"), unless the sentence names a disaster or an
    accident; or a firearm, explosive or heavy weapon or an armed group in the event's
    sentence ("Roadside IED kills Russian major general" in a story the model has never seen
    the like of)."""
    span = doc.char_span(event["evidence"]["start"], event["evidence"]["end"],
                         alignment_mode="expand")
    if span is None:
        return False
    casualties = event.get("casualties") or {}
    if any(isinstance(casualties.get(k), int) and casualties[k] > 1 for k in ("killed",
                                                                               "injured")):
        disasters = disaster_words()
        if not any(t.lemma_.lower() in disasters for t in span):
            return True
    weapons = strong_weapons()
    return any(t.lemma_.lower() in weapons or token_entity_kind.get(t.i) == "armed_group"
               for t in span)


@cache
def violent_lemmas() -> frozenset[str]:
    """Trigger lemmas whose senses include an ASSAULT or FIGHT reading."""
    lexicon = trigger_lexicon()
    return frozenset(lemma for table in (lexicon.verbs, lexicon.nouns)
                     for lemma, sense in table.items() if sense.type in ("ASSAULT", "FIGHT")
                     and not sense.weak)


class EventFilter:
    """Scores the candidate events of a Doc and keeps those that are events."""

    def __init__(self, threshold: float | None = None, model: str | None = None) -> None:
        self.weights, default = load_model(model)
        self.threshold = default if threshold is None else threshold

    def scores(self, doc: Doc, events: list[dict]) -> list[float | None]:
        """The model's probability per event (None for events it does not judge)."""
        kinds = entity_kinds(doc)
        return [probability(self.weights, event_features(doc, e, kinds))
                if judged(e) else None for e in events]

    def keep(self, doc: Doc, events: list[dict]) -> list[dict]:
        """The events that pass, renumbered v1, v2, ...; those the model passes carry its
        probability as confidence (those kept on strong evidence keep the rules' own)."""
        decided: list[dict | None] = []
        kinds = entity_kinds(doc)
        for event, p in zip(events, self.scores(doc, events), strict=True):
            if event["type"] in SPEECH_TYPES and event["factuality"] == "actual":
                decided.append(event if speaks_of_violence(doc, event, kinds) else None)
            elif p is None or (event["type"] in ("ASSAULT", "FIGHT")
                               and strong_evidence(doc, event, kinds)):
                decided.append(event)
            elif p >= self.threshold:
                decided.append({**event, "confidence": round(float(p), 2)})
            else:
                decided.append(None)
        kept = [d for d in decided if d is not None]
        return [{**e, "id": f"v{n}"} for n, e in enumerate(kept, start=1)]
