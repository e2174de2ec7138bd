"""Component 0, before the parser: sentence starts at line breaks."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.nlp.paragraphs import (
    mark_headings_as_layout,
    mark_paragraph_starts,
    split_wiki_headings,
)


class ParagraphsComponent:
    """``wirewatch_paragraphs``: presets sentence starts so the parser keeps them."""

    def __call__(self, doc: Doc) -> Doc:
        mark_headings_as_layout(doc)
        mark_paragraph_starts(doc)
        return doc


@Language.factory("wirewatch_paragraphs", assigns=["token.is_sent_start", "token.tag"])
def make_paragraphs(nlp: Language, name: str) -> ParagraphsComponent:
    """Registered factory: add with ``before="parser"``. It also lets the pipeline's
    tokenizer cut wiki headings from glued words, so their sentence starts can be set."""
    split_wiki_headings(nlp.tokenizer)
    return ParagraphsComponent()
