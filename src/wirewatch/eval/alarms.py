"""`wirewatch eval alarms`: false alarms on news with no political violence.

BBC business, sport, entertainment and tech articles report no political violence, so every
alarm event extracted from them — ASSAULT, FIGHT, COERCE, PROTEST, THREATEN or MOBILIZE with
factuality ``actual``, not ``generic`` — is a false alarm ("the visitors launched a
counter-attack", "execute strategies"). Reported per 100 articles, on a part of the split by
a hash of the id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wirewatch.eval.coding import kept_events
from wirewatch.eval.common import TaskStarter, in_part, load_jsonl

ALARM_TYPES = frozenset({"ASSAULT", "FIGHT", "COERCE", "PROTEST", "THREATEN", "MOBILIZE"})
QUIET_CATEGORIES = ("business", "sport", "entertainment", "tech")


def alarm_events(record: dict[str, Any]) -> list[dict[str, Any]]:
    return kept_events(record, ALARM_TYPES)


def evaluate(path: Path, part: str = "check", categories: tuple[str, ...] = QUIET_CATEGORIES,
             limit: int | None = None, progress: TaskStarter | None = None
             ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Alarm events per 100 articles of ``categories``; returns the summary and one row per
    alarm (article id, type, trigger and evidence text) for error analysis."""
    from wirewatch.api import Document, extract_records

    rows = [r for r in load_jsonl(path)
            if r.get("category") in categories and in_part(str(r["doc_id"]), part)]
    rows = rows[:limit] if limit is not None else rows
    tick = progress("alarms", len(rows)) if progress is not None else None
    documents = (Document(id=str(r["doc_id"]), title=r.get("title"),
                          text=f"{r['title']}\n\n{r['text']}" if r.get("title") else r["text"])
                 for r in rows)
    alarms: list[dict[str, Any]] = []
    per_category: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    for row, record in zip(rows, extract_records(
            documents, progress=None if tick is None else lambda _r: tick()), strict=True):
        articles[row["category"]] += 1
        for event in alarm_events(record):
            per_category[row["category"]] += 1
            alarms.append({"id": row["doc_id"], "type": event["type"],
                           "trigger": event["trigger"]["text"],
                           "evidence": event["evidence"]["text"]})
    n = sum(articles.values())
    result = {
        "articles": n,
        "part": part,
        "alarms": len(alarms),
        "per_100_articles": round(100 * len(alarms) / n, 1) if n else 0.0,
        "articles_with_alarm": len({a["id"] for a in alarms}),
        "per_category": {c: round(100 * per_category[c] / articles[c], 1) if articles[c]
                         else 0.0 for c in categories},
        "by_type": dict(Counter(a["type"] for a in alarms).most_common()),
    }
    return result, alarms


def result_lines(result: dict[str, Any]) -> Iterator[str]:
    yield (f"False alarms on non-violent news ({result['articles']} articles, part "
           f"{result['part']}): {result['per_100_articles']:.1f} per 100 articles "
           f"({result['alarms']} alarms in {result['articles_with_alarm']} articles)")
    yield "  " + "  ".join(f"{c} {v:.1f}" for c, v in result["per_category"].items())
    yield "  " + "  ".join(f"{t} {n}" for t, n in result["by_type"].items())
