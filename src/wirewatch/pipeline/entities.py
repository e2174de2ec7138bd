"""Component 1: entities (names, aliases, parents, coreferent pronouns and descriptors)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.extract.entities import EntityRecognizer
from wirewatch.nlp.extensions import register_extensions


class EntitiesComponent:
    """``wirewatch_entities``: writes ``doc._.ww_entities`` and ``doc._.ww_token_entity``."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.recognizer = EntityRecognizer(nlp)

    def __call__(self, doc: Doc) -> Doc:
        doc._.ww_entities, doc._.ww_token_entity = self.recognizer.find(doc)
        return doc


@Language.factory(
    "wirewatch_entities",
    assigns=["doc._.ww_entities", "doc._.ww_token_entity"],
    requires=["doc.ents", "doc.sents", "token.dep", "token.tag"],
)
def make_entities(nlp: Language, name: str) -> EntitiesComponent:
    """Registered factory: ``nlp.add_pipe("wirewatch_entities")`` after ``ner``."""
    return EntitiesComponent(nlp)
