"""Where an outlet is at home, read from its web address and its name.

A local reporter knows that a story on abc7chicago.com happened near Chicago and one on
toledoblade.com near Toledo, Ohio; a map of "Toledo" candidates does not. The address and the
outlet's name are read for place names ("abc7chicago" -> Chicago, "chicago.suntimes.com" ->
Chicago, "WFTV Orlando" -> Orlando), for a US broadcaster's call sign or network number
("wftv", "kare11", "fox59": the United States) and for a country-code domain (".co.uk": the
United Kingdom). The names are only candidates ("concordmonitor": a Concord in California,
New Hampshire or North Carolina); the resolver settles them with the text's own places
(:meth:`wirewatch.resolve.place_scoring.Resolver.resolve`).

Pure logic over strings and the gazetteer; nothing is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from wirewatch.knowledge.gazetteer import Gazetteer, Place
from wirewatch.knowledge.place_names import normalize
from wirewatch.knowledge.place_words import stopnames

#: A town named in an address must be this large (an ADM1 area or a country always counts):
#: "mercurynews" names no Mercury, Nevada.
MIN_OUTLET_TOWN = 20_000
#: Shortest name read inside an address ("ajc", "post" are no places).
MIN_NAME_LETTERS = 5
#: Host labels that say nothing of a place.
_GENERIC_LABELS = frozenset({"www", "m", "mobile", "amp", "news", "web", "edition", "beta",
                             "com", "org", "net", "co", "gov", "edu", "ac"})
#: Two-letter domains sold worldwide, not a country's press.
_VANITY_TLDS = frozenset({"tv", "io", "co", "me", "fm", "ly", "ai", "cc", "ws", "to", "am",
                          "gg", "la", "nu", "im", "is", "it"})
#: Domains with no country.
_GENERIC_TLDS = frozenset({"com", "net", "org"})
#: Where a town-named outlet on a generic domain is taken to be, when the text does not say.
GENERIC_DOMAIN_COUNTRY = "US"
#: US broadcasters: call signs ("wftv", "kare11", "whec") and network affiliates by channel
#: ("fox59", "abc7chicago", "nbc4i", "cbs8").
_US_BROADCAST = re.compile(r"^(?:[kw][a-z]{2,3}(?:tv|\d{1,2})?|(?:fox|abc|nbc|cbs|cw)\d{1,2}"
                           r"[a-z]*|[kw][a-z]{2,3}-?tv\d*|\d{1,2}(?:abc|nbc|cbs|fox|news)"
                           r"[a-z]*)$")
#: "chicagotribune": the leading article is dropped before reading ("thestate", "theparisnews").
_LEADING_ARTICLE = "the"


@dataclass
class OutletHint:
    """What the outlet says about where its stories happen: candidate home places (read from
    its address or name, several when the name is ambiguous) and a country when the address
    alone names one (a call sign, a country domain)."""

    places: list[Place] = field(default_factory=list)
    country: str | None = None
    names: list[str] = field(default_factory=list)  # the words the places were read from
    #: The address ends in .com/.net/.org: a paper named after a town with no country
    #: domain is, in English-language news, most often American.
    generic_domain: bool = False

    def __bool__(self) -> bool:
        return bool(self.places) or self.country is not None


def outlet_host(url: str) -> str:
    """The host of ``url``; an archived copy's original host ("web.archive.org/web/2016/
    http://fox59.com/..." -> "fox59.com")."""
    parsed = urlparse(url if "//" in url else f"//{url}")
    host = (parsed.hostname or "").lower()
    if host.endswith("archive.org"):
        inner = re.search(r"/https?://([^/]+)", parsed.path or "")
        if inner:
            host = inner.group(1).split(":")[0].lower()
    return host


def _usable(place: Place) -> bool:
    return place.feature in ("PCLI", "ADM1") or (
        not place.is_area and place.population >= MIN_OUTLET_TOWN)


def _spaced(gaz: Gazetteer, run: str) -> list[Place]:
    """Places whose own name a letter run spells, with or without one space ("kansascity"
    -> Kansas City); alternate names are left out ("theda" is no Tire, Turkey)."""
    stop = stopnames()
    for key in (run, *(f"{run[:i]} {run[i:]}" for i in range(3, len(run) - 2))):
        if key in stop:
            continue
        places = [p for p in gaz.candidates(key) if _usable(p) and normalize(p.name) == key]
        if places:
            return places
    return []


def _names_in_label(gaz: Gazetteer, label: str) -> list[tuple[str, list[Place]]]:
    """The longest place names opening and closing the letter runs of a host label
    ("toledoblade" -> Toledo, "onlineathens" -> Athens, "abc7chicago" -> Chicago); a town
    before its state keeps only its namesakes there ("limaohio" -> Lima, Ohio)."""
    found: list[tuple[str, list[Place]]] = []
    for run in re.findall(r"[a-z]+", label):
        if run.startswith(_LEADING_ARTICLE) and len(run) > len(_LEADING_ARTICLE) + 3:
            run = run[len(_LEADING_ARTICLE):]
        if len(run) < MIN_NAME_LETTERS:
            continue
        head = _longest(gaz, [run[:n] for n in range(len(run), MIN_NAME_LETTERS - 1, -1)])
        tail = _longest(gaz, [run[-n:] for n in range(len(run) - 1, MIN_NAME_LETTERS - 1, -1)])
        if tail is not None and head is None:
            states = [p for p in tail[1] if p.feature == "ADM1"]
            town = _spaced(gaz, run[:-len(tail[0])]) if states else []
            town = [p for p in town if any(s.contains(p) for s in states)]
            if town:
                head = (run[:-len(tail[0])], town)
        found.extend(x for x in (head, tail) if x is not None
                     and not (head is not None and x is tail and tail[0] in head[0]))
    return found


def _longest(gaz: Gazetteer, pieces: list[str]) -> tuple[str, list[Place]] | None:
    for piece in pieces:
        places = _spaced(gaz, piece)
        if places:
            return piece, places
    return None


def _names_in_outlet(gaz: Gazetteer, outlet: str) -> list[tuple[str, list[Place]]]:
    """Place names among an outlet's capitalised words ("WFTV Orlando", "The Toledo
    Blade"): two-word names first."""
    words = [w for w in re.findall(r"[A-Z][\w'.-]*", outlet) if len(w) >= 4]
    found: list[tuple[str, list[Place]]] = []
    used: set[int] = set()
    for size in (2, 1):
        for i in range(len(words) - size + 1):
            if used & set(range(i, i + size)):
                continue
            name = " ".join(words[i:i + size])
            if normalize(name) in stopnames():
                continue
            places = [p for p in gaz.candidates(name) if _usable(p)]
            if places:
                found.append((name, places))
                used.update(range(i, i + size))
    return found


def outlet_hint(gaz: Gazetteer, url: str | None, outlet: str | None) -> OutletHint:
    """What ``url`` and ``outlet`` (either may be None) say of the outlet's home (read once
    per host and name: an outlet's reports come in runs)."""
    host = outlet_host(url) if url else None
    key = (id(gaz), host, outlet)
    cached = _HINTS.get(key)
    if cached is None:
        cached = _read_hint(gaz, f"//{host}/" if host else None, outlet)
        if len(_HINTS) >= _HINT_CACHE:
            _HINTS.clear()
        _HINTS[key] = cached
    return OutletHint(list(cached.places), cached.country, list(cached.names),
                      cached.generic_domain)


#: Hints already read, by (gazetteer, host, outlet name); cleared when it grows past this.
_HINT_CACHE = 4096
_HINTS: dict[tuple[int, str | None, str | None], OutletHint] = {}


def _read_hint(gaz: Gazetteer, url: str | None, outlet: str | None) -> OutletHint:
    hint = OutletHint()
    if url:
        host = outlet_host(url)
        labels = [x for x in host.split(".") if x]
        tld = labels[-1] if labels else ""
        if len(tld) == 2 and tld not in _VANITY_TLDS:
            hint.country = "GB" if tld == "uk" else tld.upper()
        hint.generic_domain = tld in _GENERIC_TLDS
        for label in labels[:-1]:
            if label in _GENERIC_LABELS:
                continue
            if _US_BROADCAST.match(label):
                hint.country = hint.country or "US"
            for name, places in _names_in_label(gaz, label):
                hint.names.append(name)
                hint.places.extend(places)
    if outlet:
        if _US_BROADCAST.match(outlet.split()[0].lower() if outlet.split() else ""):
            hint.country = hint.country or "US"
        for name, places in _names_in_outlet(gaz, outlet):
            hint.names.append(name)
            hint.places.extend(places)
    if hint.country is not None and hint.places:
        # A country's domain keeps only its own namesakes ("cambridge-news.co.uk").
        hint.places = [p for p in hint.places if p.country_code == hint.country] or hint.places
    return hint
