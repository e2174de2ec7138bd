"""Event trigger detection: which words in a sentence state an event, of what PLOVER type.

The lexicon lives in data/triggers.yaml; this module only knows how to look words up in it
(lemmas, verb particles, compound nouns such as "car bombing" or "drone strike") and which
neighbouring words refine the mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Span, Token

from wirewatch.knowledge import load_yaml

#: Parts of a phrasal trigger may attach as particle, preposition or object.
_PHRASAL_DEPS = frozenset({"prt", "prep", "dobj", "advmod", "oprd"})
#: Nouns that look like triggers but are not political violence.
_NOT_VIOLENCE = frozenset({"heart", "panic", "asthma", "anxiety", "price", "shark", "dog",
                           "hunger", "cyber", "verbal", "charm", "hunger-strike"})


@dataclass(frozen=True)
class TriggerSense:
    type: str
    mode: str | None = None
    contexts: tuple[str, ...] = ()
    casualty: str | None = None
    weak: bool = False


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


def _sense(entry: dict) -> TriggerSense:
    return TriggerSense(entry["type"], entry.get("mode"), tuple(entry.get("contexts") or ()),
                        entry.get("casualty"), bool(entry.get("weak", False)))


@cache
def lexicon() -> dict[str, dict]:
    """The trigger lexicon, keys lower-cased, values parsed into TriggerSense."""
    raw = load_yaml("triggers.yaml")
    out: dict[str, dict] = {}
    for part in ("verbs", "nouns", "phrasal"):
        out[part] = {str(k).lower(): _sense(v) for k, v in raw[part].items()}
    out["mode_modifiers"] = {str(k).lower(): v for k, v in raw["mode_modifiers"].items()}
    out["terror_words"] = frozenset(raw["terror_words"])
    out["message_nouns"] = frozenset(raw["message_nouns"])
    return out


def find_triggers(sent: Span) -> list[Trigger]:
    """All trigger words of a sentence, in order, with their lexicon sense and mode."""
    lex = lexicon()
    verbs, nouns, phrasal = lex["verbs"], lex["nouns"], lex["phrasal"]
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
                if child.dep_ in _PHRASAL_DEPS:
                    key = f"{lemma} {child.lower_}"
                    if key in phrasal:
                        sense = phrasal[key]
                        end = max(end, child.i + 1)
                        break
            if sense is None:
                sense = verbs.get(lemma) or phrasal.get(lemma)
        elif token.pos_ in ("NOUN", "PROPN"):
            if token.pos_ == "PROPN" and token.ent_type_:
                continue
            compounds = [c for c in token.children if c.dep_ == "compound" and c.i < token.i]
            for comp in compounds:
                key = f"{comp.lower_} {lemma}"
                if key in nouns:
                    sense, start = nouns[key], comp.i
                    break
            if sense is None:
                sense = nouns.get(lemma) or nouns.get(token.lower_)
            if sense is not None and any(c.lower_ in _NOT_VIOLENCE for c in compounds):
                sense = None
        if sense is None:
            continue
        covered.update(range(start, end))
        trigger = Trigger(token, start, end, sense, sense.mode)
        _refine_mode(trigger, lex["mode_modifiers"])
        found.append(trigger)
    return found


def _refine_mode(trigger: Trigger, modifiers: dict[str, str]) -> None:
    """"suicide bombing" -> suicide-attack, "drone attack" -> drone, "car bombing" keeps
    explosives but records "car" as the instrument."""
    if trigger.sense.type not in ("ASSAULT", "FIGHT"):
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
