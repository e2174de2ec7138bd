"""Sentence attribution: who a sentence's statement is attributed to, and how firmly.

The decision of the events' status: explicit non-confirmation first, then the reporting cue
highest in the parse, then hedges. Cue grammar lives in ``cue_grammar``, source naming in
``sources``.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from wirewatch.contract import EVENT_STATUS
from wirewatch.extract.cue_grammar import (
    FIRST_SECOND_PERSON,
    according_to_source,
    cue_status,
    is_negated,
    is_passive,
    is_unconfirmed_marker,
    subject_of,
    unconfirmed_source,
)
from wirewatch.extract.sources import SourceResolver, quoted_ranges
from wirewatch.knowledge.cues import Cues, load_cues


def _depth(token: Token) -> int:
    depth = 0
    while token.head is not token and depth < 64:
        token = token.head
        depth += 1
    return depth

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
    if source is not None and source.kind is None:  # a thing or happening never speaks
        source = None
    return {
        "status": status,
        "source": source.name if source else None,
        "source_span": source.span if source else None,
        "entity": source.entity if source else None,
        "cue": cue,
    }
