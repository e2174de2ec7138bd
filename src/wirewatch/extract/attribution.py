"""Who says so, and how firmly: reporting cues, source resolution and sentence attribution.

Shared by the quotes, claims and events components. The lexicon lives in ``data/cues.yaml``;
the grammar comes from spaCy's dependency parse (the subject of a reporting verb is the
source, its clausal complement the content).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from spacy.tokens import Doc, Span, Token

from wirewatch.contract import EVENT_STATUS
from wirewatch.knowledge.cues import Cues, load_cues
from wirewatch.nlp.extensions import get_list
from wirewatch.nlp.spans import SpanDict, span_of

#: Named-entity labels that can name a source.
SOURCE_ENT_TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC"})
#: Dependency labels we climb through to find the subject a reporting verb shares.
_CLIMB_DEPS = frozenset(
    {"conj", "xcomp", "advcl", "pcomp", "prep", "pobj", "acl", "relcl", "ccomp"}
)
_NEG_WORDS = frozenset({"not", "n't", "never", "no"})
#: A speaker quoting themselves or the reader: never an outside source.
FIRST_SECOND_PERSON = frozenset({"i", "me", "we", "us", "you"})


# --------------------------------------------------------------------------- grammar helpers


def is_negated(token: Token) -> bool:
    """True when the verb carries a negation ("did not confirm", "never said")."""
    return any(
        c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in _NEG_WORDS) for c in token.children
    )


def cue_status(token: Token, cues: Cues) -> str | None:
    """The claim status a reporting verb gives its content, or None if it is not one."""
    if token.pos_ != "VERB":
        return None
    return cues.verb_status.get(token.lemma_.lower())


def claim_status(token: Token, cues: Cues) -> str | None:
    """The claim status a verb gives its content: a reporting verb's class, "reported" for
    a stance verb ("wants", "criticised", "called for"), else None."""
    if token.pos_ != "VERB":
        return None
    for lemma in lemma_candidates(token):
        status = cues.verb_status.get(lemma)
        if status is None and lemma in cues.stance_verbs:
            return "reported"
        if status is not None:
            return status
    return None


def lemma_candidates(token: Token) -> tuple[str, ...]:
    """The model's lemma, then naive suffix strips of the word: the small model's
    lemmatizer gets some verbs wrong ("hoped" -> "hop")."""
    lemma = token.lemma_.lower()
    word = token.lower_
    out = [lemma]
    for suffix, repl in (("ed", "e"), ("ed", ""), ("es", ""), ("s", ""), ("ing", "e"),
                         ("ing", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            out.append(word[: -len(suffix)] + repl)
    return tuple(dict.fromkeys(out))


def is_quote_cue(token: Token, cues: Cues) -> bool:
    """True for a verb that can introduce a direct quote (say, tell, call, ask ...)."""
    return token.pos_ == "VERB" and token.lemma_.lower() in cues.quote_verbs


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass", "csubjpass") for c in verb.children)


def agent_of(verb: Token) -> Token | None:
    """The "by X" agent of a passive verb."""
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def subject_of(verb: Token, cues: Cues, max_hops: int = 4) -> Token | None:
    """The speaker of a reporting verb: its subject, a passive's agent, or a governing subject.

    Participles and conjuncts share the subject of the verb they hang from ("the ministry
    claimed ..., saying ..."), so we climb a few heads. A passive reporting verb without an
    agent ("it was reported that") has no source.
    """
    token = verb
    for hop in range(max_hops + 1):
        for c in token.children:
            if c.dep_ in ("nsubj", "csubj") or (hop > 0 and c.dep_ == "nsubjpass"):
                if c.tag_ in ("WP", "WDT") and token.dep_ == "relcl":
                    return token.head
                return c
        if hop == 0 and is_passive(token):
            return agent_of(token)
        agent = agent_of(token) if hop > 0 else None
        if agent is not None:
            return agent
        if token.dep_ not in _CLIMB_DEPS or token.head is token:
            return None
        head = token.head
        if token.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN"):
            # "a spokesman saying ...": the noun speaks; "the recording calling ..." and
            # "criticised the law, saying ..." (a misattached participle) do not.
            before = token.i - 1
            while before > 0 and token.doc[before].is_quote:  # '“apostate,” threatening'
                before -= 1
            after_comma = before >= 0 and token.doc[before].text == ","
            if head.lemma_.lower() not in cues.self_report_nouns and not after_comma:
                return head
        if token.dep_ == "xcomp":
            # Object control: "urged them to say", "led them to believe".
            obj = next((c for c in head.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return obj
        token = head
    return None


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


def is_unconfirmed_marker(token: Token, cues: Cues) -> bool:
    """A negated confirm/verify verb or an "unconfirmed"-type adjective."""
    lower = token.lower_
    if lower in cues.unconfirmed_words:
        return True
    return (
        token.pos_ in ("VERB", "AUX")
        and token.lemma_.lower() in cues.unconfirmed_verbs
        and is_negated(token)
    )


def according_to_source(token: Token, cues: Cues) -> Token | None:
    """For the "according" of "according to X", the head of X; else None."""
    first = token.lower_
    for a, b in cues.according_to:
        if first != a:
            continue
        for c in token.children:
            if c.lower_ == b:
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        if nxt is not None and nxt.lower_ == b:
            for p in nxt.children:
                if p.dep_ == "pobj":
                    return p
    return None


# --------------------------------------------------------------------------- source resolution


@dataclass(frozen=True)
class Source:
    """A resolved speaker/source: display name, entity id and the mention that names it."""

    name: str
    entity: str | None
    span: SpanDict | None
    #: The mention the source was read from in this sentence ("he", "a spokesman"): the
    #: named ``span`` may lie paragraphs away.
    mention: SpanDict | None = None


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

    def _from_span(self, span: Span, eid: str | None) -> Source:
        if eid is not None:
            named = self.named_mention(eid)
            entity = self._entity(eid) or {}
            if named is not None:
                return Source(clean_name(entity.get("name") or named["text"]), eid, named)
        return Source(clean_name(span.text), eid, span_of(self.doc, span))

    def resolve(self, token: Token) -> Source | None:
        """Resolve the head token of a subject NP; None for an empty/expletive subject.

        The result keeps the local mention (the subject's noun phrase) beside the named one."""
        source = self._resolve(token)
        if source is None or source.mention is not None:
            return source
        return replace(source, mention=span_of(self.doc, noun_phrase(token)))

    def _resolve(self, token: Token) -> Source | None:
        lower = token.lower_
        appos = [c for c in token.children if c.dep_ == "appos"]
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


# --------------------------------------------------------------------------- sentence attribution


def _depth(token: Token) -> int:
    depth = 0
    while token.head is not token and depth < 64:
        token = token.head
        depth += 1
    return depth


def unconfirmed_source(marker: Token, cues: Cues) -> tuple[Token | None, Token | None]:
    """For a non-confirmation marker: (governing reporting verb or None, source token or None).

    "X said the execution had not been confirmed" -> (said, X); "officials did not confirm
    ..." -> (None, officials); "... had not been confirmed" -> (None, None).
    """
    head = marker
    if marker.pos_ == "ADJ":
        head = marker.head
    if head.dep_ == "ccomp" and cue_status(head.head, cues) is not None:
        return head.head, subject_of(head.head, cues)
    if marker.pos_ in ("VERB", "AUX"):
        if is_passive(marker):
            return None, agent_of(marker)
        for c in marker.children:
            if c.dep_ == "nsubj":
                return None, c
    return None, None


def sentence_attribution(sent: Span, cues: Cues | None = None) -> dict[str, Any] | None:
    """Who a sentence's statement is attributed to, and how firmly; None = the outlet asserts it.

    Returns ``{"status", "source", "source_span", "cue", "entity"}``: ``status`` is an event
    status (reported, claimed, alleged, unconfirmed, denied). Explicit non-confirmation wins,
    then the reporting cue highest in the parse ("X reports", "according to X", "the video
    claims"), then hedge words, which turn a reported or unattributed statement into alleged.
    Words inside direct quotes found by ``wirewatch_quotes`` are ignored.
    """
    cues = cues or load_cues()
    doc = sent.doc
    quoted = quoted_ranges(doc)
    resolver = SourceResolver(doc, cues, quoted)
    best: tuple[int, str, Token, Token | None] | None = None  # depth, status, cue, source
    hedge: Token | None = None
    for t in sent:
        if quoted.contains(t.idx):
            continue
        if is_unconfirmed_marker(t, cues):
            _, src = unconfirmed_source(t, cues)
            cue = t.text if t.pos_ == "ADJ" else f"not {t.text}"
            return _attribution("unconfirmed", src, cue, resolver)
        lower = t.lower_
        if lower in cues.hedges and hedge is None:
            hedge = t
        candidate: tuple[str, Token | None] | None = None
        status = cue_status(t, cues)
        if status is not None and not is_negated(t):
            src = subject_of(t, cues)
            if src is not None and src.lower_ in FIRST_SECOND_PERSON:
                continue
            if src is None and is_passive(t) and status == "reported":
                status = "alleged"
            candidate = (EVENT_STATUS.get(status, status), src)
        elif t.pos_ == "VERB" and t.lemma_.lower() in cues.self_report_verbs:
            subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.lemma_.lower() in cues.self_report_nouns:
                candidate = ("claimed", subj)
        else:
            pobj = according_to_source(t, cues)
            if pobj is not None:
                candidate = ("reported", pobj)
        if candidate is not None:
            depth = _depth(t)
            if best is None or depth < best[0]:
                best = (depth, candidate[0], t, candidate[1])
    if best is not None:
        _, status, cue_tok, src = best
        if hedge is not None and status == "reported":
            status = "alleged"
        cue = "according to" if cue_tok.lower_ == "according" else cue_tok.text
        return _attribution(status, src, cue, resolver)
    if hedge is not None:
        return {
            "status": "alleged",
            "source": None,
            "source_span": None,
            "entity": None,
            "cue": hedge.text,
        }
    return None


def _attribution(
    status: str, src: Token | None, cue: str, resolver: SourceResolver
) -> dict[str, Any]:
    source = resolver.resolve(src) if src is not None else None
    return {
        "status": status,
        "source": source.name if source else None,
        "source_span": source.span if source else None,
        "entity": source.entity if source else None,
        "cue": cue,
    }
