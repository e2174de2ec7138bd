"""The contract's place and time precision as the codes analysts' tools expect.

ACLED `geo_precision`: 1 = the named town or point, 2 = a nearby or part of a small region
(admin2), 3 = only a province, region or country. GTD `specificity`: 1 = town with known
coordinates, 3 = admin2 centroid, 4 = admin1 centroid, 5 = country or larger region only.
ACLED `time_precision`: 1 = the day, 2 = the week, 3 = the month or coarser. An event dated
only by its report (time ``basis: "report"``, stored as precision "report") is 2, as ACLED
codes an event whose day the source does not give.
"""

from __future__ import annotations

from typing import Any

_ACLED_GEO = {"point": 1, "city": 1, "admin2": 2, "admin1": 3, "region": 3, "country": 3}
_GTD = {"point": 1, "city": 1, "admin2": 3, "admin1": 4, "region": 5, "country": 5}
_ACLED_TIME = {"hour": 1, "day": 1, "week": 2, "month": 3, "year": 3, "report": 2}


def acled_geo_precision(location: dict[str, Any] | None) -> int | None:
    """ACLED geo_precision (1-3) of a contract Location; None when it is not located."""
    if not location or location.get("lat") is None:
        return None
    return _ACLED_GEO.get(location.get("precision") or "")


def gtd_specificity(location: dict[str, Any] | None) -> int | None:
    """GTD specificity (1-5) of a contract Location; None when it is not located."""
    if not location or location.get("lat") is None:
        return None
    return _GTD.get(location.get("precision") or "")


def acled_time_precision(time: dict[str, Any] | None) -> int | None:
    """ACLED time_precision (1-3) of a contract Time or event time."""
    if not time or not time.get("value"):
        return None
    if time.get("basis") == "report":
        return _ACLED_TIME["report"]
    return _ACLED_TIME.get(time.get("precision") or "")
