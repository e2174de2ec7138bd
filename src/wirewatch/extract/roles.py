"""Trained argument roles: adds the role fillers the dependency rules miss.

A linear model (``data/models/roles.npz``, trained by ``wirewatch.train.roles``) scores each
noun phrase of a sentence that states an event; phrases it assigns a role with enough
confidence become arguments of that sentence's nearest event, and rule arguments it finds
implausible are dropped.

It was trained on MUC-4 (1989-90 Latin American wire and radio copy, originally ALL CAPS).
On modern mixed-case news it lowers WikiEvents F1 (34.5 -> 26.9 on dev), so by default it
only acts on uncased text, where the rules and the NER are weakest and the training domain
matches; ``apply_to="all"`` applies it everywhere.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc

from wirewatch.contract import ROLE_MODEL_TYPES
from wirewatch.extract.role_features import CLASSES, N_FEATURES, candidates
from wirewatch.knowledge import data_file
from wirewatch.nlp.casing import is_uncased
from wirewatch.nlp.extensions import register_extensions
from wirewatch.nlp.spans import source_text, span_of

register_extensions()

#: Model class -> contract argument role.
ROLE_OF_CLASS = {"PerpInd": "agent", "PerpOrg": "agent", "Target": "target",
                 "Victim": "victim", "Weapon": "instrument"}
CLASSES_OF_ROLE = {"agent": ("PerpInd", "PerpOrg"), "target": ("Target",),
                   "victim": ("Victim",), "instrument": ("Weapon",)}


def model_path() -> Path:
    """The packaged role model (``data/models/roles.npz``) as a file path numpy can open."""
    return Path(str(data_file("models/roles.npz")))


@cache
def load_model(path: str | None = None) -> tuple[np.ndarray, float]:
    """(weights float32 [features x classes], decision threshold)."""
    with np.load(path or model_path()) as data:
        if int(data["n_features"]) != N_FEATURES or tuple(data["classes"]) != CLASSES:
            raise ValueError("role model does not match the feature extractor; retrain it")
        return data["weights"].astype(np.float32), float(data["threshold"])


class RoleClassifier:
    """Adds the role fillers the rules miss to a document's events, and drops rule fillers
    it finds implausible; the events component runs it on the events it owns."""

    def __init__(self, threshold: float | None = None, model: str | None = None,
                 prune: float = 0.05, apply_to: str = "uncased") -> None:
        if apply_to not in ("uncased", "all"):
            raise ValueError(f"apply_to must be 'uncased' or 'all', not {apply_to!r}")
        self.apply_to = apply_to
        self.weights, default = load_model(model)
        self.threshold = default if threshold is None else threshold
        self.prune = prune

    def refine(self, doc: Doc, events: list[dict]) -> None:
        """Add and prune the arguments of ``events`` (the contract Event dicts of ``doc``)."""
        if not events or (self.apply_to == "uncased" and not is_uncased(source_text(doc))):
            return
        token_entity = doc._.ww_token_entity or {}
        role_prob: dict[tuple[int, int, int], np.ndarray] = {}
        for cand in candidates(doc, events):
            event = events[cand.event_index]
            if event["type"] not in ROLE_MODEL_TYPES or event["factuality"] != "actual":
                continue
            scores = self.weights[cand.features].sum(axis=0)
            scores -= scores.max()
            probs = np.exp(scores)
            probs /= probs.sum()
            best = int(probs[1:].argmax()) + 1
            span = span_of(doc, cand.span)
            role_prob[(cand.event_index, span["start"], span["end"])] = probs
            if probs[best] < self.threshold:
                continue
            if any(a["span"]["start"] == span["start"] and a["span"]["end"] == span["end"]
                   for a in event["arguments"]):
                continue
            event["arguments"].append({
                "role": ROLE_OF_CLASS[CLASSES[best]], "entity": token_entity.get(cand.head.i),
                "span": span, "score": round(float(probs[best]), 3)})
        if self.prune > 0:  # rule arguments the model finds implausible in their role
            for n, event in enumerate(events):
                event["arguments"] = [a for a in event["arguments"]
                                      if self._plausible(role_prob, n, a)]

    def _plausible(self, role_prob: dict[tuple[int, int, int], np.ndarray], n: int,
                   arg: dict) -> bool:
        probs = role_prob.get((n, arg["span"]["start"], arg["span"]["end"]))
        classes = CLASSES_OF_ROLE.get(arg["role"])
        if probs is None or classes is None or "score" in arg:
            return True
        return float(sum(probs[CLASSES.index(c)] for c in classes)) >= self.prune
