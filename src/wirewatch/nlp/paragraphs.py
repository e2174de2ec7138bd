"""Sentence starts at line breaks: headlines and paragraphs never run into each other.

The statistical parser happily joins a headline without a full stop to the first paragraph;
every evidence span built on such a sentence would be wrong. The ``wirewatch_paragraphs``
component runs this *before* the parser, which respects preset sentence starts.

The starts are written in one array operation: spaCy's ``Token.is_sent_start`` setter checks
the whole Doc for a parse on every call, so setting it token by token is quadratic (a text of
50,000 short lines took over a minute).

Wiki-style section headings ("==Reactions==") lose their line breaks in some corpora (the
WikiEvents texts): "killed.==Reactions==U.S. Secretary of Defense Ash Carter responded ..."
then parses as one sentence whose subject is the previous paragraph's noun. A heading is its
own sentence and the text after it starts another; ``split_wiki_headings`` gives the
tokenizer the token boundaries that needs (an ``==`` run is an infix).
"""

from __future__ import annotations

import re

from spacy.attrs import SENT_START
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

#: A wiki section heading: two to six equals signs, a short title on one line, the same run;
#: at the start of the text or a line, or straight after a sentence's end ("a == b" is none).
WIKI_HEADING = re.compile(r"(?<![^\n.!?\"'\u201d\u2019)\]])(={2,6})[^=\n]{1,80}?\1")
#: The tokenizer infix that cuts a heading's equals runs from the words glued to them.
_HEADING_INFIX = r"[.!?](?=={2,6})|={2,6}"


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


def wiki_headings(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges ``(start, end)`` of the wiki headings whose edges fall on token
    boundaries, each with the index of the first token after it as ``end``'s partner in
    ``heading_starts``."""
    if "==" not in doc.text:
        return []
    by_char = {t.idx: t.i for t in doc}
    ranges: list[tuple[int, int]] = []
    for m in WIKI_HEADING.finditer(doc.text):
        first = by_char.get(m.start())
        after = by_char.get(m.end(), None)
        if first is None:
            continue
        if after is None:
            after = next((t.i for t in doc[first:] if t.idx >= m.end()), len(doc))
        ranges.append((first, after))
    return ranges


def heading_starts(doc: Doc) -> list[int]:
    """Indices of the first token of each wiki heading and of the first token after it,
    where token boundaries fall on the heading's edges."""
    starts: list[int] = []
    for first, after in wiki_headings(doc):
        while after < len(doc) and doc[after].is_space:
            after += 1
        starts.extend(i for i in (first, after) if 0 < i < len(doc))
    return starts


def mark_headings_as_layout(doc: Doc) -> None:
    """Tag the words of wiki headings as unknown (``XX``): a heading ("==Attack==",
    "==Responses and arrests==") is layout, not prose, and its words must not read as
    the nouns and verbs of an event or a statement. Runs after the tagger."""
    for first, after in wiki_headings(doc):
        for token in doc[first:after]:
            if not token.is_space:
                token.tag_ = "XX"


def split_wiki_headings(tokenizer: Tokenizer) -> None:
    """Make runs of equals signs infixes of ``tokenizer`` (once), so that a heading glued to
    the words around it ("members.==Victims==All") falls into its own tokens."""
    finditer = tokenizer.infix_finditer
    pattern = getattr(getattr(finditer, "__self__", None), "pattern", None)
    if pattern is None or _HEADING_INFIX in pattern:
        return
    tokenizer.infix_finditer = re.compile(f"{pattern}|{_HEADING_INFIX}").finditer


def mark_paragraph_starts(doc: Doc) -> None:
    """Mark the first token after any newline, and wiki headings, as sentence starts (in
    linear time)."""
    starts = sorted(set(paragraph_starts(doc)) | set(heading_starts(doc)))
    if not starts:
        return
    if doc.has_annotation("DEP"):
        raise ValueError("sentence starts cannot be preset on a parsed Doc: "
                         "add wirewatch_paragraphs before the parser")
    values = doc.to_array([SENT_START])
    values[starts] = 1
    doc.from_array([SENT_START], values)
