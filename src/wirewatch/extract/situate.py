"""Where and when an event happened: its own place and time, not just the article's.

A sentence often holds several places and dates ("Somalia's interior ministry on Friday blamed
al-Shabaab for a car bombing ... a day earlier"): the ones inside the trigger's clause win;
a date in the clause that cannot be resolved is not replaced by one outside it. An event
whose sentence names no place takes the article's main place (its lead's), when the article
stays in one country.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from wirewatch.contract import PRECISION_RANK, TIME_RANK
from wirewatch.extract.cue_grammar import cue_status
from wirewatch.knowledge.cues import load_cues
from wirewatch.nlp.extensions import get_list

#: A noun trigger in these relations shares its governing verb's clause ("the blast struck X").
_CLAUSE_DEPS = frozenset({"nsubj", "nsubjpass", "dobj"})


def clause_range(token: Token) -> tuple[int, int]:
    """Character range of the clause a trigger belongs to: its governing verb's, unless that
    verb only reports on it ("the execution had not been confirmed as of Tuesday")."""
    anchor = token
    if token.dep_ in _CLAUSE_DEPS and token.head is not token and not _is_cue(token.head):
        anchor = token.head
    return anchor.left_edge.idx, anchor.right_edge.idx + len(anchor.right_edge)


def _is_cue(verb: Token) -> bool:
    """A word that blames, reports or claims: a date or place hanging on it is the
    statement's (cues.yaml: reporting verbs, and ``statement_words`` in any part of speech)."""
    cues = load_cues()
    return bool(cue_status(verb, cues)) or verb.lemma_.lower() in cues.statement_words


def _token_at(doc: Doc, start: int) -> Token | None:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def belongs_to_statement(doc: Doc, start: int) -> bool:
    """True for a date or place that modifies a reporting verb ("blamed ... on Friday") or
    names an actor's country ("Somalia's interior ministry"), not the event."""
    token = _token_at(doc, start)
    if token is None:
        return False
    if token.dep_ in ("poss",) or (token.dep_ == "compound" and token.head.pos_ == "NOUN"):
        return True
    node, hops = token, 0
    while node.head is not node and hops < 4:
        node = node.head
        hops += 1
        if node.pos_ == "VERB":
            return _is_cue(node)
    return False


def in_sentence(items: list[dict], sent: Span) -> list[dict]:
    return [x for x in items if x.get("span") and sent.start_char <= x["span"]["start"]
            < sent.end_char]


def pick_location(doc: Doc, sent: Span, trigger: Token) -> tuple[list[dict], dict | None]:
    """(the event's place arguments, its location): in-clause first, most specific. An
    event whose sentence names no place has none of its own here; the article's main place
    (``main_place``) is given to it only once mentions are merged into incidents, so an
    inherited place never makes two mentions look like different incidents or the same."""
    places = in_sentence(get_list(doc, "ww_locations"), sent)
    if not places:
        return [], None
    lo, hi = clause_range(trigger)

    usable = [p for p in places if lo <= p["span"]["start"] < hi
              or not belongs_to_statement(doc, p["span"]["start"])]
    if not usable:
        return places, None

    datelined = _dateline_parts(places)

    def rank(loc: dict) -> tuple:
        inside = lo <= loc["span"]["start"] < hi
        # The dateline ("BENTON, Ark. —") says where the reporter filed from: a place of
        # the sentence's own words comes first.
        return (not inside, id(loc) in datelined, loc.get("precision") is None,
                PRECISION_RANK.get(loc.get("precision") or "", 9), loc["span"]["start"])

    best = min(usable, key=rank)
    # place arguments: the clause's own places ("in Dzhemikent in Dagestan province"), not
    # every place the sentence names ("Somalia's ministry", "a Russian TV channel")
    # the place argument is the event's own place; a containing area named beside it
    # ("Dzhemikent in Dagestan province") joins it, other places of the clause do not
    own = [best] + [p for p in places if p is not best and lo <= p["span"]["start"] < hi
                    and _contains(p, best)]
    return own, best


def main_place(doc: Doc) -> dict | None:
    """The article's own place, for an event whose sentence names none ("Police arrested two
    people along with three bombs from the spot"): the most specific place of the first
    sentence that names one (the lead's, as a rule), not as a speaker's or an actor's place. Only when every located
    place of the article lies in one country: with places abroad, an event without a place
    of its own may be any of them, and no place is better than a wrong one. A text that
    names no place the gazetteer locates takes the country its local vocabulary names (set by the places
    component as ``doc.user_data["ww_document_country"]``), if any."""
    cache = doc.user_data.get("ww_main_place")
    if cache is not None:
        return cache[0]
    located = [p for p in get_list(doc, "ww_locations")
               if p.get("span") and p.get("lat") is not None and p.get("country_code")]
    found: dict | None = None
    if located and len({p["country_code"] for p in located}) == 1:
        for sent in doc.sents:  # the first sentence that places something: the lead's
            here = [p for p in in_sentence(located, sent)
                    if not belongs_to_statement(doc, p["span"]["start"])]
            if here:
                # The dateline is where the reporter filed from, a prior, not the scene:
                # a place of the lead's own words comes first.
                datelined = _dateline_parts(here)
                found = min(here, key=lambda p: (id(p) in datelined,
                                                 PRECISION_RANK.get(p.get("precision") or "", 9),
                                                 p["span"]["start"]))
                break
    if found is None and not located:
        # No place named at all: the country the text's local vocabulary names, if any.
        found = doc.user_data.get("ww_document_country")
    doc.user_data["ww_main_place"] = (found,)
    return found


def _dateline_parts(places: list[dict]) -> set[int]:
    """ids of the places written as a dateline: capitals ("INDIANAPOLIS") and the area
    right after one ("KOKOMO, Ind." -> "Ind.")."""
    out: set[int] = set()
    ordered = sorted(places, key=lambda p: p["span"]["start"])
    for prev, place in zip([None, *ordered], ordered, strict=False):
        if _is_dateline(place) or (prev is not None and id(prev) in out
                                   and place["span"]["start"] - prev["span"]["end"] <= 3):
            out.add(id(place))
    return out


def _is_dateline(place: dict) -> bool:
    """A place written in capitals ("INDIANAPOLIS —"): a dateline."""
    text = str(place["span"].get("text") or "")
    return text.isupper() and len(text) > 2


def _contains(area: dict, place: dict) -> bool:
    """Is ``area`` the country or admin1 area that ``place`` lies in?"""
    if area.get("precision") == "country":
        return bool(area.get("country_code")) and area["country_code"] == place.get("country_code")
    if area.get("precision") == "admin1":
        return bool(area.get("admin1")) and area["admin1"] == place.get("admin1") \
            and area is not place
    return False


def pick_time(doc: Doc, sent: Span, trigger: Token) -> tuple[list[dict], dict | None]:
    """(the event's time arguments, its time as a contract event time)."""
    times = in_sentence(get_list(doc, "ww_times"), sent)
    if not times:
        return [], None
    lo, hi = clause_range(trigger)
    inside = [t for t in times if lo <= t["span"]["start"] < hi]
    pool = inside or [t for t in times if not belongs_to_statement(doc, t["span"]["start"])]
    resolved = [t for t in pool if t.get("value")]
    if not resolved:
        return inside, None
    best = min(resolved, key=lambda t: (TIME_RANK.get(t.get("precision") or "", 4),
                                        t["span"]["start"]))
    return inside or [best], event_time(best)


def event_time(time: dict) -> dict:
    """A Time record as an event time (day is the finest event precision)."""
    value, precision = time.get("value"), time.get("precision")
    if precision == "hour":
        precision = "day"
    if value is not None and len(value) > 10:
        value = value[:10]
    return {"value": value, "precision": precision, "span": time["span"]}


def compatible_times(a: dict | None, b: dict | None) -> bool:
    """Two event times can describe one event: unknown, equal, or one contains the other."""
    if not a or not b or not a.get("value") or not b.get("value"):
        return True
    x, y = a["value"], b["value"]
    return x.startswith(y) or y.startswith(x)


def compatible_places(a: dict | None, b: dict | None) -> bool:
    """Two places can be one event's: unknown, same country and no conflicting admin1."""
    if not a or not b:
        return True
    if a.get("country_code") and b.get("country_code") and a["country_code"] != b["country_code"]:
        return False
    if a.get("admin1") and b.get("admin1") and a["admin1"] != b["admin1"]:
        return False
    both_points = a.get("precision") in ("point", "city") and b.get("precision") in ("point", "city")
    return not (both_points and a.get("geonameid") != b.get("geonameid"))


def with_main_place(doc: Doc, own: dict | None) -> dict | None:
    """An event's location once its mentions are merged: its own place, made more specific
    by the article's main place when that lies inside it ("Georgia" in the headline, "Bulloch
    County" in the lead), or the main place when it has none of its own."""
    main = main_place(doc)
    if own is None:
        return main
    if main is not None and main is not own and _contains(own, main):
        return main
    return own


def more_specific_place(a: dict | None, b: dict | None) -> dict | None:
    if a is None or b is None:
        return a or b
    ra = PRECISION_RANK.get(a.get("precision") or "", 9)
    rb = PRECISION_RANK.get(b.get("precision") or "", 9)
    return b if rb < ra else a


def more_specific_time(a: dict | None, b: dict | None) -> dict | None:
    if a is None or not a.get("value"):
        return b if b and b.get("value") else a
    if b is None or not b.get("value"):
        return a
    return b if TIME_RANK.get(b["precision"] or "", 4) < TIME_RANK.get(a["precision"] or "", 4) \
        else a
