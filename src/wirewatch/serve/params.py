"""Query parameters of the desk (API and pages alike), validated before any SQL runs.

Every free-text parameter is bounded in length and refuses NUL characters (which PostgreSQL
rejects); ids, offsets and counts are bounded to what the database's integers hold. Empty
values, as an HTML form sends for "any", mean "no filter".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query

from wirewatch.serve.filters import ROLES, Filters

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


def _blank(value: str | None) -> str | None:
    return value if value else None


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
) -> Filters:
    """The incident filters of a request."""
    return Filters(
        since=_blank(since), until=_blank(until),
        country=country.upper() if country else None, admin1=_blank(admin1),
        bbox=parse_bbox(bbox), type=type.upper() if type else None, mode=_blank(mode),
        actor=_blank(actor), role=_blank(role), status=_blank(status),
        min_sources=min_sources or None, q=_blank(q.strip() if q else q),
    )
