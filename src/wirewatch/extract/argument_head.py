"""The argument head on the shared encoder: which role a candidate phrase plays for its event.

The role candidate generator (``extract/role_features.py``) proposes phrases tied to their
nearest actual violent or coercive event; this head reads each (trigger, candidate) pair from
the shared encoder's pass over the candidate's sentence -- concat[pool trigger, pool
candidate, product] -- and returns probabilities of none / agent / victim / target /
instrument / place (``data/models/encoder/heads/arguments.npz``, trained by
``wirewatch.train.encoder`` with the task ``wirewatch.train.tasks.arguments`` on MUC-4,
WikiEvents, GVC, GTD and ACLED, each text as written and lower-cased). A trigger in another
sentence is out of view: the candidate stands in for it, as in training. The role reader
(``extract/roles.py``) mixes these probabilities with its linear model's.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from spacy.tokens import Doc, Span

from wirewatch.extract.head_loader import encoder_and_head

LABELS: tuple[str, ...] = ("none", "agent", "victim", "target", "instrument", "place")
HEAD_NAME = "arguments"
#: Longest window in characters (about 120 word pieces); a longer sentence is cut around
#: the candidate.
MAX_CHARS = 560


def pair_window(doc: Doc, trig: tuple[int, int] | None, span: Span
                ) -> tuple[int, int, tuple[int, int], tuple[int, int]]:
    """(window start, end, candidate span, trigger span) in document characters: the
    candidate's sentence; the trigger when it lies in that window, else the candidate."""
    sent = span.sent
    start, end = sent.start_char, sent.end_char
    b = (span.start_char, span.end_char)
    if end - start > MAX_CHARS:  # a run-on sentence: the part around the candidate
        start = max(start, min(b[0] - MAX_CHARS // 2, end - MAX_CHARS))
        end = min(end, start + MAX_CHARS)
    a = b
    if trig is not None and start <= trig[0] and trig[1] <= end:
        a = trig
    return start, end, b, a


class ArgumentHead:
    """The trained pair head and the shared encoder it reads."""

    def __init__(self, encoder: Any, head: Any) -> None:
        self.encoder, self.head = encoder, head

    def probs(self, doc: Doc, spans: list[Span], triggers: list[tuple[int, int] | None]
              ) -> np.ndarray:
        """[candidates x LABELS] probabilities; each sentence is encoded once per Doc."""
        if not spans:
            return np.zeros((0, len(LABELS)), np.float32)
        placed = [pair_window(doc, t, s) for s, t in zip(spans, triggers, strict=True)]
        keys = list(dict.fromkeys((s, e) for s, e, _, _ in placed))
        encoded = dict(zip(keys, self.encoder.encode(doc, keys), strict=True))
        rows = []
        for s, e, b, a in placed:
            window = encoded[(s, e)]
            va, vb = window.pool(*a), window.pool(*b)
            rows.append(np.concatenate([va, vb, va * vb]))
        return np.asarray(self.head.probs(np.stack(rows).astype(np.float32)), np.float32)


@cache
def load_argument_head() -> ArgumentHead | None:
    """The head with its encoder, or None when the encoder or the head file is missing."""
    loaded = encoder_and_head(HEAD_NAME)
    if loaded is None:
        return None
    encoder, head = loaded
    if list(head.labels) != list(LABELS):
        raise ValueError(f"argument head labels {head.labels} are not {LABELS}; retrain")
    return ArgumentHead(encoder, head)
