"""Event arguments from the dependency parse: agent, victim, target, instrument.

Rules follow how news sentences state violence: the active subject or passive by-phrase is
the agent, the object or passive subject is the victim (people) or target (things, places,
institutions), "with"/"using" phrases and weapon compounds are instruments. A clause with no
subject of its own ("..., killing two officers") inherits from the clause it hangs on.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from wirewatch.knowledge.actors import actor_nouns, titles
from wirewatch.knowledge.lexicons import trigger_lexicon, weapon_lemmas

PERSON_PRONOUNS = frozenset({"him", "her", "them", "he", "she", "they", "us", "me", "you",
                             "himself", "herself", "themselves", "whom", "who"})
RELATIVE = frozenset({"who", "that", "which", "whom"})
#: Nouns whose "of" phrase names the actual referent ("one of the fighters").
GENERIC_HEADS = frozenset({"one", "some", "member", "members", "group", "agent", "leader",
                           "head", "number", "dozens", "hundreds", "scores", "several",
                           "many", "most", "all", "each", "both", "none", "two", "three"})
PERSON_LABELS = frozenset({"PERSON", "NORP"})
TARGET_PREPS = frozenset({"on", "against", "at", "upon", "targeting"})


@dataclass
class Argument:
    role: str
    head: Token
    start: int  # token offsets
    end: int


def mention_bounds(token: Token) -> tuple[int, int]:
    """Token range of the noun phrase headed by ``token`` with its "of" phrase ("offices of
    the development corporation") but without relative clauses, other prepositional phrases,
    or titles before a name ("director Colonel Roberto Rivera" -> "Roberto Rivera")."""
    doc = token.doc
    start = token.i
    for child in token.lefts:
        if child.dep_ in ("det", "predet") and child.lower_ in ("the", "a", "an"):
            continue
        if child.dep_ in ("compound", "amod", "nummod", "poss", "nmod", "quantmod", "det",
                          "predet", "npadvmod"):
            start = min(start, child.left_edge.i)
    end = token.i + 1
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    end = max(end, mention_bounds(pobj)[1])
        elif child.dep_ in ("compound", "nummod"):
            end = max(end, child.i + 1)
    for i in range(token.i + 1, end):  # "the FMLN (Farabundo ...)" stops at the bracket
        if doc[i].text in ("(", "[", ",", "--", "-"):
            end = i
            break
    while start < end and (doc[start].is_punct or doc[start].lower_ in ("the", "a", "an")):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].tag_ == "POS"):
        end -= 1
    if token.pos_ == "PROPN" or token.ent_type_ == "PERSON":
        known = titles()
        last = max((i for i in range(start, token.i) if doc[i].lower_.rstrip(".") in known),
                   default=None)
        if last is not None and token.i - last >= 2:  # at least two name words remain
            start = last + 1
    return start, end


def is_person_like(token: Token, token_entity: dict[int, str], entities: dict[str, dict]) -> bool:
    """People (victims) as opposed to things, places and institutions (targets)."""
    if token.lower_ in PERSON_PRONOUNS or token.ent_type_ in PERSON_LABELS:
        return True
    eid = token_entity.get(token.i)
    if eid and entities.get(eid, {}).get("type") in ("PERSON",):
        return True
    head = token
    if token.like_num:
        return True
    if head.lower_ in GENERIC_HEADS:
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return is_person_like(pobj, token_entity, entities)
    entry = actor_nouns().get(head.lemma_.lower())
    return bool(entry) and entry["kind"] not in ("armed_group",) or head.lemma_.lower() in (
        "militant", "fighter", "rebel", "guerrilla", "insurgent", "soldier", "officer", "member")


def resolve_relative(token: Token) -> Token:
    """"who"/"that" in a relative clause stands for the noun the clause modifies; an
    appositive ("a group of Russian Islamists" after "Caucasus Province") for its anchor."""
    if token.lower_ in RELATIVE and token.head.dep_ == "relcl":
        token = token.head.head
    if token.dep_ == "pobj" and token.head.lower_ == "of" and (
            token.head.head.lemma_.lower() in GENERIC_HEADS):
        token = token.head.head  # "a group of Russian Islamists" -> "group"
    hops = 0
    while token.dep_ == "appos" and hops < 2:
        token = token.head
        hops += 1
    return token


def message_owner(token: Token) -> Token | None:
    """For a message noun ("the Islamic State's video"), the token of its owner."""
    if token.lemma_.lower() not in trigger_lexicon().message_nouns:
        return None
    for child in token.children:
        if child.dep_ in ("poss", "compound") and child.pos_ in ("PROPN", "NOUN"):
            return child
    return None


PERCEPTION = frozenset({"see", "show", "hear", "film", "record", "depict", "portray"})


def _subject(verb: Token) -> tuple[Token | None, bool]:
    """(subject, passive) of a verb, climbing through participial and coordinated clauses
    ("..., killing two officers"; "Abu Yasser is seen calling on ..."; "a video calling on")."""
    node, hops = verb, 0
    while hops < 5:
        for child in node.children:
            if child.dep_ in ("nsubj", "csubj"):
                return child, False
            if hops and child.dep_ == "nsubjpass" and node.lemma_.lower() in PERCEPTION:
                return child, False
            if child.dep_ == "agent":
                pobj = [c for c in child.children if c.dep_ == "pobj"]
                if pobj:
                    return pobj[0], False
        if node.dep_ == "relcl" and not any(c.dep_ in ("nsubjpass", "auxpass")
                                            for c in node.children):
            return node.head, False
        if node.head is node or node.dep_ not in ("advcl", "xcomp", "conj", "acl", "pcomp",
                                                  "prep", "pobj"):
            break  # not "ccomp": who says a man was killed did not kill him
        parent = node.head
        if node.dep_ == "acl" and parent.pos_ in ("NOUN", "PROPN"):
            owner = message_owner(parent)
            if owner is not None:
                return owner, False
            if parent.lemma_.lower() not in trigger_lexicon().message_nouns:
                return parent, False
        node = parent
        hops += 1
    return None, False


def is_actor(token: Token) -> bool:
    """Can this token name a doer? Entities, people-nouns and personal pronouns can;
    "territory" or "apostate" in a garbled parse cannot."""
    doc = token.doc
    if token.i in (doc._.ww_token_entity or {}) or token.ent_type_ in (
            "PERSON", "ORG", "NORP", "GPE"):
        return True
    if token.lower_ in PERSON_PRONOUNS | {"we", "i"}:
        return True
    if token.lemma_.lower() in actor_nouns() or token.lower_ in GENERIC_HEADS:
        return True
    return any(c.dep_ == "compound" and c.i in (doc._.ww_token_entity or {})
               for c in token.children)


def find_arguments(trigger_tok: Token, is_noun: bool, sent: Span,
                   event_nouns: set[int], patient_role: str = "auto") -> list[Argument]:
    """Agent, victim/target and instrument arguments of one trigger token.

    ``patient_role``: "victim" or "target" forces the role of objects (killing verbs take
    victims; threats and calls address targets); "auto" decides by whether it names people.
    """
    doc = trigger_tok.doc
    token_entity: dict[int, str] = doc._.ww_token_entity or {}
    entities = {e["id"]: e for e in (doc._.ww_entities or [])}
    args: list[Argument] = []

    def add(role: str, tok: Token) -> None:
        if tok.i in event_nouns:
            return
        tok = resolve_relative(tok)
        named = [c for c in tok.children if c.dep_ == "appos" and c.ent_type_ in PERSON_LABELS
                 | {"ORG"}]
        if named and not tok.ent_type_:
            tok = named[0]  # "the group's deputy emir, Abu Yasser" -> Abu Yasser
        owner = message_owner(tok)
        if owner is not None:
            tok = owner
        if tok.i in event_nouns or tok.lemma_.lower() in trigger_lexicon().message_nouns:
            return
        if tok.pos_ in ("PRON",) and tok.lower_ in ("it", "this", "that", "which", "what",
                                                     "his", "her", "their", "its", "own"):
            return
        if tok.lower_ == "own" or tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "PERCENT",
                                                     "MONEY", "ORDINAL", "QUANTITY"):
            return
        if role == "agent" and not is_actor(tok):
            return
        start, end = entity_bounds(tok, token_entity, entities) or mention_bounds(tok)
        if start >= end:
            return
        if role in ("victim", "target"):
            if patient_role in ("victim", "target"):
                role = patient_role
            else:
                role = "victim" if is_person_like(tok, token_entity, entities) else "target"
        args.append(Argument(role, tok, start, end))
        if role == "agent" and tok.i not in token_entity:
            org = _named_group_in(doc, start, end, token_entity, entities)
            if org is not None:  # "ISIS militants": the individuals and their group
                args.append(Argument("agent", doc[org[0]], org[0], org[1]))

    if is_noun:
        for child in trigger_tok.children:
            if child.dep_ == "poss" or (child.dep_ == "compound" and (
                    child.ent_type_ in ("ORG", "NORP") or child.i in token_entity)):
                add("agent", child)
            elif child.dep_ == "prep" and child.lower_ == "by":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        add("agent", pobj)
            elif child.dep_ == "prep" and child.lower_ in TARGET_PREPS | {"of"}:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        add("victim", pobj)
        head = trigger_tok.head
        if trigger_tok.dep_ in ("dobj",) and head.lemma_.lower() in ("carry", "launch", "conduct",
                                                                     "stage", "mount", "claim"):
            subj, _ = _subject(head)
            if subj is not None and head.lemma_.lower() != "claim":
                add("agent", subj)
    else:
        subj, _ = _subject(trigger_tok)
        if subj is not None:
            add("agent", subj)
        for child in trigger_tok.children:
            if child.dep_ in ("dobj", "nsubjpass"):
                add("victim", child)
                for conj in child.conjuncts:
                    add("victim", conj)
            elif child.dep_ == "prep" and (child.lower_ in TARGET_PREPS or (
                    patient_role == "target" and child.lower_ == "to")):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        add("victim", pobj)
    args.extend(find_instruments(trigger_tok, sent))
    return args


def find_instruments(trigger_tok: Token, sent: Span) -> list[Argument]:
    """Weapons in the trigger's clause: "with a knife", "using a rope", compounds."""
    weapons = weapon_lemmas()
    out: list[Argument] = []
    candidates: list[Token] = []
    for child in trigger_tok.children:
        if child.dep_ == "compound" and child.lemma_.lower() in weapons:
            candidates.append(child)
        if child.dep_ == "prep" and child.lower_ in ("with", "by"):
            candidates.extend(c for c in child.children if c.dep_ == "pobj")
        if child.dep_ in ("advcl", "xcomp") and child.lemma_.lower() in ("use", "wield"):
            candidates.extend(c for c in child.children if c.dep_ == "dobj")
    seen: set[int] = set()
    for tok in candidates:
        for item in (tok, *tok.conjuncts):
            if item.i in seen or item.lemma_.lower() not in weapons:
                continue
            seen.add(item.i)
            start, end = mention_bounds(item)
            out.append(Argument("instrument", item, start, end))
    return out


def entity_bounds(token: Token, token_entity: dict[int, str], entities: dict[str, dict]
                  ) -> tuple[int, int] | None:
    """A named head is represented by its name alone ("Colonel Waldemar Quintero" ->
    "Waldemar Quintero" when NER marks only the name), not by every modifier."""
    eid = token_entity.get(token.i)
    if eid is None or entities.get(eid, {}).get("type") not in ("PERSON", "ORG"):
        return None
    start = end = token.i
    while start - 1 >= token.sent.start and token_entity.get(start - 1) == eid:
        start -= 1
    while end + 1 < token.sent.end and token_entity.get(end + 1) == eid:
        end += 1
    doc = token.doc
    while start <= end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    return start, end + 1


def _named_group_in(doc: Doc, start: int, end: int, token_entity: dict[int, str],
                    entities: dict[str, dict]) -> tuple[int, int] | None:
    """Token range of the first organisation named inside an argument span."""
    for i in range(start, end):
        eid = token_entity.get(i)
        if eid and entities.get(eid, {}).get("type") == "ORG":
            j = i
            while j + 1 < end and token_entity.get(j + 1) == eid:
                j += 1
            return i, j + 1
    return None


def argument_entity(doc: Doc, arg: Argument) -> str | None:
    """Entity id of an argument: its head's, else the first entity token in its span."""
    token_entity: dict[int, str] = doc._.ww_token_entity or {}
    if arg.head.i in token_entity:
        return token_entity[arg.head.i]
    if arg.role != "agent":  # "two Russian police officers" are not "Russian" the people
        types = {e["id"]: e["type"] for e in (doc._.ww_entities or [])}
        for i in range(arg.start, arg.end):
            eid = token_entity.get(i)
            if eid and types.get(eid) in ("ORG", "PERSON"):
                return eid
    return None
