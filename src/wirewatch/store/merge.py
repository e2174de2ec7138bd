"""Do two stored events report the same real-world incident? A symmetric pairwise decision.

Incidents are the connected components of this "same incident" relation over events, so the
partition does not depend on ingest order: a new event links to every stored event it
matches, and the incidents of those events become one (``incidents.assign_incident``).

The decision gates on type compatibility (violence, arrests, protest), time
(precision-aware intervals: a day, a week, a month; events without their own date fall back
to the two weeks before their report's publication) and country (events placed in different
countries never merge), then scores the evidence: the same place (name, containment or
distance), the same day, people named in both reports, shared content words of title and
lead, agreeing casualty figures, and (against) different modes. Events with no time at all
need a little more evidence. Near-duplicate texts (syndicated copies) link whenever time
allows. Weights and thresholds were tuned on the GVC and ECB+ train splits.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wirewatch.contract import INCIDENT_GROUPS, LOCAL_PRECISIONS
from wirewatch.store.profile import (
    DocProfile,
    minhash_similarity,
    place_key,
    region_key,
)

#: Days before its publication that an event without its own date may have happened.
REPORT_LAG_DAYS = 14
#: Days of slack between two time intervals (time zones, overnight events, late reports).
SLACK_DAYS = 1
#: Places closer than this (km) are the same place for merging.
NEAR_KM = 25.0
#: Estimated Jaccard similarity above which two texts are copies of one report.
DUPLICATE_SIMILARITY = 0.7

#: Evidence weights and the threshold the weighted sum must reach.
WEIGHTS = {
    "words": 3.0,
    "title": 1.0,
    "names": 0.6,
    "place": 0.5,
    "time": 0.3,
    "casualties": 0.2,
    "mode": 0.5,
}
THRESHOLD = 0.8
#: Extra evidence required when one of the two events has no time at all.
UNDATED_EXTRA = 0.2


@dataclass
class MergeItem:
    """One incident event with what the merger needs from it and from its document."""

    event_pk: int
    document_pk: int
    group: str
    mode: str | None
    lo: int | None  # interval of days (proleptic ordinals), inclusive
    hi: int | None
    own_time: bool
    place: str | None  # place key "cc|admin1|name" (own or the document's focus)
    region: str | None  # "cc|admin1"
    country: str | None
    coords: tuple[float, float] | None
    killed: int | None
    injured: int | None
    arrested: int | None = None
    kidnapped: int | None = None
    own_country: bool = False  # the country comes from the event's own location
    coarse: bool = False  # only the year is known: it excludes, but is no evidence
    profile: DocProfile = field(repr=False, default_factory=DocProfile)
    signature: list[int] = field(repr=False, default_factory=list)
    incident_id: int | None = None


def as_date(value: Any) -> dt.date | None:
    """A date from a date, datetime or ISO string (its first ten characters); else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def time_interval(value: Any, precision: Any) -> tuple[int, int] | None:
    """The days a contract time value may denote: a day, a week from its Monday, a month,
    a year."""
    if not isinstance(value, str):
        return None
    try:
        if precision in ("day", "hour") and len(value) >= 10:
            day = dt.date.fromisoformat(value[:10])
            return day.toordinal(), day.toordinal()
        if precision == "week" and len(value) >= 10:
            day = dt.date.fromisoformat(value[:10])
            return day.toordinal(), day.toordinal() + 6
        if precision == "month" and len(value) >= 7:
            year, month = int(value[:4]), int(value[5:7])
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1).toordinal(), dt.date(year, month, last).toordinal()
        if precision == "year" and len(value) >= 4:
            # loose, but it keeps "since 2009" background out of a 2025 incident
            year = int(value[:4])
            return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    except ValueError:
        return None
    return None


def make_item(
    event: Mapping[str, Any],
    published: Any,
    profile: DocProfile,
    signature: list[int],
) -> MergeItem | None:
    """A merge item for an ``events`` row (with ``id`` and ``document_id``); None if ineligible."""
    group = INCIDENT_GROUPS.get(event.get("type") or "")
    if group is None:
        return None
    interval = time_interval(event.get("time_value"), event.get("time_precision"))
    own_time = interval is not None
    if interval is None:
        day = as_date(published)
        if day is not None:
            interval = (day.toordinal() - REPORT_LAG_DAYS, day.toordinal())
    lo, hi = interval if interval else (None, None)

    country = event.get("country_code")
    own_country = bool(country)
    local = event.get("location_precision") in LOCAL_PRECISIONS
    place = coords = None
    if local and event.get("location_name"):
        place = place_key(country, event.get("admin1"), event.get("location_name"))
        if event.get("lat") is not None and event.get("lon") is not None:
            coords = (float(event["lat"]), float(event["lon"]))
    elif profile.focus is not None:
        place = profile.focus
        coords = profile.coords.get(place)
    region = None
    if event.get("admin1") and country:
        region = region_key(country, event.get("admin1"))
    elif place is not None:
        region = "|".join(place.split("|")[:2]) if place.split("|")[1] else None
    if region is None:
        region = profile.focus_region
    if country is None and place is not None:
        country = place.split("|")[0].upper() or None
    if country is None and len(profile.countries) == 1:
        country = next(iter(profile.countries))
    return MergeItem(
        event_pk=int(event["id"]),
        document_pk=int(event["document_id"]),
        group=group,
        mode=event.get("mode"),
        lo=lo,
        hi=hi,
        own_time=own_time,
        place=place,
        region=region,
        country=str(country).upper() if country else None,
        coords=coords,
        killed=event.get("killed"),
        injured=event.get("injured"),
        arrested=event.get("arrested"),
        kidnapped=event.get("kidnapped"),
        own_country=own_country,
        coarse=own_time and event.get("time_precision") == "year",
        profile=profile,
        signature=signature,
    )


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def times_compatible(a: MergeItem, b: MergeItem) -> bool:
    """Unknown times are compatible; known intervals must overlap up to the slack."""
    if a.lo is None or b.lo is None:
        return True
    gap = max(0, a.lo - b.hi, b.lo - a.hi)  # type: ignore[operator]
    return gap <= SLACK_DAYS


def _same_place(x: str, y: str) -> bool:
    """Equal keys, or the same name where one side lacks the country or admin1."""
    if x == y:
        return True
    cx, ax, nx = x.split("|")
    cy, ay, ny = y.split("|")
    return nx == ny and (not cx or not cy or cx == cy) and (not ax or not ay or ax == ay)


def place_score(a: MergeItem, b: MergeItem) -> float:
    """+1 same place, +0.5 same admin1, -1 different admin1 or distant places, 0 unknown."""
    if a.place and b.place:
        if _same_place(a.place, b.place):
            return 1.0
        if a.coords and b.coords and haversine_km(a.coords, b.coords) <= NEAR_KM:
            return 1.0
        if b.place in a.profile.places or a.place in b.profile.places:
            return 0.5  # one report names the other's place (containment, neighbourhoods)
    if a.region and b.region:
        return 0.5 if a.region == b.region else -1.0
    return 0.0


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def time_score(a: MergeItem, b: MergeItem) -> float:
    """+1 when both events carry the same own day, 0.5 when their own intervals meet."""
    if not (a.own_time and b.own_time) or a.lo is None or b.lo is None or a.coarse or b.coarse:
        return 0.0
    if a.lo == a.hi == b.lo == b.hi:
        return 1.0
    return 0.5 if max(a.lo, b.lo) <= min(a.hi, b.hi) else 0.0  # type: ignore[type-var]


def casualty_score(a: MergeItem, b: MergeItem) -> float:
    """+1 when a casualty figure both give agrees, -1 when both figures differ, else 0."""
    agree = disagree = 0
    pairs = ((a.killed, b.killed), (a.injured, b.injured), (a.arrested, b.arrested),
             (a.kidnapped, b.kidnapped))
    for x, y in pairs:
        if x is None or y is None:
            continue
        if x == y:
            agree += 1
        else:
            disagree += 1
    return 1.0 if agree and not disagree else -1.0 if disagree and not agree else 0.0


def evidence(a: MergeItem, b: MergeItem) -> dict[str, float]:
    """The evidence features of a pair (for scoring and for the error dump)."""
    pa, pb = a.profile, b.profile
    return {
        "words": jaccard(pa.words, pb.words),
        "title": jaccard(pa.title_words, pb.title_words),
        "names": float(min(len(pa.names & pb.names), 2)),
        "place": place_score(a, b),
        "time": time_score(a, b),
        "casualties": casualty_score(a, b),
        "mode": -1.0 if a.mode and b.mode and a.mode != b.mode else 0.0,
    }


def score(a: MergeItem, b: MergeItem) -> float:
    return sum(WEIGHTS[name] * value for name, value in evidence(a, b).items())


def same_incident(a: MergeItem, b: MergeItem) -> bool:
    """The symmetric decision: do events ``a`` and ``b`` report one incident?"""
    if a.document_pk == b.document_pk or a.group != b.group:
        return False
    if a.group == "coerce" and a.mode and b.mode and a.mode != b.mode:
        return False
    if a.country and b.country and a.country != b.country:
        # Events placed in different countries never merge; a country guessed from the
        # report's focus is trusted less (geocoding slips) when the reports share one.
        if (a.own_country and b.own_country) or not (a.profile.countries & b.profile.countries):
            return False
    if not times_compatible(a, b):
        return False
    if minhash_similarity(a.signature, b.signature) >= DUPLICATE_SIMILARITY:
        return True
    undated = a.lo is None or b.lo is None or a.coarse or b.coarse
    needed = THRESHOLD + (UNDATED_EXTRA if undated else 0.0)
    return score(a, b) >= needed
