"""What the interactive map draws: one point per incident that has a place, with how sure
the place is.

Every incident with coordinates is drawn; one with only a province or a country (no
coordinates) is placed at that area's label point and marked as placed so, never drawn as
an exact spot. Precision and uncertainty come from the member event whose place the incident
took: ``location_precision``, and the geocoder's optional ``ambiguous`` / ``probability``
fields inside the event's location (read with the database's JSON functions; absent fields
mean "not flagged"). Points go out as compact rows, not GeoJSON: 50,000 of them stay a few
megabytes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wirewatch.serve.charts import TYPE_COLOURS, colour
from wirewatch.serve.digest import Digest
from wirewatch.serve.incident_list import Selection
from wirewatch.serve.web_assets import admin1_points, country_points
from wirewatch.store.schema import events as events_t
from wirewatch.store.schema import incident_events, incidents

#: Precision codes sent to the browser (index in this tuple); "exact" ones are drawn solid.
PRECISIONS = ("point", "city", "admin2", "admin1", "region", "country", "unknown")
EXACT = frozenset({"point", "city"})
#: Flag bits of a point.
UNCERTAIN = 1  # ambiguous, or probability < 0.5
PLACED = 2  # only an area's centre: no coordinates, or a country-level geocode
#: Below this geocoder probability a place is drawn as uncertain.
MIN_PROBABILITY = 0.5


def place_quality(conn: sa.Connection, digest: Digest | None = None
                  ) -> dict[int, tuple[str | None, bool]]:
    """Incident id -> (precision, uncertain) of the member event each incident's place came
    from, for every incident: read once per store state (kept in the ``digest``), since it
    needs the JSON of every member event."""
    if digest is not None and "place_quality" in digest.extras:
        return digest.extras["place_quality"]
    found = _place_quality(conn)
    if digest is not None:
        digest.extras["place_quality"] = found
    return found


def _place_quality(conn: sa.Connection) -> dict[int, tuple[str | None, bool]]:
    location = events_t.c.event_json
    probability = location[("location", "probability")].as_float()
    ambiguous = location[("location", "ambiguous")].as_boolean()
    query = (sa.select(incidents.c.id, events_t.c.location_precision,
                       probability.label("probability"), ambiguous.label("ambiguous"))
             .join(incident_events, incident_events.c.incident_id == incidents.c.id)
             .join(events_t, events_t.c.id == incident_events.c.event_id)
             .where(events_t.c.lat == incidents.c.lat, events_t.c.lon == incidents.c.lon)
             .order_by(events_t.c.id))
    found: dict[int, tuple[str | None, bool]] = {}
    for row in conn.execute(query):
        if row.id in found:
            continue
        doubtful = bool(row.ambiguous) or (row.probability is not None
                                           and row.probability < MIN_PROBABILITY)
        found[row.id] = (row.location_precision, doubtful)
    return found


def map_points(conn: sa.Connection, selection: Selection, digest: Digest | None = None
               ) -> dict[str, Any]:
    """Every selected incident with a place, as ``[id, lat, lon, type, precision, killed,
    flags, title]`` rows (type and precision as indexes into ``types``/``precisions``), and
    the count of those without any place."""
    c = incidents.c
    rows = conn.execute(selection.restrict(sa.select(
        c.id, c.type, c.lat, c.lon, c.time_value, c.location_name, c.country_code, c.admin1,
        c.killed_max)).order_by(c.time_value.is_(None), c.time_value.desc(), c.id)).all()
    quality = place_quality(conn, digest)
    types: list[str] = list(TYPE_COLOURS)
    points = []
    unplaced = 0
    for row in rows:
        precision, doubtful = quality.get(row.id, (None, False))
        flags = UNCERTAIN if doubtful else 0
        lat, lon = row.lat, row.lon
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            spot = None
            code = (row.country_code or "").upper()
            if row.admin1 and code:
                spot = admin1_points().get((code, row.admin1.casefold()))
                precision = "admin1"
            if spot is None and code:
                spot = country_points().get(code)
                precision = "country"
            if spot is None:
                unplaced += 1
                continue
            lat, lon = spot
            flags |= PLACED
        if precision == "country":  # a country-level geocode is its centre: never big, solid
            flags |= PLACED
        if row.type not in types:
            types.append(row.type)
        place = ", ".join(p for p in (row.location_name or row.admin1, row.country_code) if p)
        points.append([row.id, round(lat, 5), round(lon, 5), types.index(row.type),
                       PRECISIONS.index(precision if precision in PRECISIONS else "unknown"),
                       row.killed_max, flags,
                       f"{row.time_value or 'undated'} {row.type} {place}".strip()])
    return {"types": types, "colours": [colour(t) for t in types],
            "precisions": list(PRECISIONS), "exact": sorted(EXACT),
            "flags": {"uncertain": UNCERTAIN, "placed": PLACED},
            "points": points, "unplaced": unplaced}
