"""Optional relevance gate: a document with no political-violence or coercion cue skips the
event stages.

For large mixed feeds (sport, business, weather next to conflict reporting) most documents
can hold no event at all. The gate looks for the cues the events component itself needs
before it can state an event: a trigger word of the trigger lexicon
(``data/triggers.yaml``, read through ``wirewatch.knowledge``), and for a weak trigger
("strike", "hit") a casualty or a weapon in the same sentence. A document without one gets
``doc._.ww_relevant = False``; the events component then assigns no events without running
(attribution, the learned filter and the role model are skipped), and the record's note
says why (:data:`GATE_NOTE`). The cue test is the events component's own first step, so a
document the gate turns away is one in which the rules would have found no candidate: the
gate costs no recall by construction, and buys the time of the event stages.

Off by default (``[wirewatch] optional`` in components.cfg); on with
``wirewatch.api.load_pipeline(gate=True)`` or ``--gate`` on the commands.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from wirewatch.extract.casualties import find_casualties
from wirewatch.extract.triggers import find_triggers
from wirewatch.knowledge.lexicons import weapon_lemmas

#: The Doc extension the gate assigns: True (a cue), False (none), None (no gate ran).
EXTENSION = "ww_relevant"
#: What the record of a document the gate turned away says.
GATE_NOTE = "relevance gate: no political-violence or coercion cue, event stages skipped"


def register_gate_extension() -> None:
    """``doc._.ww_relevant``, default None (the gate did not run)."""
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


def skipped_by_gate(doc: Doc | None) -> bool:
    """True when the gate ran on ``doc`` and found no cue."""
    return doc is not None and Doc.has_extension(EXTENSION) and doc._.get(EXTENSION) is False


def has_cue(sent: Span) -> bool:
    """A trigger in ``sent`` that could state an event: a strong one, or a weak one with a
    casualty or a weapon in the sentence (the events component's own test for weak ones)."""
    triggers = find_triggers(sent)
    if not triggers:
        return False
    if any(not trigger.sense.weak for trigger in triggers):
        return True
    weapons = weapon_lemmas()
    return (any(token.lemma_.lower() in weapons for token in sent)
            or bool(find_casualties(sent)))


class GateComponent:
    """``wirewatch_gate``: writes ``doc._.ww_relevant``."""

    def __init__(self) -> None:
        register_gate_extension()

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(EXTENSION, any(has_cue(sent) for sent in doc.sents))
        return doc


@Language.factory(
    "wirewatch_gate",
    assigns=[f"doc._.{EXTENSION}"],
    requires=["token.tag", "token.dep", "token.lemma"],
)
def make_gate(nlp: Language, name: str) -> GateComponent:
    """The relevance gate (no settings: its cues are the trigger lexicon's)."""
    return GateComponent()
