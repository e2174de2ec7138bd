"""Casualty counts from a sentence's dependency parse.

"killing two Russian police officers" -> killed 2 (police); "at least five dead" -> killed 5;
"dozens wounded" -> injured 24 (a lower bound, see data/casualties.yaml). Counts are lower
bounds: "at least five" gives 5, "more than 10" gives 10.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from wirewatch.knowledge.actors import actor_nouns
from wirewatch.knowledge.lexicons import casualty_lexicon

_DIGITS = re.compile(r"^\d{1,3}(?:[,.]\d{3})*$|^\d+$")
#: Patient dependency labels per part of speech of the casualty word.
_PASSIVE = frozenset({"nsubjpass"})
_DIE = frozenset({"die", "perish"})


@dataclass(frozen=True)
class Casualty:
    slot: str
    count: int | None
    victim_kind: str | None
    start_char: int
    end_char: int


def casualty_slot(token: Token) -> str | None:
    """The casualty slot a word reports ("killed" for kill/dead/death), or None."""
    return casualty_lexicon().slot_of.get(token.lemma_.lower())


def parse_number(tokens: list[Token]) -> int | None:
    """Value of a number phrase: digits, number words ("twenty-five"), vague ("dozens")."""
    lex = casualty_lexicon()
    vague, words = lex.vague_numbers, lex.number_words
    text = " ".join(t.lower_ for t in tokens).replace("-", " ")
    if text in vague:
        return vague[text]
    total, current, seen = 0, 0, False
    for part in text.split():
        if _DIGITS.match(part):
            current += int(part.replace(",", "").replace(".", ""))
            seen = True
        elif part in ("hundred", "thousand"):
            current = max(current, 1) * words[part]
            if part == "thousand":
                total, current = total + current, 0
            seen = True
        elif part in words:
            current += words[part]
            seen = True
        elif part in vague and vague[part] is not None:
            current += vague[part]
            seen = True
    return total + current if seen else None


def _number_tokens(num: Token) -> list[Token]:
    """A number token with its contiguous number words ("twenty - three", "1,000")."""
    doc = num.doc
    lo = hi = num.i
    while lo - 1 >= num.sent.start and (doc[lo - 1].like_num or (
            doc[lo - 1].text == "-" and lo - 2 >= 0 and doc[lo - 2].like_num)):
        lo -= 1
    while hi + 1 < num.sent.end and (doc[hi + 1].like_num or (
            doc[hi + 1].text == "-" and hi + 2 < len(doc) and doc[hi + 2].like_num)):
        hi += 1
    return [t for t in doc[lo : hi + 1] if t.text != "-"]


def _count_of(noun: Token) -> tuple[int | None, Token | None]:
    """Number attached to a patient noun ("two officers", "dozens of people", "five")."""
    if noun.pos_ == "NUM" or noun.like_num:
        parts = _number_tokens(noun)
        return parse_number(parts), parts[0]
    for child in noun.children:
        if child.dep_ == "nummod" or (child.dep_ in ("det", "amod") and child.lower_ in
                                      ("no", "several", "dozens", "hundreds", "scores")):
            nums = [c for c in child.subtree if c.like_num or c.pos_ == "NUM"]
            parts = _number_tokens(nums[-1]) if nums else [child]
            value = parse_number(parts)
            child = parts[0]
            if child.lower_ == "no":
                value = 0
            return value, child
    vague = casualty_lexicon().vague_numbers
    if noun.lower_ in vague:  # "dozens (of people)"
        return vague[noun.lower_], noun
    return None, None


def _patients(word: Token) -> list[Token]:
    """The people a casualty word is about."""
    lemma = word.lemma_.lower()
    deps = {c.dep_: c for c in word.children}
    if word.pos_ in ("VERB", "AUX"):
        if "nsubjpass" in deps:
            return [deps["nsubjpass"]]
        if lemma in _DIE and "nsubj" in deps:
            return [deps["nsubj"]]
        if "dobj" in deps:
            return [deps["dobj"]]
        if word.dep_ in ("acl", "relcl") and word.tag_ == "VBN":  # "five people killed"
            return [word.head]
        if word.dep_ == "amod":
            return [word.head]
        return []
    if word.pos_ == "ADJ":
        if word.dep_ == "amod":
            return [word.head]
        subj = [c for c in word.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if word.dep_ in ("acomp", "attr", "oprd") and subj:
            return subj
        nums = [c for c in word.children if c.dep_ in ("npadvmod", "nummod", "nsubj")]
        return nums
    # nouns: "12 deaths", "the death toll rose to 12"
    if lemma == "toll":
        return [t for t in word.head.subtree if t.like_num and t.i > word.i][:1]
    return [word]


def _near_number(word: Token) -> Token | None:
    """Fallback: a number just before the word ("at least five dead", "12 wounded")."""
    doc = word.doc
    start = max(word.sent.start, word.i - 4)
    for i in range(word.i - 1, start - 1, -1):
        tok = doc[i]
        if tok.like_num or tok.lower_ in casualty_lexicon().vague_numbers:
            return tok
        if tok.pos_ in ("VERB", "ADP") and tok.lower_ not in ("least", "about", "around"):
            break
    return None


def find_casualties(sent: Span) -> list[Casualty]:
    """Every casualty report in a sentence, in order."""
    found: list[Casualty] = []
    nouns = actor_nouns()
    for word in sent:
        slot = casualty_slot(word)
        if slot is None:
            continue
        if word.lemma_.lower() == "casualty":  # "no casualties": killed 0 and injured 0
            det = [c for c in word.children if c.lower_ == "no"]
            if det:
                for s in ("killed", "injured"):
                    found.append(Casualty(s, 0, None, det[0].idx, word.idx + len(word)))
                continue
        value: int | None = None
        anchor: Token | None = None
        kind: str | None = None
        for patient in _patients(word):
            value, anchor = _count_of(patient)
            head = patient if not patient.like_num else patient.head
            entry = nouns.get(head.lemma_.lower())
            if entry:
                kind = entry["kind"]
            if value is not None:
                break
        if value is None and word.pos_ in ("ADJ", "VERB", "NOUN"):
            anchor = _near_number(word)
            if anchor is not None:
                value = parse_number([anchor]) if not anchor.like_num else _count_of(anchor)[0]
        if value is None:
            continue
        lo = min(anchor.i if anchor is not None else word.i, word.i)
        hi = max(anchor.i if anchor is not None else word.i, word.i)
        for pat in _patients(word):
            hi = max(hi, pat.i)
        found.append(Casualty(slot, value, kind, sent.doc[lo].idx,
                              sent.doc[hi].idx + len(sent.doc[hi])))
    return found
