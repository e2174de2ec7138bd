"""Event trigger detection: which words in a sentence state an event, of what PLOVER type.

The lexicon lives in data/triggers.yaml; this module only knows how to look words up in it
(lemmas, verb particles, compound nouns such as "car bombing" or "drone strike") and which
neighbouring words refine the mode.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from wirewatch.contract import VIOLENT_TYPES
from wirewatch.knowledge.lexicons import TriggerSense, trigger_lexicon

#: Parts of a phrasal trigger may attach as particle, preposition or object ("set alight" is
#: often parsed with an unlabelled dependent).
_PHRASAL_DEPS = frozenset({"prt", "prep", "dobj", "advmod", "oprd", "acomp", "dep"})


@dataclass
class Trigger:
    token: Token
    start: int  # token offsets of the trigger span
    end: int
    sense: TriggerSense
    mode: str | None = None
    modifiers: list[Token] = field(default_factory=list)

    @property
    def is_noun(self) -> bool:
        return self.token.pos_ in ("NOUN", "PROPN")


def find_triggers(sent: Span) -> list[Trigger]:
    """All trigger words of a sentence, in order, with their lexicon sense and mode."""
    lex = trigger_lexicon()
    verbs, nouns, phrasal = lex.verbs, lex.nouns, lex.phrasal
    found: list[Trigger] = []
    covered: set[int] = set()
    for token in sent:
        if token.i in covered:
            continue
        lemma = token.lemma_.lower()
        sense: TriggerSense | None = None
        start, end = token.i, token.i + 1
        if token.pos_ == "VERB":
            if token.dep_ in ("amod", "compound"):  # "the burned-out shells"
                continue
            for child in token.children:
                if child.dep_ not in _PHRASAL_DEPS:
                    continue
                # verb + preposition + object first: "set on fire", "went on strike"
                objects = [g for g in child.children if g.dep_ == "pobj"] \
                    if child.dep_ == "prep" else []
                key3 = next((f"{lemma} {child.lower_} {g.lemma_.lower()}" for g in objects
                             if f"{lemma} {child.lower_} {g.lemma_.lower()}" in phrasal), None)
                key = key3 or f"{lemma} {child.lower_}"
                if key in phrasal:
                    sense = phrasal[key]
                    end = max(end, child.i + 1, *(g.i + 1 for g in objects if key3))
                    break
            if sense is None:
                sense = verbs.get(lemma) or phrasal.get(lemma)
        elif token.pos_ in ("NOUN", "PROPN"):
            if token.pos_ == "PROPN" and token.ent_type_:
                continue
            compounds = [c for c in token.children if c.dep_ == "compound" and c.i < token.i]
            # two-word names may also be read as adjective + noun ("human chain")
            modifiers = compounds + [c for c in token.children
                                     if c.dep_ == "amod" and c.i == token.i - 1]
            for comp in modifiers:
                key = f"{comp.lower_} {lemma}"
                if key in nouns:
                    sense, start = nouns[key], comp.i
                    break
            if sense is None:
                sense = nouns.get(lemma) or nouns.get(token.lower_)
            if sense is not None and any(c.lower_ in lex.not_violence for c in compounds):
                sense = None
        if sense is None:
            continue
        covered.update(range(start, end))
        trigger = Trigger(token, start, end, sense, sense.mode)
        _refine_mode(trigger, lex.mode_modifiers)
        found.append(trigger)
    return found


def _refine_mode(trigger: Trigger, modifiers: Mapping[str, str]) -> None:
    """"suicide bombing" -> suicide-attack, "drone attack" -> drone, "car bombing" keeps
    explosives but records "car" as the instrument."""
    if trigger.sense.type not in VIOLENT_TYPES:
        return
    for child in trigger.token.children:
        if child.dep_ in ("compound", "amod", "nmod") and child.i < trigger.token.i:
            mode = modifiers.get(child.lemma_.lower())
            if mode is None:
                continue
            trigger.modifiers.append(child)
            if mode == "suicide-attack" or trigger.mode in (None, "explosives") or (
                    mode in ("drone", "aerial") and trigger.mode != "suicide-attack"):
                trigger.mode = mode if not (mode == "explosives" and trigger.mode) else trigger.mode
