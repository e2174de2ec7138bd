"""Component 3: time expressions, resolved against the publication date."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.nlp.extensions import register_extensions
from wirewatch.resolve.dates import compile_grammar, find_times, load_lexicon


class TimesComponent:
    """``wirewatch_times``: writes ``doc._.ww_times``; the grammar is compiled once."""

    def __init__(self, use_entities: bool) -> None:
        register_extensions()
        self.use_entities = use_entities
        self.grammar = compile_grammar(load_lexicon())

    def __call__(self, doc: Doc) -> Doc:
        doc._.ww_times = find_times(doc, self.grammar, self.use_entities)
        return doc


@Language.factory(
    "wirewatch_times",
    default_config={"use_entities": True},
    assigns=["doc._.ww_times"],
    requires=["doc.ents", "token.tag"],
)
def make_times(nlp: Language, name: str, use_entities: bool) -> TimesComponent:
    """After the NER: its DATE/TIME entities help recall."""
    return TimesComponent(use_entities)
