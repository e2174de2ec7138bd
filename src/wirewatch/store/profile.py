"""Document-level evidence for cross-document merging, computed once per stored document.

Event fields alone are often empty (no time, no place in the event's clause), so the merger
also compares the documents the events come from: where the report is centred, which people
it names, its content words and a MinHash signature that spots syndicated copies. Every
feature depends on the document alone — never on what else is stored — so merging decisions
do not depend on ingest order.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from wirewatch.contract import LOCAL_PRECISIONS
from wirewatch.knowledge.language import english_stopwords

#: Words shorter than this never count as content words.
_MIN_WORD = 3
#: Word shingles of this length feed the MinHash signature.
_SHINGLE = 4
#: Number of MinHash permutations (64 x 8 bytes per document).
NUM_PERM = 64
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+", re.UNICODE)
_MERSENNE = (1 << 61) - 1


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """Fixed (a, b) vectors for universal hashing, from a constant seed: signatures are stable
    across processes and versions."""
    a, b = [], []
    for i in range(NUM_PERM):
        digest = hashlib.blake2b(f"wirewatch-minhash-{i}".encode(), digest_size=16).digest()
        x, y = struct.unpack("<QQ", digest)
        a.append(x % (_MERSENNE - 1) + 1)
        b.append(y % _MERSENNE)
    return np.array(a, dtype=np.uint64)[:, None], np.array(b, dtype=np.uint64)[:, None]


def _hash32(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


def minhash(text: str) -> list[int]:
    """MinHash signature of the text's word 4-shingles (empty for texts under 4 words).

    The permutations are ``((a * h + b) mod 2**64) mod (2**61 - 1)`` truncated to 32 bits,
    the scheme of the ``datasketch`` library: the 64-bit wrap-around scrambles the order, so
    each permutation picks its own minimum shingle.
    """
    words = [w.casefold() for w in _WORD.findall(text)]
    shingles = {" ".join(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}
    if not shingles:
        return []
    hashes = np.fromiter((_hash32(s) for s in shingles), dtype=np.uint64, count=len(shingles))
    a, b = _permutations()
    with np.errstate(over="ignore"):
        values = (a * hashes[None, :] + b) % np.uint64(_MERSENNE) & np.uint64(0xFFFFFFFF)
    return [int(v) for v in values.min(axis=1)]


def minhash_similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def content_words(text: str) -> set[str]:
    """Lower-cased words that are not function words (numbers kept: ages, figures)."""
    stop = english_stopwords()
    return {
        w
        for w in (token.casefold() for token in _WORD.findall(text))
        if (len(w) >= _MIN_WORD or w.isdigit()) and w not in stop
    }


def _norm(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split()).casefold()
    return value or None


@dataclass
class DocProfile:
    """What a document says about where and to whom its story happened."""

    places: dict[str, float] = field(default_factory=dict)  # "cc|admin1|name" -> weight
    coords: dict[str, tuple[float, float]] = field(default_factory=dict)
    regions: dict[str, float] = field(default_factory=dict)  # "cc|admin1" -> weight
    countries: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # people named with first and last name
    words: set[str] = field(default_factory=set)  # content words of title and lead
    title_words: set[str] = field(default_factory=set)

    @property
    def focus(self) -> str | None:
        """The most mentioned local place (ties: the first key in sorted order)."""
        if not self.places:
            return None
        return min(self.places, key=lambda key: (-self.places[key], key))

    @property
    def focus_region(self) -> str | None:
        if not self.regions:
            return None
        return min(self.regions, key=lambda key: (-self.regions[key], key))

    def as_json(self) -> dict[str, Any]:
        return {
            "places": self.places,
            "coords": {k: list(v) for k, v in self.coords.items()},
            "regions": self.regions,
            "countries": sorted(self.countries),
            "names": sorted(self.names),
            "words": sorted(self.words),
            "title_words": sorted(self.title_words),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DocProfile:
        data = data or {}
        return cls(
            places={k: float(v) for k, v in (data.get("places") or {}).items()},
            coords={k: (float(v[0]), float(v[1])) for k, v in (data.get("coords") or {}).items()},
            regions={k: float(v) for k, v in (data.get("regions") or {}).items()},
            countries=set(data.get("countries") or ()),
            names=set(data.get("names") or ()),
            words=set(data.get("words") or ()),
            title_words=set(data.get("title_words") or ()),
        )


def place_key(country: Any, admin1: Any, name: Any) -> str:
    return f"{_norm(country) or ''}|{_norm(admin1) or ''}|{_norm(name) or ''}"


def region_key(country: Any, admin1: Any) -> str:
    return f"{_norm(country) or ''}|{_norm(admin1) or ''}"


#: Characters of body text that feed the content words (the lead carries the story).
LEAD_CHARS = 1500
#: Extra weight of a place named in the title or the first paragraph.
_LEAD_WEIGHT = 2.0


def build_profile(record: dict[str, Any], text: str | None) -> DocProfile:
    """The document's merging profile from its contract record (and text, when stored)."""
    profile = DocProfile()
    title = record.get("title") if isinstance(record.get("title"), str) else ""
    body = text or ""
    lead_end = min(len(body), LEAD_CHARS)
    for ent in record.get("entities") or []:
        if not isinstance(ent, dict) or ent.get("type") != "PERSON":
            continue
        name = _norm(ent.get("name"))
        if name and len(name.split()) >= 2:
            profile.names.add(name)
    surnames = {part for name in profile.names for part in name.split()}
    for loc in record.get("locations") or []:
        if not isinstance(loc, dict):
            continue
        span = loc.get("span") if isinstance(loc.get("span"), dict) else {}
        start = span.get("start") if isinstance(span.get("start"), int) else lead_end
        weight = _LEAD_WEIGHT if start < min(lead_end, 400) else 1.0
        mention = _norm(span.get("text")) or _norm(loc.get("name"))
        if mention in surnames:  # "Rodriguez" of "Christopher Rodriguez" is not a place here
            continue
        country, admin1 = loc.get("country_code"), loc.get("admin1")
        if country:
            profile.countries.add(str(country).upper())
        if admin1 and country:
            key = region_key(country, admin1)
            profile.regions[key] = profile.regions.get(key, 0.0) + weight
        if loc.get("precision") in LOCAL_PRECISIONS and loc.get("name"):
            key = place_key(country, admin1, loc["name"])
            profile.places[key] = profile.places.get(key, 0.0) + weight
            if isinstance(loc.get("lat"), int | float) and isinstance(loc.get("lon"), int | float):
                profile.coords[key] = (float(loc["lat"]), float(loc["lon"]))
    profile.title_words = content_words(title)
    profile.words = profile.title_words | content_words(body[:lead_end])
    return profile
