"""Optional relevance gate: a document with no political-violence or coercion cue skips the
event stages, and one without a single cue word is not analysed at all.

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

The parse is what costs (the base model's tagger, parser and NER), so the gate also has a
first stage that runs before it, on the raw text: :class:`TextCues` looks for any word that
could be a trigger (a word starting with a regular form of a trigger lemma, "kill" in
"killings", "execut(e|ing)" in "executed"; an irregular form
the base model's own lemmatizer tables give, "shot", "fought"; both words of a two-word
trigger). A document without one cannot hold a trigger after parsing either (its words
lemmatise to none of them), so it skips
the whole pipeline: its record has no entities, places, times, quotes or events, and its
note says so (:data:`GATE_TEXT_NOTE`). Prefixes over-match ("hit" in "Hitachi"), which only
sends a document on to the second stage.

Off by default (``[wirewatch.optional]`` in components.cfg); on with
``wirewatch.api.load_pipeline(gate=True)`` or ``--gate`` on the commands.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from wirewatch.extract.casualties import find_casualties
from wirewatch.extract.triggers import find_triggers
from wirewatch.knowledge.lexicons import trigger_lexicon, weapon_lemmas

#: The Doc extension the gate assigns: True (a cue), False (none), None (no gate ran).
EXTENSION = "ww_relevant"
#: Set (True) on the Doc of a document the text stage kept from the pipeline.
UNPARSED = "ww_gate_unparsed"
#: What the record of a document the gate turned away says.
GATE_NOTE = "relevance gate: no political-violence or coercion cue, event stages skipped"
#: ... and of one the text stage kept from the pipeline.
GATE_TEXT_NOTE = ("relevance gate: no political-violence or coercion cue word, not analysed "
                  "(no entities, places, times, quotes or events)")


def register_gate_extension() -> None:
    """``doc._.ww_relevant``, default None (the gate did not run)."""
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)
    if not Doc.has_extension(UNPARSED):
        Doc.set_extension(UNPARSED, default=False)


def skipped_by_gate(doc: Doc | None) -> bool:
    """True when the gate ran on ``doc`` and found no cue."""
    return doc is not None and Doc.has_extension(EXTENSION) and doc._.get(EXTENSION) is False


def gate_note(doc: Doc | None) -> str | None:
    """The note for the record of ``doc`` when the gate turned it away, else None."""
    if not skipped_by_gate(doc):
        return None
    return GATE_TEXT_NOTE if doc._.get(UNPARSED) else GATE_NOTE  # type: ignore[union-attr]


class TextCues:
    """The gate's first stage: does a raw text hold any word that could be a trigger?

    Built from the trigger lexicon (every lemma of ``verbs`` and ``nouns``, the head of a
    compound, every word of a ``phrasal`` entry: "set on fire") and the irregular forms that the base
    model's lemmatizer tables (``lemma_exc``) map to those lemmas."""

    def __init__(self, irregular: dict[str, list[str]] | None = None) -> None:
        lex = trigger_lexicon()
        words = {key.split()[-1].lower() for key in (*lex.verbs, *lex.nouns)}
        pairs = [tuple(key.lower().split()) for key in lex.phrasal]
        words.update(pair[0] for pair in pairs if len(pair) == 1)
        pairs = [pair for pair in pairs if len(pair) > 1]
        lemmas = words | {word for pair in pairs for word in pair}
        forms: dict[str, set[str]] = {}
        for form, bases in (irregular or {}).items():
            for base in bases:
                if base in lemmas:
                    forms.setdefault(base, set()).add(form.lower())
        self.single = _word_pattern(words, forms)
        self.pairs = [tuple(_word_pattern({w}, forms) for w in pair) for pair in pairs]

    def __call__(self, text: str) -> bool:
        lower = text.lower()
        if self.single.search(lower):
            return True
        return any(all(word.search(lower) for word in group) for group in self.pairs)


def _starts(word: str) -> list[str]:
    """What the regular forms of ``word`` start with: attack (attacks, attacked, attacking,
    attacker), execute + executing (not "executive"), rally + rallie + rallying."""
    if len(word) > 2 and word.endswith("e") and not word.endswith("ee"):
        return [word, word[:-1] + "ing"]
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        return [word, word[:-1] + "ie"]
    return [word]


def _word_pattern(words: set[str], forms: dict[str, set[str]]) -> re.Pattern[str]:
    """Words starting with a regular form of ``words``, or being one of their irregular
    forms."""
    alternatives = {start for word in words for start in _starts(word)}
    irregular = {form for word in words for form in forms.get(word, ())}
    stems = "|".join(re.escape(a) for a in sorted(alternatives, key=len, reverse=True))
    whole = "|".join(re.escape(f) for f in sorted(irregular, key=len, reverse=True))
    pattern = rf"(?<![^\W\d_])(?:{stems})"
    if whole:
        pattern += rf"|(?<![^\W\d_])(?:{whole})(?![^\W\d_])"
    return re.compile(pattern)


def lemma_exceptions(nlp: Language) -> dict[str, list[str]]:
    """Irregular form -> lemmas, from the base model's rule lemmatizer (empty without one)."""
    if "lemmatizer" not in nlp.pipe_names:
        return {}
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_exc"):
        return {}
    table = lookups.get_table("lemma_exc")
    out: dict[str, list[str]] = {}
    for pos in ("verb", "noun"):
        if pos in table:
            for form, lemmas in table[pos].items():
                out.setdefault(str(form), []).extend(str(lemma) for lemma in lemmas)
    return out


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

    def __init__(self, nlp: Language | None = None) -> None:
        register_gate_extension()
        self.text_cues = TextCues(lemma_exceptions(nlp) if nlp is not None else None)

    def unparsed(self, doc: Doc) -> Doc:
        """Mark a tokenised-only ``doc`` as kept from the pipeline by the text stage."""
        doc._.set(EXTENSION, False)
        doc._.set(UNPARSED, True)
        return doc

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
    return GateComponent(nlp)
