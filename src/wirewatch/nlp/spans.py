"""Contract ``Span`` objects: character offsets into the caller's text, end exclusive."""

from __future__ import annotations

from typing import TypedDict

from spacy.tokens import Doc, Span, Token

from wirewatch.nlp.extensions import register_extensions

register_extensions()


class SpanDict(TypedDict):
    start: int
    end: int
    text: str


def source_text(doc: Doc) -> str:
    """The text offsets refer to: the caller's original, even if NLP ran on a recased copy.
    Kept in ``user_data`` after the first call: ``doc.text`` is rebuilt on every access and
    the extension lookup is slow for the thousands of calls a document makes (the original
    is set when the Doc is made, before any component runs)."""
    cached = doc.user_data.get("ww_source_text")
    if cached is None:
        original = doc._.ww_text
        cached = doc.user_data["ww_source_text"] = original if original is not None else doc.text
    return cached


def char_span(doc: Doc, start: int, end: int) -> SpanDict:
    """A contract Span for characters ``start:end`` of the document's source text."""
    text = source_text(doc)
    return {"start": start, "end": end, "text": text[start:end]}


def span_of(doc: Doc, obj: Span | Token) -> SpanDict:
    """A contract Span for a spaCy Span or Token, trimmed of surrounding whitespace."""
    if isinstance(obj, Token):
        return char_span(doc, obj.idx, obj.idx + len(obj.text))
    return char_span(doc, obj.start_char, obj.end_char)
