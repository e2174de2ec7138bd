"""Sentence starts at line breaks: headlines and paragraphs never run into each other.

The statistical parser happily joins a headline without a full stop to the first paragraph;
every evidence span built on such a sentence would be wrong. The ``wirewatch_paragraphs``
component runs this *before* the parser, which respects preset sentence starts.
"""

from __future__ import annotations

from spacy.tokens import Doc


def mark_paragraph_starts(doc: Doc) -> None:
    """Mark the first token after any newline as a sentence start."""
    for token in doc[:-1]:
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            nxt = doc[token.i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
