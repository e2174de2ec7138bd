"""Function words and scripts (data/stopwords_en.yaml): the language guess at ingest and the
content words of stored documents both read this one parse."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from wirewatch.knowledge import load_yaml


@dataclass(frozen=True)
class LanguageHints:
    """English function words, a few distinctive function words of other languages, and the
    language guessed for text written mostly in a non-Latin script."""

    english: frozenset[str]
    #: ISO 639-1 code -> its function words.
    other_languages: Mapping[str, frozenset[str]]
    #: First word of a letter's Unicode name ("CYRILLIC") -> ISO 639-1 code.
    scripts: Mapping[str, str]


@cache
def language_hints() -> LanguageHints:
    """The packaged hints, parsed once per process."""
    raw = load_yaml("stopwords_en.yaml")
    return LanguageHints(
        english=frozenset(str(w) for w in raw["english"]),
        other_languages={code: frozenset(str(w) for w in words)
                         for code, words in raw["other_languages"].items()},
        scripts=dict(raw["scripts"]),
    )


def english_stopwords() -> frozenset[str]:
    """Common English function words: never content words."""
    return language_hints().english
