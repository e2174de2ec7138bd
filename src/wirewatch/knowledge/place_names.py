"""Place-name keys: the one normalisation that the gazetteer index, its build and the
geocoder all compare names by, so a name typed in a story finds the entry built from the
gazetteer's spelling."""

from __future__ import annotations

import unicodedata
from functools import cache

from wirewatch.knowledge import load_yaml

_SPECIAL_CHARS = str.maketrans({
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "ng", "ß": "ss",
    "’": "", "'": "", "`": "", "ʼ": "", "ʻ": "", "‘": "", "´": "", "ʹ": "", "ʾ": "", "ʿ": "",
    "-": " ", "‐": " ", "‑": " ", "‒": " ", "–": " ", "—": " ", "_": " ", "/": " ",
    ".": "", ",": " ", "(": " ", ")": " ", "\"": "", "“": "", "”": "",
})


def normalize(name: str) -> str:
    """Casefold, strip accents, drop apostrophes, hyphens to spaces, drop a leading "the"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_SPECIAL_CHARS)
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


def is_latin_key(key: str) -> bool:
    """Index only names an English text can contain: ascii letters/spaces, no digits."""
    return bool(key) and key.isascii() and not any(ch.isdigit() for ch in key) and any(
        ch.isalpha() for ch in key
    )


@cache
def admin_type_words() -> tuple[str, ...]:
    """Administrative type words, longer forms first (places_admin1.yaml ``type_words``)."""
    return tuple(str(w) for w in load_yaml("places_admin1.yaml")["type_words"])


def strip_admin_suffix(key: str) -> str:
    """``"dagestan province"`` -> ``"dagestan"``; also drops a leading type word."""
    for suffix in admin_type_words():
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1].strip()
        if key.startswith(suffix + " of "):
            return key[len(suffix) + 4:].strip()
        if key.startswith(suffix + " "):
            return key[len(suffix) + 1:].strip()
    return key
