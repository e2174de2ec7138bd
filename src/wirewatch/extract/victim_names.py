"""Named victims an article states away from its event's trigger.

Local news names the dead and wounded in sentences of their own: "Authorities identified the
victims as Darell Brown, 28, Antonyo Demarlo-Jennings, 27, ...", "The teen, identified as
DaMontez Jones, ...", "charged Kenneth Murphy with homicide in the death of Christopher
Rodriguez", "Police say Chet Hockman died from a gunshot wound", "found 21-year-old Sharae
Thompson dead". The dependency rules read arguments of a trigger in its own clause, so
these names never reach the event and an analyst's incident lists "a man" where the article
gives his name. ``add_named_victims`` finds person names in these shapes and adds each as a
victim of the nearest actual violent event (its own sentence's, else the closest before,
else after), with its conjuncts ("Brown, X and Y").
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from wirewatch.contract import VIOLENT_TYPES
from wirewatch.nlp.spans import span_of

#: Verbs whose passive subject (or, for "die", subject) suffered the violence.
_HARM_PASSIVE = frozenset({"kill", "shoot", "wound", "injure", "murder", "stab", "slay",
                           "hit", "strike", "gun", "execute", "beat", "kidnap", "abduct"})
_DIED = frozenset({"die", "succumb"})
#: Nouns whose "of" object is the victim ("the death of X").
_HARM_NOUNS = frozenset({"death", "killing", "murder", "shooting", "slaying", "homicide",
                         "stabbing", "kidnapping", "abduction", "wounding"})
#: Nouns that name a victim; a name in apposition to one is the victim's.
_VICTIM_NOUNS = frozenset({"victim", "victims", "deceased", "dead"})


def _name_span(token: Token) -> Span | None:
    """The PERSON entity holding ``token``, if any."""
    for ent in token.doc.ents:
        if ent.label_ == "PERSON" and ent.start <= token.i < ent.end:
            return ent
    return None


def _victim_heads(doc: Doc, victim_tokens: set[int]) -> list[Token]:
    """Heads of person names stated as victims (the shapes of the module docstring)."""
    out: list[Token] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        t = ent.root
        head = t.head
        lemma = head.lemma_.lower()
        hit = False
        if t.dep_ == "nsubjpass" and lemma in _HARM_PASSIVE:
            hit = True
        elif t.dep_ == "nsubj" and lemma in _DIED:
            hit = True
        elif t.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _HARM_NOUNS:
            hit = True
        elif t.dep_ == "pobj" and head.lower_ == "as" and head.head.lemma_.lower() == "identify":
            hit = True
        elif t.dep_ == "appos" and (head.i in victim_tokens or head.lower_ in _VICTIM_NOUNS):
            hit = True
        elif t.dep_ in ("dobj", "nsubjpass") and lemma == "find" and any(
                c.lower_ == "dead" for c in head.children):
            hit = True
        elif t.dep_ == "nsubj" and head.lemma_.lower() == "be" and any(
                c.lower_ in ("victim", "dead") for c in head.children):
            hit = True
        if hit:
            out.append(t)
            for c in t.conjuncts:  # "X, 41, and her 5-year-old son Kenny Y"
                if _name_span(c) is not None:
                    out.append(c)
                else:
                    out.extend(a for a in c.children
                               if a.dep_ == "appos" and _name_span(a) is not None)
    return out


def add_named_victims(doc: Doc, events: list[dict]) -> None:
    """Add the victims ``_victim_heads`` finds to the nearest actual violent event of
    ``events`` (contract Event dicts), unless the name already fills a role there."""
    violent = [(n, e) for n, e in enumerate(events)
               if e["type"] in VIOLENT_TYPES and e["factuality"] == "actual"]
    if not violent:
        return
    token_entity = doc._.ww_token_entity or {}
    victim_tokens: set[int] = set()
    for _, event in violent:
        for arg in event["arguments"]:
            if arg["role"] == "victim":
                span = doc.char_span(arg["span"]["start"], arg["span"]["end"],
                                     alignment_mode="expand")
                if span is not None:
                    victim_tokens.add(span.root.i)
    starts = {n: e["trigger"]["start"] for n, e in violent}
    for head in _victim_heads(doc, victim_tokens):
        name = _name_span(head)
        if name is None:
            continue
        sent = head.sent
        here = [n for n, _ in violent if sent.start_char <= starts[n] < sent.end_char]
        before = [n for n, _ in violent if starts[n] < sent.start_char]
        after = [n for n, _ in violent if starts[n] >= sent.end_char]
        pick = here[0] if here else (before[-1] if before else after[0])
        event = events[pick]
        if any(a["span"]["start"] < name.end_char and name.start_char < a["span"]["end"]
               for e in events for a in e["arguments"]
               if a["role"] in ("agent", "victim") or e is event):
            continue  # already an agent or a victim somewhere, or any role here
        event["arguments"].append({"role": "victim", "entity": token_entity.get(head.i),
                                   "span": span_of(doc, name)})
