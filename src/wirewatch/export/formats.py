"""Writers: ACLED-style CSV, GeoJSON, Parquet and JSONL (STIX lives in ``stix.py``), and the
registry of export formats.

Formats are entry points of the ``wirewatch.export_formats`` group (name -> a function
``write(items, path)``), declared in pyproject.toml; another installed package can add a
format the same way, and ``wirewatch export --format`` offers every one it finds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wirewatch.export.acled import ACLED_COLUMNS, acled_row
from wirewatch.export.csv_safe import write_rows
from wirewatch.extras import require

if TYPE_CHECKING:  # annotations only: the CLI reads the format names without the store
    from wirewatch.export.rows import ExportIncident

#: Entry-point group of the export formats.
ENTRY_POINT_GROUP = "wirewatch.export_formats"

Writer = Callable[[Sequence["ExportIncident"], Path], None]

#: Our columns after ACLED's: whether a reviewer corrected the row (``wirewatch review``).
EXTRA_COLUMNS = ("reviewed",)


def write_acled_csv(items: Sequence[ExportIncident], path: Path) -> None:
    """ACLED columns, text cells that would start a formula defused (``csv_safe``)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        write_rows(out, (*ACLED_COLUMNS, *EXTRA_COLUMNS), (acled_row(item) for item in items))


def _properties(item: ExportIncident) -> dict[str, Any]:
    incident = item.incident
    return {
        "id": incident["id"],
        "type": incident["type"],
        "mode": incident.get("mode"),
        "status": incident.get("status"),
        "date": item.time.get("value"),
        "time_precision": item.time.get("precision"),
        "place": item.location.get("name"),
        "admin1": item.location.get("admin1"),
        "country": item.location.get("country_code"),
        "geo_precision": item.geo_precision(),
        "gtd_specificity": item.gtd_specificity(),
        # Flat figures (GIS tools filter on plain columns), then the nested detail.
        **{f"{kind}_{end}": ((incident.get("casualties") or {}).get(kind) or {}).get(end)
           for kind in ("killed", "injured", "arrested", "kidnapped") for end in ("min", "max")},
        "acled_event_type": item.acled_type()[0],
        "acled_sub_event_type": item.acled_type()[1],
        "location_uncertain": item.uncertain_place(),
        "accidental": item.accidental,
        "casualties": incident.get("casualties"),
        "conflicting": incident.get("conflicting"),
        "independent_sources": incident.get("independent_sources"),
        "sources": incident.get("sources"),
        "actors": item.agents,
        "targets": item.targets,
        "documents": item.documents,
        "reviewed": item.reviewed,
        "reviewed_fields": item.incident.get("reviewed") or [],
    }


def geojson(items: Sequence[ExportIncident]) -> dict[str, Any]:
    """A FeatureCollection: one Point per located incident (unlocated ones: null geometry)."""
    features = []
    for item in items:
        lat, lon = item.location.get("lat"), item.location.get("lon")
        geometry = (
            {"type": "Point", "coordinates": [lon, lat]}
            if lat is not None and lon is not None
            else None
        )
        features.append(
            {
                "type": "Feature",
                "id": item.incident["id"],
                "geometry": geometry,
                "properties": _properties(item),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(items: Sequence[ExportIncident], path: Path) -> None:
    path.write_text(json.dumps(geojson(items), ensure_ascii=False, default=str), "utf-8")


def write_jsonl(items: Sequence[ExportIncident], path: Path) -> None:
    """The ``wirewatch incidents --json`` lines."""
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item.incident, ensure_ascii=False, default=str) + "\n")


def write_parquet(items: Sequence[ExportIncident], path: Path) -> None:
    """Flat columns (ACLED's plus ours); nested values (casualties, members) as JSON text."""
    pa = require("pyarrow", "export", "Parquet export")
    pq = require("pyarrow.parquet", "export", "Parquet export")

    rows = []
    for item in items:
        row = acled_row(item)
        props = _properties(item)
        row.update(
            {
                "incident_id": item.incident["id"],
                "plover_type": props["type"],
                "plover_mode": props["mode"],
                "status": props["status"],
                "gtd_specificity": props["gtd_specificity"],
                "independent_sources": props["independent_sources"],
                "conflicting": props["conflicting"],
                "sources": props["sources"] or [],
                "casualties_json": json.dumps(props["casualties"]),
                "events_json": json.dumps(item.incident.get("events"), default=str),
                "reviewed": item.reviewed,
            }
        )
        rows.append(row)
    numeric = {
        "year": pa.int64(),
        "time_precision": pa.int64(),
        "latitude": pa.float64(),
        "longitude": pa.float64(),
        "geo_precision": pa.int64(),
        "fatalities": pa.int64(),
        "inter1": pa.int64(),
        "inter2": pa.int64(),
        "interaction": pa.int64(),
        "iso": pa.int64(),
        "timestamp": pa.int64(),
    }
    schema = pa.schema(
        [
            *((name, numeric.get(name, pa.string())) for name in ACLED_COLUMNS),
            ("incident_id", pa.int64()),
            ("plover_type", pa.string()),
            ("plover_mode", pa.string()),
            ("status", pa.string()),
            ("gtd_specificity", pa.int64()),
            ("independent_sources", pa.int64()),
            ("conflicting", pa.bool_()),
            ("sources", pa.list_(pa.string())),
            ("casualties_json", pa.string()),
            ("events_json", pa.string()),
            ("reviewed", pa.bool_()),
        ]
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path)


def format_names() -> list[str]:
    """The export formats installed (entry points of ``ENTRY_POINT_GROUP``), sorted."""
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})


def writer(fmt: str) -> Writer:
    """The writer registered for format ``fmt``; ValueError for an unknown format."""
    for ep in entry_points(group=ENTRY_POINT_GROUP, name=fmt):
        return ep.load()
    raise ValueError(f"unknown export format {fmt!r} (installed: {', '.join(format_names())})")


def write(items: Sequence[ExportIncident], fmt: str, path: Path) -> None:
    """Write ``items`` in format ``fmt`` (one of ``format_names()``) to ``path``."""
    writer(fmt)(items, path)
