"""The fine-tuned encoder's event decisions: which rule candidates are news, and which
numbers count the event's casualties.

The rules propose candidates; the shared encoder (``nlp/shared_encoder.py``) reads each
judged candidate's sentence once (cached on the Doc, shared with every other head) and:

- the ``events`` head classifies the trigger as ``news``, ``background``, ``statement``,
  ``accidental`` or ``not_event``: news is kept (its probability as confidence), an accident
  is kept with ``"accidental": true``, the rest are dropped (an attack with strong evidence
  is kept, as with the linear filter, unless the head reads it as background or a
  statement);
- the ``coref`` head reads two kept violent events' triggers, each in its own sentence
  window, and folds the later into the earlier when it is sure (p >= 0.8: on the check
  half "same" is right 78% of the time at 0.5) they are the same incident (its trigger
  and sentence become mentions; each figure the larger of the two, tolls rising as reports
  update);
- the ``casualties`` head reads each figure the rules attached (the number word in its
  sentence, paired with the nearest candidate trigger there) as killed / injured / arrested /
  kidnapped / none: a figure it reads as none (an age, a count of previous arrests, another
  incident's toll) is removed when the head is sure (p >= 0.9: "the toll has risen to 11"
  read as none at lower confidence).

Only sentences with a judged candidate are encoded, so documents without one cost nothing.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from spacy.tokens import Doc

from wirewatch.extract.category_heads import CategoryHeads
from wirewatch.extract.event_features import entity_kinds
from wirewatch.extract.event_filter import (
    DOUBTED,
    SPEECH_TYPES,
    EventFilter,
    speaks_of_violence,
    strong_evidence,
)
from wirewatch.extract.event_filter import model_path as filter_path
from wirewatch.nlp.shared_encoder import (
    Head,
    SharedEncoder,
    has_head,
    load_head,
    load_shared_encoder,
    pair_features,
    span_features,
)

#: The candidate types the events head judges (actual, not generic, not doubted). Threats
#: and calls to arms have next to no positive examples in the sources: they keep the linear
#: filter's rule (kept when their sentence speaks of violence).
JUDGED = frozenset({"ASSAULT", "FIGHT", "PROTEST", "COERCE"})
KEEP = ("news", "accidental")
SLOTS = ("killed", "injured", "arrested", "kidnapped")
_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUMBER = re.compile(r"\b(\d[\d,]*|" + "|".join(_WORDS) + r")\b", re.I)


def judged(event: dict[str, Any]) -> bool:
    return (event["type"] in JUDGED and event["factuality"] == "actual"
            and not event.get("generic") and event.get("status") not in DOUBTED)


def _centred(p: float, threshold: float) -> float:
    """The linear filter's probability moved so its own threshold sits at 0.5."""
    eps = 1e-6
    p, t = min(max(p, eps), 1 - eps), min(max(threshold, eps), 1 - eps)
    z = np.log(p / (1 - p)) - np.log(t / (1 - t))
    return float(1 / (1 + np.exp(-z)))


def _value(text: str) -> int | None:
    t = text.lower().replace(",", "")
    return int(t) if t.isdigit() else _WORDS.get(t)


def _sentence(doc: Doc, char: int) -> tuple[int, int] | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None or not len(span):
        return None
    sent = span[0].sent
    return sent.start_char, sent.end_char


class EventHeads:
    """The event-kind and casualty heads over the shared encoder."""

    def __init__(self, encoder: SharedEncoder, kind: Head, casualties: Head | None,
                 keep_threshold: float = 0.5, none_threshold: float = 0.9,
                 coref: Head | None = None, same_threshold: float = 0.8,
                 linear: EventFilter | None = None, mix: float = 0.0,
                 categories: CategoryHeads | None = None) -> None:
        self.encoder, self.kind, self.casualties, self.coref = encoder, kind, casualties, coref
        self.categories = categories  # ACLED actor categories, where shipped
        self.keep_threshold, self.none_threshold = keep_threshold, none_threshold
        self.same_threshold = same_threshold
        # the linear filter's vote, weighted ``mix`` (0: the encoder alone)
        self.linear, self.mix = linear, mix

    @classmethod
    def load(cls, keep_threshold: float | None = None, mix: float = 0.0
             ) -> EventHeads | None:
        """The heads when the encoder, its runtime and the ``events`` head are installed."""
        encoder = load_shared_encoder()
        if encoder is None or not has_head("events"):
            return None
        kind = load_head("events")
        threshold = keep_threshold if keep_threshold is not None else float(
            kind.meta.get("threshold", 0.5))
        linear = EventFilter() if mix > 0 and filter_path().exists() else None
        return cls(encoder, kind, load_head("casualties") if has_head("casualties") else None,
                   threshold, coref=load_head("coref") if has_head("coref") else None,
                   linear=linear, mix=mix if linear is not None else 0.0,
                   categories=CategoryHeads.load(encoder))

    def judge(self, doc: Doc, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The events kept (renumbered v1, v2, ...), figures checked by the casualty head."""
        todo = [(i, _sentence(doc, e["trigger"]["start"])) for i, e in enumerate(events)
                if judged(e)]
        todo = [(i, w) for i, w in todo if w is not None]
        verdict: dict[int, tuple[str, float]] = {}
        if todo:
            windows = self.encoder.encode(doc, [w for _, w in todo])  # type: ignore[misc]
            feats = np.stack([span_features(win, events[i]["trigger"]["start"],
                                            events[i]["trigger"]["end"])
                              for (i, _), win in zip(todo, windows, strict=True)])
            probs = self.kind.probs(feats)
            labels = self.kind.labels
            keep_cols = [labels.index(x) for x in KEEP if x in labels]
            linear = self.linear.scores(doc, events) if self.linear is not None else None
            for (i, _), p in zip(todo, probs, strict=True):
                keep = float(p[keep_cols].sum())
                if linear is not None and linear[i] is not None and self.linear is not None:
                    keep = (1 - self.mix) * keep + self.mix * _centred(
                        linear[i], self.linear.threshold)
                verdict[i] = (labels[int(p.argmax())], keep)
        kinds: dict[int, str] | None = None
        kept: list[dict[str, Any]] = []
        for i, event in enumerate(events):
            if event["type"] in SPEECH_TYPES and event["factuality"] == "actual":
                kinds = kinds if kinds is not None else entity_kinds(doc)
                if speaks_of_violence(doc, event, kinds):
                    kept.append(event)
                continue
            if i not in verdict:
                kept.append(event)
                continue
            label, keep = verdict[i]
            if keep >= self.keep_threshold:
                new = {**event, "confidence": round(keep, 2)}
                if label == "accidental":
                    new["accidental"] = True
                kept.append(new)
                continue
            # strong evidence (two dead, a firearm, an armed group) keeps an attack the
            # mixed score drops, unless the encoder reads it as history or a statement
            if label not in ("background", "statement") and event["type"] in ("ASSAULT",
                                                                              "FIGHT"):
                kinds = kinds if kinds is not None else entity_kinds(doc)
                if strong_evidence(doc, event, kinds):
                    kept.append(event)
        if self.casualties is not None:
            kept = [self.check_figures(doc, e, events) for e in kept]
        if self.coref is not None:
            kept = self.fold(doc, kept)
        if self.categories is not None:
            kept = self.categories.annotate(doc, kept)
        return [{**e, "id": f"v{n}"} for n, e in enumerate(kept, start=1)]

    def check_figures(self, doc: Doc, event: dict[str, Any], candidates: list[dict[str, Any]]
                      ) -> dict[str, Any]:
        """The event with each rule figure the casualty head reads as no count of it
        removed (or moved to the slot it reads)."""
        cas = event.get("casualties") or {}
        spans = cas.get("spans") or []
        if not spans or self.casualties is None:
            return event
        new = dict(cas)
        changed = False
        for slot in SLOTS:
            value = cas.get(slot)
            if not isinstance(value, int):
                continue
            found = self._number_in(doc, spans, value)
            if found is None:
                continue
            start, end, sent = found
            triggers = [(c["trigger"]["start"], c["trigger"]["end"]) for c in candidates
                        if sent[0] <= c["trigger"]["start"] < sent[1]]
            if not triggers:
                continue
            trig = min(triggers, key=lambda t: abs(t[0] - start))
            window = self.encoder.encode(doc, [sent])[0]
            p = self.casualties.probs(pair_features(window, (start, end), trig))
            labels = self.casualties.labels
            best = labels[int(p.argmax())]
            if best == slot:
                continue
            # only removal: a figure read as another slot stays where the rules put it
            # (moving "4 people to the hospital" to killed cost more than it fixed)
            if best == "none" and float(p[labels.index("none")]) >= self.none_threshold:
                new[slot] = None
                changed = True
        if not changed:
            return event
        if all(new.get(s) is None for s in SLOTS):
            new["spans"] = []
            new["victim_kind"] = cas.get("victim_kind") if new.get("killed") else None
        return {**event, "casualties": new}

    def fold(self, doc: Doc, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One event per incident: each violent event the coref head reads as the same
        incident as an earlier kept one is folded into it."""
        violent = [i for i, e in enumerate(events) if e["type"] in ("ASSAULT", "FIGHT")
                   and e["factuality"] == "actual" and not e.get("generic")]
        if len(violent) < 2 or self.coref is None:
            return events
        sents = {i: _sentence(doc, events[i]["trigger"]["start"]) for i in violent}
        violent = [i for i in violent if sents[i] is not None]
        wins = dict(zip(violent, self.encoder.encode(doc, [sents[i] for i in violent]),  # type: ignore[misc]
                        strict=True))
        same = self.coref.labels.index("same")
        into: dict[int, int] = {}
        for j_pos, j in enumerate(violent):
            for i in violent[:j_pos]:
                if i in into:
                    continue
                a, b = events[i]["trigger"], events[j]["trigger"]
                x = pair_features(wins[i], (a["start"], a["end"]), (b["start"], b["end"]),
                                  wins[j])
                if float(self.coref.probs(x)[same]) >= self.same_threshold:
                    into[j] = i
                    break
        if not into:
            return events
        merged = {i: dict(e) for i, e in enumerate(events)}
        for j, i in sorted(into.items()):
            target, other = merged[i], events[j]
            target["mentions"] = [*(target.get("mentions") or []), other["trigger"],
                                  *(other.get("mentions") or [])]
            extra = [*(target.get("evidence_extra") or []), other["evidence"]]
            target["evidence_extra"] = [x for n, x in enumerate(extra)
                                        if x != target["evidence"] and x not in extra[:n]]
            mine, theirs = target.get("casualties") or {}, other.get("casualties") or {}
            if mine or theirs:
                cas = dict(mine)
                for slot in SLOTS:
                    values = [v for v in (mine.get(slot), theirs.get(slot)) if isinstance(v, int)]
                    cas[slot] = max(values) if values else None
                cas["spans"] = [*(mine.get("spans") or []), *(theirs.get("spans") or [])]
                cas["victim_kind"] = mine.get("victim_kind") or theirs.get("victim_kind")
                target["casualties"] = cas
        return [merged[i] for i in range(len(events)) if i not in into]

    @staticmethod
    def _number_in(doc: Doc, spans: list[dict[str, Any]], value: int
                   ) -> tuple[int, int, tuple[int, int]] | None:
        """The number word of ``value`` inside one of the figure's spans, with its sentence."""
        for span in spans:
            text = doc.text[span["start"]:span["end"]]
            for m in _NUMBER.finditer(text):
                if _value(m.group(0)) == value:
                    start = span["start"] + m.start()
                    sent = _sentence(doc, start)
                    if sent is not None:
                        return start, span["start"] + m.end(), sent
        return None
