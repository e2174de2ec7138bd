"""`wirewatch eval merge PATH`: article-level incident clustering (GVC, ECB+).

All articles of PATH (JSONL with ``id``, ``text``, ``published``, gold ``incident_id``) are
extracted and ingested into one empty database. Each article's predicted incident is the
stored incident holding most of its events (ties: the violent incident, then the one of
its earlier event); an
article without an incident event is a singleton. Scores: B-cubed and pairwise P/R/F1. The
error dump lists wrong merges (article pairs put together that gold keeps apart) with the
evidence that linked them, and missed merges. Articles are read and extracted through
``wirewatch.api`` and stored by ``wirewatch.store.ingest``; ``wirewatch eval merge``
calls ``evaluate``.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from itertools import combinations
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from wirewatch.eval.common import TaskStarter


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(gold: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> dict[str, float]:
    """B-cubed P/R/F1 over the items of ``gold`` (item -> cluster label), in percent.

    Per item: precision = share of its predicted cluster that is in its gold cluster, recall =
    share of its gold cluster that is in its predicted cluster; both averaged over items.
    """
    items = list(gold)
    if not items:
        return {"p": 0.0, "r": 0.0, "f1": 0.0}
    gold_sets: dict[Hashable, set[str]] = defaultdict(set)
    pred_sets: dict[Hashable, set[str]] = defaultdict(set)
    for item in items:
        gold_sets[gold[item]].add(item)
        pred_sets[predicted[item]].add(item)
    p = r = 0.0
    for item in items:
        g, q = gold_sets[gold[item]], pred_sets[predicted[item]]
        both = len(g & q)
        p += both / len(q)
        r += both / len(g)
    p, r = 100 * p / len(items), 100 * r / len(items)
    return {"p": p, "r": r, "f1": _f1(p, r)}


def pairwise(gold: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> dict[str, float]:
    """Pairwise P/R/F1 (percent) over item pairs put together by gold and by prediction."""
    gold_pairs = {frozenset(p) for p in combinations(gold, 2) if gold[p[0]] == gold[p[1]]}
    pred_pairs = {
        frozenset(p) for p in combinations(gold, 2) if predicted[p[0]] == predicted[p[1]]
    }
    both = len(gold_pairs & pred_pairs)
    p = 100 * both / len(pred_pairs) if pred_pairs else 0.0
    r = 100 * both / len(gold_pairs) if gold_pairs else 0.0
    return {"p": p, "r": r, "f1": _f1(p, r)}


def _read_gold(path: Path, violent_only: bool) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            if violent_only and not row.get("violent_incident", True):
                continue
            rows.append(row)
    return rows


#: The article fields handed to the pipeline (what an ingested JSONL line would carry).
ARTICLE_FIELDS = ("id", "title", "published", "text", "url")


def _ingest_articles(rows: list[dict[str, Any]], db: str, progress: TaskStarter | None) -> None:
    """Read the articles as the JSONL reader would, extract them and store them in ``db``."""
    from wirewatch.api import documents_from_rows
    from wirewatch.store.ingest import ingest

    tick = progress("extract", len(rows)) if progress is not None else None
    documents = documents_from_rows({k: row.get(k) for k in ARTICLE_FIELDS} for row in rows)
    ingest(documents, db, progress=None if tick is None else lambda _record: tick())


def _load_records(rows: list[dict[str, Any]], path: Path) -> list[dict[str, Any]]:
    """The saved records of the articles ``rows`` (JSONL at ``path``), with their texts."""
    wanted = {row["id"] for row in rows}
    texts = {row["id"]: row["text"] for row in rows}
    extracted = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("id") in wanted:
                extracted.append({**record, "text": texts[record["id"]]})
    return extracted


#: Tie-break between an article's incidents: violence before arrests before protests.
_TYPE_RANK = {"ASSAULT": 0, "FIGHT": 0, "COERCE": 1, "PROTEST": 2, "MOBILIZE": 2}


def main_incident(members: list[tuple[int, str]]) -> int:
    """The incident holding most of an article's events, given (incident, type) per event in
    document order; ties go to the violent incident, then to the earlier event's."""
    counts = Counter(incident for incident, _type in members)
    top = max(counts.values())
    tied = [(i, (rank, position)) for position, (i, t) in enumerate(members)
            if counts[i] == top for rank in [_TYPE_RANK.get(t, 3)]]
    return min(tied, key=lambda pair: pair[1])[0]


def predicted_incidents(conn: sa.Connection) -> dict[str, int]:
    """doc_id -> its main incident (see ``main_incident``)."""
    from wirewatch.store.schema import documents, events, incident_events, incidents

    query = (
        sa.select(documents.c.doc_id, incident_events.c.incident_id, incidents.c.type)
        .join(events, events.c.document_id == documents.c.id)
        .join(incident_events, incident_events.c.event_id == events.c.id)
        .join(incidents, incidents.c.id == incident_events.c.incident_id)
        .order_by(documents.c.doc_id, events.c.id)
    )
    per_doc: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc_id, incident_id, incident_type in conn.execute(query):
        per_doc[doc_id].append((incident_id, incident_type))
    return {doc_id: main_incident(members) for doc_id, members in per_doc.items()}


def score_database(
    db: str, rows: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(scores, gold labels, predicted labels) of the articles ``rows`` stored in ``db``."""
    from wirewatch.store import open_store

    with open_store(db) as store, store.engine.connect() as conn:
        assigned = predicted_incidents(conn)
    gold = {row["id"]: row["incident_id"] for row in rows}
    predicted: dict[str, Any] = {
        doc_id: assigned.get(doc_id, f"alone:{doc_id}") for doc_id in gold
    }
    scores = {
        "articles": len(gold),
        "gold_incidents": len(set(gold.values())),
        "predicted_incidents": len(set(predicted.values())),
        "bcubed": bcubed(gold, predicted),
        "pairwise": pairwise(gold, predicted),
    }
    return scores, gold, predicted


def error_pairs(
    rows: list[dict[str, Any]], gold: dict[str, Any], predicted: dict[str, Any]
) -> list[dict[str, Any]]:
    """Wrong merges (same predicted, different gold) and missed merges, as dicts."""
    info = {row["id"]: row for row in rows}
    errors = []
    for a, b in combinations(sorted(gold), 2):
        together, same = predicted[a] == predicted[b], gold[a] == gold[b]
        if together == same:
            continue
        errors.append(
            {
                "error": "wrong_merge" if together else "missed_merge",
                "a": {"id": a, "title": info[a].get("title"), "published": info[a].get("published"),
                      "gold": gold[a], "predicted": predicted[a]},
                "b": {"id": b, "title": info[b].get("title"), "published": info[b].get("published"),
                      "gold": gold[b], "predicted": predicted[b]},
            }
        )
    return errors


def evaluate(path: Path, db: str | None = None, records: Path | None = None,
             violent_only: bool = False, progress: TaskStarter | None = None
             ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Extract and ingest the articles of ``path`` into one empty database (``db``, default a
    temporary file) and score the incidents; ``records`` (JSONL) skips the extraction.
    Returns (scores, wrong and missed merges)."""
    from wirewatch.store import open_store

    rows = _read_gold(path, violent_only)
    with tempfile.TemporaryDirectory() as tmp:
        target = db or str(Path(tmp) / "merge.db")
        if records is not None:
            with open_store(target) as store:
                store.add_records(_load_records(rows, records))
        else:
            _ingest_articles(rows, target, progress)
        scores, gold, predicted = score_database(target, rows)
    wrong = error_pairs(rows, gold, predicted)
    scores["wrong_merges"] = sum(e["error"] == "wrong_merge" for e in wrong)
    scores["missed_merges"] = sum(e["error"] == "missed_merge" for e in wrong)
    return scores, wrong


def summary_lines(name: str, scores: dict[str, Any], wrong: list[dict[str, Any]]) -> list[str]:
    """The scores as text, with the first ten wrong merges."""
    b, p = scores["bcubed"], scores["pairwise"]
    lines = [
        f"{name}: {scores['articles']} articles, {scores['gold_incidents']} gold / "
        f"{scores['predicted_incidents']} predicted incidents",
        f"  B-cubed   P {b['p']:.1f}  R {b['r']:.1f}  F1 {b['f1']:.1f}",
        f"  pairwise  P {p['p']:.1f}  R {p['r']:.1f}  F1 {p['f1']:.1f}",
        f"  {scores['wrong_merges']} wrong merges, {scores['missed_merges']} missed merges",
    ]
    lines += [f"  wrong: {item['a']['title']!r} + {item['b']['title']!r}"
              for item in [e for e in wrong if e["error"] == "wrong_merge"][:10]]
    return lines
