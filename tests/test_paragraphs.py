"""Sentence starts the parser must keep: line breaks, and wiki headings glued to the text."""

from __future__ import annotations

import spacy

from wirewatch.nlp.paragraphs import heading_starts, mark_paragraph_starts, split_wiki_headings


def _marked(text: str) -> list[str]:
    nlp = spacy.blank("en")
    split_wiki_headings(nlp.tokenizer)
    split_wiki_headings(nlp.tokenizer)  # twice: the infix is added once
    doc = nlp(text)
    mark_paragraph_starts(doc)
    return [t.text for t in doc if t.is_sent_start and t.i > 0]


def test_a_glued_wiki_heading_is_its_own_sentence():
    """'killed.==Reactions==U.S. Secretary ...': the heading and the text after it start
    sentences, and the full stop is cut from the word before."""
    text = "Six service members were killed.==Reactions==Ash Carter responded to the bombing."
    assert _marked(text) == ["==", "Ash"]
    nlp = spacy.blank("en")
    split_wiki_headings(nlp.tokenizer)
    assert "killed" in [t.text for t in nlp(text)]
    # at a line start the tokenizer's prefix rule cuts the equals signs one by one
    assert _marked("It was found.\n==See also==\n* Other bombings") == ["=", "*"]


def test_equals_signs_that_are_no_heading_start_nothing():
    """"a == b" inside a sentence is no heading; a text without one is left as it was."""
    assert _marked("The value a == b holds and x==y too.") == []
    doc = spacy.blank("en")("No heading here.")
    assert heading_starts(doc) == []
