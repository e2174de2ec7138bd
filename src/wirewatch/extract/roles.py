"""Trained argument roles: adds the role fillers the dependency rules miss.

A linear model (``data/models/roles.npz``, trained by ``wirewatch.train.roles``) scores every
candidate phrase of a document that states an actual violent or coercive event (noun chunks,
names, noun cores, bare heads, "x of y"; ``role_features``), tied to the nearest such event.
Document-level decisions follow: one boundary per head noun (the most probable), one filler
per entity and role (a phrase nested in a more probable filler of the same role is the same
entity), and the survivors above the threshold become arguments of their event.

Its features read lower-cased words, lemmas and the parse, never letter case, so it acts on
mixed-case news and on uncased wire copy alike (``apply_to="all"``, the default). On
uncased copy (``prune_on="uncased"``, the MUC-4 domain) it also prunes rule arguments: a rule
filler none of whose boundaries the model finds plausible in its role, a filler the model
re-bounded, a pronoun. On mixed-case news the rule fillers stay and the model adds only
victims and instruments (``CASED_ROLES``): MUC-4's answer-key conventions for the other
roles (no soldier killed in combat, no quantified group, only terrorist perpetrators) are
not those of modern news annotation, and applying them there cost WikiEvents F1.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc

from wirewatch.extract.actor_check import not_an_actor
from wirewatch.extract.argument_head import LABELS as HEAD_LABELS
from wirewatch.extract.argument_head import ArgumentHead, load_argument_head
from wirewatch.extract.role_encoder import load_head
from wirewatch.extract.role_features import CLASSES, N_FEATURES, Candidate, candidates
from wirewatch.extract.victim_names import add_named_victims
from wirewatch.knowledge import data_file
from wirewatch.nlp.casing import is_uncased
from wirewatch.nlp.extensions import get_list, register_extensions
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


#: Where the model acts: on every text, or only on uncased (ALL-CAPS, lower-case) copy.
SCOPES = ("all", "uncased")
#: The roles the model adds on mixed-case text when it does not prune there. MUC-4's
#: conventions for the others do not carry to modern news: on the WikiEvents dev tune half
#: its agents and targets cost 3.6 F1, victims and instruments gained 1.6; pruning victims
#: by MUC-4's convention (no soldier killed in combat, no quantified group) cost 15.
CASED_ROLES: tuple[str, ...] = ("victim", "instrument")
#: Candidates the linear model gives less than this for every role are not re-scored by the
#: encoder head (their sentences are not encoded unless another candidate needs them).
ENCODER_FLOOR = 0.01
#: Weight of the argument head's probabilities against the linear model's (``head_mix``),
#: and the decision threshold with the head on; picked on the MUC-4 dev tune half.
HEAD_MIX = 0.3
HEAD_THRESHOLD: float | None = 0.3
#: Where the head is mixed in: "all" text, or "cased" (mixed-case) text only: on the MUC-4
#: tune half's uncased copy it cost 1.1 F1 at its best mix, on the same documents recased
#: it was even and on WikiEvents' tune half it added 2.8 (instruments).
HEAD_ON = "cased"
#: Where each of the argument head's labels goes among the linear model's classes ("place"
#: is no MUC-4 role: it counts as none here).
_HEAD_TO_CLASS = {"none": "none", "place": "none", "target": "Target", "victim": "Victim",
                  "instrument": "Weapon"}


def head_as_classes(head: np.ndarray, linear: np.ndarray) -> np.ndarray:
    """The argument head's probabilities over the linear model's ``CLASSES``: the agent's
    share split between PerpInd and PerpOrg in the linear model's proportion."""
    out = np.zeros((len(head), len(CLASSES)), np.float32)
    for j, label in enumerate(HEAD_LABELS):
        if label == "agent":
            ind, org = linear[:, CLASSES.index("PerpInd")], linear[:, CLASSES.index("PerpOrg")]
            share = np.where(ind + org > 0, org / np.maximum(ind + org, 1e-9), 0.3)
            out[:, CLASSES.index("PerpOrg")] += head[:, j] * share
            out[:, CLASSES.index("PerpInd")] += head[:, j] * (1 - share)
        else:
            out[:, CLASSES.index(_HEAD_TO_CLASS[label])] += head[:, j]
    return out


class RoleClassifier:
    """Adds the role fillers the rules miss to a document's events, and drops rule fillers
    it finds implausible; the events component runs it on the events it owns."""

    def __init__(self, threshold: float | None = None, model: str | None = None,
                 prune: float = 0.05, apply_to: str = "all", prune_on: str = "uncased",
                 cased_roles: tuple[str, ...] = CASED_ROLES, encoder: bool = False,
                 encoder_model: str | None = None, encoder_floor: float = ENCODER_FLOOR,
                 head: bool = False, head_mix: float = HEAD_MIX,
                 head_threshold: float | None = HEAD_THRESHOLD, actors_only: bool = True,
                 named_victims: bool = True, cased_prune: tuple[str, ...] = (),
                 head_on: str = HEAD_ON) -> None:
        for name, value in (("apply_to", apply_to), ("prune_on", prune_on)):
            if value not in SCOPES:
                raise ValueError(f"{name} must be 'uncased' or 'all', not {value!r}")
        self.apply_to, self.prune_on = apply_to, prune_on
        self.cased_roles = tuple(cased_roles)
        self.weights, default = load_model(model)
        # the encoder re-scoring, when asked for and installed (else the linear model alone)
        self.head = load_head(encoder_model) if encoder else None
        self.encoder_floor = encoder_floor
        if self.head is not None:
            default = self.head[0].threshold
        # the argument head on the shared encoder, when asked for and shipped
        self.arg_head: ArgumentHead | None = load_argument_head() if head else None
        self.head_mix = head_mix
        if head_on not in ("all", "cased"):
            raise ValueError(f"head_on must be 'all' or 'cased', not {head_on!r}")
        self.head_on = head_on
        self.threshold = default if threshold is None else threshold
        self.head_threshold = self.threshold if head_threshold is None else head_threshold
        self.actors_only = actors_only
        #: roles whose rule fillers the model also prunes on mixed-case text
        self.cased_prune = tuple(cased_prune)
        #: person names stated as victims away from the trigger (``victim_names``)
        self.named_victims = named_victims
        self.prune = prune
        self.drop_unscored = True
        self.replace_boundary = True

    @classmethod
    def from_weights(cls, weights: np.ndarray, threshold: float, prune: float = 0.05,
                     apply_to: str = "all", prune_on: str = "all") -> RoleClassifier:
        """A classifier over weights in memory (training picks its threshold with it)."""
        reader = cls.__new__(cls)
        reader.apply_to, reader.weights = apply_to, weights.astype(np.float32)
        reader.prune_on, reader.cased_roles = prune_on, CASED_ROLES
        reader.threshold, reader.prune = threshold, prune
        reader.drop_unscored, reader.replace_boundary = True, True
        reader.head, reader.encoder_floor = None, ENCODER_FLOOR
        reader.arg_head, reader.head_mix, reader.actors_only = None, HEAD_MIX, True
        reader.head_on, reader.head_threshold = HEAD_ON, threshold
        reader.named_victims, reader.cased_prune = True, ()
        return reader

    def _probabilities(self, doc: Doc, cands: list[Candidate], events: list[dict]
                       ) -> np.ndarray:
        """Class probabilities of each candidate: the linear model's, re-scored by the
        encoder head where one is loaded, for the candidates the linear model does not
        already rule out (top role below ``encoder_floor``): only their sentences are
        encoded."""
        probs = np.empty((len(cands), len(CLASSES)), np.float32)
        for n, cand in enumerate(cands):
            scores = self.weights[cand.features].sum(axis=0)
            scores -= scores.max()
            e = np.exp(scores)
            probs[n] = e / e.sum()
        if self.arg_head is not None and cands and self._head_reads(doc):
            head = self.arg_head.probs(
                doc, [c.span for c in cands],
                [(events[c.event_index]["trigger"]["start"],
                  events[c.event_index]["trigger"]["end"]) for c in cands])
            probs = ((1 - self.head_mix) * probs
                     + self.head_mix * head_as_classes(head, probs)).astype(np.float32)
        if self.head is None or not cands:
            return probs
        live = np.where(probs[:, 1:].max(axis=1) >= self.encoder_floor)[0]
        if len(live):
            head, encoder = self.head
            probs[live] = head.rescore(doc, [cands[i] for i in live], events, probs[live],
                                       encoder)
        return probs

    def _head_reads(self, doc: Doc) -> bool:
        """Whether the argument head is mixed in for this document (``head_on``)."""
        return self.arg_head is not None and (
            self.head_on == "all" or not is_uncased(source_text(doc)))

    def refine(self, doc: Doc, events: list[dict]) -> None:
        """Add and prune the arguments of ``events`` (the contract Event dicts of ``doc``).

        Document-level decisions: of the several boundaries proposed for one head noun only
        the most probable one counts, and a phrase contained in (or containing) a more
        probable filler of the same role is the same entity named twice, so it is left out.
        """
        uncased = is_uncased(source_text(doc))
        if not events or (self.apply_to == "uncased" and not uncased):
            return
        # the whole MUC-4 reading on uncased copy (or where told); on mixed-case text the
        # rule fillers stay and the model adds only the roles that carry over
        full = self.prune_on == "all" or uncased
        addable = tuple(CLASSES_OF_ROLE) if full else self.cased_roles
        token_entity = doc._.ww_token_entity or {}
        entities = {e["id"]: e for e in get_list(doc, "ww_entities")}
        role_prob: dict[tuple[int, int], np.ndarray] = {}
        head_prob: dict[int, np.ndarray] = {}  # best probability per class over boundaries
        best_of_head: dict[int, tuple[float, Candidate, np.ndarray]] = {}
        cands = candidates(doc, events)
        for cand, probs in zip(cands, self._probabilities(doc, cands, events), strict=True):
            role_prob[(cand.span.start_char, cand.span.end_char)] = probs
            head_prob[cand.head.i] = np.maximum(head_prob.get(cand.head.i, probs), probs)
            top = float(probs[1:].max())
            held = best_of_head.get(cand.head.i)
            if held is None or top > held[0]:
                best_of_head[cand.head.i] = (top, cand, probs)
        kept: list[tuple[int, str]] = []
        if not full:  # rule fillers stay: a phrase nested in one is that filler again
            kept = [(CLASSES.index(c), _words(a["span"]["text"])) for e in events
                    for a in e["arguments"] for c in CLASSES_OF_ROLE.get(a["role"], ())]
        chosen: dict[int, tuple[int, int]] = {}  # head token -> the boundary output for it
        threshold = self.head_threshold if self._head_reads(doc) else self.threshold
        for top, cand, probs in sorted(best_of_head.values(), key=lambda x: -x[0]):
            if top < threshold:
                break
            best = int(probs[1:].argmax()) + 1
            words = _words(cand.span.text)
            if ROLE_OF_CLASS[CLASSES[best]] not in addable:
                continue
            if not words or any(role == best and _nested(words, other)
                                for role, other in kept):
                continue
            if self.actors_only and not_an_actor(
                    cand.span, ROLE_OF_CLASS[CLASSES[best]],
                    entities.get(token_entity.get(cand.head.i) or "")):
                continue
            kept.append((best, words))
            chosen[cand.head.i] = (cand.span.start_char, cand.span.end_char)
            event = events[cand.event_index]
            span = span_of(doc, cand.span)
            if any(a["span"]["start"] == span["start"] and a["span"]["end"] == span["end"]
                   for a in event["arguments"]):
                continue
            event["arguments"].append({
                "role": ROLE_OF_CLASS[CLASSES[best]], "entity": token_entity.get(cand.head.i),
                "span": span, "score": round(top, 3)})
        if self.actors_only:
            drop_non_actors(doc, events, entities)
        pruned = tuple(CLASSES_OF_ROLE) if full else self.cased_prune
        if pruned:
            for event in events:  # rule arguments the model finds implausible in their role
                event["arguments"] = [
                    a for a in event["arguments"] if a["role"] not in pruned
                    or self._plausible(doc, role_prob, head_prob, chosen, a)]
        if self.named_victims and not uncased:
            # on uncased wire copy MUC-4's conventions hold (no victim of an incident the
            # key does not code): there the named victims cost 2.1 Victim F1 on the tune
            # half; on the same documents recased they add 0.8, on GVC news far more
            add_named_victims(doc, events)
        drop_suspect_victims(events)

    def _plausible(self, doc: Doc, role_prob: dict[tuple[int, int], np.ndarray],
                   head_prob: dict[int, np.ndarray], chosen: dict[int, tuple[int, int]],
                   arg: dict) -> bool:
        """A rule argument stays unless the model scored every boundary of its head noun
        below ``prune`` in its role (the boundary is a separate decision: "three peasants"
        is judged by "peasants" too), or output another boundary of the same head ("luis
        carlos galan" for "presidential candidate luis carlos galan"); with
        ``drop_unscored``, a role filler the model had no candidate for (a bare pronoun, a
        clock time) goes too."""
        classes = CLASSES_OF_ROLE.get(arg["role"])
        if classes is None or "score" in arg:
            return True
        key = (arg["span"]["start"], arg["span"]["end"])
        span = doc.char_span(*key, alignment_mode="expand")
        probs = role_prob.get(key)
        if span is not None and span.root.i in head_prob:
            probs = head_prob[span.root.i]
        if probs is None:
            return not self.drop_unscored
        if self.replace_boundary and span is not None and chosen.get(span.root.i, key) != key:
            return False
        return float(sum(probs[CLASSES.index(c)] for c in classes)) >= self.prune


_REFLEXIVE = re.compile(r"\b(himself|herself|themselves|itself)\b", re.IGNORECASE)


def drop_suspect_victims(events: list[dict]) -> None:
    """An agent named by a charge or a claim is not also a victim of the same event
    ("Hollinger was charged with manslaughter" then "Hollinger" among the shot; an agent
    the parse gave may be the victim misread, so only these): the same name or its surname alone (a
    relative sharing the surname stays), unless the evidence says the shooter hit
    himself (an accidental or a self-inflicted shooting lists him both ways)."""
    for event in events:
        agents = [a for a in event["arguments"] if a["role"] == "agent" and a.get("status")]
        if not agents or _REFLEXIVE.search((event.get("evidence") or {}).get("text") or ""):
            continue
        names = {_words(a["span"]["text"]) for a in agents}
        # the same name, or the surname alone; "Thomas Horn" is not his father Joseph
        same = names | {n.split()[-1] for n in names if n}
        event["arguments"] = [a for a in event["arguments"] if a["role"] != "victim"
                              or _words(a["span"]["text"]) not in same]


def drop_non_actors(doc: Doc, events: list[dict], entities: dict[str, dict]) -> None:
    """Agents and victims that cannot be actors (``actor_check.not_an_actor``) leave their
    events: a place, a weapon, an outlet, an event name, an unresolved pronoun."""
    for event in events:
        kept = []
        for arg in event["arguments"]:
            span = doc.char_span(arg["span"]["start"], arg["span"]["end"],
                                 alignment_mode="expand")
            anaphor = arg.get("anaphor")
            if span is not None and not anaphor and not_an_actor(
                    span, arg["role"], entities.get(arg.get("entity") or "")):
                continue
            kept.append(arg)
        event["arguments"] = kept


_NOT_WORD = re.compile(r"[^\w\s]")


def _words(text: str) -> str:
    """Lower-case words of a phrase without punctuation and articles, space-joined."""
    return " ".join(w for w in _NOT_WORD.sub(" ", text.lower()).split()
                    if w not in ("a", "an", "the"))


def _nested(a: str, b: str) -> bool:
    """One phrase's words are a contiguous part of the other's ("embassy", "u s embassy")."""
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "
