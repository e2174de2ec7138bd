"""Sentence starts at line breaks: headlines and paragraphs never run into each other.

The statistical parser happily joins a headline without a full stop to the first paragraph;
every evidence span built on such a sentence would be wrong. The ``wirewatch_paragraphs``
component runs this *before* the parser, which respects preset sentence starts.

The starts are written in one array operation: spaCy's ``Token.is_sent_start`` setter checks
the whole Doc for a parse on every call, so setting it token by token is quadratic (a text of
50,000 short lines took over a minute).
"""

from __future__ import annotations

from spacy.attrs import SENT_START
from spacy.tokens import Doc


def paragraph_starts(doc: Doc) -> list[int]:
    """Indices of the first non-space token after each newline."""
    starts: list[int] = []
    last = len(doc) - 1
    for token in doc:
        if token.i == last:
            break
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            if not doc[token.i + 1].is_space:
                starts.append(token.i + 1)
    return starts


def mark_paragraph_starts(doc: Doc) -> None:
    """Mark the first token after any newline as a sentence start (in linear time)."""
    starts = paragraph_starts(doc)
    if not starts:
        return
    if doc.has_annotation("DEP"):
        raise ValueError("sentence starts cannot be preset on a parsed Doc: "
                         "add wirewatch_paragraphs before the parser")
    values = doc.to_array([SENT_START])
    values[starts] = 1
    doc.from_array([SENT_START], values)
