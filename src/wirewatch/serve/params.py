"""Query parameters of the desk (API and pages alike), validated before any SQL runs.

Every free-text parameter is bounded in length and refuses NUL characters (which PostgreSQL
rejects); ids, offsets and counts are bounded to what the database's integers hold. Empty
values, as an HTML form sends for "any", mean "no filter".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import HTTPException, Query

from wirewatch.serve.filters import ROLES, Filters, acled_types

#: Largest id a path or filter accepts (PostgreSQL ``integer``).
MAX_ID = 2_147_483_647

DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"
TEXT_PATTERN = r"^[^\x00]*$"

DatePrefix = Annotated[str | None, Query(
    pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD (an ISO prefix).")]
Text = Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Rows to skip.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Rows per page.")]
Id = Annotated[int, Query(ge=1, le=MAX_ID)]


#: Incident list orders (``sort``): key -> what the list shows first.
SORTS = {"date": "newest first", "date_asc": "oldest first", "killed": "most killed",
         "injured": "most injured", "sources": "most independent sources"}

#: What each parameter accepts, in words: a refused value is explained with these, never
#: with the regular expression that refused it.
EXPECTED = {
    "since": "a date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-03-10",
    "until": "a date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-03-10",
    "country": "a two-letter country code, e.g. NG",
    "bbox": "four numbers west,south,east,north in degrees, e.g. 30,-5,42,5",
    "type": "an event type in capitals, e.g. ASSAULT",
    "acled_type": "an ACLED event or sub-event type, e.g. Battles",
    "role": "one of " + ", ".join(ROLES),
    "status": "a status such as asserted or claimed",
    "min_sources": "a whole number, 0 or more",
    "min_killed": "a whole number, 0 or more",
    "max_killed": "a whole number, 0 or more",
    "sort": "one of " + ", ".join(SORTS),
    "offset": "a whole number, 0 or more",
    "limit": "a whole number from 1 to 500",
    "bucket": "day or week",
}


def plain_errors(errors: Iterable[Any]) -> str:
    """Validation errors in words: which parameter, what it accepts."""
    problems = []
    for error in errors:
        if not isinstance(error, dict):
            continue
        loc = [str(part) for part in error.get("loc", ())[1:]]
        name = loc[-1] if loc else "request"
        expected = EXPECTED.get(name)
        if expected:
            problems.append(f"{name}: expected {expected}")
        elif error.get("type") == "string_too_long":
            problems.append(f"{name}: too long")
        else:
            problems.append(f"{name}: not an accepted value")
    return "; ".join(problems) or "the request could not be read"


def _blank(value: str | None) -> str | None:
    return value if value else None


def check_date(name: str, value: str | None) -> str | None:
    """``value`` if it is a real (partial) date; 422 in words otherwise ("2015-13-45")."""
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise HTTPException(422, f"{name}: {value} is not a date in the calendar "
                                 f"(expected {EXPECTED[name]})") from None
    return value


def check_acled_type(value: str | None) -> str | None:
    if not value:
        return None
    known = {t.casefold(): t for t in acled_types()}
    if value.casefold() not in known:
        raise HTTPException(422, f"acled_type: {value} is not an ACLED type wirewatch codes "
                                 f"(one of: {', '.join(acled_types())})")
    return known[value.casefold()]


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``min_lon,min_lat,max_lon,max_lat`` in degrees; 422 when malformed or out of range."""
    if not value:
        return None
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        raise HTTPException(422, "bbox: four numbers min_lon,min_lat,max_lon,max_lat") from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise HTTPException(422, "bbox: longitudes in [-180, 180], latitudes in [-90, 90], "
                                 "min_lat <= max_lat")
    return west, south, east, north


def incident_filters(
    since: DatePrefix = None,
    until: DatePrefix = None,
    country: Annotated[str | None, Query(pattern=r"^([A-Za-z]{2})?$",
                                         description="ISO 3166-1 alpha-2 code.")] = None,
    admin1: Text = None,
    bbox: Annotated[str | None, Query(
        max_length=100, pattern=r"^[-+0-9.,eE ]*$",
        description="min_lon,min_lat,max_lon,max_lat")] = None,
    type: Annotated[str | None, Query(pattern=r"^[A-Za-z_]{0,32}$",
                                      description="PLOVER event type, e.g. ASSAULT.")] = None,
    mode: Annotated[str | None, Query(max_length=40, pattern=TEXT_PATTERN,
                                      description="Event mode, e.g. explosives.")] = None,
    actor: Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN,
                                       description="Actor name (substring, any case).")] = None,
    role: Annotated[str | None, Query(
        pattern="^(" + "|".join(ROLES) + ")?$",
        description="With actor: the part the actor plays (agent includes claimed "
                    "responsibility).")] = None,
    status: Annotated[str | None, Query(pattern=r"^[a-z]{0,20}$",
                                        description="Most certain status of the incident.")] = None,
    min_sources: Annotated[int | None, Query(ge=0, le=1_000_000,
                                             description="At least this many independent "
                                                         "sources.")] = None,
    q: Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN,
                                   description="Full-text query over the reports.")] = None,
    acled_type: Annotated[str | None, Query(
        max_length=60, pattern=r"^[A-Za-z /-]*$",
        description="ACLED event type or sub-event type, e.g. Battles or Armed clash.")] = None,
    min_killed: Annotated[int | None, Query(ge=0, le=1_000_000,
                                            description="At least this many killed (the "
                                                        "highest reported toll).")] = None,
    max_killed: Annotated[int | None, Query(ge=0, le=1_000_000,
                                            description="At most this many killed (the "
                                                        "lowest reported toll).")] = None,
    sort: Annotated[str | None, Query(pattern="^(" + "|".join(SORTS) + ")?$",
                                      description="Order of the list: " + ", ".join(
                                          f"{k} ({v})" for k, v in SORTS.items()))] = None,
) -> Filters:
    """The incident filters of a request."""
    return Filters(
        since=check_date("since", since), until=check_date("until", until),
        country=country.upper() if country else None, admin1=_blank(admin1),
        bbox=parse_bbox(bbox), type=type.upper() if type else None, mode=_blank(mode),
        actor=_blank(actor), role=_blank(role), status=_blank(status),
        min_sources=min_sources or None, q=_blank(q.strip() if q else q),
        acled_type=check_acled_type(acled_type), min_killed=min_killed or None,
        max_killed=max_killed, sort=sort if sort and sort != "date" else None,
    )
