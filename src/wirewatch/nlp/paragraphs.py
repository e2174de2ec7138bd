"""Sentence starts at line breaks: headlines and paragraphs never run into each other.

The statistical parser happily joins a headline without a full stop to the first paragraph;
every evidence span built on such a sentence would be wrong. Registered as a component that
runs *before* the parser, which respects preset sentence starts.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


class ParagraphSplitter:
    """Marks the first token after any newline as a sentence start."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[:-1]:
            if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
                nxt = doc[token.i + 1]
                if not nxt.is_space:
                    nxt.is_sent_start = True
        return doc


@Language.factory("wirewatch_paragraphs")
def make_paragraphs(nlp: Language, name: str) -> ParagraphSplitter:
    """Registered factory: add with ``before="parser"``."""
    return ParagraphSplitter()
