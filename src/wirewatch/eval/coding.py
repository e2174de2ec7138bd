"""`wirewatch eval coding`: record-level incident coding against the Gun Violence Archive.

The protocol of ../shared/data/README.md ("Incident coding"): each GVC article (title, a blank
line, the text; ``published`` given) is extracted; the events an analyst would keep are the
ASSAULT or FIGHT events with factuality ``actual`` that are not ``generic``. Per article, with
the GVA record of its incident as gold:

- date: some kept event's ``time.value`` is the incident's day;
- place: some kept event lies within 25 km of the GVA point;
- killed / injured: some kept event's figure equals the GVA figure (gold 0: no kept event
  reports more than 0);
- victims: the share of named victims (GVA participants of type Victim with a first and a last
  name) whose surname appears in a kept event's victim argument;
- extra: kept events beyond the first (over-coding);
- suspects (not in the mean): of the GVA suspects named with a first and a last name whose
  surname the article holds (and who are not also victims), the share found as a kept
  event's agent, and how many were listed as its victims instead.

The kept-event helpers are shared with the ACLED protocol (``wirewatch.eval.acled``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from wirewatch.eval.common import TaskStarter, in_part, load_jsonl
from wirewatch.eval.geo import haversine_km

#: Event types an incident coder of shootings keeps.
VIOLENT_KEPT = frozenset({"ASSAULT", "FIGHT"})
PLACE_KM = 25.0
RATES = ("date", "place", "killed", "injured", "victims")


def kept_events(record: dict[str, Any], types: frozenset[str] | None = None,
                accidental: bool = False) -> list[dict]:
    """The events an analyst codes: actual, not generic, of ``types`` when given; accidental
    shootings only with ``accidental`` (the Gun Violence Archive counts them; political
    violence counts and alarms do not)."""
    return [e for e in record.get("events") or []
            if e.get("factuality") == "actual" and not e.get("generic")
            and (accidental or not e.get("accidental"))
            and (types is None or e.get("type") in types)]


def event_day(event: dict[str, Any]) -> str | None:
    """The event's day as YYYY-MM-DD, or None when its time is coarser or absent."""
    value = (event.get("time") or {}).get("value")
    return value if isinstance(value, str) and len(value) == 10 else None


def event_point(event: dict[str, Any]) -> tuple[float, float] | None:
    location = event.get("location") or {}
    lat, lon = location.get("lat"), location.get("lon")
    return (lat, lon) if lat is not None and lon is not None else None


def near(events: Iterable[dict[str, Any]], lat: float, lon: float, km: float) -> bool:
    """True when some event's location lies within ``km`` of (lat, lon)."""
    return any(point is not None and haversine_km(point[0], point[1], lat, lon) <= km
               for point in map(event_point, events))


def figure_right(events: list[dict[str, Any]], slot: str, gold: int) -> bool:
    """Gold > 0: some event reports exactly that figure; gold 0: none reports more than 0."""
    values = [(e.get("casualties") or {}).get(slot) for e in events]
    if gold > 0:
        return gold in values
    return not any(isinstance(v, int) and v > 0 for v in values)


def named_victims(incident: dict[str, Any]) -> list[str]:
    """Surnames of the incident's victims named with a first and a last name."""
    surnames = []
    for person in incident.get("participants") or []:
        name = (person.get("name") or "").split()
        if person.get("type") == "Victim" and len(name) >= 2:
            surnames.append(name[-1].lower())
    return surnames


def named_suspects(incident: dict[str, Any]) -> list[str]:
    """Surnames of the incident's suspects (GVA "Subject-Suspect") named with a first and a
    last name, who are not also its victims (a self-inflicted shooting lists both)."""
    victims = set(named_victims(incident))
    surnames = []
    for person in incident.get("participants") or []:
        name = (person.get("name") or "").split()
        if person.get("type") == "Subject-Suspect" and len(name) >= 2 \
                and name[-1].lower() not in victims:
            surnames.append(name[-1].lower())
    return surnames


def role_texts(events: list[dict[str, Any]], role: str) -> str:
    return " ".join(a["span"]["text"].lower() for e in events for a in e.get("arguments") or []
                    if a.get("role") == role and a.get("span"))


def victim_texts(events: list[dict[str, Any]]) -> str:
    return " ".join(a["span"]["text"].lower() for e in events for a in e.get("arguments") or []
                    if a.get("role") == "victim" and a.get("span"))


def article_document(row: dict[str, Any]) -> Any:
    """The article as the protocol reads it: title, a blank line, the text; with its web
    address, as a reader sees the outlet."""
    from wirewatch.api import Document

    title = row.get("title")
    text = f"{title}\n\n{row['text']}" if title else row["text"]
    return Document(id=str(row["id"]), text=text, published=row.get("published"),
                    url=row.get("url"))


def score_article(record: dict[str, Any], incident: dict[str, Any], text: str | None = None
                  ) -> dict[str, Any]:
    """The protocol's checks for one article: booleans per rate (victims as counts). With
    the article's ``text``, also the named victims the article itself names (its surname
    is a word of the text) and how many of those were found."""
    events = kept_events(record, VIOLENT_KEPT, accidental=True)  # GVA counts accidents
    point = incident.get("lat_long")
    surnames = named_victims(incident)
    victims = victim_texts(events)
    words = set(re.findall(r"[\w'-]+", text.lower())) if text is not None else set()
    in_text = [s for s in surnames if s in words]
    suspects = [s for s in named_suspects(incident) if s in words]
    agents = role_texts(events, "agent")
    return {
        "id": record.get("id"),
        "incident_id": incident["incident_id"],
        "date": any(event_day(e) == incident["date"] for e in events),
        "place": near(events, point[0], point[1], PLACE_KM) if point else None,
        "killed": figure_right(events, "killed", int(incident["num_killed"])),
        "injured": figure_right(events, "injured", int(incident["num_injured"])),
        "victims_named": len(surnames),
        "victims_found": sum(1 for s in surnames if s in victims),
        "victims_in_text": len(in_text),
        "victims_in_text_found": sum(1 for s in in_text if s in victims),
        # suspects the article names: found as an agent, or wrongly listed as a victim
        "suspects_in_text": len(suspects),
        "suspects_found": sum(1 for s in suspects if s in agents),
        "suspects_as_victims": sum(1 for s in suspects if s in victims),
        "kept": len(events),
        "extra": max(0, len(events) - 1),
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rates in percent, their mean, and extra kept events per article."""
    n = len(rows)
    named = sum(r["victims_named"] for r in rows)
    rates = {}
    for key in ("date", "place", "killed", "injured"):
        scored = [r[key] for r in rows if r[key] is not None]  # place: GVA may lack a point
        rates[key] = round(100 * sum(scored) / len(scored), 1) if scored else 0.0
    rates["victims"] = round(100 * sum(r["victims_found"] for r in rows) / named, 1) \
        if named else 0.0
    in_text = sum(r.get("victims_in_text", 0) for r in rows)
    return {
        "articles": n,
        "named_victims": named,
        "rates": rates,
        # of the named victims the article itself names, the share found (not in the mean)
        "victims_in_text": {"named": in_text, "rate": round(100 * sum(
            r.get("victims_in_text_found", 0) for r in rows) / in_text, 1) if in_text else 0.0},
        "suspects_in_text": {"named": (named_s := sum(r.get("suspects_in_text", 0)
                                                        for r in rows)),
                             "rate": round(100 * sum(r.get("suspects_found", 0) for r in rows)
                                           / named_s, 1) if named_s else 0.0,
                             "as_victims": sum(r.get("suspects_as_victims", 0) for r in rows)},
        "mean": round(sum(rates.values()) / len(rates), 1),
        "extra_per_article": round(sum(r["extra"] for r in rows) / n, 3) if n else 0.0,
    }


def _incidents(path: Path) -> dict[str, dict[str, Any]]:
    return {str(r["incident_id"]): r for r in load_jsonl(path)}


def default_gold(article_path: Path) -> Path:
    return article_path.parent / "gvc_incidents_train_dev.jsonl"


def evaluate(paths: list[Path], gold_path: Path | None = None, part: str = "check",
             limit: int | None = None, progress: TaskStarter | None = None,
             ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Score the articles of ``paths`` (their ``part`` of the split by id hash); returns the
    summary and one row per article (what each check found), for error analysis."""
    from wirewatch.api import extract_records

    incidents = _incidents(gold_path or default_gold(paths[0]))
    articles = [row for path in paths for row in load_jsonl(path)
                if in_part(str(row["id"]), part) and str(row.get("incident_id")) in incidents]
    articles = articles[:limit] if limit is not None else articles
    tick = progress("coding", len(articles)) if progress is not None else None
    records = extract_records((article_document(r) for r in articles),
                              progress=None if tick is None else lambda _r: tick())
    rows = [score_article(record, incidents[str(row["incident_id"])],
                          article_document(row).text)
            for row, record in zip(articles, records, strict=True)]
    result = summarise(rows)
    result["part"] = part
    return result, rows


def result_lines(result: dict[str, Any]) -> Iterator[str]:
    rates = result["rates"]
    yield (f"Incident coding ({result['articles']} articles, part {result['part']}, "
           f"{result['named_victims']} named victims)")
    yield "  " + "  ".join(f"{k} {rates[k]:5.1f}" for k in RATES) + f"  mean {result['mean']:.1f}"
    yield f"  extra kept events per article {result['extra_per_article']:.2f}"
    named = result.get("victims_in_text")
    if named:
        yield (f"  named victims the article names: {named['rate']:.1f}% of {named['named']}")
    suspects = result.get("suspects_in_text")
    if suspects:
        yield (f"  named suspects the article names: {suspects['rate']:.1f}% found as agents "
               f"of {suspects['named']}; {suspects['as_victims']} listed as victims")
