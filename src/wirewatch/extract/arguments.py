"""Event arguments from the dependency parse: agent, victim, target, instrument.

Rules follow how news sentences state violence: the active subject or passive by-phrase is
the agent, the object or passive subject is the victim (people) or target (things, places,
institutions), "with"/"using" phrases and weapon compounds are instruments. A clause with no
subject of its own ("..., killing two officers") inherits from the clause it hangs on.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from wirewatch.extract.casualties import casualty_patients
from wirewatch.extract.headcount import is_person, looks_like_name
from wirewatch.knowledge.actors import actor_nouns, titles
from wirewatch.knowledge.lexicons import casualty_lexicon, trigger_lexicon, weapon_lemmas

PERSON_PRONOUNS = frozenset({"him", "her", "them", "he", "she", "they", "us", "me", "you",
                             "himself", "herself", "themselves", "whom", "who"})
RELATIVE = frozenset({"who", "that", "which", "whom"})
#: Nouns whose "of" phrase names the actual referent ("one of the fighters").
GENERIC_HEADS = frozenset({"one", "some", "member", "members", "group", "agent", "leader",
                           "head", "number", "dozens", "hundreds", "scores", "several",
                           "many", "most", "all", "each", "both", "none", "two", "three"})
PERSON_LABELS = frozenset({"PERSON", "NORP"})
TARGET_PREPS = frozenset({"on", "against", "at", "upon", "targeting"})
REFLEXIVE = frozenset({"himself", "herself", "themselves", "myself", "ourselves", "self"})
#: Nouns of a death or an attack whose "of" phrase names the victim ("the death of X",
#: "the shooting of X", "the release of X").
OF_VICTIM_NOUNS = frozenset({"death", "killing", "murder", "slaying", "shooting", "stabbing",
                             "assassination", "kidnapping", "abduction", "release", "rescue",
                             "beating", "execution", "disappearance"})
#: Nouns of a relation whose "of" phrase names someone else ("the grandson of Rep. Danny
#: Davis" is not Davis).
RELATION_NOUNS = frozenset({"grandson", "granddaughter", "son", "daughter", "wife", "husband",
                            "father", "mother", "brother", "sister", "nephew", "niece",
                            "cousin", "uncle", "aunt", "grandfather", "grandmother", "child",
                            "children", "friend", "girlfriend", "boyfriend", "relative",
                            "widow", "fiance", "fiancee", "bodyguard", "driver", "aide",
                            "neighbor", "neighbour", "stepson", "stepdaughter", "parent",
                            "grandchild", "family", "spouse", "partner"})
#: Verbs of pursuit, inquiry and justice: their subject (police, prosecutors) is not the
#: doer of a violent clause that hangs on them ("French police are hunting a suspect ...,
#: wounding 13 people"; "police arrested a man who shot ...").
PURSUIT_VERBS = frozenset({"hunt", "search", "seek", "investigate", "probe", "look", "question",
                           "interrogate", "arrest", "detain", "charge", "try", "sentence",
                           "convict", "accuse", "blame", "condemn", "identify", "pursue",
                           "chase", "track", "appeal", "urge"})
#: Verbs that state a death or injury; a noun event in their "in"/"after" phrase harmed
#: their subject ("died in a shooting", "was wounded in the attack").
HARM_PREPS = frozenset({"in", "after", "during", "following", "from", "by"})


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
        while start < token.i and doc[start].is_punct:  # "mr. meneses" -> "meneses"
            start += 1
    return start, end


def is_person_like(token: Token, token_entity: dict[int, str], entities: dict[str, dict]) -> bool:
    """People (victims) as opposed to things, places and institutions (targets)."""
    if token.lower_ in PERSON_PRONOUNS or token.ent_type_ in PERSON_LABELS:
        return True
    eid = token_entity.get(token.i)
    if eid and entities.get(eid, {}).get("type") in ("PERSON",):
        return True
    head = token
    if token.like_num or is_person(token):
        return True  # "a boy", "her grandson", "an 8-year-old", "Melody Cerros"
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
        if parent.lemma_.lower() in PURSUIT_VERBS:
            break  # "police are hunting a suspect ..., wounding 13": not the police's attack
        if node.dep_ == "acl" and node.tag_ == "VBN":
            break  # "a man killed in the attack": the noun is the patient, not the doer
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

    def add(role: str, tok: Token, depth: int = 0, person: bool = False) -> None:
        if role in ("victim", "target") and depth < 2:
            of_victims = _of_phrase(tok) if tok.lemma_.lower() in OF_VICTIM_NOUNS else []
            if of_victims:  # "the death of X", "the release of X": X is the victim
                for person in of_victims:
                    add(role, person, depth + 1)
                return
            if tok.lower_ in REFLEXIVE and not is_noun and _harms(trigger_tok):
                subj, _ = _subject(trigger_tok)  # "X shot himself": X is the victim
                if subj is not None and subj.lower_ not in REFLEXIVE and not _perpetrator(subj):
                    add(role, subj, depth + 1, person=True)
                    return
        if tok.i in event_nouns:
            return
        tok = resolve_relative(tok)
        name = victim_name(tok)
        if name is not None and not tok.ent_type_:
            tok = name  # "the group's deputy emir, Abu Yasser" -> Abu Yasser
        owner = message_owner(tok)
        if owner is not None:
            tok = owner
        if tok.i in event_nouns or tok.lemma_.lower() in trigger_lexicon().message_nouns:
            return
        if tok.lower_ in ("it", "this", "that", "which", "what", "his", "her", "their", "its",
                          "own", "those", "these") and tok.pos_ in ("PRON", "DET"):
            return  # a demonstrative says nothing of who
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
                role = "victim" if person or is_person_like(tok, token_entity, entities) \
                    else "target"
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
                        for conj in pobj.conjuncts:  # "the murders of A and B"
                            add("victim", conj)
        for person in _harmed_in(trigger_tok):  # "X died in a shooting"
            add("victim", person)
        head = trigger_tok.head
        if trigger_tok.dep_ in ("dobj",) and head.lemma_.lower() in ("carry", "launch", "conduct",
                                                                     "stage", "mount", "claim"):
            subj, _ = _subject(head)
            if subj is not None and head.lemma_.lower() != "claim":
                add("agent", subj)
    else:
        subj, _ = _subject(trigger_tok)
        if subj is not None and _headline_passive(trigger_tok, subj):
            add("victim", subj)  # headlinese "Teen shot in Bronx": the teen was shot
        elif subj is not None:
            add("agent", subj)
        if trigger_tok.dep_ == "acl" and trigger_tok.tag_ == "VBN":
            add("victim", trigger_tok.head)  # "a man killed in the attack"
        for person in _passive_of_clause(trigger_tok):  # "X died after being shot"
            add("victim", person)
        for child in trigger_tok.children:
            if child.dep_ in ("dobj", "nsubjpass"):
                add("victim", child)
                for conj in coordinated(child):
                    add("victim", conj)
            elif child.dep_ == "prep" and (child.lower_ in TARGET_PREPS or (
                    patient_role == "target" and child.lower_ == "to")):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        add("victim", pobj)
    args.extend(find_instruments(trigger_tok, sent))
    return args


#: Crowds that take a side in a clash without being actor nouns elsewhere ("activists",
#: "blockaders", "supporters of X", "two groups of villagers").
_SIDE_NOUNS = frozenset({"activist", "supporter", "blockader", "picketer", "villager",
                         "local", "faction", "group", "student", "worker", "cadre", "follower",
                         "youth", "member", "resident", "tribesman", "clan", "crowd", "mob"})


def fight_sides(trigger_tok: Token, is_noun: bool) -> list[Argument]:
    """The two sides of a fight: "a clash between police and activists", "blockaders clashed
    with police", "Police and BNP activists clashed": the first side is the agent, the
    other the target (PLOVER FIGHT has two armed sides; ACLED codes them as actor1 and
    actor2). Only phrases that may act (``is_actor``) count."""
    sides: list[Token] = []
    if is_noun:
        for child in trigger_tok.children:
            if child.dep_ == "prep" and child.lower_ in ("between", "among"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        sides.extend([pobj, *pobj.conjuncts])
            elif child.dep_ == "prep" and child.lower_ == "with":
                sides.extend(p for p in child.children if p.dep_ == "pobj")
    else:
        subj, _ = _subject(trigger_tok)
        if subj is not None:
            sides.extend([subj, *subj.conjuncts])
        for child in trigger_tok.children:
            if child.dep_ == "prep" and child.lower_ in ("with", "against"):
                sides.extend(p for p in child.children if p.dep_ == "pobj")
    found: list[Argument] = []
    for tok in sides:
        if tok.pos_ == "PRON" or not (is_actor(tok) or tok.lemma_.lower() in _SIDE_NOUNS):
            continue
        start, end = mention_bounds(tok)
        if start < end:
            found.append(Argument("agent" if not found else "target", tok, start, end))
    return found if len(found) >= 2 else []


def coordinated(tok: Token) -> list[Token]:
    """The other items of a list headed by ``tok``, also where the parser hung them on an
    apposition ("her daughter, Meredith Jessie, and her father")."""
    items = list(tok.conjuncts)
    for child in tok.children:
        if child.dep_ == "appos":
            if tok.pos_ == "PROPN" and child.pos_ == "PROPN" and child.i > tok.i and any(
                    c.dep_ in ("conj", "cc") for c in child.children):
                items.append(child)  # "Nicholas Prato, Kyle Zientek and Nicholas Piring"
            items.extend(c for c in child.conjuncts if c.i != tok.i)
    return items


def _of_phrase(tok: Token) -> list[Token]:
    """The people in a noun's "of" phrase, coordinated ones included."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return [pobj, *pobj.conjuncts]
    return []


def victim_name(tok: Token) -> Token | None:
    """The name a text gives a person it first describes: apposition ("a man, John Smith,
    24,"; "her daughter, Meredith Jessie") or "identified as"/"named" ("a man identified as
    John Smith")."""
    for child in tok.children:
        if child.dep_ == "appos" and (child.ent_type_ in PERSON_LABELS | {"ORG"}
                                      or looks_like_name(child)):
            return child
    for child in tok.children:
        if child.dep_ in ("acl", "relcl") and child.lemma_.lower() in ("identify", "name"):
            for grand in child.children:
                if grand.dep_ == "prep" and grand.lower_ == "as":
                    named = [g for g in grand.children if g.dep_ == "pobj"]
                    if named and named[0].pos_ == "PROPN":
                        return named[0]
                if grand.dep_ in ("oprd", "dobj") and grand.pos_ == "PROPN":
                    return grand
    return None


def _headline(sent: Span) -> bool:
    text = sent.text.rstrip()
    return bool(text) and text[-1] not in ".!?\"'”’:;,)"


def _harms(verb: Token) -> bool:
    """A verb that reports a casualty ("kill", "shoot", "wound"), not an attack in general
    ("a bomber blew himself up" keeps the bomber the doer)."""
    lemma = verb.lemma_.lower()
    lex = casualty_lexicon()
    return lex.slot_of.get(lemma) in ("killed", "injured") or lemma in lex.injured_unless_killed


def _perpetrator(tok: Token) -> bool:
    entry = actor_nouns().get(tok.lemma_.lower())
    return bool(entry and entry.get("perpetrator"))


def _headline_passive(verb: Token, subj: Token) -> bool:
    """Headlinese drops "was": in "Teen fatally shot in Bronx" the subject is the victim.
    Only for a harm verb with no object of its own, in a line that ends like a headline."""
    lemma = verb.lemma_.lower()
    return _harms(verb) and subj.dep_ == "nsubj" and subj.head.i == verb.i \
        and _headline(verb.sent) \
        and not any(c.dep_ in ("dobj", "ccomp", "xcomp", "prt") for c in verb.children) \
        and lemma not in ("die", "perish")


def _passive_of_clause(verb: Token) -> list[Token]:
    """A passive trigger with no subject of its own inside a clause about a casualty: "X
    died after being struck", "X was pronounced dead after being shot": X is the victim."""
    if not any(c.dep_ == "auxpass" for c in verb.children) or any(
            c.dep_ == "nsubjpass" for c in verb.children):
        return []
    node = verb
    for _ in range(2):
        if node.dep_ not in ("pcomp", "advcl", "pobj", "prep"):
            return []
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return [p for p in casualty_patients(node) if p.i != verb.i]
    return []


def _harmed_in(noun: Token) -> list[Token]:
    """"X died in a shooting", "X was wounded in the attack", "X was pronounced dead after
    the shooting": the people a casualty verb reports, for the event noun in its phrase."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in HARM_PREPS or prep.lower_ == "by":
        return []
    verb = prep.head
    if verb.pos_ not in ("VERB", "AUX", "ADJ"):
        return []
    return [p for p in casualty_patients(verb) if p.i != noun.i]


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
        related = {t.i for t in _of_phrase(arg.head) for t in t.subtree} \
            if arg.head.lemma_.lower() in RELATION_NOUNS else set()
        for i in range(arg.start, arg.end):
            if i in related:
                continue  # "the grandson of Rep. Danny Davis" is not Davis
            eid = token_entity.get(i)
            if eid and types.get(eid) in ("ORG", "PERSON"):
                return eid
    return None


#: Verbs that take a victim somewhere ("was rushed to a hospital") or give a wound
#: ("suffered a gunshot wound").
_CARE_VERBS = frozenset({"rush", "take", "transport", "airlift", "fly", "hospitalize",
                         "treat"})
_SUFFER_VERBS = frozenset({"suffer", "sustain", "receive"})
_IDENTIFY_VERBS = frozenset({"identify", "name"})


def _is_name(tok: Token) -> bool:
    """A person's name: a PERSON entity, or a first and last name NER left unlabelled or
    took for an organisation."""
    return tok.ent_type_ == "PERSON" or looks_like_name(tok)


def _name_bounds(tok: Token) -> tuple[int, int]:
    """Token range of a name: its head and the name words before it ("Ilanye Price")."""
    start = tok.i
    while start - 1 >= tok.sent.start and tok.doc[start - 1].dep_ == "compound" and \
            tok.doc[start - 1].head.i == tok.i and tok.doc[start - 1].pos_ == "PROPN":
        start -= 1
    return start, tok.i + 1


def _victim_noun(tok: Token) -> bool:
    """"the victim", "the girl", "the student who died": a person a report is about, not a
    suspect or gunman."""
    entry = actor_nouns().get(tok.lemma_.lower())
    if entry and entry.get("perpetrator"):
        return False
    return tok.lemma_.lower() == "victim" or is_person(tok)


def _names_in(tok: Token) -> list[Token]:
    """The names in a phrase: the head, its coordinated items and an apposed name."""
    found = [t for t in (tok, *coordinated(tok)) if _is_name(t)]
    name = victim_name(tok) if not _is_name(tok) else None
    return found + ([name] if name is not None else [])


def _as_phrase(verb: Token) -> list[Token]:
    """The object of "as" under an identifying verb, also where the parser hung it on a
    relative clause ("identified the student who died as Colin Brough")."""
    for tok in verb.subtree:
        if tok.dep_ == "pobj" and tok.head.lower_ == "as" and tok.pos_ == "PROPN":
            return [tok]
    return [c for c in verb.children if c.dep_ == "oprd" and c.pos_ == "PROPN"]


def stated_victims(sent: Span) -> list[Argument]:
    """The named people a sentence says were harmed or names as the victims, trigger or not:
    "Jonathan Kaufman was pronounced dead", "Nicholas Prato and Kyle Zientek are
    hospitalized", "The medical examiner identified the victim as Dalon Williams", "The
    victim, later identified as Jaterreon Thorne, ...", "The dead student is Colin Brough",
    "Winston Brown suffered a gunshot wound". For the event layer: the names of the victims
    of the incident an article reports, where no trigger word sits beside them."""
    people: list[Token] = []
    lex = casualty_lexicon()
    for tok in sent:
        lemma = tok.lemma_.lower()
        if lex.slot_of.get(lemma) in ("killed", "injured") or lemma in lex.injured_unless_killed \
                or any(c.dep_ == "oprd" and lex.slot_of.get(c.lemma_.lower()) == "killed"
                       for c in tok.children):
            if tok.pos_ in ("VERB", "ADJ", "AUX"):
                for patient in casualty_patients(tok):
                    people.extend(_names_in(resolve_relative(patient)))
            elif tok.pos_ == "NOUN" and lemma in OF_VICTIM_NOUNS:
                for patient in _of_phrase(tok):  # "the shooting death of Hayden Mayes"
                    people.extend(_names_in(patient))
        elif lemma == "victim" and tok.pos_ == "NOUN":
            name = victim_name(tok)  # "the victim, Erica Robinson, 26, ..."
            if name is not None:
                people.extend(t for t in (name, *coordinated(name)) if _is_name(t))
        elif lemma == "find" and any(c.lemma_.lower() in ("wound", "injury", "dead", "suffer")
                                     for c in tok.subtree if c.i > tok.i):
            # "found Merced suffering a gunshot wound", "found Hernandez with a wound"
            people.extend(p for c in tok.children if c.dep_ == "dobj" for p in _names_in(c))
        elif lemma in _CARE_VERBS and any(c.dep_ == "prep" and any(
                g.lemma_.lower() in ("hospital", "injury", "wound") for g in c.children)
                for c in tok.children):
            people.extend(p for c in tok.children if c.dep_ == "nsubjpass" for p in _names_in(c))
        elif lemma in _SUFFER_VERBS and any(
                c.dep_ == "dobj" and lex.slot_of.get(c.lemma_.lower()) == "injured"
                for c in tok.children):
            people.extend(p for c in tok.children if c.dep_ == "nsubj" for p in _names_in(c))
        elif lemma in _IDENTIFY_VERBS and tok.pos_ == "VERB":
            about = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
            if tok.dep_ in ("acl", "relcl"):
                about.append(tok.head)  # "the victim, later identified as X"
            if any(_victim_noun(a) for a in about):
                for name in _as_phrase(tok):
                    # "identified the victims as A, 28, B, 27, and C": every name after "as"
                    people.extend(t for t in sent if t.i >= name.i and _is_name(t)
                                  and t.dep_ != "compound")
        elif lemma == "be" and tok.pos_ == "AUX":
            subj = [c for c in tok.children if c.dep_ == "nsubj"]
            attr = [c for c in tok.children if c.dep_ == "attr" and _is_name(c)]
            if subj and attr and (subj[0].lemma_.lower() == "victim" or any(
                    c.dep_ == "amod" and lex.slot_of.get(c.lemma_.lower()) in ("killed", "injured")
                    for c in subj[0].children)):
                people.extend(t for t in (attr[0], *coordinated(attr[0])) if _is_name(t))
    out: list[Argument] = []
    seen: set[int] = set()
    for person in people:
        if person.i in seen or not person.sent == sent:
            continue
        seen.add(person.i)
        start, end = _name_bounds(person)
        if start < end:
            out.append(Argument("victim", person, start, end))
    return out
