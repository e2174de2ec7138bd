"""Component 4: direct quotes and their speakers."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.extract.quotes import QuoteFinder
from wirewatch.nlp.extensions import register_extensions


class QuotesComponent:
    """``wirewatch_quotes``: writes ``doc._.ww_quotes``."""

    def __init__(self, min_words: int) -> None:
        register_extensions()
        self.finder = QuoteFinder(min_words=min_words)

    def __call__(self, doc: Doc) -> Doc:
        doc._.ww_quotes = self.finder.find(doc)
        return doc


@Language.factory(
    "wirewatch_quotes",
    default_config={"min_words": 4},
    assigns=["doc._.ww_quotes"],
    requires=["token.dep", "doc._.ww_entities", "doc._.ww_token_entity"],
)
def make_quotes(nlp: Language, name: str, min_words: int) -> QuotesComponent:
    """Direct quotes with speakers (contract Quote dicts)."""
    return QuotesComponent(min_words)
