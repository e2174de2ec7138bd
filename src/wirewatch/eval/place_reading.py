"""Places against a local reader: 40 US local and 20 non-US dev articles placed by hand.

The fixture (tests/fixtures/place_reading.json) holds ids and where a reader who knows the
outlet places each article's incident (a name and the coder's coordinates), never the text.
Each article is rebuilt as its protocol reads it (GVC: title, a blank line, the text, with
its web address; ACLED: the note) and extracted; its place is the location of its first kept
event that has a point (``wirewatch.eval.coding.kept_events``), else the record's first
located place. Scores: the share within 25 km of the reader's point and the share in the
reader's country (an article the pipeline places nowhere counts as wrong in both).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wirewatch.eval.coding import article_document, kept_events
from wirewatch.eval.common import load_jsonl
from wirewatch.eval.geo import haversine_km

DEFAULT_FIXTURE = Path("tests/fixtures/place_reading.json")
PLACE_KM = 25.0
_SOURCES = {"us_local": ("incidents/gvc_dev.jsonl", "id"),
            "non_us": ("acled/acled_asia_2015_dev.jsonl", "id")}


def article_place(record: dict[str, Any]) -> dict[str, Any] | None:
    """Where the record places the article's incident (see the module docstring)."""
    for event in kept_events(record):
        location = event.get("location") or {}
        if location.get("lat") is not None:
            return location
    return next((loc for loc in record.get("locations") or [] if loc.get("lat") is not None),
                None)


def evaluate(data_dir: Path, fixture: Path = DEFAULT_FIXTURE) -> dict[str, Any]:
    """Per group and overall: articles, share within PLACE_KM, share in the right country,
    and one row per article."""
    from wirewatch.api import Document, extract_records

    coded = json.loads(fixture.read_text("utf-8"))
    rows: list[dict[str, Any]] = []
    for group, (path, key) in _SOURCES.items():
        wanted = {item["id"]: item for item in coded[group]}
        found = {str(r[key]): r for r in load_jsonl(data_dir / path) if str(r[key]) in wanted}
        items = [wanted[i] for i in wanted if i in found]
        docs = [article_document(found[i["id"]]) if group == "us_local"
                else Document(id=i["id"], text=found[i["id"]]["text"]) for i in items]
        for item, record in zip(items, extract_records(docs), strict=True):
            place = article_place(record)
            km = None if place is None else haversine_km(place["lat"], place["lon"],
                                                         item["lat"], item["lon"])
            rows.append({"group": group, "id": item["id"], "expected": item["place"],
                         "got": None if place is None else place.get("name"),
                         "country": None if place is None else place.get("country_code"),
                         "km": None if km is None else round(km, 1),
                         "near": km is not None and km <= PLACE_KM,
                         "country_right": place is not None
                         and place.get("country_code") == item["country"]})
    out: dict[str, Any] = {"rows": rows}
    for group in (*_SOURCES, "all"):
        part = [r for r in rows if group in ("all", r["group"])]
        if part:
            out[group] = {"articles": len(part),
                          "near": round(100 * sum(r["near"] for r in part) / len(part), 1),
                          "country": round(100 * sum(r["country_right"] for r in part)
                                           / len(part), 1)}
    return out
