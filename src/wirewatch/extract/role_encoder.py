"""Encoder re-scoring of role candidates: MiniLM vectors stacked on the linear model.

For every candidate phrase the linear role model scores (``extract/roles.py``), a small
two-layer network (``data/models/roles_encoder.npz``, trained by
``wirewatch.train.role_encoder``) reads the linear model's log-probabilities together with
frozen MiniLM vectors (``nlp/encoder.py``) of the phrase, of its event's trigger, of its
sentence, and the phrase-trigger product, and returns new class probabilities. The encoder
runs only on the sentences that hold candidates, i.e. only in documents with an actual
violent or coercive event. Without the encoder package the head is never loaded and the
linear model's probabilities stand.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc

from wirewatch.extract.role_features import CLASSES, Candidate
from wirewatch.knowledge import data_file
from wirewatch.nlp.encoder import DIM, Encoder, load_encoder


def head_path() -> Path:
    """The packaged head (``data/models/roles_encoder.npz``) as a path numpy can open."""
    return Path(str(data_file("models/roles_encoder.npz")))


def candidate_vectors(doc: Doc, cands: list[Candidate], events: list[dict],
                      encoder: Encoder) -> np.ndarray:
    """[candidates x 3 x DIM]: phrase, trigger (zeros when the trigger is in another
    sentence) and sentence vectors; each sentence with a candidate is encoded once."""
    sents: dict[int, tuple[int, str]] = {}
    for cand in cands:
        sent = cand.span.sent
        sents.setdefault(sent.start, (sent.start_char, sent.text))
    keys = list(sents)
    encoded = dict(zip(keys, encoder.encode([sents[k][1] for k in keys]), strict=True))
    out = np.zeros((len(cands), 3, DIM), np.float32)
    for n, cand in enumerate(cands):
        enc = encoded[cand.span.sent.start]
        base = sents[cand.span.sent.start][0]
        trigger = events[cand.event_index]["trigger"]
        out[n, 0] = enc.pool(cand.span.start_char - base, cand.span.end_char - base)
        out[n, 1] = enc.pool(trigger["start"] - base, trigger["end"] - base)
        out[n, 2] = enc.mean()
    return out


def head_inputs(linear_probs: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """The head's input rows: log linear probabilities, phrase, trigger, sentence vectors
    and the phrase x trigger product (un-normalised)."""
    span, trig, sent = vectors[:, 0], vectors[:, 1], vectors[:, 2]
    return np.concatenate([np.log(linear_probs + 1e-6), span, sent, trig, span * trig],
                          axis=1).astype(np.float32)


class EncoderHead:
    """The trained network over ``head_inputs`` rows (numpy forward pass)."""

    def __init__(self, path: str | Path) -> None:
        with np.load(path) as data:
            if tuple(data["classes"]) != CLASSES:
                raise ValueError("encoder head does not match the role classes; retrain it")
            self.mu, self.sd = data["mu"].astype(np.float32), data["sd"].astype(np.float32)
            self.w1, self.b1 = data["w1"].astype(np.float32), data["b1"].astype(np.float32)
            self.w2, self.b2 = data["w2"].astype(np.float32), data["b2"].astype(np.float32)
            self.threshold = float(data["threshold"])

    def probs(self, inputs: np.ndarray) -> np.ndarray:
        """Class probabilities per row."""
        hidden = np.maximum(((inputs - self.mu) / self.sd) @ self.w1 + self.b1, 0.0)
        scores = hidden @ self.w2 + self.b2
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def rescore(self, doc: Doc, cands: list[Candidate], events: list[dict],
                linear_probs: np.ndarray, encoder: Encoder) -> np.ndarray:
        """New probabilities for ``cands`` given the linear model's."""
        if not cands:
            return linear_probs
        return self.probs(head_inputs(linear_probs, candidate_vectors(doc, cands, events,
                                                                      encoder)))


@cache
def load_head(path: str | None = None) -> tuple[EncoderHead, Encoder] | None:
    """(head, encoder), or None when the encoder package or the head file is missing."""
    head_file = Path(path) if path else head_path()
    if not head_file.exists():
        return None
    encoder = load_encoder()
    if encoder is None:
        return None
    return EncoderHead(head_file), encoder
