"""ACLED actor categories read by heads on the shared encoder.

Which category an event's perpetrator and its victims fall in (ACLED's inter codes: 1 state
forces, 2 rebel groups, 3 political militias, 4 identity militias, 5 rioters, 6 protesters,
7 civilians, 8 other; 0 no second actor) is a coder's reading of the whole report: "a clash
between two groups of villagers over irrigation" is an identity militia's battle, the same
words during a hartal a riot; an unnamed gunman is an unidentified armed group. The rules
(``export.acled.actor_codes``, over entity and descriptor kinds) cannot see that, so two
small heads read it from the encoder's pass over the event's sentence: the pooled trigger
and the pooled sentence (``category_features``).

Each kept violent, coercive or protest event gets ``actor_categories`` =
``{"agent": code, "victim": code, "confidence": p}`` for the side(s) a head reads at or
above its threshold (the head file's ``threshold``); the export and ``eval acled`` take a
side from there and the other from the rules. Trained by ``wirewatch.train.actor_categories``
on the tune half of the ACLED-Asia notes (card: ``data/models/encoder/card.md``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.tokens import Doc

from wirewatch.nlp.shared_encoder import Head, SharedEncoder, Window, has_head, load_head

#: The two heads' files under ``data/models/encoder/heads``.
HEAD_NAMES = {"agent": "acled_agent", "victim": "acled_victim"}
#: Events a category is read for (the PLOVER types ACLED's event types take).
CATEGORY_TYPES = frozenset({"ASSAULT", "FIGHT", "COERCE", "PROTEST"})


def sentence_of(doc: Doc, char: int) -> tuple[int, int] | None:
    """The character span of the sentence holding ``char``."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return None
    sent = span[0].sent
    return sent.start_char, sent.end_char


def category_features(window: Window, trigger: tuple[int, int]) -> np.ndarray:
    """``[pooled trigger, pooled sentence]``: what the event is, and the report around it."""
    return np.concatenate([window.pool(*trigger), window.pool(window.start, window.end)])


def event_features(encoder: SharedEncoder, doc: Doc, events: list[dict[str, Any]]
                   ) -> list[np.ndarray | None]:
    """One feature vector per event (None where its sentence cannot be found); the
    sentences are encoded in one batch, from the Doc's cache where other heads read them."""
    sents = [sentence_of(doc, e["trigger"]["start"]) for e in events]
    todo = sorted({s for s in sents if s is not None})
    windows = dict(zip(todo, encoder.encode(doc, todo), strict=True)) if todo else {}
    return [category_features(windows[s], (e["trigger"]["start"], e["trigger"]["end"]))
            if s is not None else None for e, s in zip(events, sents, strict=True)]


class CategoryHeads:
    """The agent and victim category heads, with the encoder they read."""

    def __init__(self, encoder: SharedEncoder, heads: dict[str, Head]) -> None:
        self.encoder, self.heads = encoder, heads

    @classmethod
    def load(cls, encoder: SharedEncoder | None) -> CategoryHeads | None:
        """The heads when both are shipped and the encoder runs, else None."""
        if encoder is None or not all(has_head(n) for n in HEAD_NAMES.values()):
            return None
        return cls(encoder, {side: load_head(name) for side, name in HEAD_NAMES.items()})

    def annotate(self, doc: Doc, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The events, each actual event of a category type with ``actor_categories``
        where a head is sure enough."""
        chosen = [i for i, e in enumerate(events) if e.get("type") in CATEGORY_TYPES
                  and e.get("factuality") == "actual" and not e.get("generic")]
        if not chosen:
            return events
        feats = event_features(self.encoder, doc, [events[i] for i in chosen])
        out = list(events)
        for i, x in zip(chosen, feats, strict=True):
            if x is None:
                continue
            read: dict[str, Any] = {}
            confidence = 1.0
            for side, head in self.heads.items():
                p = head.probs(x)
                best = int(p.argmax())
                threshold = float(head.meta.get("threshold", 0.5))
                if float(p[best]) >= threshold:
                    read[side] = int(head.labels[best])
                    confidence = min(confidence, float(p[best]))
            if read:
                out[i] = {**events[i], "actor_categories": {**read,
                                                            "confidence": round(confidence, 2)}}
        return out
