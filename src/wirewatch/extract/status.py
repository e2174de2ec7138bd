"""Event status and sources from the chain of attribution around a sentence.

`asserted` = the outlet states it; `reported` = attributed to another source; `claimed` = an
interested party's own statement; `alleged` = hedged; `unconfirmed`; `denied`. Sentence-level
attribution comes from ``attribution.sentence_attribution``; this module adds what lies
around the sentence: an enclosing direct quote, and a colon-led paragraph ("A description of
the video is provided by the JPost:") that attributes the next paragraph.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from wirewatch.extract.attribution import sentence_attribution
from wirewatch.nlp.extensions import get_list
from wirewatch.spans import span_of

#: Doubt grows left to right; merged mentions keep the most doubtful status.
STATUS_ORDER = ("asserted", "reported", "claimed", "alleged", "unconfirmed", "denied")


def sentence_status(doc: Doc, sent: Span, carried: dict | None) -> dict | None:
    """How firmly a sentence states what it says, and on whose word: an enclosing direct
    quote, the sentence's own attribution, else what a "... provided by X:" paragraph
    carries."""
    found = sentence_attribution(sent)
    quote = enclosing_quote(doc, sent)
    if quote is not None:
        return quote
    if found is not None:
        return found
    return carried


def enclosing_quote(doc: Doc, sent: Span) -> dict | None:
    """The attribution of a sentence that lies inside a direct quote: its speaker."""
    for quote in get_list(doc, "ww_quotes"):
        span = quote["span"]
        if span["start"] <= sent.start_char + 1 and sent.end_char - 1 <= span["end"] + 1:
            speaker = quote.get("speaker_span")
            name = speaker["text"] if speaker else None
            return {
                "status": "reported" if name else "asserted",
                "source": name,
                "source_span": speaker,
                "cue": quote.get("cue"),
                "entity": quote.get("speaker"),
            }
    return None


def carry_attribution(sent: Span, attribution: dict | None, carried: dict | None) -> dict | None:
    """A paragraph ending "... provided by the JPost:" attributes the next paragraph to
    that source; the carry ends with that paragraph."""
    text = sent.text.rstrip()
    if text.endswith(":"):
        if attribution is None:
            attribution = colon_source(sent)
        if attribution is not None:
            return {**attribution, "_paragraphs": 1}
        return None
    if carried is not None and "\n" in sent.text[len(text) :]:
        left = carried.get("_paragraphs", 0) - 1
        return {**carried, "_paragraphs": left} if left > 0 else None
    return carried


def apply_status(
    status: str, sources: list[dict], attribution: dict | None
) -> tuple[str, list[dict]]:
    """An event's (status, sources) once a sentence attribution applies to it."""
    if attribution is None or attribution.get("status") in (None, "asserted"):
        return status, sources
    new = attribution["status"]
    if new not in STATUS_ORDER:  # "estimated" and other claim statuses
        new = "reported"
    status = more_doubtful(status, new)
    sources = list(sources)
    if attribution.get("source"):
        source = {
            "name": attribution["source"],
            "entity": attribution.get("entity"),
            "cue": attribution.get("cue"),
            "span": attribution.get("source_span"),
        }
        if source not in sources:
            sources.append(source)
    return status, sources


def colon_source(sent: Span) -> dict | None:
    """The source of "A description ... is provided by the JPost:" / "Police said:"."""
    doc = sent.doc
    token_entity = doc._.ww_token_entity or {}
    entities = {e["id"]: e for e in get_list(doc, "ww_entities")}
    for token in sent:
        if token.dep_ == "agent" or (token.dep_ == "prep" and token.lower_ == "by"):
            for pobj in token.children:
                if pobj.dep_ == "pobj":
                    eid = token_entity.get(pobj.i)
                    name = entities[eid]["name"] if eid in entities else pobj.text
                    return {
                        "status": "reported",
                        "source": name,
                        "entity": eid,
                        "cue": "provided by",
                        "source_span": span_of(doc, pobj),
                    }
    return None


def more_doubtful(a: str, b: str) -> str:
    return a if STATUS_ORDER.index(a) >= STATUS_ORDER.index(b) else b
