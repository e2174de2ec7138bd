"""Factuality of an event mention: actual, future, hypothetical or negated.

GDELT's best-known noise is threatened and hypothetical attacks coded as real ones. A
trigger is only `actual` when nothing in its clause or its governing chain says otherwise:
a threat, vow, call or plan governs it ("threatening imminent attacks", "calling on Muslims
to kill"), a modal or conditional frames it ("would attack", "if they cannot"), or it is
negated or foiled ("did not attack", "no attacks", "foiled a bombing").
"""

from __future__ import annotations

from spacy.tokens import Token

from wirewatch.knowledge.lexicons import FactualityLexicon, factuality_lexicon, trigger_lexicon


def factuality(token: Token) -> str:
    """The factuality of the event stated by ``token`` (a trigger)."""
    words = factuality_lexicon()
    if _negated(token, words):
        return "negated"
    own = _modal(token, words)
    if own:
        return own
    if token.tag_ == "VB" and not any(
            c.dep_ in ("nsubj", "nsubjpass", "aux") and c.lower_ not in ("to",)
            for c in token.children):
        purpose = _protest_purpose(token, words)
        if purpose is not None:
            return purpose
        return "future"  # an imperative or bare infinitive: "target the apostates", "to kill"
    # Walk up the governing chain: "threatening (imminent) attacks", "calls on X to kill".
    node, hops = token, 0
    while node.head is not node and hops < 4:
        child, node = node, node.head
        hops += 1
        lemma = node.lemma_.lower()
        if lemma in words.negators and child.dep_ in ("dobj", "xcomp", "ccomp", "pobj"):
            return "negated"
        if lemma in words.future_governors and child.dep_ in (
                "dobj", "xcomp", "ccomp", "pobj", "prep", "advcl", "conj", "nsubjpass", "acl"):
            return "future"
        if lemma in words.hypothetical_governors and child.dep_ in ("xcomp", "ccomp", "dobj"):
            return "hypothetical"
        modal = _modal(node, words)
        if modal and child.dep_ in ("xcomp", "conj", "dobj", "advcl", "prep", "pobj"):
            return modal
        if node.dep_ in ("ROOT",) or node.pos_ == "VERB" and child.dep_ in ("nsubj", "nsubjpass"):
            break
    if any(c.lower_ in words.future_modifiers for c in token.children
           if c.dep_ in ("amod", "compound")):
        return "future"
    return "actual"


def _protest_purpose(token: Token, words: FactualityLexicon) -> str | None:
    """A protest infinitive that names what a stated action was ("blocked the highway to
    protest against ...", "went on strike to protest", "began to protest") is as factual as
    that action: the blocking is the protest. Only protests: "stormed the village to kill"
    does not say anyone was killed. None when the rule does not apply."""
    sense = trigger_lexicon().verbs.get(token.lemma_.lower())
    head = token.head
    if sense is None or sense.type != "PROTEST" or head is token \
            or token.dep_ not in ("advcl", "xcomp") or head.pos_ != "VERB" \
            or head.tag_ not in ("VBD", "VBZ", "VBP", "VBN"):
        return None
    lemma = head.lemma_.lower()
    if lemma in words.future_governors:
        return "future"
    if lemma in words.hypothetical_governors:
        return "hypothetical"
    if lemma in words.negators:
        return "negated"
    return factuality(head)


def _negated(token: Token, words: FactualityLexicon) -> bool:
    for child in token.children:
        if child.dep_ == "neg":
            return True
        if child.dep_ == "det" and child.lower_ in ("no",):
            return True
    if token.dep_ in ("xcomp",) and any(c.dep_ == "neg" for c in token.head.children):
        return True
    return False


def _modal(token: Token, words: FactualityLexicon) -> str | None:
    for child in token.children:
        low = child.lower_
        if child.dep_ in ("aux", "auxpass"):
            if low in words.future_modals:
                return "future"
            if low in words.hypothetical_modals:
                return "hypothetical"
        if child.dep_ == "mark" and low in words.conditionals:
            return "hypothetical"
    if token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in words.conditionals
                                     for c in token.children):
        return "hypothetical"
    return None
