"""Casualty counts from a sentence's dependency parse, as an ACLED or GVA coder reads them.

"killing two Russian police officers" -> killed 2 (police); "at least five dead" -> killed 5;
"dozens wounded" -> injured 24 (a lower bound, see data/casualties.yaml); "killed a civilian"
and "the victim died" -> killed 1; "eight women, a girl and four men injured" -> injured 13;
"no one was hurt" -> injured 0. "Shot" (and "stabbed") is injured unless the sentence says the
victim died ("shot dead", "fatally shot", "shot and killed", "died after being shot"), and a
victim counted dead is not also counted injured. Warrants and charges are not arrests
("27 arrest warrants" arrests nobody). Counts are lower bounds: "at least five" gives 5, "more
than 10" gives 10, "10 to 15" gives 10. How many people a phrase names is
:mod:`wirewatch.extract.headcount`'s job.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from wirewatch.extract.headcount import (
    headcount,
    is_age,
    is_person,
    number_value,
    parse_number,
    resolve,
)
from wirewatch.knowledge.actors import actor_nouns
from wirewatch.knowledge.lexicons import casualty_lexicon

__all__ = ["Casualty", "casualty_patients", "casualty_slot", "find_casualties", "parse_number"]

#: Verbs whose subject is the one who died.
_DIE = frozenset({"die", "perish", "succumb"})
#: Nouns of which one, singular, is one death.
_DEATH_NOUNS = frozenset({"death", "killing", "murder", "slaying", "assassination"})
#: Verbs that find a victim in a state ("found shot dead", "left wounded").
_FIND = frozenset({"find", "discover", "leave"})
#: Entity labels whose numbers are never head counts.
_NOT_COUNTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})
_REFLEXIVE = frozenset({"himself", "herself", "themselves", "self", "myself"})


@dataclass(frozen=True)
class Casualty:
    """One casualty report: its slot, the count (a lower bound), the victims' kind, and the
    characters of the phrase that states it."""

    slot: str
    count: int | None
    victim_kind: str | None
    start_char: int
    end_char: int


def casualty_slot(token: Token) -> str | None:
    """The casualty slot a word reports ("killed" for kill/dead/death), or None."""
    lex = casualty_lexicon()
    lemma = token.lemma_.lower()
    slot = lex.slot_of.get(lemma)
    if slot is None and token.lower_ in ("dies", "died"):
        slot = "killed"  # the tagger takes headlinese "dies" for a noun (lemma "dy")
    if slot is None and lemma in lex.injured_unless_killed and token.pos_ in ("VERB", "NOUN"):
        slot = "injured"
    if slot is None and _suicide(token):
        slot = "killed"
    if slot is None and lemma == "send" and _to_hospital(token):
        slot = "injured"  # "a shooting that sent four men to the hospital"
    return slot


def _suicide(token: Token) -> bool:
    """The doer's own death: "committed suicide", "took his own life", "turned the gun on
    himself", "killed herself"."""
    lemma = token.lemma_.lower()
    kids = list(token.children)
    if lemma == "suicide" and token.dep_ == "dobj" and token.head.lemma_.lower() == "commit":
        return True
    if lemma == "take" and any(c.dep_ == "dobj" and c.lower_ == "life" and any(
            g.lower_ == "own" for g in c.children) for c in kids):
        return True
    if lemma == "turn" and any(c.dep_ == "dobj" and c.lemma_.lower() in ("gun", "weapon")
                               for c in kids):
        return any(c.dep_ == "prep" and c.lower_ == "on" and any(
            g.lower_ in _REFLEXIVE for g in c.children) for c in kids)
    return False


def _to_hospital(token: Token) -> bool:
    return any(c.dep_ == "prep" and c.lower_ == "to" and any(
        g.lemma_.lower() == "hospital" for g in c.children) for c in token.children)


def _legal(word: Token) -> bool:
    """"arrest warrants", "a warrant for his arrest", "the death penalty": no casualty."""
    heads = casualty_lexicon().not_casualty_heads
    if word.dep_ == "compound":
        return True
    if word.dep_ == "pobj" and word.head.head.lemma_.lower() in heads:
        return True
    return word.pos_ == "NOUN" and word.head.lemma_.lower() in heads and word.dep_ in (
        "nmod", "amod")


def _cause_of_death(word: Token) -> bool:
    """"died of his wounds", "succumbed to her injuries": the injury is the death's cause,
    not a second casualty."""
    prep = word.head
    return word.dep_ == "pobj" and prep.lower_ in ("of", "from", "to", "after", "due") and (
        casualty_lexicon().slot_of.get(prep.head.lemma_.lower()) == "killed")


def _verb_patients(word: Token, seen: frozenset[int] = frozenset()) -> list[Token]:
    """The people a casualty verb is about: its passive subject ("a man was shot"), the
    subject of "die", its object, the noun a participle modifies ("five people killed"),
    or those of the verb it is coordinated with ("was shot and killed")."""
    lemma = word.lemma_.lower()
    deps = {c.dep_: c for c in word.children}
    if "nsubjpass" in deps:
        return [deps["nsubjpass"]]
    if (lemma in _DIE or lemma == "lose") and "nsubj" in deps:
        return [deps["nsubj"]]  # "X died", "X lost their lives"
    if "dobj" in deps:
        # "shot a boy and then himself": the verb's own noun conjuncts are more objects
        more = [c for c in word.children if c.dep_ == "conj" and c.pos_ in ("PRON", "NOUN",
                                                                            "PROPN")]
        return [deps["dobj"], *more]
    if "nsubj" in deps and lemma not in _DIE and _headline(word.sent) and not any(
            c.dep_ in ("dobj", "ccomp", "xcomp", "prt") for c in word.children):
        return [deps["nsubj"]]  # headlinese drops "was": "Teen fatally shot in Bronx"
    if word.dep_ in ("acl", "relcl") and word.tag_ == "VBN":  # "five people killed"
        return [word.head]
    if word.dep_ == "amod":
        return [word.head]
    if word.i in seen:
        return []
    seen = seen | {word.i}
    head = word.head
    if word.dep_ == "conj" and head.pos_ in ("VERB", "AUX", "ADJ") and "nsubj" not in deps:
        # "was shot and killed", "was shot and later died", "collapsed and died": the head
        # verb's patient; never the doer of an active head ("X shot Y and fled")
        if lemma in _DIE and not any(c.dep_ == "nsubjpass" for c in head.children):
            return [c for c in head.children if c.dep_ == "nsubj"][:1]
        return _patients(head, seen)
    if word.dep_ in ("xcomp", "oprd") and head.pos_ == "VERB" and not word.tag_ == "VBG":
        # "were found shot dead", "was found stabbed", "the girl found shot dead": the
        # finding verb's patient
        found = [c for c in head.children if c.dep_ in ("nsubjpass", "dobj")]
        if not found and head.lemma_.lower() in _FIND:
            found = [c for c in head.children if c.dep_ == "nsubj"]
        return found[:1]
    # "shot and killed his two sons": the object of the coordinated verb
    for conj in word.conjuncts:
        if conj.i > word.i and conj.pos_ == "VERB":
            objs = [c for c in conj.children if c.dep_ == "dobj"]
            if objs and not any(c.dep_ == "nsubj" for c in conj.children):
                return objs[:1]
    return []


def _adj_patients(word: Token, seen: frozenset[int]) -> list[Token]:
    """"five dead"; "were found dead"; "left five dead"; "shot dead"."""
    if word.dep_ == "amod":
        return [word.head]
    head = word.head
    if word.dep_ in ("acomp", "attr", "oprd", "xcomp", "ccomp", "conj", "advcl") and \
            head is not word:
        subj = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
        obj = [c for c in head.children if c.dep_ == "dobj"]
        if obj and word.dep_ in ("oprd", "xcomp", "advcl"):
            return obj[:1]  # "found him dead", "left five dead": the object is the patient
        if subj:
            return subj[:1]
        if obj:
            return obj[:1]
        if head.i not in seen and (word.dep_ == "conj" or head.pos_ == "VERB"):
            return _patients(head, seen | {word.i})  # "were found shot dead"
    return [c for c in word.children if c.dep_ in ("npadvmod", "nummod", "nsubj")]


def _headline(sent: Span) -> bool:
    """A title or headline: no closing punctuation ("Teen shot in Bronx apartment")."""
    text = sent.text.rstrip()
    return bool(text) and text[-1] not in ".!?\"'”’:;,)"


def _noun_patients(word: Token) -> list[Token]:
    """"12 deaths"; "the death of two men"; "his death"; "the death toll rose to 12";
    "the shooting of a teen" (a harm noun needs its "of")."""
    if word.lower_ in ("dies", "died"):  # headlinese the tagger took for a noun:
        return [c for c in word.children  # "17-year-old dies in shooting"
                if c.dep_ in ("amod", "compound", "nmod", "nsubj") and is_person(c)][:1]
    if casualty_lexicon().slot_of.get(word.lemma_.lower()) is None:
        for child in word.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                return [c for c in child.children if c.dep_ == "pobj"][:1]
        return []
    if word.lemma_.lower() == "toll":
        return [t for t in word.head.subtree if t.like_num and t.i > word.i][:1]
    for child in word.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = [c for c in child.children if c.dep_ == "pobj"]
            if pobj:
                return pobj[:1]
        if child.dep_ == "poss":
            return [child]
    return [word]


def _one_death(word: Token) -> bool:
    """A singular death noun names one death ("the killing", "a fatal shooting", "his
    death"), unless attempted ("attempted murder") or a bare legal charge."""
    if word.pos_ != "NOUN" or word.tag_ != "NN" or any(
            c.dep_ in ("nummod", "quantmod") or c.lower_ in ("attempted", "no", "any")
            for c in word.children):
        return False
    return casualty_lexicon().slot_of.get(word.lemma_.lower()) == "killed" and \
        word.lemma_.lower() in _DEATH_NOUNS or (
            word.lemma_.lower() in casualty_lexicon().injured_unless_killed and _fatal(word))


def _patients(word: Token, seen: frozenset[int] = frozenset()) -> list[Token]:
    """The people a casualty word is about."""
    if word.pos_ in ("VERB", "AUX"):
        return [resolve(p) for p in _verb_patients(word, seen)]
    if word.pos_ == "ADJ":
        return [resolve(p) for p in _adj_patients(word, seen)]
    return _noun_patients(word)


def casualty_patients(word: Token) -> list[Token]:
    """The people a casualty word ("died", "was killed", "pronounced dead") is about; for
    the argument rules ("X died in a shooting": X is the shooting's victim)."""
    if casualty_slot(word) is None:
        states = [c for c in word.children if c.dep_ in ("oprd", "acomp", "xcomp")
                  and casualty_lexicon().slot_of.get(c.lemma_.lower()) == "killed"]
        return _patients(states[0]) if states else []  # "was pronounced dead"
    return _patients(word)


def _near_number(word: Token) -> Token | None:
    """Fallback: a number just before the word ("at least five dead", "12 wounded")."""
    doc = word.doc
    start = max(word.sent.start, word.i - 4)
    vague = casualty_lexicon().vague_numbers
    for i in range(word.i - 1, start - 1, -1):
        tok = doc[i]
        if tok.like_num and (tok.ent_type_ in _NOT_COUNTS or is_age(tok)):
            return None
        if tok.like_num or tok.lower_ in vague:
            return tok
        if tok.pos_ in ("VERB", "ADP") and tok.lower_ not in ("least", "about", "around"):
            break
    return None


def _fatal(word: Token) -> bool:
    """"fatally shot", "shot dead", "stabbed to death", "mortally wounded"."""
    fatal = casualty_lexicon().fatal_modifiers
    for child in word.children:
        if child.dep_ == "advmod" and child.lower_ in fatal:
            return True
        if child.dep_ == "amod" and child.lower_ in casualty_lexicon().fatal_adjectives:
            return True  # "the fatal shooting of a toddler"
        if child.dep_ in ("oprd", "acomp", "xcomp", "advmod", "advcl") and \
                child.lower_ == "dead":
            return True
        if child.dep_ == "prep" and child.lower_ == "to" and any(
                c.dep_ == "pobj" and c.lemma_.lower() == "death" for c in child.children):
            return True
    return False


def _negated(word: Token) -> bool:
    return any(c.dep_ == "neg" for c in word.children)


@dataclass
class _Report:
    word: Token
    slot: str
    patients: list[Token]
    value: int | None
    anchor: Token | None
    shot: bool  # a harm word that says nothing of death (counted injured unless killed)
    fatal_part: int | None = None  # "..., two fatally": of ``value``, how many died
    suicide: bool = False  # the doer's own death ("then killed himself")


def _not_violent_death(word: Token) -> bool:
    """"lost a contract", "losing both hands" (only "lost their lives" is a death), and
    "died of heart failure" (a death from a cause that is no violence)."""
    lemma = word.lemma_.lower()
    if lemma == "lose":  # "lost their lives", "dozens of lives were lost"
        return not any(c.dep_ in ("dobj", "nsubjpass") and any(
            t.lemma_.lower() in ("life", "lives") for t in c.subtree) for c in word.children)
    if lemma in _DIE:
        causes = [g for c in word.children if c.dep_ == "prep" and c.lower_ in ("of", "from")
                  for g in c.children if g.dep_ == "pobj"]
        return bool(causes) and not any(
            t.lemma_.lower() in casualty_lexicon().violent_causes for g in causes
            for t in g.subtree)
    return False


def _report(word: Token, slot: str) -> _Report | None:
    """What one casualty word reports: its slot (a harm word may turn out a death), the
    people it is about and how many, or None when it reports no casualty."""
    lex = casualty_lexicon()
    lemma = word.lemma_.lower()
    if _legal(word) or (word.pos_ in ("NOUN", "PROPN") and _cause_of_death(word)) \
            or _not_violent_death(word):
        return None
    shot = lemma in lex.injured_unless_killed
    if slot == "injured" and (_fatal(word) or (lemma == "gun" and any(
            c.dep_ == "prt" and c.lower_ == "down" for c in word.children))):
        slot, shot = "killed", False
    if lemma == "casualty" and any(c.lower_ == "no" for c in word.children):
        return _Report(word, "casualty", [], 0, word, False)  # "no casualties": none of either
    if slot == "killed" and _suicide(word):
        return _Report(word, slot, [], 1, word, False, suicide=True)
    if shot and _murder_suicide(word.sent):
        slot, shot = "killed", False  # "shot his wife and then himself in a murder-suicide"
    shot = shot or lemma == "send"
    patients = _patients(word)
    value: int | None = None
    anchor: Token | None = None
    counts = [headcount(p) for p in patients]
    if counts and counts[0][0] is not None:
        # "shot a boy and then himself": the objects add up
        value, anchor = sum(v for v, _ in counts if v is not None), counts[0][1]
    else:
        value, anchor = next(((v, a) for v, a in counts if v is not None), (None, None))
    if value is None and _one_death(word):
        value, anchor = 1, word  # "the killing", "a fatal shooting"
    if value is None and word.pos_ in ("ADJ", "VERB", "NOUN") and not shot:
        anchor = _near_number(word)
        if anchor is not None:
            value = number_value(anchor)[0] if anchor.like_num else parse_number([anchor])
    if value is None and _negated(word):
        value, anchor = 0, word  # "was not injured"
    if value is None:
        return None
    suicide = slot == "killed" and bool(patients) and all(
        p.lower_ in _REFLEXIVE for p in patients) and not resolve(patients[0]).conjuncts
    return _Report(word, slot, patients, value, anchor, shot, _fatal_part(word), suicide)


def _murder_suicide(sent: Span) -> bool:
    """"murder-suicide", "murder/suicide": everyone shot in the sentence died."""
    words = [t.lower_ for t in sent]
    return any(w == "murder" and words[i + 1 : i + 2] in (["-"], ["/"]) and
               words[i + 2 : i + 3] == ["suicide"] or w in ("murder-suicide", "murder/suicide")
               for i, w in enumerate(words))


def _fatal_part(word: Token) -> int | None:
    """"Three children were shot, two fatally": how many of the harmed died."""
    fatal = casualty_lexicon().fatal_modifiers
    for tok in word.subtree:  # the parser may hang "two fatally" on any phrase of the clause
        if tok.i > word.i and (tok.like_num or tok.pos_ == "NUM") and any(
                c.dep_ == "advmod" and c.lower_ in fatal for c in tok.children):
            return number_value(tok)[0]
    return None


def _sentence_casualties(sent: Span) -> list[tuple[Casualty, bool, bool]]:
    """The sentence's casualty reports, each with whether it only says "shot" (a victim
    whose fate the sentence leaves open) and whether its victims are part of a group named
    before ("one of them")."""
    reports: list[_Report] = []
    for word in sent:
        slot = casualty_slot(word)
        report = _report(word, slot) if slot is not None else None
        if report is not None:
            reports.append(report)
    dead = {p.i for r in reports if r.slot == "killed" for p in r.patients}
    others = [r.value for r in reports if r.slot == "killed" and not r.suicide and r.value
              and r.word.pos_ == "VERB" and r.patients]  # victims of a doer, not "a death"
    if others and any(r.suicide for r in reports):
        # "killed his wife and then himself": the victims and the doer
        last = max((r for r in reports if r.suicide), key=lambda r: r.word.i)
        reports.append(_Report(last.word, "killed", [], max(others) + 1, last.word, False))
    found: list[tuple[Casualty, bool, bool]] = []
    nouns = actor_nouns()
    doc = sent.doc
    for rep in reports:
        if rep.slot == "injured" and any(p.i in dead for p in rep.patients):
            continue  # "was shot and killed", "who was shot ... died": dead, not injured
        kind = None
        for patient in rep.patients:
            head = patient if not patient.like_num else patient.head
            entry = nouns.get(head.lemma_.lower())
            if entry:
                kind = entry["kind"]
                break
        anchor = rep.anchor if rep.anchor is not None else rep.word
        lo = min(anchor.i, rep.word.i)
        hi = max(anchor.i, rep.word.i, *(p.i for p in rep.patients if p.sent == sent))
        start, end = doc[lo].idx, doc[hi].idx + len(doc[hi])
        if rep.slot == "casualty":  # "no casualties": none of either
            found.extend((Casualty(s, 0, kind, start, end), False, False)
                         for s in ("killed", "injured"))
        elif rep.fatal_part is not None and rep.value is not None and rep.slot == "injured" \
                and rep.fatal_part <= rep.value:
            found.append((Casualty("killed", rep.fatal_part, kind, start, end), False, False))
            found.append((Casualty("injured", rep.value - rep.fatal_part, kind, start, end),
                          False, False))
        else:
            found.append((Casualty(rep.slot, rep.value, kind, start, end),
                          rep.shot and rep.slot == "injured",
                          any(_partitive(p) for p in rep.patients)))
    return found


#: Per document, the most deaths each sentence reports, by sentence start.
_DEATHS: weakref.WeakKeyDictionary[Doc, dict[int, int]] = weakref.WeakKeyDictionary()


def _deaths_by_sentence(doc: Doc) -> dict[int, int]:
    """The most deaths each sentence reports, computed once per document."""
    if doc not in _DEATHS:
        _DEATHS[doc] = {sent.start: max((c.count for c, _, _ in _sentence_casualties(sent)
                                         if c.slot == "killed" and c.count), default=0)
                        for sent in doc.sents}
    return _DEATHS[doc]


def _partitive(tok: Token) -> bool:
    """"one of them", "two of the victims", or a bare number: part of a group already named."""
    return (tok.like_num or tok.pos_ == "NUM") and (tok.dep_ in ("nsubj", "nsubjpass") or any(
        c.dep_ == "prep" and c.lower_ == "of" for c in tok.children))


def find_casualties(sent: Span) -> list[Casualty]:
    """Every casualty report in a sentence, in order.

    A victim only said to be "shot" is injured unless the article says they died: "A man was
    shot on Friday. He died in hospital." reports one death and no injury; "Four people were
    shot; one of them died" one death and three injured. So a "shot" count is reduced by the
    most deaths another sentence of the document reports (or, in its own sentence, deaths
    of part of its group), and dropped when none is left. "A man was shot and a woman was
    killed" keeps both: different people in one sentence.
    """
    reports = _sentence_casualties(sent)
    if not any(shot and cas.count for cas, shot, _ in reports):
        return [cas for cas, _, _ in reports]
    by_sentence = _deaths_by_sentence(sent.doc)
    deaths = max((n for start, n in by_sentence.items() if start != sent.start), default=0)
    deaths = max([deaths, *(c.count or 0 for c, _, part in reports
                             if c.slot == "killed" and part)])
    found: list[Casualty] = []
    for cas, shot, _ in reports:
        if shot and cas.count and deaths:
            if cas.count <= deaths:
                continue
            cas = Casualty(cas.slot, cas.count - deaths, cas.victim_kind, cas.start_char,
                           cas.end_char)
        found.append(cas)
    return found
