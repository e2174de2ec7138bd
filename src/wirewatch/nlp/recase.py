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

from wirewatch.knowledge.actors import actor_dictionary, actor_nouns, demonyms
from wirewatch.knowledge.gazetteer import Gazetteer
from wirewatch.knowledge.lexicons import casing_words, trigger_lexicon, weapon_lemmas
from wirewatch.nlp.casing import is_uncased

_SPACES = str.maketrans({c: " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004"
                                         "\u2005\u2006\u2008\u205f\u3000"})
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]|\.(?=\w))*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*|--\s*|[\"“(]\s*)([^\W\d_])", re.UNICODE)


@cache
def _proper_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words to capitalise, acronyms to upper-case) in uncased text."""
    words: set[str] = set()
    acronyms: set[str] = set()
    names: list[str] = []
    english = _english_words()
    for actor in actor_dictionary().values():  # "Taliban", "Shabaab"; not "Press", "Today"
        names.extend(w for n in actor.names for w in _WORD.findall(n) if w.lower() not in english)
        acronyms.update(a.lower() for a in actor.acronyms if a.isupper() and len(a) > 2)
    names.extend(demonyms())
    names.extend(calendar.month_name[1:] + calendar.month_abbr[1:] + list(calendar.day_name))
    for country in pycountry.countries:
        names.append(getattr(country, "common_name", None) or country.name)
    for sub in pycountry.subdivisions:
        names.append(sub.name)
    gazetteer = Gazetteer.load()
    areas = set(gazetteer.prominent_names(min_population=10**12))  # countries and admin1
    names.extend(areas)
    # large towns, minus ordinary words (a town named "Post" or "Said")
    for town in set(gazetteer.prominent_names(min_population=100_000)) - areas:
        names.extend(w for w in _WORD.findall(town) if w.lower() not in english)
    common = _common_words()
    for name in names:
        for word in _WORD.findall(name):
            low = word.lower()
            if word[:1].isupper() and low not in common and len(word) > 1:
                words.add(low)
    acronyms.update(casing_words().acronyms)
    return frozenset(words), frozenset(a for a in acronyms if a not in STOP_WORDS)


def _english_words() -> set[str]:
    """Ordinary English words (the base model's lemmatizer tables): a town named "Post" or
    "Said" must not capitalise every "post" and "said"."""
    from wirewatch.nlp.model import load_base_model

    lookups = load_base_model(exclude=("tok2vec", "tagger", "parser", "attribute_ruler",
                                       "ner")).get_pipe("lemmatizer").lookups
    words: set[str] = set()
    for table in ("lemma_index", "lemma_exc"):
        data = lookups.get_table(table)
        for key in data:
            entries = data[key]
            words.update(entries if not isinstance(entries, dict) else entries.keys())
            if isinstance(entries, dict):
                for forms in entries.values():
                    words.update(forms)
    return words


def _common_words() -> set[str]:
    """Lower-case words that also occur inside names ("people", "army", "forces"): never
    capitalised, since in running text they are almost always common nouns."""
    common = set(STOP_WORDS)
    triggers = trigger_lexicon()
    for word in (*actor_nouns(), *triggers.verbs, *triggers.nouns, *weapon_lemmas()):
        common.update((word, word + "s", word + "es"))
    common.update(casing_words().common_words)
    return common


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
