"""`wirewatch eval actors`: agents and victims against an analyst's hand check of incidents.

The fixture (tests/fixtures/actor_reading.json) holds, per incident, the article it comes
from (GVC dev, WikiEvents dev, the bundled examples), the report date, an anchor that finds
the incident among the record's events (type, day, place, figures: as in ``eval reading``),
and what the coder read in the text before anything was run on it:

- ``agents``: who carried it out, each an entry of acceptable strings ("Lee Hawkins",
  "Hawkins", "the gunman"); ``named`` when the text names the actor;
- ``victims``: who was killed, hurt, kidnapped or shot at, each with acceptable strings;
  ``required`` when an analyst must see it in the record;
- ``not_actors``: strings a careless coder would take for an agent or a victim (the town,
  the gun, the outlet, the police who only responded, a pronoun).

Per incident, the record's violent events (``eval.reading.predicted_events``) are matched to
the anchor as ``eval reading`` matches them (place or day agree, or one event each side),
the first in text order winning. Then, over the matched event's arguments (the span text
and the entity's canonical name both count):

- agent right: every named agent is found, and every predicted agent is one of the
  expected agents (an unnamed one may be missing: "a gunman" left out is no error);
- victims right: every required victim is found, and every predicted victim is one of the
  expected victims;
- a predicted agent or victim equal to a ``not_actors`` string, or a piece of one, is an error
  ("Bladensburg High" for "Bladensburg High School"; "a Colorado woman" is no error),
  as is one that is an unresolved pronoun or a place, weapon or outlet by its entity.

A predicted string matches an expected one when, lower-cased and without punctuation, they
are equal or one holds the other as whole words (the shorter having a word that is not a
determiner or a number). Rates are given over the incidents whose event was found and over
all incidents (a missed incident is wrong on both).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wirewatch.eval.common import TaskStarter, normalise
from wirewatch.eval.reading import SOURCES, match_events, predicted_events

DEFAULT_FIXTURE = Path("tests/fixtures/actor_reading.json")
DEFAULT_DATA = Path("../shared/data")
#: The bundled examples: the repository's reports (with their .meta.json) and the seed
#: article in ../shared/examples.
EXAMPLE_SOURCES = {"examples/reports": Path("examples/reports"),
                   "examples/seed-article.txt": None}
_EMPTY_WORDS = frozenset({"a", "an", "the", "his", "her", "their", "its", "of", "and", "two",
                          "one", "three", "four", "five", "at", "least", "some", "several"})
_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})


def load_fixture(path: Path = DEFAULT_FIXTURE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _key(text: str) -> str:
    return normalise(text or "")


def strings_match(predicted: str, expected: str) -> bool:
    """Equal, or one holds the other as whole words, the shorter saying something."""
    got, want = _key(predicted), _key(expected)
    if not got or not want:
        return False
    if got == want:
        return True
    short, long_ = (got, want) if len(got) <= len(want) else (want, got)
    if not set(short.split()) - _EMPTY_WORDS:
        return False
    return f" {short} " in f" {long_} "


def _any_match(names: list[str], wanted: list[str]) -> bool:
    return any(strings_match(n, w) for n in names for w in wanted)


def incident_documents(fixture: dict[str, Any], data_dir: Path, repo: Path = Path("."),
                       ) -> dict[tuple[str, str], Any]:
    """(source, id) -> the Document the coder read, built as ``eval reading`` builds it;
    a source or id not found raises ValueError naming it."""
    from wirewatch.api import Document
    from wirewatch.eval.reading import article_document, article_rows

    found: dict[tuple[str, str], Any] = {}
    data_items = []
    for item in fixture["incidents"]:
        key = (item["source"], item["id"])
        if key in found or item["source"] in SOURCES and key in {
                (i["source"], i["id"]) for i in data_items}:
            continue
        if item["source"] in SOURCES:
            data_items.append({"source": item["source"], "id": item["id"],
                               "published": item.get("published")})
        elif item["source"] == "examples/reports":
            base = repo / "examples" / "reports" / item["id"]
            meta = json.loads(base.with_suffix(".meta.json").read_text(encoding="utf-8"))
            found[key] = Document(id=item["id"], text=base.with_suffix(".txt").read_text(
                encoding="utf-8"), published=item.get("published"), title=meta.get("title"))
        elif item["source"] == "examples/seed-article.txt":
            path = data_dir.parent / "examples" / "seed-article.txt"
            if not path.is_file():
                raise ValueError(f"no {path}")
            found[key] = Document(id=item["id"], text=path.read_text(encoding="utf-8"),
                                  published=item.get("published"))
        else:
            raise ValueError(f"unknown source {item['source']!r}")
    if data_items:
        rows = article_rows({"articles": data_items}, data_dir)
        for article, row in zip(data_items, rows, strict=True):
            found[(article["source"], article["id"])] = article_document(article, row)
    return found


def _argument_names(record: dict[str, Any], event: dict[str, Any], role: str,
                    ) -> list[dict[str, Any]]:
    """The event's ``role`` arguments: span text, entity name and type."""
    entities = {e.get("id"): e for e in record.get("entities") or []}
    found = []
    for arg in event.get("arguments") or []:
        if arg.get("role") != role:
            continue
        entity = entities.get(arg.get("entity")) or {}
        text = (arg.get("span") or {}).get("text") or ""
        found.append({"text": text,
                      "names": [n for n in (text, entity.get("name")) if n],
                      "type": entity.get("type"), "kind": entity.get("kind")})
    return found


def forbidden(argument: dict[str, Any], not_actors: list[str]) -> str | None:
    """Why a predicted agent or victim is no actor at all (None when it may be one)."""
    from wirewatch.extract.actor_check import PRONOUNS

    key = _key(argument["text"])
    if key in PRONOUNS:
        return "unresolved pronoun"
    if argument.get("type") in _PLACE_TYPES:
        return "place"
    if argument.get("type") == "WEAPON":
        return "weapon"
    if argument.get("kind") == "media":
        return "outlet"
    for name in not_actors:  # the phrase itself, or a piece of it ("Bladensburg High")
        want = _key(name)
        if want and key and (key == want or f" {key} " in f" {want} "):
            return f"not an actor: {name}"
    return None


def _full_events(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's events in ``predicted_events`` order, whole (with arguments)."""
    from wirewatch.eval.coding import VIOLENT_KEPT, kept_events

    return list(kept_events(record, VIOLENT_KEPT, accidental=True))


def score_incident(item: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """One row: the matched event's agents and victims and the checks on them."""
    row: dict[str, Any] = {"id": item["id"], "source": item["source"],
                           "incident": item.get("incident")}
    anchor = dict(item["anchor"])
    predicted = predicted_events(record)
    full = _full_events(record)
    pairs = sorted(i for i, _ in match_events(predicted, [anchor]))
    if not pairs:
        adjacency = [i for i, p in enumerate(predicted)
                     if match_events([p], [anchor]) and len(predicted) > 0]
        pairs = adjacency[:1] if len(predicted) == 1 else []
    if not pairs:
        row.update(found=False, agent_right=False, victims_right=False, agents=[], victims=[],
                   forbidden=[])
        return row
    event = full[pairs[0]]
    agents = _argument_names(record, event, "agent")
    victims = _argument_names(record, event, "victim")
    expected_agents = item.get("agents") or []
    expected_victims = item.get("victims") or []
    missing_agents = [e["names"][0] for e in expected_agents if e.get("named")
                      and not any(_any_match(a["names"], e["names"]) for a in agents)]
    wrong_agents = [a["text"] for a in agents
                    if not any(_any_match(a["names"], e["names"]) for e in expected_agents)]
    missing_victims = [e["names"][0] for e in expected_victims if e.get("required", True)
                       and not any(_any_match(v["names"], e["names"]) for v in victims)]
    wrong_victims = [v["text"] for v in victims
                     if not any(_any_match(v["names"], e["names"]) for e in expected_victims)]
    bad = [f"{a['text']} ({why})" for a in (*agents, *victims)
           if (why := forbidden(a, item.get("not_actors") or []))]
    row.update(found=True, trigger=(event.get("trigger") or {}).get("text"),
               agents=[a["text"] for a in agents], victims=[v["text"] for v in victims],
               agent_right=not missing_agents and not wrong_agents,
               victims_right=not missing_victims and not wrong_victims,
               missing_agents=missing_agents, wrong_agents=wrong_agents,
               missing_victims=missing_victims, wrong_victims=wrong_victims, forbidden=bad)
    return row


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    found = [r for r in rows if r["found"]]
    return {
        "incidents": len(rows),
        "found": len(found),
        "agent_right_found": _percent(sum(r["agent_right"] for r in found), len(found)),
        "victims_right_found": _percent(sum(r["victims_right"] for r in found), len(found)),
        "agent_right_all": _percent(sum(r["agent_right"] for r in rows), len(rows)),
        "victims_right_all": _percent(sum(r["victims_right"] for r in rows), len(rows)),
        "forbidden": sum(len(r["forbidden"]) for r in rows),
    }


def evaluate(fixture_path: Path = DEFAULT_FIXTURE, data_dir: Path = DEFAULT_DATA,
             progress: TaskStarter | None = None, repo: Path = Path("."),
             ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Extract every fixture article once and score each coded incident."""
    from wirewatch.api import extract_records

    fixture = load_fixture(fixture_path)
    items = [i for i in fixture["incidents"] if i.get("incident")]
    documents = incident_documents({"incidents": items}, data_dir, repo)
    keys = list(documents)
    tick = progress("actors", len(keys)) if progress is not None else None
    records = dict(zip(keys, extract_records(
        (documents[k] for k in keys), progress=None if tick is None else lambda _r: tick()),
        strict=True))
    rows = [score_incident(i, records[(i["source"], i["id"])]) for i in items]
    return summarise(rows), rows


def result_lines(result: dict[str, Any]) -> Iterator[str]:
    yield f"Hand check of agents and victims ({result['incidents']} incidents, " \
          f"{result['found']} found)"
    yield f"  agent right    {result['agent_right_found']:5.1f} of found   " \
          f"{result['agent_right_all']:5.1f} of all"
    yield f"  victims right  {result['victims_right_found']:5.1f} of found   " \
          f"{result['victims_right_all']:5.1f} of all"
    yield f"  agents or victims that are no actor: {result['forbidden']}"
