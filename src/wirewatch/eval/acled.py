"""`wirewatch eval acled`: record-level coding of ACLED coder notes, as an ACLED user checks a
machine-coded record (protocol in ../shared/data/README.md, "ACLED notes").

Each note is extracted with ``published`` = the gold day (ACLED dates an undated report by its
report); the kept events are those with factuality ``actual`` that are not ``generic``. Per
note:
- type: some kept event's PLOVER type is compatible with the ACLED event type (strategic
  developments are not scored);
- killed: gold fatalities > 0, some kept event reports exactly that; gold 0, none reports more;
- date (gold time precision 1 only): some kept event's day is the gold day;
- place (gold geo precision 1 only): some kept event lies within 50 km of the gold point;
- country: some kept event's location is in the gold country.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from wirewatch.eval.coding import event_day, figure_right, kept_events, near
from wirewatch.eval.common import TaskStarter, in_part, load_jsonl

PLACE_KM = 50.0
RATES = ("type", "killed", "date", "place", "country")


def compatible_types(acled_type: str) -> frozenset[str] | None:
    """PLOVER types compatible with an ACLED event type (old and new names); None when the
    type is not scored (strategic developments, transfers of territory, bases)."""
    kind = acled_type.strip().lower()
    if kind.startswith("battle"):
        return frozenset({"FIGHT", "ASSAULT"})
    if kind == "violence against civilians":
        return frozenset({"ASSAULT", "COERCE"})
    if kind in ("remote violence", "explosions/remote violence"):
        return frozenset({"ASSAULT", "FIGHT"})
    if kind == "protests":
        return frozenset({"PROTEST"})
    if kind in ("riots", "riots/protests"):
        return frozenset({"PROTEST", "ASSAULT"})
    return None


def gold_day(value: str) -> str | None:
    """ACLED's "01-January-2015" (or ISO) as YYYY-MM-DD."""
    for fmt in ("%d-%B-%Y", "%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


@cache
def country_code(name: str) -> str | None:
    """ISO 3166 alpha-2 code of a country name as ACLED writes it ("Vietnam", "Laos")."""
    import pycountry

    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        pass
    try:
        return pycountry.countries.search_fuzzy(name)[0].alpha_2
    except LookupError:
        return None


def score_note(record: dict[str, Any], gold: dict[str, Any]) -> dict[str, Any]:
    """The protocol's checks for one note; None where a check does not apply."""
    events = kept_events(record)
    types = compatible_types(gold.get("event_type") or "")
    fatalities = gold.get("fatalities")
    code = country_code(gold["country"]) if gold.get("country") else None
    day = gold_day(gold.get("date") or "")
    return {
        "id": record.get("id"),
        "event_type": gold.get("event_type"),
        "predicted_types": sorted({e["type"] for e in events}),
        "type": None if types is None else any(e["type"] in types for e in events),
        "killed": None if fatalities is None else figure_right(events, "killed", int(fatalities)),
        "date": (any(event_day(e) == day for e in events)
                 if gold.get("time_precision") == 1 and day else None),
        "place": (near(events, gold["lat"], gold["lon"], PLACE_KM)
                  if gold.get("geo_precision") == 1 and gold.get("lat") is not None else None),
        "country": (any((e.get("location") or {}).get("country_code") == code for e in events)
                    if code else None),
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rates: dict[str, float] = {}
    counts: dict[str, int] = {}
    for key in RATES:
        scored = [r[key] for r in rows if r[key] is not None]
        counts[key] = len(scored)
        rates[key] = round(100 * sum(scored) / len(scored), 1) if scored else 0.0
    return {"notes": len(rows), "rates": rates, "scored": counts,
            "mean": round(sum(rates.values()) / len(rates), 1)}


def evaluate(path: Path, part: str = "check", limit: int | None = None,
             progress: TaskStarter | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Score the notes of ``path`` in ``part`` of the split by id hash ("check" by default:
    the half nobody tunes on); returns the summary and one row per note."""
    from wirewatch.api import Document, extract_records

    notes = [r for r in load_jsonl(path) if in_part(str(r["id"]), part)]
    notes = notes[:limit] if limit is not None else notes
    tick = progress("acled", len(notes)) if progress is not None else None
    documents = (Document(id=str(n["id"]), text=n["text"],
                          published=gold_day(n["gold"].get("date") or "")) for n in notes)
    records = extract_records(documents, progress=None if tick is None else lambda _r: tick())
    rows = [score_note(record, note["gold"])
            for note, record in zip(notes, records, strict=True)]
    result = summarise(rows)
    result["part"] = part
    return result, rows


def result_lines(result: dict[str, Any]) -> Iterator[str]:
    rates, scored = result["rates"], result["scored"]
    yield f"ACLED notes ({result['notes']} notes, part {result['part']})"
    for key in RATES:
        yield f"  {key:<8} {rates[key]:5.1f}  (n={scored[key]})"
    yield f"  mean     {result['mean']:5.1f}"
