"""The curated actor dictionary (data/actors.yaml) as lookup tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from wirewatch.knowledge import load_yaml

#: actors.yaml section -> (default NER-style type, default kind)
SECTIONS: dict[str, tuple[str, str]] = {
    "armed_groups": ("ORG", "armed_group"),
    "security_forces": ("ORG", "military"),
    "international_orgs": ("ORG", "international_org"),
    "media": ("ORG", "media"),
}


@dataclass(frozen=True)
class Actor:
    """One curated actor: canonical name plus what analysts need to know about it."""

    name: str
    type: str
    kind: str
    country: str | None = None
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    names: tuple[str, ...] = field(default=(), compare=False)


@cache
def actor_dictionary() -> dict[str, Actor]:
    """Canonical name -> Actor, for every entry of data/actors.yaml."""
    raw = load_yaml("actors.yaml")
    actors: dict[str, Actor] = {}
    for section, (default_type, default_kind) in SECTIONS.items():
        for entry in raw.get(section) or []:
            aliases = tuple(str(a) for a in entry.get("aliases") or ())
            acronyms = tuple(str(a) for a in entry.get("acronyms") or ())
            actors[entry["name"]] = Actor(
                name=entry["name"],
                type=entry.get("type", default_type),
                kind=entry.get("kind", default_kind),
                country=entry.get("country"),
                parent=entry.get("parent"),
                aliases=aliases,
                acronyms=acronyms,
                names=(entry["name"], *aliases),
            )
    return actors


@cache
def actor_nouns() -> dict[str, dict]:
    """Common-noun head lemma -> {"kind", "perpetrator"} (data/actor_nouns.yaml)."""
    return dict(load_yaml("actor_nouns.yaml")["nouns"])


@cache
def descriptor_kinds() -> dict[str, tuple[str, ...]]:
    """Descriptor head ("group", "newspaper") -> entity kinds it can corefer with."""
    return {k: tuple(v) for k, v in load_yaml("actor_nouns.yaml")["descriptors"].items()}


@cache
def demonyms() -> dict[str, str]:
    """Demonym or national adjective -> ISO 3166-1 alpha-2 country code."""
    return {str(k): str(v) for k, v in load_yaml("demonyms.yaml").items()}


@cache
def titles() -> frozenset[str]:
    """Titles and ranks that precede a person's name (data/actor_nouns.yaml)."""
    return frozenset(str(t) for t in load_yaml("actor_nouns.yaml")["titles"])


@cache
def person_titles() -> frozenset[str]:
    """Capitalised titles ("Sen", "Judge") after which the geocoder takes a word for a person
    (data/actor_nouns.yaml ``person_titles``; why it is not ``titles``: see there)."""
    return frozenset(str(t) for t in load_yaml("actor_nouns.yaml")["person_titles"])


@cache
def actor_index() -> dict[str, Actor]:
    """Lower-cased name, alias or acronym -> curated actor."""
    index: dict[str, Actor] = {}
    for actor in actor_dictionary().values():
        for name in (*actor.names, *actor.acronyms):
            index.setdefault(name.lower(), actor)
    return index


@cache
def _group_words() -> dict[str, str]:
    return dict(load_yaml("actor_nouns.yaml").get("group_words") or {})


_IRREGULAR_PLURALS = {"men": "man", "women": "woman", "children": "child", "people": "people",
                      "police": "police", "gunmen": "gunman", "policemen": "policeman",
                      "servicemen": "serviceman", "guardsmen": "guardsman"}


def descriptor_kind(text: str | None) -> str | None:
    """The entity kind of a descriptor of people by its last word ("two police officers" ->
    police, "unidentified gunmen" -> armed_group, "a 7-year-old boy" -> None), from
    ``actor_nouns.yaml``; a curated actor's name gives its kind. A descriptor of attackers
    ("gunmen", "unidentified assailants") names no group, so it has no kind: ACLED codes such
    a perpetrator as an unidentified armed group, not as a rebel group. "Supporters of X"
    take X's kind. For values that reach exports and evaluations as plain strings, without
    the parse the extractor had."""
    if not text:
        return None
    actor = actor_index().get(text.strip().lower())
    if actor is not None:
        return actor.kind
    words = [w for w in "".join(c if c.isalpha() else " " for c in text.lower()).split()]
    if not words:
        return None
    if "of" in words[1:-1]:  # "supporters of the BNP", "activists of the ruling party"
        owner = descriptor_kind(" ".join(words[words.index("of") + 1:]))
        if owner in ("political_party", "armed_group", "religious_group"):
            return owner
        words = words[:words.index("of")]
    last = words[-1]
    nouns = {**actor_nouns(), **{w: {"kind": k} for w, k in _group_words().items()}}
    for lemma in (_IRREGULAR_PLURALS.get(last), last, last[:-1] if last.endswith("s") else None,
                  last[:-3] + "y" if last.endswith("ies") else None):
        if lemma and lemma in nouns:
            entry = nouns[lemma]
            return None if entry.get("perpetrator") else str(entry["kind"])
    return None
