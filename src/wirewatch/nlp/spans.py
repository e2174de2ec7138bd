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
    """The text offsets refer to: the caller's original, even if NLP ran on a recased copy."""
    original = doc._.ww_text
    if original is not None:
        return original
    cached = doc.user_data.get("ww_doc_text")  # doc.text is rebuilt on every access
    if cached is None:
        cached = doc.user_data["ww_doc_text"] = doc.text
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
