"""A same-length copy of the text for the statistical models.

Offsets in every output index the caller's text exactly, so normalisation may only swap
characters one for one: exotic spaces become plain spaces (spaCy splits "UK\\u00a0Independent"
badly), and ALL-CAPS or all-lower-case text is re-cased so the tagger and NER see names.
"""

from __future__ import annotations

import calendar
import re
from functools import cache

import pycountry
from spacy.lang.en.stop_words import STOP_WORDS

from wirewatch.nlp.casing import is_uncased
from wirewatch.resolve.actors import actor_dictionary, demonyms

_SPACES = str.maketrans({c: " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004"
                                         "\u2005\u2006\u2008\u205f\u3000"})
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*|--\s*|[\"“(]\s*)([^\W\d_])", re.UNICODE)


@cache
def _proper_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words to capitalise, acronyms to upper-case) in uncased text."""
    words: set[str] = set()
    acronyms: set[str] = set()
    names: list[str] = []
    for actor in actor_dictionary().values():
        names.extend(actor.names)
        acronyms.update(a.lower() for a in actor.acronyms if a.isupper() and len(a) > 2)
    names.extend(demonyms())
    names.extend(calendar.month_name[1:] + calendar.month_abbr[1:] + list(calendar.day_name))
    for country in pycountry.countries:
        names.append(getattr(country, "common_name", None) or country.name)
    for sub in pycountry.subdivisions:
        names.append(sub.name)
    try:  # the gazetteer's larger places, when it has been built
        from wirewatch.resolve.gazetteer import proper_place_words

        names.extend(proper_place_words())
    except Exception:  # noqa: BLE001 - recasing works without the gazetteer
        pass
    for name in names:
        for word in _WORD.findall(name):
            if word[:1].isupper() and word.lower() not in STOP_WORDS and len(word) > 1:
                words.add(word.lower())
    return frozenset(words), frozenset(acronyms)


def _lower_same_length(text: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def recase(text: str) -> str:
    """Best-effort true-casing of uncased text, keeping its length."""
    words, acronyms = _proper_words()
    chars = list(_lower_same_length(text))
    for match in _WORD.finditer(text):
        low = match.group(0).lower()
        if low in acronyms:
            for i in range(match.start(), match.end()):
                up = chars[i].upper()
                chars[i] = up if len(up) == 1 else chars[i]
        elif low in words:
            up = chars[match.start()].upper()
            if len(up) == 1:
                chars[match.start()] = up
    for match in _SENTENCE_START.finditer(text):
        i = match.start(1)
        up = chars[i].upper()
        if len(up) == 1:
            chars[i] = up
    return "".join(chars)


def normalize_for_nlp(text: str) -> str:
    """Same-length text for the models: plain spaces, and re-cased when uncased."""
    out = text.translate(_SPACES)
    if is_uncased(out):
        out = recase(out)
    return out
