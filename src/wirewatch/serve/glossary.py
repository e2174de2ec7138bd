"""What the desk's codes mean, in words: the help page and every tooltip read from here, so a
status or precision is explained the same way wherever it is shown."""

from __future__ import annotations

from typing import Any

from wirewatch.knowledge import load_yaml

#: Statuses, most certain first (``contract.STATUS_ORDER``).
STATUS = {
    "asserted": "The report states it as fact in its own voice.",
    "reported": "The report passes it on from another outlet or an unnamed account.",
    "claimed": "A named party says it (often: claimed responsibility).",
    "alleged": "Someone accuses another party of it; not established.",
    "unconfirmed": "The report says it could not be confirmed.",
    "denied": "A party named in the report denies it.",
}

#: Place precision: how exactly the coordinates locate the incident.
PLACE_PRECISION = {
    "point": "An exact spot (an address, a building): drawn solid.",
    "city": "A town or city centre: drawn solid.",
    "admin2": "Only the district or county is known: drawn hollow (approximate).",
    "admin1": "Only the province or state is known: drawn hollow (approximate).",
    "region": "Only a named region is known: drawn hollow (approximate).",
    "country": "Only the country is known: drawn as a small hollow mark at its centre, never "
               "as an exact place.",
}

#: Date precision: how exactly the date is known.
TIME_PRECISION = {
    "hour": "The day and the hour are given.",
    "day": "The day is given.",
    "week": "Only the week is known; counted in the timeline's week.",
    "month": "Only the month is known; counted in the timeline's month.",
    "year": "Only the year is known.",
    "report": "Inferred: no date in the words, so the report's publication date stands in.",
}

#: Other marks the desk shows.
TERMS = {
    "independent sources": "Reports counted once per outlet (its spellings and web "
                           "addresses joined) and once per syndicated text.",
    "inferred": "A value the words do not state but that was derived from them: a date from "
                "the publication date, a country from a party or a demonym, a place from its "
                "containing region. Shown in grey italics.",
    "reviewed": "A value an analyst set by hand; it wins over the machine's value everywhere "
                "and is marked with a check.",
    "uncertain place": "The geocoder had several candidates, or gave the chosen one less than "
                       "even odds: drawn dashed.",
    "conflicting figures": "Sources give different numbers; the range is shown and each "
                           "source's figure is on the incident's page.",
    "killed / injured": "The lowest and highest figure any source gives; a number links to "
                        "the sentence it was read from.",
}


def acled_rows() -> list[dict[str, Any]]:
    """The PLOVER -> ACLED type mapping (``acled_types.yaml``) as table rows."""
    rows = []
    for plover, table in load_yaml("acled_types.yaml").items():
        for mode, (event_type, sub_event_type) in table.items():
            rows.append({"type": plover, "mode": "any other" if mode == "default" else mode,
                         "acled": event_type, "sub": sub_event_type})
    return rows


def explain() -> dict[str, dict[str, str]]:
    """Every explanation, for templates' tooltips."""
    return {"status": STATUS, "place": PLACE_PRECISION, "time": TIME_PRECISION,
            "term": TERMS}
