"""Train the event filter (``extract/event_filter.py``): which rule candidates are events.

    python -m wirewatch.train.events [--data ../shared/data] [-o src/wirewatch/data/models/events.npz]
        [--cache out/train-events] [--epochs 4]

The rule pipeline runs with the filter off (``event_filter=False``) over labelled sources, and
every candidate of a type the model judges (ASSAULT, FIGHT, COERCE, PROTEST) that the rules
call actual and not generic becomes an example:

- negatives: every such candidate in BBC business, sport, entertainment and tech articles
  (the "tune" half of the split by id hash; the "check" half is never read here), and in ECB+
  train articles of subtopics that are not violent incidents (earthquakes, awards, launches);
- positives: ASSAULT and FIGHT candidates in Gun Violence Corpus train articles (every article
  reports a shooting) and in ECB+ train articles of violent subtopics; candidates of a type
  compatible with the coder's type in ACLED notes (tune half); ASSAULT, FIGHT and COERCE
  candidates in MUC-4 train documents that have a relevant incident.

One document in ten (by id hash) is held out from fitting; on it the threshold is chosen as
the lowest that keeps false alarms at most ``--max-alarms`` per 100 BBC articles (else the
one with the fewest). Extraction
is cached per source in ``--cache`` (a re-run skips what is done).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from wirewatch.api import Document, extract_docs
from wirewatch.eval.acled import compatible_types, gold_day
from wirewatch.eval.common import in_part, load_jsonl
from wirewatch.extract.event_features import N_FEATURES, entity_kinds, feature_strings, hashed
from wirewatch.extract.event_filter import FILTERED_TYPES, model_path
from wirewatch.nlp.extensions import get_list
from wirewatch.train.linear import predict, train

QUIET = ("business", "sport", "entertainment", "tech")
VIOLENT = frozenset({"ASSAULT", "FIGHT"})
#: A label rule: (document row, event) -> 1, 0, or None (not an example).
Labeller = Callable[[dict[str, Any], dict[str, Any]], int | None]


def _held_out(doc_id: str) -> bool:
    return hashlib.sha256(f"events:{doc_id}".encode()).digest()[0] % 10 == 0


def sources(data: Path) -> Iterator[tuple[str, list[dict[str, Any]], Labeller]]:
    """(name, rows with "id", "text", "published", labeller) for every training source."""
    bbc = [{"id": r["doc_id"], "text": f"{r['title']}\n\n{r['text']}", "published": None,
            "bbc": True} for r in load_jsonl(data / "bbc_news" / "bbc_news.jsonl")
           if r["category"] in QUIET and in_part(r["doc_id"], "tune")]
    yield "bbc", bbc, lambda row, e: 0
    gvc = [{"id": r["id"], "text": f"{r['title']}\n\n{r['text']}" if r.get("title")
            else r["text"], "published": r.get("published")}
           for r in load_jsonl(data / "incidents" / "gvc_train.jsonl")]
    yield "gvc", gvc, lambda row, e: 1 if e["type"] in VIOLENT else None
    ecb = [{"id": r["id"], "text": r["text"], "published": None,
            "violent": bool(r.get("violent_incident"))}
           for r in load_jsonl(data / "incidents" / "ecbplus_train.jsonl")]
    yield "ecbplus", ecb, lambda row, e: (1 if e["type"] in VIOLENT else None) \
        if row["violent"] else 0
    acled = [{"id": r["id"], "text": r["text"], "published": gold_day(r["gold"]["date"] or ""),
              "types": sorted(compatible_types(r["gold"]["event_type"] or "") or ())}
             for r in load_jsonl(data / "acled" / "acled_asia_2015_dev.jsonl")
             if in_part(r["id"], "tune")]
    yield "acled", acled, lambda row, e: 1 if e["type"] in row["types"] else None
    muc = [{"id": r["docid"], "text": r["doctext"], "published": None}
           for r in load_jsonl(data / "muc4" / "grit_train.jsonl")
           if any(r["extracts"].values())]
    yield "muc4", muc, lambda row, e: 1 if e["type"] in VIOLENT | {"COERCE"} else None


def review_source(path: Path) -> tuple[str, list[dict[str, Any]], Labeller]:
    """Reviewers' decisions (``wirewatch review export``) as a source: a candidate whose
    trigger overlaps a reviewed event's is a negative when the reviewer said "not an event"
    or gave it a type this filter does not judge, else a positive; other candidates are
    not examples. Named by the file's hash, so a new export is extracted again."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    docs: dict[str, dict[str, Any]] = {}
    for x in load_jsonl(path):
        if x.get("kind") != "event" or not x.get("text"):
            continue
        doc = docs.setdefault(x["text_sha256"], {"id": x["doc_id"], "text": x["text"],
                                                 "published": x.get("published"),
                                                 "reviewed": []})
        reviewed_type = (x.get("reviewed") or {}).get("type") or (x.get("machine") or {}).get(
            "type")
        doc["reviewed"].append((x["trigger"]["start"], x["trigger"]["end"],
                                int(bool(x["is_event"]) and reviewed_type in FILTERED_TYPES)))

    def label(row: dict[str, Any], event: dict[str, Any]) -> int | None:
        start, end = event["trigger"]["start"], event["trigger"]["end"]
        for lo, hi, y in row["reviewed"]:
            if lo is not None and hi is not None and min(end, hi) > max(start, lo):
                return y
        return None

    return f"reviews-{digest}", list(docs.values()), label


def examples(name: str, rows: list[dict[str, Any]], label: Labeller, cache: Path
             ) -> list[dict[str, Any]]:
    """Labelled candidates of one source: {"doc", "source", "type", "label", "features"
    (named, not hashed, so feature sets can be compared without extracting again)}; cached."""
    path = cache / f"{name}.jsonl"
    if path.exists():
        return load_jsonl(path)
    documents = (Document(id=str(r["id"]), text=r["text"], published=r["published"])
                 for r in rows)
    out: list[dict[str, Any]] = []
    for row, (_, doc) in zip(rows, extract_docs(documents, event_filter=False), strict=True):
        if doc is None:
            continue
        kinds = entity_kinds(doc)
        for event in get_list(doc, "ww_events"):
            if event["type"] not in FILTERED_TYPES or event["factuality"] != "actual" \
                    or event.get("generic"):
                continue
            y = label(row, event)
            if y is None:
                continue
            out.append({"doc": str(row["id"]), "source": name, "type": event["type"],
                        "label": y, "features": feature_strings(doc, event, kinds),
                        "trigger": event["trigger"]["text"]})
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(x) + "\n" for x in out), encoding="utf-8")
    tmp.replace(path)
    return out


def choose_threshold(probs: np.ndarray, held: list[dict[str, Any]], bbc_docs: int,
                     max_alarms: float) -> tuple[float, list[str]]:
    """The lowest threshold keeping held-out BBC false alarms at or below ``max_alarms``
    per 100 articles (else the one with the fewest), and a report line per threshold."""
    lines = []
    tried: list[tuple[float, float]] = []
    positives = sum(1 for x in held if x["label"] == 1)
    for t in np.arange(0.30, 0.96, 0.05):
        alarms = sum(1 for p, x in zip(probs, held, strict=True)
                     if x["source"] == "bbc" and p >= t)
        kept = sum(1 for p, x in zip(probs, held, strict=True) if x["label"] == 1 and p >= t)
        rate = 100 * alarms / max(bbc_docs, 1)
        recall = 100 * kept / max(positives, 1)
        lines.append(f"threshold {t:.2f}: BBC alarms {rate:.1f}/100, positives kept {recall:.1f}%")
        tried.append((rate, float(t)))
    allowed = [t for rate, t in tried if rate <= max_alarms]
    # the lowest threshold within the budget; else the one with the fewest alarms
    chosen = min(allowed) if allowed else min(tried)[1]
    return chosen, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("-o", "--output", type=Path, default=model_path())
    parser.add_argument("--cache", type=Path, default=Path("out/train-events"))
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--l2", type=float, default=1e-6)
    parser.add_argument("--max-alarms", type=float, default=2.5)
    parser.add_argument("--without", default="", help="Comma-separated feature prefixes to "
                        "leave out (an ablation, e.g. 'd=' for the article's lead words).")
    parser.add_argument("--reviews", type=Path, action="append", default=[],
                        help="`wirewatch review export` JSONL: reviewers' decisions as "
                             "examples (repeatable).")
    args = parser.parse_args()
    t0 = time.perf_counter()
    data: list[dict[str, Any]] = []
    bbc_held_docs = 0
    for name, rows, label in [*sources(args.data), *map(review_source, args.reviews)]:
        found = examples(name, rows, label, args.cache)
        if name == "bbc":
            bbc_held_docs = sum(1 for r in rows if _held_out(str(r["id"])))
        pos = sum(x["label"] for x in found)
        print(f"{name}: {len(rows)} documents, {len(found)} examples ({pos} positive) "
              f"[{time.perf_counter() - t0:.0f} s]", flush=True)
        data.extend(found)
    data = [x for x in data if x.get("type") in FILTERED_TYPES]  # the cache may hold more
    drop = tuple(p for p in args.without.split(",") if p)
    for x in data:
        x["features"] = hashed([f for f in x["features"] if not (drop and f.startswith(drop))])
    fit = [x for x in data if not _held_out(x["doc"])]
    held = [x for x in data if _held_out(x["doc"])]
    n_pos = sum(x["label"] for x in fit)
    n_neg = len(fit) - n_pos
    weights_of = {1: len(fit) / (2 * max(n_pos, 1)), 0: len(fit) / (2 * max(n_neg, 1))}
    print(f"fitting on {len(fit)} ({n_pos} positive), holding out {len(held)}")
    weights = train([x["features"] for x in fit], [x["label"] for x in fit], 2,
                    epochs=args.epochs, n_features=N_FEATURES, l2=args.l2,
                    sample_weights=[weights_of[x["label"]] for x in fit])
    binary = weights[:, 1] - weights[:, 0]
    probs = predict(weights, [x["features"] for x in held])[:, 1]
    threshold, lines = choose_threshold(probs, held, bbc_held_docs, args.max_alarms)
    for line in lines:
        print(line)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.output, weights=binary.astype(np.float16),
                        threshold=np.array(threshold), n_features=np.array(N_FEATURES))
    print(f"saved {args.output} (threshold {threshold:.2f}, "
          f"{time.perf_counter() - t0:.0f} s in all)")


if __name__ == "__main__":
    main()
