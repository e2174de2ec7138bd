"""Entities: NER plus the curated actor dictionary, with aliases, descriptors and pronouns
merged into one entity per real-world referent.

Why rules and not a coreference model: the referents that matter in violence reporting are
few per article (a group, its affiliate, a spokesman, a state), the dictionary knows their
aliases, and pronoun/descriptor links to the most recent compatible entity are right most of
the time at almost no cost per document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pycountry
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from wirewatch.knowledge.actors import Actor, actor_dictionary, demonyms, descriptor_kinds
from wirewatch.nlp.casing import is_uncased
from wirewatch.nlp.extensions import register_extensions
from wirewatch.nlp.spans import source_text, span_of

register_extensions()

NER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"})
MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
DEFINITE = frozenset({"the", "this", "that"})
#: How far back (in sentences) a pronoun or descriptor may reach for its antecedent.
MAX_SENT_DISTANCE = 6


@dataclass
class _Cluster:
    key: str
    name: str
    type: str
    kind: str | None = None
    country: str | None = None
    parent: str | None = None
    named: list[Span] = field(default_factory=list)
    other: list[Span] = field(default_factory=list)

    @property
    def first(self) -> int:
        return min(s.start for s in self.named or self.other)

    def last_before(self, i: int, skip: set[int] | frozenset[int] = frozenset()) -> int | None:
        """Token index of this cluster's last mention that starts before token ``i``."""
        starts = [s.start for s in (*self.named, *self.other) if s.start < i
                  and s.start not in skip]
        return max(starts) if starts else None


def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names[value.lower()] = c.alpha_2
    names.update({"russia": "RU", "britain": "GB", "great britain": "GB", "uk": "GB", "u.k.": "GB",
                  "us": "US", "u.s.": "US", "usa": "US", "america": "US", "united states": "US",
                  "syria": "SY", "iran": "IR", "south korea": "KR", "north korea": "KP",
                  "the netherlands": "NL", "holland": "NL", "congo": "CD", "drc": "CD",
                  "ivory coast": "CI", "burma": "MM", "palestine": "PS", "turkey": "TR",
                  "vietnam": "VN", "laos": "LA", "bolivia": "BO", "venezuela": "VE",
                  "tanzania": "TZ", "moldova": "MD", "czech republic": "CZ", "kosovo": "XK"})
    return names


class EntityRecognizer:
    """Entities with aliases, parents and coreferent mentions; the dictionary matchers are
    built once from ``nlp``'s vocabulary (the ``wirewatch_entities`` component wraps it)."""

    def __init__(self, nlp: Language) -> None:
        self.actors = actor_dictionary()
        self.demonyms = demonyms()
        self.descriptors = descriptor_kinds()
        self.countries = _country_names()
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        for actor in self.actors.values():
            key = actor.name
            self.exact.add(key, [nlp.make_doc(n) for n in (*actor.names, *actor.acronyms)])
            long_names = [n for n in actor.names if len(n) >= 4]
            self.lower.add(key, [nlp.make_doc(n) for n in long_names])

    def find(self, doc: Doc) -> tuple[list[dict], dict[int, str]]:
        """(contract Entity dicts, token index -> entity id for every mention token)."""
        clusters = self._clusters(doc)
        entities: list[dict] = []
        token_entity: dict[int, str] = {}
        ordered = sorted((c for c in clusters if c.named or c.other), key=lambda c: c.first)
        for n, cluster in enumerate(ordered, start=1):
            eid = f"e{n}"
            mentions = sorted((*cluster.named, *cluster.other), key=lambda s: s.start)
            for span in mentions:
                for i in range(span.start, span.end):
                    token_entity[i] = eid
            aliases = sorted({s.text for s in cluster.named} - {cluster.name})
            entities.append({
                "id": eid, "name": cluster.name, "type": cluster.type, "kind": cluster.kind,
                "country": cluster.country, "parent": cluster.parent, "aliases": aliases,
                "mentions": [span_of(doc, s) for s in mentions],
            })
        return entities, token_entity

    # -- mention collection -------------------------------------------------------------
    def _dictionary_spans(self, doc: Doc) -> list[Span]:
        matches = list(self.exact(doc))
        if is_uncased(source_text(doc)):
            matches += self.lower(doc)
        spans = [Span(doc, s, e, label=m) for m, s, e in matches]
        return filter_spans(spans)

    def _clusters(self, doc: Doc) -> list[_Cluster]:
        by_key: dict[str, _Cluster] = {}
        dict_spans = self._dictionary_spans(doc)
        taken = {i for s in dict_spans for i in range(s.start, s.end)}
        for span in dict_spans:
            actor = self.actors[span.label_]
            self._cluster_for_actor(by_key, actor).named.append(span)
        persons: list[_Cluster] = []
        for ent in doc.ents:
            if ent.label_ not in NER_LABELS or any(i in taken for i in range(ent.start, ent.end)):
                continue
            span = _trim(ent)
            if span is None:
                continue
            cluster = self._cluster_for_ner(by_key, persons, span)
            cluster.named.append(span)
        self._link_references(doc, list(by_key.values()), taken)
        return list(by_key.values())

    def _cluster_for_actor(self, by_key: dict[str, _Cluster], actor: Actor) -> _Cluster:
        key = f"A:{actor.name}"
        if key not in by_key:
            by_key[key] = _Cluster(key, actor.name, actor.type, actor.kind, actor.country,
                                   actor.parent)
        return by_key[key]

    def _cluster_for_ner(self, by_key: dict[str, _Cluster], persons: list[_Cluster],
                         span: Span) -> _Cluster:
        label = span.label_
        text = span.text
        if label == "PERSON":
            words = {w.lower() for w in text.split()}
            for cluster in persons:
                known = {w.lower() for s in cluster.named for w in s.text.split()}
                if words <= known or known <= words:
                    if len(text) > len(cluster.name):
                        cluster.name = text
                    return cluster
            cluster = _Cluster(f"P:{text.lower()}", text, "PERSON")
            persons.append(cluster)
            by_key[cluster.key] = cluster
            return cluster
        if label in ("GPE", "LOC") and text.lower() in self.countries:
            code = self.countries[text.lower()]
            key = f"C:{code}"
            if key not in by_key:
                by_key[key] = _Cluster(key, text, "GPE", "state", code)
            return by_key[key]
        if label == "NORP":
            key = f"N:{text.lower()}"
            if key not in by_key:
                by_key[key] = _Cluster(key, text, "NORP", None, self.demonyms.get(text))
            return by_key[key]
        key = f"{label}:{text.lower()}"
        if key not in by_key:
            by_key[key] = _Cluster(key, text, label, "other" if label == "ORG" else None)
        return by_key[key]

    # -- pronouns and descriptors --------------------------------------------------------
    def _link_references(self, doc: Doc, clusters: list[_Cluster], taken: set[int]) -> None:
        named_tokens = taken | {i for c in clusters for s in c.named for i in range(s.start, s.end)}
        sent_of = _sentence_index(doc)
        quoted = _quoted_tokens(doc)
        for token in doc:
            if token.i in named_tokens:
                continue
            low = token.lower_
            if token.pos_ == "PRON" and (low in MALE or low in FEMALE):
                target = self._antecedent(clusters, token.i, sent_of, kinds=None, person=True,
                                          skip=set() if token.i in quoted else quoted)
                if target is not None:
                    target.other.append(doc[token.i : token.i + 1])
            elif token.pos_ == "NOUN" and low in self.descriptors and _is_definite(token):
                target = self._antecedent(clusters, token.i, sent_of,
                                          kinds=self.descriptors[low], person=False)
                if target is not None:
                    start = min(c.i for c in token.children if c.dep_ in ("det", "amod")
                                ) if any(c.dep_ in ("det", "amod") for c in token.children
                                         ) else token.i
                    target.other.append(doc[min(start, token.i) : token.i + 1])

    @staticmethod
    def _antecedent(clusters: Iterable[_Cluster], i: int, sent_of: list[int],
                    kinds: tuple[str, ...] | None, person: bool,
                    skip: set[int] | frozenset[int] = frozenset()) -> _Cluster | None:
        """Most recent compatible cluster; a pronoun outside quotes ignores names said
        inside quotes (the speaker, not the person he talks about, is "he states")."""
        best: tuple[int, _Cluster] | None = None
        for cluster in clusters:
            if person and cluster.type != "PERSON":
                continue
            if not person and cluster.kind not in (kinds or ()):
                continue
            last = cluster.last_before(i, skip)
            if last is None or sent_of[i] - sent_of[last] > MAX_SENT_DISTANCE:
                continue
            if best is None or last > best[0]:
                best = (last, cluster)
        return best[1] if best else None


OPEN_QUOTES = frozenset({"“", "«", "„"})
CLOSE_QUOTES = frozenset({"”", "»"})


def _quoted_tokens(doc: Doc) -> set[int]:
    """Token indices inside double quotation marks; a paragraph break closes a quote."""
    inside: set[int] = set()
    open_ = False
    for token in doc:
        text = token.text
        if text in OPEN_QUOTES or (text == '"' and not open_):
            open_ = True
            continue
        if text in CLOSE_QUOTES or (text == '"' and open_):
            open_ = False
            continue
        if open_:
            inside.add(token.i)
        if "\n\n" in token.whitespace_ or (token.is_space and "\n\n" in token.text):
            open_ = False
    return inside


def _sentence_index(doc: Doc) -> list[int]:
    index = [0] * len(doc)
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = n
    return index


def _is_definite(token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in DEFINITE for c in token.children)


def _trim(ent: Span) -> Span | None:
    """Drop a leading article and trailing possessive or punctuation from an NER span."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct
                           or doc[end - 1].lower_ in ("'s", "’s")):
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=ent.label_)
