"""Geometry for the map and the timeline, computed here so templates only write numbers.

Map markers are circles whose radius (in degrees) grows with the uncertainty of the place:
a point or town is a dot, a province a wide circle, a country-level report a large faint
one, so a country centroid is never mistaken for a precise location. The timeline stacks
incidents per day or week by type; incidents dated only to a month or year are counted
once in that period (a band across its bins) rather than drawn on an arbitrary day, and
background incidents (long before their report) are left out unless asked for.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from wirewatch.serve.basemap import HEIGHT, WIDTH, project
from wirewatch.serve.filters import literal_ids
from wirewatch.serve.incident_list import Selection
from wirewatch.store.schema import events as events_t
from wirewatch.store.schema import incident_events, incidents

#: Circle radius in degrees per location precision (unknown: as a region).
PRECISION_RADIUS = {"point": 0.35, "city": 0.6, "admin2": 1.2, "admin1": 2.2, "region": 3.5,
                    "country": 5.0}
#: Type colours (the incident types first; anything else grey).
TYPE_COLOURS = {"ASSAULT": "#c0392b", "FIGHT": "#d35400", "COERCE": "#8e44ad",
                "PROTEST": "#2471a3", "MOBILIZE": "#17a589"}
OTHER_COLOUR = "#7f8c8d"
#: Most markers drawn (the newest incidents first).
MAX_MARKERS = 3000
#: Most bars on a timeline before days give way to weeks, and weeks to months.
MAX_BARS = 180


def colour(event_type: str | None) -> str:
    return TYPE_COLOURS.get(event_type or "", OTHER_COLOUR)


def map_markers(conn: sa.Connection, selection: Selection,
                limit: int = MAX_MARKERS) -> tuple[list[dict[str, Any]], int]:
    """Markers of the located incidents (newest first, at most ``limit``) and the number of
    selected incidents without coordinates."""
    c = incidents.c
    query = selection.restrict(sa.select(c.id, c.type, c.lat, c.lon, c.time_value,
                                         c.location_name, c.country_code))
    located = query.where(c.lat.is_not(None), c.lon.is_not(None))
    rows = conn.execute(located.order_by(c.time_value.is_(None), c.time_value.desc(), c.id)
                        .limit(limit)).all()
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
    unlocated = int(total or 0) - conn.execute(
        sa.select(sa.func.count()).select_from(located.subquery())).scalar()
    precision = _precisions(conn, [r.id for r in rows])
    markers = []
    for row in rows:
        if not (-90 <= row.lat <= 90 and -180 <= row.lon <= 180):
            continue
        x, y = project(row.lat, row.lon)
        place = ", ".join(p for p in (row.location_name, row.country_code) if p)
        markers.append({"id": row.id, "x": round(x, 3), "y": round(y, 3),
                        "r": PRECISION_RADIUS.get(precision.get(row.id) or "", 3.5),
                        "fill": colour(row.type), "type": row.type,
                        "precision": precision.get(row.id),
                        "title": f"{row.time_value or 'undated'} {row.type} {place}".strip()})
    return markers, unlocated


def _precisions(conn: sa.Connection, ids: list[int]) -> dict[int, str]:
    """The precision of the member place an incident's coordinates came from."""
    if not ids:
        return {}
    query = (sa.select(incidents.c.id, events_t.c.location_precision)
             .join(incident_events, incident_events.c.incident_id == incidents.c.id)
             .join(events_t, events_t.c.id == incident_events.c.event_id)
             .where(incidents.c.id.in_(literal_ids(ids)), events_t.c.lat == incidents.c.lat,
                    events_t.c.lon == incidents.c.lon)
             .order_by(events_t.c.id))
    found: dict[int, str] = {}
    for row in conn.execute(query):
        if row.location_precision:
            found.setdefault(row.id, row.location_precision)
    return found


def view_box(markers: list[dict[str, Any]], bbox: tuple[float, float, float, float] | None
             ) -> tuple[float, float, float, float]:
    """(x, y, width, height) showing the filter's box, else the markers with a margin (2:1)."""
    if bbox and bbox[0] <= bbox[2]:
        west, south, east, north = bbox
        x0, y0 = project(north, west)
        x1, y1 = project(south, east)
    elif markers:
        x0 = min(m["x"] - m["r"] for m in markers) - 8
        x1 = max(m["x"] + m["r"] for m in markers) + 8
        y0 = min(m["y"] - m["r"] for m in markers) - 6
        y1 = max(m["y"] + m["r"] for m in markers) + 6
    else:
        return 0.0, 0.0, WIDTH, HEIGHT
    width, height = max(x1 - x0, 40.0), max(y1 - y0, 20.0)
    width, height = max(width, 2 * height), max(height, width / 2)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    width, height = min(width, WIDTH), min(height, HEIGHT)
    x = min(max(cx - width / 2, 0.0), WIDTH - width)
    y = min(max(cy - height / 2, 0.0), HEIGHT - height)
    return round(x, 2), round(y, 2), round(width, 2), round(height, 2)


# -- timeline ---------------------------------------------------------------------------------


def _bucket_start(day: dt.date, bucket: str) -> dt.date:
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _next(day: dt.date, bucket: str) -> dt.date:
    if bucket == "week":
        return day + dt.timedelta(days=7)
    if bucket == "month":
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day + dt.timedelta(days=1)


#: An incident dated more than this many days before its first report is background (a past
#: event the report recalls: "the 1979 siege"), left off the timeline unless asked for.
BACKGROUND_DAYS = 60
#: Precisions finer than or equal to each bucket (their incidents are bars of that bucket).
_FITS = {"day": ("day", "hour"), "week": ("day", "hour", "week", "report"),
         "month": ("day", "hour", "week", "report", "month")}
#: The period a coarse precision covers ("report": the week of the report's date).
_PERIOD = {"report": "week", "week": "week", "month": "month", "year": "year"}


@functools.lru_cache(maxsize=65536)
def _period(value: str, precision: str | None) -> tuple[str, dt.date, dt.date] | None:
    """(unit, first day, last day) a stored time covers; None for an unreadable value.
    Memoised: a large store has far fewer distinct dates than incidents."""
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1 or precision == "year":
            return "year", dt.date(year, 1, 1), dt.date(year, 12, 31)
        if len(parts) == 2 or precision == "month":
            first = dt.date(year, int(parts[1]), 1)
            return "month", first, _next(first, "month") - dt.timedelta(days=1)
        day = dt.date(year, int(parts[1]), int(parts[2]))
    except (ValueError, IndexError):
        return None
    unit = _PERIOD.get(precision or "", "day")
    if unit == "week":
        start = _bucket_start(day, "week")
        return "week", start, start + dt.timedelta(days=6)
    return "day", day, day


def is_background(last_day: dt.date, first_reported: dt.date | None) -> bool:
    """The period ended long before the incident was first reported."""
    return first_reported is not None and (first_reported - last_day).days > BACKGROUND_DAYS


def timeline(conn: sa.Connection, selection: Selection, bucket: str = "week",
             background: bool = False) -> dict[str, Any]:
    """Incidents per ``bucket`` (day/week; coarser if there would be too many bars) by type,
    as a stacked bar chart in a 1000 x 260 box. Incidents dated only to a period coarser
    than the bucket (a month in a weekly chart) are counted once in that period, drawn as a
    band under the bars across the bins it covers, never on an arbitrary day. Background
    incidents (``is_background``) are left out unless ``background``."""
    c = incidents.c
    rows = conn.execute(selection.restrict(
        sa.select(c.type, c.time_value, c.time_precision, c.first_reported))).all()
    dated: list[tuple[str, dt.date, dt.date, str]] = []  # (unit, first, last, type)
    undated = hidden = 0
    for row in rows:
        period = _period(row.time_value, row.time_precision) if row.time_value else None
        if period is None:
            undated += 1
            continue
        if not background and is_background(period[2], row.first_reported):
            hidden += 1
            continue
        dated.append((*period, row.type))
    result: dict[str, Any] = {"bucket": bucket, "bars": [], "types": [], "labels": [],
                              "bands": [], "ticks": [], "undated": undated,
                              "background": hidden, "imprecise": 0, "drawn": len(dated),
                              "max": 0}
    if not dated:
        return result
    fine = [d for d in dated if d[0] in ("day", "week")] or dated
    first, last = min(d[1] for d in fine), max(d[2] for d in fine)
    order = ["day", "week", "month"]
    starts: list[dt.date] = []
    for name in order[order.index(bucket) if bucket in order else 1:]:
        bucket = name
        starts = []
        cursor = _bucket_start(first, bucket)
        while cursor <= last and (len(starts) <= MAX_BARS or name == order[-1]):
            starts.append(cursor)
            cursor = _next(cursor, bucket)
        if len(starts) <= MAX_BARS:
            break
    counts: dict[dt.date, Counter[str]] = {start: Counter() for start in starts}
    coarse: dict[tuple[str, dt.date, dt.date], Counter[str]] = {}
    for unit, start, end, event_type in dated:
        if unit == "day" or (unit in ("week",) and bucket != "day"):
            key = _bucket_start(start, bucket)
            if key in counts:
                counts[key][event_type] += 1
                continue
        coarse.setdefault((unit, start, end), Counter())[event_type] += 1
    types = sorted({d[3] for d in dated})
    drawn = stacked_bars([(start.isoformat(), counts[start]) for start in starts], types,
                         colour, unit=bucket)
    ends = {start.isoformat(): (_next(start, bucket) - dt.timedelta(days=1)).isoformat()
            for start in starts}
    for bar in drawn["bars"]:
        bar["since"], bar["until"] = bar["start"], ends[bar["start"]]
    slot = 1000.0 / len(starts)
    bands = []
    for (unit, start, end), by_type in sorted(coarse.items(), key=lambda kv: kv[0][1:]):
        inside = [n for n, s in enumerate(starts) if s <= end and _next(s, bucket) > start]
        if not inside:
            continue
        x0, x1 = inside[0] * slot, (inside[-1] + 1) * slot
        label = start.isoformat()[:4 if unit == "year" else 7 if unit == "month" else 10]
        total = sum(by_type.values())
        bands.append({"x": round(x0 + 1, 2), "w": round(max(x1 - x0 - 2, 2), 2),
                      "count": total, "unit": unit, "label": label,
                      # a month or year is stored as its prefix ("2024-03"), which the
                      # list's since/until compare as text: link with the prefix itself
                      "since": label if unit in ("month", "year") else start.isoformat(),
                      "until": label if unit in ("month", "year") else end.isoformat(),
                      "title": f"{total} dated only to the {unit} {label}: "
                               + ", ".join(f"{n} {t}" for t, n in sorted(by_type.items()))})
    lanes: list[float] = []  # bands that overlap go on separate lanes
    for band in bands:
        lane = next((n for n, end in enumerate(lanes) if end <= band["x"]), len(lanes))
        if lane == len(lanes):
            lanes.append(0.0)
        lanes[lane] = band["x"] + band["w"]
        band["y"] = 300 + lane * 16
    peak = drawn["max"]
    result.update({
        "bucket": bucket,
        **drawn,
        "bands": bands,
        "lanes": len(lanes),
        "imprecise": sum(b["count"] for b in bands),
        "ticks": [{"y": round(260 - 260 * v / peak, 2), "value": v}
                  for v in sorted({0, peak // 2, peak}) if peak],
        "types": [{"type": t, "fill": colour(t), "count": sum(1 for d in dated if d[3] == t)}
                  for t in types],
        "series": [{"start": s.isoformat(), "counts": dict(counts[s])} for s in starts],
    })
    return result


def stacked_bars(series: list[tuple[str, Mapping[str, int]]], keys: list[str],
                 fill: Callable[[str], str], width: float = 1000.0, height: float = 260.0,
                 unit: str = "") -> dict[str, Any]:
    """Geometry of a stacked bar chart: one bar per (label, counts) in ``series``, stacked in
    ``keys`` order, in a ``width`` x ``height`` box; about eight x-axis labels."""
    if not series:
        return {"bars": [], "labels": [], "max": 0}
    peak = max(sum(counts.get(k, 0) for k in keys) for _label, counts in series) or 1
    slot = width / len(series)
    bars = []
    for n, (label, counts) in enumerate(series):
        y = height
        for key in keys:
            value = counts.get(key, 0)
            if not value:
                continue
            h = height * value / peak
            y -= h
            bars.append({"x": round(n * slot + slot * 0.1, 2), "y": round(y, 2), "start": label,
                         "w": round(max(slot * 0.8, 0.5), 2), "h": round(h, 2),
                         "fill": fill(key), "type": key, "count": value,
                         "title": f"{label}{f' ({unit})' if unit else ''}: {value} {key}"})
    step = max(1, len(series) // 8)
    return {"bars": bars, "max": peak,
            "labels": [{"x": round(n * slot, 2), "text": series[n][0]}
                       for n in range(0, len(series), step)]}
