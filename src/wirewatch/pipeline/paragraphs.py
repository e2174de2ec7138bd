"""Component 0, before the parser: sentence starts at line breaks."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.nlp.paragraphs import mark_paragraph_starts


class ParagraphsComponent:
    """``wirewatch_paragraphs``: presets sentence starts so the parser keeps them."""

    def __call__(self, doc: Doc) -> Doc:
        mark_paragraph_starts(doc)
        return doc


@Language.factory("wirewatch_paragraphs", assigns=["token.is_sent_start"])
def make_paragraphs(nlp: Language, name: str) -> ParagraphsComponent:
    """Registered factory: add with ``before="parser"``."""
    return ParagraphsComponent()
