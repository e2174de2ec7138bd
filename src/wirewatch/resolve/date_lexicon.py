"""The time lexicon: the words of ``data/time_expressions.yaml`` as typed lookup tables.

The date grammar is built from these words, so adding a month abbreviation or a cue word is a
data change, not a code change. The file is read once per process through the knowledge loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from wirewatch.knowledge import load_yaml


@dataclass(frozen=True)
class Lexicon:
    """The words of ``data/time_expressions.yaml`` (see its comments for each list)."""

    months: dict[str, int]
    full_months: tuple[str, ...]
    month_abbreviations: tuple[str, ...]
    ambiguous_months: frozenset[str]
    day_month_prepositions: frozenset[str]
    weekdays: dict[str, int]
    blockers_before: frozenset[str]
    blockers_after: tuple[str, ...]
    parts_of_day: tuple[str, ...]
    clock_words: dict[str, str]
    clock_prepositions: tuple[str, ...]
    time_zones: tuple[str, ...]
    weak_time_zones: frozenset[str]
    relative_days: dict[str, int]
    modifiers: dict[str, str]
    units: tuple[str, ...]
    edge_modifiers: tuple[str, ...]
    period_leads: tuple[str, ...]
    decade_edges: tuple[str, ...]
    seasons: tuple[str, ...]
    prepositions: frozenset[str]
    range_openers: tuple[str, ...]
    range_connectives: tuple[str, ...]
    month_list_connectives: tuple[str, ...]
    weekend_prepositions: tuple[str, ...]
    weekend_modifiers: dict[str, str]
    approximators: tuple[str, ...]
    numbers: dict[str, int]
    ordinals: dict[str, int]
    ordinal_day_followers: tuple[str, ...]
    ordinal_blockers: tuple[str, ...]
    name_labels: frozenset[str]


def norm(phrase: str) -> str:
    """Lower-case with single spaces: the key form of every multi-word lexicon entry."""
    return " ".join(phrase.lower().split())


def _month_names(raw: dict[int, list[str]]) -> tuple[dict[str, int], list[str], list[str]]:
    """Every month name -> number, the full names, and the abbreviations (first name is full)."""
    months: dict[str, int] = {}
    full: list[str] = []
    abbreviations: list[str] = []
    for number, names in raw.items():
        full.append(names[0])
        abbreviations.extend(names[1:])
        for name in names:
            months[name] = int(number)
    return months, full, abbreviations


def _keyed(table: dict[str, Any], kind: type) -> dict[str, Any]:
    """A phrase table with normalised keys and values of one type."""
    return {norm(k): kind(v) for k, v in table.items()}


@cache
def load_lexicon() -> Lexicon:
    """Parse the time lexicon once per process."""
    raw = load_yaml("time_expressions.yaml")
    months, full, abbreviations = _month_names(raw["months"])
    prepositions = frozenset(raw["date_prepositions"])
    return Lexicon(
        months=months,
        full_months=tuple(full),
        month_abbreviations=tuple(abbreviations),
        ambiguous_months=frozenset(raw["ambiguous_months"]),
        day_month_prepositions=prepositions | frozenset(raw["day_number_prepositions"]),
        weekdays={name: int(n) for n, names in raw["weekdays"].items() for name in names},
        blockers_before=frozenset(raw["weekday_blockers_before"]),
        blockers_after=tuple(raw["weekday_blockers_after"]),
        parts_of_day=tuple(raw["parts_of_day"]),
        clock_words=_keyed(raw["clock_words"], str),
        clock_prepositions=tuple(raw["clock_prepositions"]),
        time_zones=tuple(raw["time_zones"]),
        weak_time_zones=frozenset(raw["weak_time_zones"]),
        relative_days=_keyed(raw["relative_days"], int),
        modifiers=_keyed(raw["relative_modifiers"], str),
        units=tuple(raw["units"]),
        edge_modifiers=tuple(raw["edge_modifiers"]),
        period_leads=tuple(raw["period_leads"]),
        decade_edges=tuple(raw["decade_edges"]),
        seasons=tuple(raw["seasons"]),
        prepositions=prepositions,
        range_openers=tuple(raw["range_openers"]),
        range_connectives=tuple(raw["range_connectives"]),
        month_list_connectives=tuple(raw["month_list_connectives"]),
        weekend_prepositions=tuple(raw["weekend_prepositions"]),
        weekend_modifiers=_keyed(raw["weekend_modifiers"], str),
        approximators=tuple(raw["approximators"]),
        numbers=_keyed(raw["numbers"], int),
        ordinals=_keyed(raw["ordinals"], int),
        ordinal_day_followers=tuple(raw["ordinal_day_followers"]),
        ordinal_blockers=tuple(raw["ordinal_blockers_after"]),
        name_labels=frozenset(raw["name_entity_labels"]),
    )
