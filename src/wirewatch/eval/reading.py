"""`wirewatch eval reading`: wirewatch against an analyst's reading by hand of 30 dev articles.

The fixture (tests/fixtures/analyst_reading.json) holds, per article, its source file under
../shared/data, its id, the report date an analyst has (``published``) and the violent events
the analyst coded (type, day, place, country, killed, injured): never the article text. Each
article is rebuilt from the data as the other protocols read it (GVC and BBC: title, a blank
line, the text; WikiEvents and ECB+: the text; MUC-4: the lower-case ``doctext``), extracted with the
fixture's ``published``, and its predicted violent events are the ASSAULT or FIGHT events with
factuality ``actual`` that are not ``generic`` (``wirewatch.eval.coding.kept_events``).

Matching, per article, one-to-one (a maximum matching, so the order of events does not matter):
a predicted event may match an expected one when

- their places agree: a name of the predicted location (its gazetteer name or its text) equals
  the expected ``place`` or one of its ``place_also`` names, or contains one as whole words or
  is contained in one (after lower-casing, dropping accents and punctuation), and the two
  country codes do not differ; or
- their days agree: both are given and equal; or
- the article has exactly one expected and exactly one predicted event.

Precision = matched / predicted, recall = matched / expected, over all 30 articles (an article
with no expected event contributes only to precision). Over the matched pairs: day accuracy
(pairs whose expected day is given), place accuracy (the place test above) and killed /
injured accuracy (all pairs; a missing figure counts as 0, as a coder's table shows it).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wirewatch.eval.coding import VIOLENT_KEPT, event_day, kept_events
from wirewatch.eval.common import TaskStarter, load_jsonl, max_matching, normalise

DEFAULT_FIXTURE = Path("tests/fixtures/analyst_reading.json")
DEFAULT_DATA = Path("../shared/data")
FIELDS = ("day", "place", "killed", "injured")

#: How each source file names its ids and builds the text an analyst reads.
#: ``title_first``: the text is the title, a blank line and the text (as ``eval coding`` and
#: ``eval alarms`` read GVC and BBC); ``title_field``: the title is also passed as metadata
#: (as ``eval alarms`` does).
SOURCES: dict[str, dict[str, Any]] = {
    "wikievents/dev.jsonl": {"id": "doc_id", "text": "text", "title_first": False,
                             "title_field": False},
    "incidents/gvc_dev.jsonl": {"id": "id", "text": "text", "title_first": True,
                                "title_field": False},
    "incidents/ecbplus_dev.jsonl": {"id": "id", "text": "text", "title_first": False,
                                    "title_field": False},
    "muc4/grit_dev.jsonl": {"id": "docid", "text": "doctext", "title_first": False,
                            "title_field": False},
    "bbc_news/bbc_news.jsonl": {"id": "doc_id", "text": "text", "title_first": True,
                                "title_field": True},
}


def load_fixture(path: Path = DEFAULT_FIXTURE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def article_rows(fixture: dict[str, Any], data_dir: Path) -> list[dict[str, Any]]:
    """The data row of every fixture article, in fixture order. A source the scorer does
    not know, a missing file or an id missing from its file raises ValueError naming it."""
    by_source: dict[str, dict[str, dict[str, Any]]] = {}
    rows = []
    for article in fixture["articles"]:
        source = article["source"]
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r} (known: {', '.join(SOURCES)})")
        if source not in by_source:
            if not (data_dir / source).is_file():
                raise ValueError(f"no {source} under the data folder {data_dir}")
            key = SOURCES[source]["id"]
            by_source[source] = {str(r[key]): r for r in load_jsonl(data_dir / source)}
        row = by_source[source].get(article["id"])
        if row is None:
            raise ValueError(f"{article['id']!r} is not in {data_dir / source}")
        rows.append(row)
    return rows


def article_document(article: dict[str, Any], row: dict[str, Any]) -> Any:
    """The document as the analyst read it: the source's text construction, the fixture's
    report date."""
    from wirewatch.api import Document

    how = SOURCES[article["source"]]
    text = row[how["text"]]
    title = row.get("title") if how["title_first"] else None
    return Document(id=article["id"], text=f"{title}\n\n{text}" if title else text,
                    title=title if how["title_field"] else None,
                    published=article.get("published"))


def _place_key(name: str) -> str:
    """A place name compared without case, accents or punctuation ("Medellín" = "medellin")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return normalise("".join(c for c in decomposed if not unicodedata.combining(c)))


def predicted_events(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's violent events in the fixture's shape (plus trigger and evidence);
    accidental shootings count, as the fixture's reader coded them (as the Gun Violence
    Archive does)."""
    events = []
    for event in kept_events(record, VIOLENT_KEPT, accidental=True):
        location = event.get("location") or {}
        names = [location.get("name"), ((location.get("span") or {}).get("text"))]
        casualties = event.get("casualties") or {}
        events.append({
            "type": event.get("type"),
            "day": event_day(event),
            "place": location.get("name"),
            "place_names": [n for n in names if isinstance(n, str) and n.strip()],
            "country": location.get("country_code"),
            "killed": casualties.get("killed"),
            "injured": casualties.get("injured"),
            "trigger": (event.get("trigger") or {}).get("text"),
            "evidence": (event.get("evidence") or {}).get("text"),
        })
    return events


def place_agrees(predicted: dict[str, Any], expected: dict[str, Any]) -> bool:
    """A predicted name and an expected name are equal or one holds the other as whole
    words, and the countries do not differ."""
    if predicted.get("country") and expected.get("country") \
            and predicted["country"] != expected["country"]:
        return False
    wanted = [_place_key(n) for n in [expected.get("place"), *expected.get("place_also", [])]
              if n]
    for name in predicted.get("place_names", []):
        got = _place_key(name)
        if got and any(w and (f" {w} " in f" {got} " or f" {got} " in f" {w} ")
                       for w in wanted):
            return True
    return False


def day_agrees(predicted: dict[str, Any], expected: dict[str, Any]) -> bool:
    return expected.get("day") is not None and predicted.get("day") == expected["day"]


def match_events(predicted: list[dict[str, Any]], expected: list[dict[str, Any]],
                 ) -> list[tuple[int, int]]:
    """(predicted index, expected index) pairs of a maximum one-to-one matching under the
    module's rule: place or day agrees, or one expected and one predicted event."""
    if len(predicted) == 1 and len(expected) == 1:
        return [(0, 0)]
    adjacency = [[j for j, e in enumerate(expected) if place_agrees(p, e) or day_agrees(p, e)]
                 for p in predicted]
    return max_matching(adjacency, len(expected))


def _figure(value: Any) -> int:
    return value if isinstance(value, int) else 0


def field_checks(predicted: dict[str, Any], expected: dict[str, Any]) -> dict[str, bool | None]:
    """Per field, whether a matched pair agrees (None: not scored, no expected day)."""
    return {
        "day": None if expected.get("day") is None else predicted.get("day") == expected["day"],
        "place": place_agrees(predicted, expected),
        "killed": _figure(predicted.get("killed")) == _figure(expected.get("killed")),
        "injured": _figure(predicted.get("injured")) == _figure(expected.get("injured")),
    }


def _brief(event: dict[str, Any]) -> dict[str, Any]:
    keys = ("type", "day", "place", "country", "killed", "injured", "note", "trigger",
            "evidence")
    return {k: event[k] for k in keys if k in event}


def score_article(article: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """One row: counts, matched pairs with their field checks, misses and spurious events."""
    expected = article.get("events") or []
    predicted = predicted_events(record)
    pairs = match_events(predicted, expected)
    matched_p = {i for i, _ in pairs}
    matched_e = {j for _, j in pairs}
    row: dict[str, Any] = {
        "id": article["id"],
        "source": article["source"],
        "expected": len(expected),
        "predicted": len(predicted),
        "matched": len(pairs),
        "pairs": [{"expected": _brief(expected[j]), "predicted": _brief(predicted[i]),
                   "checks": field_checks(predicted[i], expected[j])} for i, j in pairs],
        "missed": [_brief(e) for j, e in enumerate(expected) if j not in matched_e],
        "spurious": [_brief(p) for i, p in enumerate(predicted) if i not in matched_p],
    }
    if record.get("error"):
        row["error"] = record["error"]
    return row


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision, recall and F1 in percent; field accuracy over matched pairs; per source."""
    matched = sum(r["matched"] for r in rows)
    predicted = sum(r["predicted"] for r in rows)
    expected = sum(r["expected"] for r in rows)
    p, r = _percent(matched, predicted), _percent(matched, expected)
    fields = {}
    for name in FIELDS:
        checks = [pair["checks"][name] for row in rows for pair in row["pairs"]
                  if pair["checks"][name] is not None]
        fields[name] = {"right": sum(checks), "scored": len(checks),
                        "rate": _percent(sum(checks), len(checks))}
    by_source: dict[str, dict[str, Any]] = {}
    for row in rows:
        counts = by_source.setdefault(row["source"], {"articles": 0, "expected": 0,
                                                      "predicted": 0, "matched": 0})
        counts["articles"] += 1
        for key in ("expected", "predicted", "matched"):
            counts[key] += row[key]
    return {
        "articles": len(rows),
        "expected": expected,
        "predicted": predicted,
        "matched": matched,
        "precision": p,
        "recall": r,
        "f1": round(2 * p * r / (p + r), 1) if p + r else 0.0,
        "fields": fields,
        "by_source": by_source,
        "spurious_in_quiet_articles": sum(row["predicted"] for row in rows
                                          if not row["expected"]),
        "errors": sum(1 for row in rows if row.get("error")),
    }


def evaluate(fixture_path: Path = DEFAULT_FIXTURE, data_dir: Path = DEFAULT_DATA,
             progress: TaskStarter | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Extract the fixture's articles from ``data_dir`` and score them; returns the summary
    and one row per article (pairs, misses, spurious events) for error analysis."""
    from wirewatch.api import extract_records

    fixture = load_fixture(fixture_path)
    articles = fixture["articles"]
    rows = article_rows(fixture, data_dir)
    tick = progress("reading", len(articles)) if progress is not None else None
    records = extract_records((article_document(a, r) for a, r in zip(articles, rows,
                                                                       strict=True)),
                              progress=None if tick is None else lambda _r: tick())
    scored = [score_article(a, rec) for a, rec in zip(articles, records, strict=True)]
    return summarise(scored), scored


def _source_label(source: str) -> str:
    """A short name for a source file ("incidents/ecbplus_dev.jsonl" -> "ecbplus"): the
    folder alone would not tell GVC from ECB+."""
    return source.rsplit("/", 1)[-1].split(".")[0].removesuffix("_dev")


def result_lines(result: dict[str, Any]) -> Iterator[str]:
    yield (f"Analyst reading ({result['articles']} articles, {result['expected']} expected "
           f"violent events, {result['predicted']} predicted, {result['matched']} matched)")
    yield (f"  precision {result['precision']:5.1f}  recall {result['recall']:5.1f}  "
           f"F1 {result['f1']:5.1f}")
    yield "  matched pairs: " + "  ".join(
        f"{name} {f['rate']:5.1f} ({f['right']}/{f['scored']})"
        for name, f in result["fields"].items())
    yield "  " + "  ".join(f"{_source_label(source)} {c['matched']}/{c['predicted']}/"
                           f"{c['expected']}" for source, c in result["by_source"].items()) \
        + "  (matched/predicted/expected)"
    yield (f"  violent events on articles with none expected: "
           f"{result['spurious_in_quiet_articles']}")
