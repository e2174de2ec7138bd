"""Attributed statements that are not direct quotes: ``wirewatch_claims`` -> ``doc._.ww_claims``.

Three grammatical shapes carry a claim, all read off spaCy's dependency parse:
a reporting verb and its complement ("X said/estimates/denied (that) ..."; the subject is the
source, the verb's class in ``data/cues.yaml`` the status), "according to X, ...", and
explicit non-confirmation ("... had not been officially confirmed"), whose source is whoever
said so, else the outlet. Complements that are direct quotes are left to the quotes component.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from wirewatch.extract.attribution import (
    FIRST_SECOND_PERSON,
    Cues,
    Source,
    SourceResolver,
    according_to_source,
    cue_status,
    is_negated,
    is_passive,
    is_unconfirmed_marker,
    load_cues,
    quoted_ranges,
    subject_of,
    unconfirmed_source,
)
from wirewatch.extract.quotes import paragraphs
from wirewatch.nlp import extensions  # noqa: F401  (registers doc._.ww_* attributes)
from wirewatch.spans import source_text, span_of

#: Source name when a non-confirmation has no speaker and the outlet is unknown.
UNNAMED_OUTLET = "the publisher"
#: Statuses whose verbs take a plain object as content ("denied any involvement").
_OBJECT_CONTENT = frozenset({"claimed", "denied", "alleged", "estimated"})


class _Paragraphs:
    """Character bounds of a document's paragraphs, so no content crosses a paragraph."""

    def __init__(self, doc: Doc) -> None:
        self.bounds = paragraphs(source_text(doc))
        self.starts = [s for s, _ in self.bounds]

    def clip(self, span: Span, anchor: Token) -> Span | None:
        i = bisect_right(self.starts, anchor.idx) - 1
        if i < 0:
            return span
        ps, pe = self.bounds[i]
        doc = span.doc
        start, end = span.start, span.end
        while start < end and doc[start].idx < ps:
            start += 1
        while end > start and doc[end - 1].idx >= pe:
            end -= 1
        return _trim(doc[start:end])


def _trim(span: Span) -> Span | None:
    """Drop leading/trailing punctuation and whitespace tokens (keeps "that" and quote marks)."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (
        doc[start].is_space or (doc[start].is_punct and not doc[start].is_quote)
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_space or (doc[end - 1].is_punct and not doc[end - 1].is_quote)
    ):
        end -= 1
    return doc[start:end] if start < end else None


def _subtree(token: Token) -> Span:
    return token.doc[token.left_edge.i : token.right_edge.i + 1]


def verb_content(verb: Token, status: str) -> Span | None:
    """The complement a reporting verb attributes: its clause, else (for claim/deny/accuse/
    estimate) its object with the prepositions that follow ("the army of killing civilians")."""
    for dep in ("ccomp", "xcomp"):
        for c in verb.children:
            if c.dep_ == dep and c.i > verb.i:
                return _subtree(c)
    if status not in _OBJECT_CONTENT:
        return None
    parts = [c for c in verb.rights if c.dep_ in ("dobj", "dative", "prep", "attr")]
    if not parts or parts[0].dep_ == "prep":
        return None
    return verb.doc[parts[0].left_edge.i : parts[-1].right_edge.i + 1]


def marker_content(marker: Token) -> Span:
    """What a non-confirmation marker says is unconfirmed."""
    if marker.pos_ == "ADJ":
        if marker.dep_ == "amod":
            return _subtree(marker.head)
        for c in marker.head.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                return _subtree(c)
        return _subtree(marker.head)
    for dep in ("ccomp", "nsubjpass", "dobj"):
        for c in marker.children:
            if c.dep_ == dep:
                return _subtree(c)
    return _subtree(marker)


def according_content(according: Token) -> Span | None:
    """The clause "according to X" modifies, without the phrase itself."""
    head = according.head
    if head is according:
        return None
    clause = _subtree(head)
    phrase_start, phrase_end = according.left_edge.i, according.right_edge.i + 1
    doc = according.doc
    if phrase_start <= clause.start:
        return doc[phrase_end : clause.end]
    if phrase_end >= clause.end:
        return doc[clause.start : phrase_start]
    return clause


class ClaimFinder:
    """The ``wirewatch_claims`` component: lexicon loaded once, stateless per document."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cues: Cues = load_cues()

    def __call__(self, doc: Doc) -> Doc:
        doc._.ww_claims = self.find(doc)
        return doc

    def find(self, doc: Doc) -> list[dict[str, Any]]:
        cues = self.cues
        quoted = quoted_ranges(doc)
        resolver = SourceResolver(doc, cues, quoted)
        paras = _Paragraphs(doc)
        outlet = Source(doc._.ww_outlet or UNNAMED_OUTLET, None, None)
        found: dict[tuple[int, int], dict[str, Any]] = {}
        used: set[int] = set()

        def add(content: Span | None, anchor: Token, source: Source, cue: str, status: str) -> None:
            content = paras.clip(content, anchor) if content is not None else None
            if content is None or not any(t.is_alpha for t in content):
                return
            start, end = content.start_char, content.end_char
            if quoted.overlap(start, end) * 2 > end - start or (start, end) in found:
                return
            found[(start, end)] = {
                "span": span_of(doc, content),
                "source": source.name,
                "source_entity": source.entity,
                "source_span": source.span,
                "cue": cue,
                "status": status,
            }

        def resolve(token: Token | None) -> Source:
            source = resolver.resolve(token) if token is not None else None
            return source if source is not None else outlet

        # Non-confirmation first: it claims the reporting verb that governs it.
        for t in doc:
            if is_unconfirmed_marker(t, cues) and not quoted.contains(t.idx):
                governor, src = unconfirmed_source(t, cues)
                if governor is not None:
                    used.add(governor.i)
                cue = t.text if t.pos_ == "ADJ" else f"not {t.text}"
                add(marker_content(t), t, resolve(src), cue, "unconfirmed")
        for t in doc:
            if t.i in used or quoted.contains(t.idx):
                continue
            status = cue_status(t, cues)
            if status is not None:
                self._verb_claim(t, status, resolve, add)
                continue
            pobj = according_to_source(t, cues)
            if pobj is not None:
                add(according_content(t), t, resolve(pobj), "according to", "reported")
        claims = [found[k] for k in sorted(found)]
        return [{"id": f"c{n}", **c} for n, c in enumerate(claims, 1)]

    def _verb_claim(self, verb: Token, status: str, resolve: Any, add: Any) -> None:
        if is_negated(verb):
            return
        content = verb_content(verb, status)
        if content is None:
            return
        src = subject_of(verb, self.cues)
        if src is not None and src.lower_ in FIRST_SECOND_PERSON:
            return
        if src is None:
            if not is_passive(verb):
                return
            status = "alleged" if status == "reported" else status
        add(content, verb, resolve(src), verb.text, status)


@Language.factory("wirewatch_claims")
def make_claim_finder(nlp: Language, name: str) -> ClaimFinder:
    """Attributed indirect statements -> ``doc._.ww_claims`` (contract Claim dicts)."""
    return ClaimFinder(nlp, name)
