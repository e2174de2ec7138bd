"""Event status and sources from the chain of attribution around a sentence.

`asserted` = the outlet states it; `reported` = attributed to another source; `claimed` = an
interested party's own statement; `alleged` = hedged; `unconfirmed`; `denied`. Sentence-level
attribution comes from ``attribution.sentence_attribution``; this module adds what lies
around the sentence: an enclosing direct quote, a colon-led paragraph ("A description of
the video is provided by the JPost:") that attributes the next paragraph, the bottom of a
nested chain of claims ("Newsweek reports that officials estimate ..." -> the officials, with
``via`` Newsweek on the event source), and interested parties (an armed group, or a person
introduced as one of its people, speaking about its acts -> ``claimed``).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from wirewatch.contract import STATUS_ORDER
from wirewatch.extract.attribution import sentence_attribution
from wirewatch.nlp.extensions import get_list
from wirewatch.nlp.spans import span_of


def sentence_status(doc: Doc, sent: Span, carried: dict | None) -> dict | None:
    """How firmly a sentence states what it says, and on whose word: an enclosing direct
    quote, the sentence's own attribution, else what a "... provided by X:" paragraph
    carries. An interested party's own word (a group's spokesman, the group itself) makes
    it ``claimed``; ``via`` lists the sources that report the source (the chain)."""
    found = sentence_attribution(sent)
    quote = enclosing_quote(doc, sent)
    result = quote if quote is not None else found
    if result is None:
        return carried
    result = dict(result)
    if quote is None:
        result = _innermost(doc, sent, result)
    if not result.get("via") and carried is not None and carried.get("source"):
        if carried.get("entity") is None or carried.get("entity") != result.get("entity"):
            result["via"] = [_link(carried)]
    if result.get("status") == "reported" and interested_party(doc, result.get("entity")):
        result["status"] = "claimed"
    return result


def _link(attribution: dict) -> dict:
    return {"name": attribution.get("source"), "entity": attribution.get("entity"),
            "cue": attribution.get("cue"), "span": attribution.get("source_span")}


def _innermost(doc: Doc, sent: Span, attribution: dict) -> dict:
    """The attribution at the bottom of the sentence's chain: "Newsweek reports that
    officials estimate that ..." is the officials' word, via Newsweek. Falls back to the
    sentence attribution itself (with its claim's chain, if it has one)."""
    best: dict | None = None
    own: dict | None = None
    for claim in get_list(doc, "ww_claims"):
        span = claim["span"]
        if span["end"] <= sent.start_char or span["start"] >= sent.end_char:
            continue
        via = claim.get("via") or ()
        if claim["cue"] == attribution.get("cue") and claim["source_span"] == attribution.get(
            "source_span"
        ):
            own = claim
        reported_by_it = any(
            (link["span"] is not None and link["span"] == attribution.get("source_span"))
            or link["name"] == attribution.get("source")
            for link in via
        )
        if reported_by_it and (best is None or len(via) > len(best.get("via") or ())):
            best = claim
    if best is not None and own is not None:
        # Only a nested report that carries most of the outer content speaks for the
        # sentence: "notes that militants executed five men, after accusing them of being
        # spies" stays the outlet's report.
        inner, outer = best["span"], own["span"]
        if 2 * (inner["end"] - inner["start"]) < outer["end"] - outer["start"]:
            best = None
    if best is None:
        return {**attribution, "via": list((own or {}).get("via") or ())}
    status = best["status"] if best["status"] in STATUS_ORDER else "reported"
    return {
        "status": more_doubtful(attribution.get("status") or "reported", status),
        "source": best["source"],
        "source_span": best["source_span"],
        "entity": best["source_entity"],
        "cue": best["cue"],
        "via": list(best.get("via") or ()),
    }


def interested_party(doc: Doc, entity_id: str | None) -> bool:
    """True when the source is an armed group, or is introduced as one of its people ("the
    group's deputy emir, Abu Yasser"; "a spokesman for the Taliban"): its word on its own
    acts is a claim, not an independent report."""
    if entity_id is None:
        return False
    entities = {e["id"]: e for e in get_list(doc, "ww_entities")}
    entity = entities.get(entity_id)
    if entity is None:
        return False
    if entity.get("kind") == "armed_group":
        return True
    token_entity = doc._.ww_token_entity or {}
    for mention in entity.get("mentions", ()):
        span = doc.char_span(mention["start"], mention["end"], alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        descriptors = [c for c in root.children if c.dep_ == "appos"]
        if root.dep_ == "appos":
            descriptors.append(root.head)
        for d in descriptors:
            owners = [c for c in d.children if c.dep_ == "poss"]
            owners += [p for c in d.children if c.dep_ == "prep" and c.lower_ in ("of", "for")
                       for p in c.children if p.dep_ == "pobj"]
            for owner in owners:
                owner_entity = entities.get(token_entity.get(owner.i, ""))
                if owner_entity is not None and owner_entity.get("kind") == "armed_group":
                    return True
    return False


def enclosing_quote(doc: Doc, sent: Span) -> dict | None:
    """The attribution of a sentence that lies inside a direct quote: its speaker."""
    quote_via = doc._.ww_quote_via or {}
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
                "via": list(quote_via.get(quote["id"]) or ()),
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
        if attribution.get("via"):  # extension: who reports this source (nested attribution)
            source["via"] = attribution["via"]
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
