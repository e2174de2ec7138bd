"""Sources of reported content: from a source token to a named source (entity, name span,
coreference through pronouns and descriptors), and the character ranges of direct quotes
that attribution must not look inside.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from spacy.tokens import Doc, Span, Token

from wirewatch.knowledge.cues import Cues
from wirewatch.nlp.extensions import get_list
from wirewatch.nlp.spans import SpanDict, span_of

#: Named-entity labels that can name a source.
SOURCE_ENT_TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC"})

def entity_span(token: Token) -> Span | None:
    """The named-entity span a token belongs to, with its article ("The Guardian"), if any."""
    if not token.ent_type_:
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    while end - 1 > token.i and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1  # "the Jerusalem Post:" -- the model sometimes takes the colon in
    if start > 0 and doc[start - 1].dep_ == "det" and start <= doc[start - 1].head.i < end:
        start -= 1
    return doc[start:end]

def noun_phrase(token: Token) -> Span:
    """The noun phrase headed by ``token``: its left modifiers plus an "of" complement.

    Stops at punctuation and quote marks so a subject never swallows a neighbouring quote.
    """
    doc = token.doc
    start = token.i
    for t in reversed(doc[token.left_edge.i : token.i]):
        if (t.is_punct and t.text != "-") or t.is_quote or "\n" in t.text:
            break
        start = t.i
    end = token.i + 1
    first_right = next(iter(token.rights), None)
    if first_right is not None and first_right.lower_ == "of" and first_right.i == end:
        end = first_right.right_edge.i + 1
    while start < end - 1 and (doc[start].is_space or doc[start].is_punct):
        start += 1
    while end - 1 > start and (doc[end - 1].is_space or doc[end - 1].is_punct):
        end -= 1
    return doc[start:end]

def clean_name(text: str) -> str:
    """Collapse whitespace (incl. no-break spaces) so a name reads as one line."""
    return " ".join(text.split())

@dataclass(frozen=True)
class Source:
    """A resolved speaker/source: display name, entity id and the mention that names it."""

    name: str
    entity: str | None
    span: SpanDict | None
    #: The mention the source was read from in this sentence ("he", "a spokesman"): the
    #: named ``span`` may lie paragraphs away.
    mention: SpanDict | None = None
    #: What speaks: "actor" (a person, organisation, group, document or outlet), "place"
    #: (a country, capital or region standing for its government: "Moscow said"), or None
    #: for what cannot speak (a vehicle, a weapon, an event, a street or station).
    kind: str | None = "actor"

#: Marks that end a dateline ("WASHINGTON — ...", "LONDON (Reuters) -").
_DATELINE_ENDS = frozenset({"—", "–", "-", "--", "("})


def _dateline_or_heading(token: Token) -> bool:
    """True for a dateline ("WASHINGTON — President Obama said") or an upper-case section
    heading ("THE BORROWING The senator said") that the parser took for a subject: upper-case
    words opening their line, followed by a dash or bracket, or several upper-case words
    that name nothing."""
    doc = token.doc
    start = token.i
    while start > 0 and doc[start - 1].is_upper and not doc[start - 1].is_space:
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].is_upper and doc[end].is_alpha:
        end += 1
    words = [t for t in doc[start:end] if t.is_alpha]
    if not words or not all(t.is_upper for t in words) or not token.is_upper:
        return False
    opens_line = start == 0 or "\n" in doc[start - 1].text or "\n" in doc[start - 1].whitespace_
    after = doc[end] if end < len(doc) else None
    if opens_line and after is not None and after.text in _DATELINE_ENDS:
        return True
    named = any(t.ent_type_ in ("PERSON", "ORG", "NORP") for t in words)
    return len(words) >= 2 and not named and opens_line


class CharRanges:
    """Sorted, non-overlapping character ranges (e.g. quoted text) with O(log n) lookup."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self._starts = [s for s, _ in merged]
        self._ranges = merged

    def contains(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ranges[i][1]

    def overlap(self, start: int, end: int) -> int:
        """Number of characters of ``start:end`` inside the ranges."""
        total = 0
        i = max(bisect_right(self._starts, start) - 1, 0)
        while i < len(self._ranges) and self._ranges[i][0] < end:
            s, e = self._ranges[i]
            total += max(0, min(e, end) - max(s, start))
            i += 1
        return total

def quoted_ranges(doc: Doc) -> CharRanges:
    """Character ranges of the direct quotes already found on ``doc`` (by ``wirewatch_quotes``)."""
    return CharRanges((q["span"]["start"], q["span"]["end"]) for q in get_list(doc, "ww_quotes"))

class SourceResolver:
    """Resolves a subject token to a named source for one document.

    With the entities component (``doc._.ww_token_entity``) a pronoun or descriptor maps to
    its entity and the entity's first named mention. Without it, "he"/"she" resolve to the
    nearest preceding PERSON named outside quotes and "it" to the nearest ORG, an appositive name wins over its
    descriptor ("the deputy emir, Abu Yasser"), and anything else is its own noun phrase.
    """

    def __init__(self, doc: Doc, cues: Cues, quoted: CharRanges | None = None) -> None:
        self.doc = doc
        self.cues = cues
        self.quoted = quoted if quoted is not None else CharRanges(())
        self.token_entity: Mapping[int, str] | None = doc._.ww_token_entity
        self._entities: dict[str, dict[str, Any]] | None = None
        self._named: dict[str, SpanDict | None] = {}
        self._ents: dict[str, tuple[list[Span], list[int]]] = {}

    # -- entities component -------------------------------------------------
    def _entity(self, eid: str) -> dict[str, Any] | None:
        if self._entities is None:
            self._entities = {e["id"]: e for e in get_list(self.doc, "ww_entities")}
        return self._entities.get(eid)

    def named_mention(self, eid: str) -> SpanDict | None:
        """The entity's first mention containing a name (else its first non-pronoun one)."""
        if eid in self._named:
            return self._named[eid]
        entity = self._entity(eid)
        found: SpanDict | None = None
        fallback: SpanDict | None = None
        for m in (entity or {}).get("mentions", ()):
            span = self.doc.char_span(m["start"], m["end"], alignment_mode="expand")
            if span is None:
                continue
            if any(t.pos_ == "PROPN" or t.ent_type_ in SOURCE_ENT_TYPES for t in span):
                found = m
                break
            if fallback is None and not all(t.lower_ in self.cues.pronouns for t in span):
                fallback = m
        result = found or fallback
        self._named[eid] = result
        return result

    def _entity_of(self, tokens: Iterable[Token]) -> str | None:
        if self.token_entity is None:
            return None
        for t in tokens:
            eid = self.token_entity.get(t.i)
            if eid is not None:
                return eid
        return None

    # -- own fallback --------------------------------------------------------
    def _nearest(self, label: str, before: int) -> Span | None:
        """The last ``label`` named entity before token ``before``, outside quotes."""
        if label not in self._ents:
            ents = [
                e
                for e in self.doc.ents
                if e.label_ == label and not self.quoted.contains(e.start_char)
            ]
            self._ents[label] = (ents, [e.start for e in ents])
        ents, starts = self._ents[label]
        i = bisect_right(starts, before - 1) - 1
        return ents[i] if i >= 0 else None

    #: How many sentences back a pronoun speaker's antecedent is looked for.
    SALIENCE_SENTENCES = 3

    def _is_person(self, token: Token) -> bool:
        """A named person, or a singular noun for one ("the spokeswoman")."""
        eid = self.token_entity.get(token.i) if self.token_entity is not None else None
        if eid is not None and (self._entity(eid) or {}).get("type") == "PERSON":
            return True
        if token.ent_type_ == "PERSON":
            return True
        if token.tag_ == "NNP" and any(c.dep_ == "compound" and c.lower_ in self.cues.person_titles
                                       for c in token.children):
            return True
        return token.tag_ == "NN" and token.lemma_.lower() in self.cues.person_nouns

    def _salient_person(self, pronoun: Token) -> Token | None:
        """The person subject of the nearest earlier clause outside quotes (this sentence's
        earlier clauses first, then up to ``SALIENCE_SENTENCES`` sentences back), main
        clause before subordinate ones; None when no person is a subject there."""
        doc = pronoun.doc
        sent = pronoun.sent
        sents = [sent]
        start = sent.start
        while len(sents) <= self.SALIENCE_SENTENCES and start > 0:
            prev = doc[start - 1].sent
            sents.append(prev)
            start = prev.start
        for n, s in enumerate(sents):
            found: list[tuple[int, int, Token]] = []
            for t in s:
                if n == 0 and t.i >= pronoun.i:
                    break
                if self.quoted.contains(t.idx):
                    continue
                if t.dep_ not in ("nsubj", "nsubjpass") and not (
                        t.dep_ == "pobj" and t.head.head.lower_ == "according"):
                    continue
                if t.lower_ in self.cues.pronouns or not self._is_person(t):
                    continue
                head = t.head
                depth = 0
                while head.head.i != head.i and depth < 8:  # (spaCy makes a new Token per access)
                    head, depth = head.head, depth + 1
                found.append((depth, -t.i, t))
            if found:
                return min(found)[2]
            # No person is a subject there: the first person named in it ("..., according
            # to Mr Cable. “...,” he said"; "... and Keegan sympathised with Worthington").
            named = [e for e in s.ents if e.label_ == "PERSON" and (n > 0 or e.end <= pronoun.i)
                     and not self.quoted.contains(e.start_char)]
            if named:  # before the pronoun in its own sentence: the nearest
                return (named[-1] if n == 0 else named[0]).root
        return None

    #: Plural pronouns that may stand for a group named as a subject before them.
    GROUP_PRONOUNS = frozenset({"they", "them"})

    def _speaking_group(self, token: Token) -> bool:
        """A subject that names people or organisations in the plural: a coordination
        with a person or organisation in it ("Tony Blair and Gordon Brown"), or a plural
        person noun or named group ("officials", "the Lib Dems")."""
        if any(c.dep_ == "conj" for c in token.children):
            return any(self._is_person(t) or t.ent_type_ in ("ORG", "NORP")
                       for t in (token, *token.conjuncts))
        if token.tag_ in ("NNS", "NNPS"):
            return token.lemma_.lower() in self.cues.person_nouns or token.ent_type_ in (
                "ORG", "NORP", "PERSON")
        return False

    def _salient_group(self, pronoun: Token) -> Token | None:
        """For "they", the group subject of the nearest earlier clause (this sentence's
        earlier clauses first, then up to two sentences back), main clause first; None
        when the nearest subjects there are no speaking group (things, events)."""
        doc = pronoun.doc
        sents = [pronoun.sent]
        while len(sents) <= 2 and sents[-1].start > 0:
            sents.append(doc[sents[-1].start - 1].sent)
        for n, s in enumerate(sents):
            found: list[tuple[int, int, Token]] = []
            for t in s:
                if n == 0 and t.i >= pronoun.i:
                    break
                if t.dep_ not in ("nsubj", "nsubjpass") or self.quoted.contains(t.idx):
                    continue
                if t.lower_ in self.cues.pronouns:
                    continue
                head, depth = t.head, 0
                while head.head.i != head.i and depth < 8:
                    head, depth = head.head, depth + 1
                found.append((depth, -t.i, t))
            if found:
                best = min(found)[2]
                return best if self._speaking_group(best) else None
        return None

    def _from_span(self, span: Span, eid: str | None) -> Source:
        if eid is not None:
            named = self.named_mention(eid)
            entity = self._entity(eid) or {}
            if named is not None:
                return Source(clean_name(entity.get("name") or named["text"]), eid, named)
        return Source(clean_name(span.text), eid, span_of(self.doc, span))

    def resolve(self, token: Token) -> Source | None:
        """Resolve the head token of a subject NP; None for an empty/expletive subject.

        The result keeps the local mention (the subject's noun phrase) beside the named one,
        and says whether it can speak (``Source.kind``)."""
        source = self._resolve(token)
        if source is None:
            return None
        if source.mention is None:
            source = replace(source, mention=span_of(self.doc, noun_phrase(token)))
        return replace(source, kind=self.speaker_kind(token, source))

    # -- who can speak ---------------------------------------------------------
    def speaker_kind(self, token: Token, source: Source) -> str | None:
        """"actor", "place" (a place standing for its government) or None (cannot speak).

        The entity's type decides when there is one, else the named mention's entity
        label, else the head noun: a thing, happening, place or time (``mute_sources`` in
        ``data/cues.yaml``) never speaks. A named place speaks only when it resolves to a
        country, capital or region; a named building only when it houses a power ("the
        White House")."""
        kind: str | None = None
        name = source.name.lower().removeprefix("the ").strip()
        if source.entity is not None:
            kind = (self._entity(source.entity) or {}).get("type")
        span = self._span(source.span) if source.span is not None else None
        root = span.root if span is not None and len(span) else token
        if kind is None:
            kind = root.ent_type_ or None
        if _dateline_or_heading(token) or (span is not None and _dateline_or_heading(span.root)):
            return None
        if kind in ("PERSON", "ORG", "NORP"):
            return "actor"
        if kind == "GPE":
            return "place" if self._speaking_place(span) else None
        if kind == "FAC":
            return "place" if name in self.cues.speaking_facilities else None
        if kind is not None and kind not in ("WORK_OF_ART", "LAW"):
            return None  # LOC, PRODUCT, EVENT, WEAPON, DATE, MONEY, ...
        if root.pos_ == "NOUN" and root.lemma_.lower() in self.cues.mute_sources:
            return None
        if token.pos_ == "NOUN" and token.lemma_.lower() in self.cues.mute_sources:
            return None
        return "actor"

    def _span(self, span: SpanDict) -> Span | None:
        return self.doc.char_span(span["start"], span["end"], alignment_mode="expand")

    def _speaking_place(self, span: Span | None) -> bool:
        """A place named here that resolves to a country, capital or region (unresolved
        places are given the benefit of the doubt)."""
        if span is None:
            return True
        features = self.cues.speaking_place_features
        found = False
        for loc in get_list(self.doc, "ww_locations"):
            at = loc.get("span")
            if at is None or at["end"] <= span.start_char or at["start"] >= span.end_char:
                continue
            found = True
            if loc.get("feature") in features or loc.get("precision") in ("country", "admin1"):
                return True
        return not found

    def _resolve(self, token: Token) -> Source | None:
        lower = token.lower_
        appos = [c for c in token.children if c.dep_ == "appos"]
        if lower in self.cues.person_pronouns:
            # "he said" speaks for the person the story is following: the person subject of
            # the sentences before, else the first person they name -- not the nearest name
            # ("Keegan sympathised with Nigel Worthington. 'I feel a bit for Nigel
            # Worthington,' he said"), nor a place coreference took for a person ("Torbay").
            subject = self._salient_person(token)
            if subject is not None:
                return self._resolve(subject)  # a name, not a pronoun: no loop
            # Coreference that takes "he" for an organisation ("the Lib Dems") is wrong.
            eid = self._entity_of([token]) if self.token_entity is not None else None
            if eid is not None and (self._entity(eid) or {}).get("type") not in (None, "PERSON"):
                antecedent = self._nearest("PERSON", token.i)
                if antecedent is None:
                    return Source(token.text, None, None)
                return self._from_span(antecedent, self._entity_of([antecedent.root]))
        if lower in self.GROUP_PRONOUNS:
            # "Tony Blair and Gordon Brown are trying ... they are insisting": the group the
            # sentences before have as their subject.
            group = self._salient_group(token)
            if group is not None:
                return self._from_span(noun_phrase(group), self._entity_of([group]))
        if self.token_entity is not None:
            # Only the head (or its appositive name) decides: "the UK Independent" is not the UK.
            eid = self._entity_of([token, *appos])
            if eid is not None:
                named = self.named_mention(eid)
                if named is not None:
                    entity = self._entity(eid) or {}
                    return Source(clean_name(entity.get("name") or named["text"]), eid, named)
        if token.pos_ == "PRON" or lower in self.cues.pronouns:
            label = "PERSON" if lower in self.cues.person_pronouns else None
            label = "ORG" if lower in ("it", "its") else label
            antecedent = self._nearest(label, token.i) if label else None
            if antecedent is not None:
                return self._from_span(antecedent, self._entity_of([antecedent.root]))
            return None if lower == "there" else Source(token.text, None, None)
        span = entity_span(token) if token.ent_type_ in SOURCE_ENT_TYPES else None
        if span is None:
            named = next((a for a in appos if a.ent_type_ in SOURCE_ENT_TYPES), None)
            span = entity_span(named) if named is not None else noun_phrase(token)
        assert span is not None
        return self._from_span(span, self._entity_of([span.root]))
