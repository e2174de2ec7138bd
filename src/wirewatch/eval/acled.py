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
- country: some kept event's location is in the gold country;
- agent / victim category: the ACLED actor categories (inter1 / inter2: 1 state forces,
  2 rebel groups, 3 political militias, 4 identity militias, 5 rioters, 6 protesters,
  7 civilians, 8 other; 0 no second actor) of the first kept event whose type is
  compatible and that has an agent (else the first compatible one), coded as ``wirewatch export --format acled-csv`` codes them (the entity kind,
  else the kind of a descriptor's head noun), against the categories of the gold actor1 and
  actor2. Scored on notes with such an event (the coding of a found event) and whose gold
  categories can be told apart (ACLED's interaction code lists the lower category first, so
  actor1's category comes from its name where the two differ).
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
CATEGORY_RATES = ("agent_category", "victim_category")

#: ACLED actor names whose category the name itself says (prefix or word, lower case).
_NAMED_CATEGORIES: tuple[tuple[str, int], ...] = (
    ("protesters (", 6), ("rioters (", 5), ("civilians (", 7), ("military forces of", 1),
    ("police forces of", 1), ("government of", 1), ("prison guards", 1),
    ("unidentified armed group", 3), ("unidentified communal", 4), ("communal militia", 4),
    ("ethnic militia", 4), ("party militia", 3), (" militia", 3),
)


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


def name_category(name: str) -> int | None:
    """ACLED actor category that an actor's name says by itself, else None."""
    lowered = f" {name.strip().lower()}"
    for pattern, code in _NAMED_CATEGORIES:
        if pattern in lowered:
            return code
    return None


def gold_categories(gold: dict[str, Any]) -> tuple[int, int] | None:
    """(actor1, actor2) ACLED categories of a gold record (actor2 0 when absent), or None
    when the interaction code and names cannot tell which digit is actor1's."""
    code = str(gold.get("interaction") or "").strip()
    if not code.isdigit() or not gold.get("actor1"):
        return None
    digits = [int(c) for c in code.zfill(2)]
    if not (gold.get("actor2") or "").strip():
        return digits[0], 0
    low, high = digits
    if low == high:
        return low, high
    first = name_category(gold["actor1"])
    second = name_category(gold["actor2"])
    if first in (low, high):
        return first, high if first == low else low
    if second in (low, high):
        return (high if second == low else low), second
    return None


def event_categories(record: dict[str, Any], event: dict[str, Any]) -> tuple[int | None, int]:
    """(inter1, inter2) of a predicted event, coded as the ACLED export codes an incident."""
    from wirewatch.export.acled import actor_codes, crowd_violence, read_codes
    from wirewatch.export.rows import acled_type
    from wirewatch.knowledge.actors import descriptor_kind

    entities = {e.get("id"): e for e in record.get("entities") or []}

    def kinds(roles: tuple[str, ...], things_too: bool) -> list[str | None]:
        found = []
        for arg in event.get("arguments") or []:
            if arg.get("role") not in roles:
                continue
            text = (arg.get("span") or {}).get("text")
            kind = (entity.get("kind") if (entity := entities.get(arg.get("entity"))) else None)
            if kind in (None, "other"):
                kind = descriptor_kind(text) or kind
            if kind is not None or things_too:
                found.append(kind)
        return found

    texts = [(a.get("span") or {}).get("text") or "" for a in event.get("arguments") or []
             if a.get("role") in ("agent", "victim", "target")]
    crowd = crowd_violence(texts, (event.get("evidence") or {}).get("text") or "")
    event_type, _ = acled_type(event["type"], event.get("mode"), event.get("accidental") is True)
    victim_kind = (event.get("casualties") or {}).get("victim_kind")
    # victims are people whatever their kind; a target counts only as a known actor (a bus,
    # a road or a house is no second actor)
    seconds = kinds(("victim",), True) or kinds(("target",), False)
    inter1, inter2 = actor_codes(event_type, kinds(("agent",), True), seconds, victim_kind,
                                 crowd)
    # the heads' reading, where they were sure and the export can follow it
    return read_codes(event_type, inter1, inter2, event.get("actor_categories"),
                      any(a.get("role") == "agent" for a in event.get("arguments") or []),
                      bool(seconds))


def category_event(events: list[dict[str, Any]], gold: dict[str, Any]
                   ) -> dict[str, Any] | None:
    """The kept event a note's categories are read from: of those whose type is compatible
    with the gold event type, the first with an agent (the record an ACLED coder would
    code), else the first."""
    types = compatible_types(gold.get("event_type") or "")
    compatible = [e for e in events if types and e["type"] in types]
    return next((e for e in compatible if any(a.get("role") == "agent"
                                              for a in e.get("arguments") or [])),
                compatible[0] if compatible else None)


def category_rates(record: dict[str, Any], gold: dict[str, Any],
                   events: list[dict[str, Any]]) -> dict[str, Any]:
    """Agent and victim category checks of one note (None where not scored)."""
    expected = gold_categories(gold)
    found = category_event(events, gold)
    if found is None or expected is None:
        return {"agent_category": None, "victim_category": None, "categories": None}
    inter1, inter2 = event_categories(record, found)
    return {"agent_category": inter1 == expected[0], "victim_category": inter2 == expected[1],
            "categories": [inter1, inter2, *expected]}


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
        **category_rates(record, gold, events),
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rates: dict[str, float] = {}
    counts: dict[str, int] = {}
    for key in RATES:
        scored = [r[key] for r in rows if r[key] is not None]
        counts[key] = len(scored)
        rates[key] = round(100 * sum(scored) / len(scored), 1) if scored else 0.0
    mean = round(sum(rates.values()) / len(rates), 1)
    for key in CATEGORY_RATES:
        scored = [r[key] for r in rows if r.get(key) is not None]
        counts[key] = len(scored)
        rates[key] = round(100 * sum(scored) / len(scored), 1) if scored else 0.0
    return {"notes": len(rows), "rates": rates, "scored": counts, "mean": mean}


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
    yield f"  mean     {result['mean']:5.1f}  (of the five above)"
    for key in CATEGORY_RATES:
        if key in rates:
            yield f"  {key:<16} {rates[key]:5.1f}  (n={scored[key]}: notes with a compatible event)"
