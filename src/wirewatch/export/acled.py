"""ACLED's export, column for column: what an analyst's ACLED tooling reads without changes.

The columns, their order and formats follow ACLED's current data export: ISO dates with a
``time_precision``, a numeric ISO 3166 country code, ACLED's region, actor categories
(``inter1``/``inter2``) joined into an ``interaction`` code, ``civilian_targeting``, the
``disorder_type`` of the event type, a ``source_scale`` from the outlets and a Unix
``timestamp`` of the record's last change. The codes are facts of ACLED's codebook, kept in
``acled_codes.yaml`` and ``acled_types.yaml`` (read through the knowledge loader); this
module only applies them.

Dates: an incident dated to a month ("2025-09") or a year ("2024") is exported on the
first day of that period with time_precision 3, a week ("week" precision) on its Monday
with 2; an undated incident has empty date columns rather than a made-up day.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from wirewatch.knowledge import load_yaml
from wirewatch.knowledge.actors import descriptor_kind
from wirewatch.knowledge.outlets import country_domain, outlet_key

if TYPE_CHECKING:
    from wirewatch.export.rows import ExportIncident

#: ACLED's export columns, in ACLED's order.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_TIME_PRECISION = {"hour": 1, "day": 1, "week": 2, "report": 2, "month": 3, "year": 3}


@cache
def codes() -> dict[str, Any]:
    """The parsed ``acled_codes.yaml``, with a country -> region index added."""
    raw = dict(load_yaml("acled_codes.yaml"))
    raw["region_of"] = {code: region for region, members in raw["regions"].items()
                        for code in members}
    return raw


def acled_date(value: str | None, precision: str | None) -> tuple[str, int | None, int | None]:
    """(event_date, year, time_precision) of a stored time: ISO day, or empties if undated.

    A partial date is placed on the first day of its period and its precision says how far
    to trust the day; a value that is not a date at all is treated as undated.
    """
    match = _PARTIAL_DATE.match(value or "")
    if not match:
        return "", None, None
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return "", None, None
    if day is None:
        code = 3
    else:
        code = _TIME_PRECISION.get(precision or "", 1)
    return date.isoformat(), date.year, code


def iso_numeric(alpha2: str | None) -> int | None:
    """ISO 3166-1 numeric code of an alpha-2 code (840 for US); None when unknown."""
    country = _country(alpha2)
    return int(country.numeric) if country is not None else None


def country_name(alpha2: str | None) -> str | None:
    country = _country(alpha2)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def _country(alpha2: str | None) -> Any:
    if not alpha2:
        return None
    import pycountry

    return pycountry.countries.get(alpha_2=alpha2.upper())


def inter_code(kind: str | None, *, agent: bool) -> int:
    """ACLED actor category of an actor of entity ``kind`` (an agent or a victim)."""
    found = codes()["inter_by_kind"].get(kind or "")
    if found is not None:
        return int(found)
    return int(codes()["unknown_agent" if agent else "unknown_victim"])


def crowd_violence(actor_texts: list[str], evidence: str) -> bool:
    """An unorganised crowd is a side of the violence: a crowd word heads an agent or victim
    phrase ("blockaders", "activists of the BCL"), or the evidence tells of a clash with one
    ("a clash between two groups of locals"), or of a demonstration or general strike it
    happened in ("bombs were blasted during the hartal")."""
    crowd = {w.lower() for w in codes()["crowd_words"]}

    def heads(text: str) -> set[str]:
        words = "".join(c if c.isalpha() else " " for c in text.lower()).split()
        return {w[:-1] if w.endswith("s") else w for w in words}

    if any(heads(text.split(" of ")[0]) & crowd for text in actor_texts):
        return True
    words = heads(evidence)
    said = set("".join(c if c.isalpha() else " " for c in evidence.lower()).split())
    clash = {w.lower() for w in codes()["clash_words"]}
    if words & crowd and said & clash:
        return True
    return bool(said & {w.lower() for w in codes()["demonstration_words"]})


def actor_codes(event_type: str, agent_kinds: list[str | None],
                target_kinds: list[str | None], victim_kind: str | None = None,
                crowd: bool = False) -> tuple[int | None, int]:
    """ACLED's actor categories (inter1, inter2) of an event of ACLED ``event_type`` whose
    agents and victims or targets have these entity kinds (first = the main actor).

    Demonstrators are coded by the event type (ACLED names them by the country); an attack
    without a named agent is an unidentified armed group's (``unknown_agent``); a victim
    without a kind is a civilian, and a political-violence event whose casualties name a
    victim kind has civilians as its second actor though no victim phrase was kept. inter2 is
    0 for an event with one actor, as ACLED codes it; inter1 None for a non-violent event with
    no actor. Violence with a crowd as a side (``crowd_violence``) and no agent of a state,
    rebel or party kind is the rioters'. A demonstration's demand or the road it blocks is no
    second actor: ACLED codes one only where another side took part, which a target does not
    tell, so a protest has none."""
    violent = codes()["disorder_types"].get(event_type, "").startswith("Political violence")
    inter1 = codes()["inter_by_event_type"].get(event_type)
    if inter1 is None and agent_kinds:
        inter1 = inter_code(agent_kinds[0], agent=True)
    elif inter1 is None and violent:
        inter1 = int(codes()["unknown_agent"])
    rioters = codes()["inter_by_event_type"]["Riots"]
    if violent and crowd and inter1 in (int(codes()["unknown_agent"]), 7):
        inter1 = rioters
    inter2 = 0
    if event_type in codes()["inter_by_event_type"]:
        # demonstrators are the first actor; state forces among the others are the second
        # ("rioters clashed with police"); a protest's demand or road is no actor
        state = any(k is not None and inter_code(k, agent=True) == 1
                    for k in (*agent_kinds, *target_kinds))
        if state:
            return inter1, 1
        if event_type == "Protests":
            return inter1, 0
    if target_kinds:
        inter2 = inter_code(target_kinds[0], agent=False)
    elif violent and victim_kind:
        inter2 = int(codes()["unknown_victim"])
    if violent and crowd and inter1 == 1 and inter2 in (0, 3, 5, 7):
        # "a clash between police and activists": ACLED's first actor is the crowd, the
        # state forces its second
        inter1, inter2 = rioters, 1
    return inter1, inter2


#: Categories an export can name an actor by without a name from the text: "Unidentified
#: Armed Group (X)", "Rioters (X)", "Protesters (X)", "Civilians (X)" (0: no second actor).
_GENERIC_AGENT = {3: "Unidentified Armed Group", 5: "Rioters", 6: "Protesters", 7: "Civilians"}
_GENERIC_SECOND = {5: "Rioters", 6: "Protesters", 7: "Civilians"}


def read_codes(event_type: str, inter1: int | None, inter2: int,
               read: dict[str, Any] | None, has_agent: bool, has_second: bool
               ) -> tuple[int | None, int]:
    """The rules' codes with the category heads' reading (``actor_categories``) where the
    export can follow it: for a named actor, or for a category it can name by itself; a
    state force with no phrase in the text stays out (ACLED names forces by the state), and
    a demonstration's first actor stays the rioters or protesters."""
    read = read or {}
    agent, second = read.get("agent"), read.get("victim")
    if event_type in codes()["inter_by_event_type"] and agent not in (5, 6):
        agent = None
    if isinstance(agent, int) and (has_agent or agent in _GENERIC_AGENT):
        inter1 = agent
    if isinstance(second, int) and (has_second or second in _GENERIC_SECOND or second == 0):
        inter2 = second
    return inter1, inter2


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's two-digit interaction code: the lower category first; ``X0`` for one actor."""
    if not inter1:
        return None
    if not inter2:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def source_scale(outlets: list[str], country: str | None) -> str:
    """"International", "National", "National-International" or "Other" from the outlets."""
    international = set(codes()["international_outlets"])
    scales: set[str] = set()
    for outlet in outlets:
        key = outlet_key(outlet)
        if key in international:
            scales.add("International")
            continue
        home = country_domain(key)
        if home and country:
            scales.add("National" if home == country.upper() else "International")
    if scales == {"National", "International"}:
        return "National-International"
    return scales.pop() if scales else "Other"


def acled_row(item: ExportIncident) -> dict[str, Any]:
    """One ACLED row. ``fatalities`` is the lowest reported toll (ACLED's conservative
    rule), ``source`` the outlets (or document ids), ``notes`` the evidence sentence."""
    incident, place = item.incident, item.location
    event_type, sub_event_type = item.acled_type()
    date, year, time_precision = acled_date(item.time.get("value"), item.time.get("precision"))
    if item.time.get("basis") == "report" and time_precision == 1:
        time_precision = 2
    country = (place.get("country_code") or "").upper() or None
    sources = incident.get("sources") or [d["doc_id"] for d in item.documents]

    violent = codes()["disorder_types"].get(event_type, "").startswith("Political violence")
    where = country_name(country) or "International"
    actor1 = item.agents[0] if item.agents else None
    actor2 = next((t for t in item.targets if t != actor1), None)
    inter1, inter2 = actor_codes(
        event_type,
        [item.kinds.get(actor1) or descriptor_kind(actor1)] if actor1 else [],
        [item.kinds.get(actor2) or descriptor_kind(actor2)] if actor2 else [],
        item.victim_kind)
    inter1, inter2 = read_codes(event_type, inter1, inter2, item.actor_categories,
                                actor1 is not None, actor2 is not None)
    if event_type in codes()["inter_by_event_type"] or (inter1 in (5, 6) and actor1 is None):
        # demonstrators: named by the country
        actor1 = f"{'Rioters' if inter1 == 5 else 'Protesters'} ({where})"
    elif actor1 is None and inter1 is not None:
        actor1 = f"{_GENERIC_AGENT.get(inter1, 'Unidentified Armed Group')} ({where})"
    if not actor2 and inter2:
        actor2 = f"{_GENERIC_SECOND.get(inter2, 'Civilians')} ({where})"
    tags = list(item.tags())
    if event_type in ("Protests", "Riots"):
        tags.append("crowd size=no report")
    updated = item.updated_at
    return {
        "event_id_cnty": f"{country or 'XX'}{incident['id']}",
        "event_date": date,
        "year": year,
        "time_precision": time_precision,
        "disorder_type": codes()["disorder_types"].get(event_type, "Strategic developments"),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": actor1,
        "assoc_actor_1": "; ".join(a for a in item.agents if a not in (actor1, actor2)),
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": "; ".join(t for t in item.targets if t not in (actor1, actor2)),
        "inter2": inter2 if actor2 else 0 if inter1 else None,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if violent and inter2 == 7 else "",
        "iso": iso_numeric(country),
        "region": codes()["region_of"].get(country or ""),
        "country": country_name(country),
        "admin1": place.get("admin1"),
        "admin2": item.place_extra.get("admin2"),
        "admin3": item.place_extra.get("admin3"),
        "location": place.get("name"),
        "latitude": place.get("lat"),
        "longitude": place.get("lon"),
        "geo_precision": item.geo_precision(),
        "source": "; ".join(sources),
        "source_scale": source_scale(list(sources), country),
        "notes": item.notes(),
        "fatalities": item.fatalities() or 0,
        "tags": "; ".join(tags),
        "timestamp": int(updated.timestamp()) if updated is not None else None,
        "reviewed": item.reviewed,
    }
