"""How many people a noun phrase names, as a casualty coder counts them.

"two officers" = 2; "a man" = 1 and "the victim" = 1 (a singular person noun, a name or
he/she); "eight women, a 10-year-old girl and four men" = 13 (a list sums); "no one",
"nobody", "none of them" = 0; "dozens of people" = 24 (a lower bound); "between 10 and 15
people" = 10 (a range gives its low end); "people" or "they" = unknown (None). Ages are not
counts: "John Smith, 24" and "an 8-year-old" are one person each.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from wirewatch.contract.limits import count_value
from wirewatch.knowledge.actors import actor_nouns
from wirewatch.knowledge.lexicons import casualty_lexicon

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
_AGE_UNITS = frozenset({"year", "years", "month", "months", "week", "weeks", "day", "days",
                        "yr", "yrs", "y.o", "y.o.", "yo", "y/o"})
_ONE_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "himself", "herself", "i", "me"})
_RELATIVE = frozenset({"who", "that", "whom", "which"})
_RANGE_WORDS = frozenset({"to", "-", "–", "or", "and"})
_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                   "ninety"})
#: Entity labels whose numbers are never head counts ("2 p.m.", "$5", "50%").
_NOT_COUNTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})


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
            current += count_value(part.replace(",", ""))  # bounded: hostile text
            seen = True
        elif part in ("hundred", "thousand", "million"):
            current = max(current, 1) * (words.get(part) or 1_000_000)
            if part != "hundred":
                total, current = total + current, 0
            seen = True
        elif part in words:
            current += words[part]
            seen = True
        elif part in vague and vague[part] is not None:
            current += vague[part]
            seen = True
    return total + current if seen else None


def is_age(num: Token) -> bool:
    """"24" in "John Smith, 24," or "8" in "an 8-year-old": an age, not a head count."""
    doc = num.doc
    following = [t for t in doc[num.i + 1 : num.i + 4] if t.text not in ("-", "–")]
    if following and following[0].lower_ in _AGE_UNITS:
        return True
    if num.head.i < num.i and num.i > 0 and doc[num.i - 1].text == "," and (
            num.head.pos_ == "PROPN" or num.head.ent_type_ == "PERSON"):
        return True  # "John Smith, 24,"
    return num.dep_ == "appos" and num.head.pos_ in ("PROPN", "NOUN")


def _joins_compound(left: Token, right: Token) -> bool:
    """"twenty - five" is one number; "10 - 15" is a range."""
    return left.lower_ in _TENS and right.lower_ in casualty_lexicon().number_words \
        and casualty_lexicon().number_words[right.lower_] < 10


def number_value(num: Token) -> tuple[int | None, Token]:
    """Value of the number phrase around ``num`` and its first token; a range ("10-15", "two
    to three", "between 10 and 15") gives its low end."""
    doc, sent = num.doc, num.sent
    lo = hi = num.i
    while lo - 1 >= sent.start and doc[lo - 1].like_num:
        lo -= 1
    while hi + 1 < sent.end and doc[hi + 1].like_num:
        hi += 1
    # hyphenated number words ("twenty-five") join; other hyphens and "to" make ranges
    while lo - 2 >= sent.start and doc[lo - 1].text in ("-", "–") and doc[lo - 2].like_num \
            and _joins_compound(doc[lo - 2], doc[lo]):
        lo -= 2
    while hi + 2 < sent.end and doc[hi + 1].text in ("-", "–") and doc[hi + 2].like_num \
            and _joins_compound(doc[hi], doc[hi + 2]):
        hi += 2
    parts = [t for t in doc[lo : hi + 1] if t.text not in ("-", "–")]
    value = parse_number(parts)
    first = parts[0]
    # a range: "10-15", "two to three", "between 10 and 15" -> the low end
    if lo - 2 >= sent.start and doc[lo - 1].lower_ in _RANGE_WORDS and doc[lo - 2].like_num \
            and not is_age(doc[lo - 2]):
        low = parse_number([doc[lo - 2]])
        if low is not None and value is not None and low < value:
            value, first = low, doc[lo - 2]
    return value, first


def _count_token(tok: Token) -> bool:
    return (tok.like_num or tok.pos_ == "NUM") and tok.ent_type_ not in _NOT_COUNTS \
        and not is_age(tok)


def resolve(tok: Token) -> Token:
    """The noun a relative pronoun stands for ("a man who was shot" -> man)."""
    if tok.lower_ in _RELATIVE and tok.head.dep_ == "relcl":
        return tok.head.head
    return tok


def is_person(tok: Token) -> bool:
    """Does this head noun name people (so a singular one is one person)?"""
    lex = casualty_lexicon()
    lemma = tok.lemma_.lower()
    if lemma in lex.collective_nouns:
        return False
    if tok.ent_type_ == "PERSON" or tok.lower_ in _ONE_PERSON_PRONOUNS:
        return True
    if looks_like_name(tok):
        return True
    if lemma in lex.person_nouns:
        return True
    entry = actor_nouns().get(lemma)
    if entry and tok.tag_ in ("NN", "NNS"):
        return True
    # "an 8-year-old", "the 2-year-old": the age names the person
    return lemma == "old" and any(c.lower_ in _AGE_UNITS for c in tok.children)


def looks_like_name(tok: Token) -> bool:
    """"Hayden Mayes" that NER calls an organisation: a title-case proper noun after a
    title-case first name, neither a place nor a group."""
    if tok.pos_ != "PROPN" or tok.ent_type_ not in ("", "ORG") or not tok.text.istitle() \
            or not tok.text.replace("-", "").replace("'", "").isalpha() \
            or tok.lower_ in casualty_lexicon().not_surnames:
        return False  # "Oxford Street", "Taub[899"
    first = [c for c in tok.children if c.dep_ == "compound" and c.i == tok.i - 1]
    return bool(first) and first[0].pos_ == "PROPN" and first[0].text.istitle() and len(
        first[0]) > 1 and not any(c.dep_ == "compound" for c in first[0].children) and (
        first[0].lower_ not in actor_nouns())


def _is_singular(tok: Token) -> bool:
    if tok.lower_ in _ONE_PERSON_PRONOUNS:
        return True
    if tok.tag_ in ("NNS", "NNPS") or tok.lower_ in ("they", "them", "we", "us", "themselves"):
        return False
    return tok.tag_ in ("NN", "NNP", "JJ", "PRP") or tok.pos_ == "PROPN"


def _own_count(tok: Token) -> tuple[int | None, Token | None]:
    """The count one conjunct states, without its conjuncts."""
    lex = casualty_lexicon()
    vague = lex.vague_numbers
    if tok.lower_ in lex.zero_words or (tok.lower_ == "one" and any(
            c.lower_ == "no" for c in tok.children)):
        return 0, tok
    if _count_token(tok):
        return number_value(tok)
    for child in tok.children:
        if child.dep_ == "det" and child.lower_ == "no":
            return 0, child
        if child.i < tok.i and child.dep_ == "nummod" and (child.like_num or child.pos_ == "NUM") \
                and not is_age(child):  # NER takes "between 10 and 15 people" for a date
            return number_value(child)
        if child.i < tok.i and child.dep_ in ("det", "amod", "quantmod", "predet") and (
                child.lower_ in vague and vague[child.lower_] is not None):
            return vague[child.lower_], child
        if child.dep_ in ("det", "predet") and child.lower_ == "both":
            return 2, child
    if tok.lower_ in vague and vague[tok.lower_] is not None:  # "dozens (of people)"
        return vague[tok.lower_], tok
    if tok.lower_ in ("both",):
        return 2, tok
    if is_person(tok) and _is_singular(tok) and tok.lower_ not in ("anyone", "anybody"):
        return 1, tok
    return None, None


def _list_items(tok: Token) -> list[Token]:
    """The other items of a list headed by ``tok``: its conjuncts, and appositions that
    continue the list ("eight women, a girl and four men" parses the girl as apposition)."""
    items = [c for c in tok.conjuncts if c.i > tok.i]
    for child in tok.children:
        if child.dep_ == "appos" and any(c.dep_ == "conj" for c in child.children):
            # a name restating the head ("her daughter, Meredith Jessie, and her father") is
            # no item of its own, but what is coordinated with it is
            named = child.pos_ == "PROPN" and tok.pos_ != "PROPN"
            items.extend([*([] if named else [child]), *child.conjuncts])
    seen: set[int] = set()
    return [t for t in items if not (t.i in seen or seen.add(t.i))]


def headcount(tok: Token) -> tuple[int | None, Token | None]:
    """(people named, first token of the count) for a patient noun; (None, None) when the
    phrase does not say how many ("people", "they", "the family")."""
    tok = resolve(tok)
    value, anchor = _own_count(tok)
    items = [t for t in _list_items(tok) if is_person(t) or _count_token(t)]
    if not items:
        return value, anchor
    others = [_own_count(t)[0] for t in items]
    if value is None or any(v is None for v in others):
        return None, None  # "a man and his children": how many is not said
    if any(t.dep_ == "appos" for t in items) and all(
            t.dep_ == "appos" or t.head.dep_ == "appos" for t in items) and sum(others) == value:
        return value, anchor  # "two people, a man and a woman": a restatement, not more
    return value + sum(others), anchor
