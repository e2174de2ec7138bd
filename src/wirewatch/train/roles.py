"""Train the argument-role classifier (``wirewatch_roles``) on MUC-4 role fillers.

    python -m wirewatch.train.roles --train ../shared/data/muc4/grit_train.jsonl \
        [--dev ../shared/data/muc4/grit_dev.jsonl] [-o src/wirewatch/data/models/roles.npz]

Runs the rule pipeline (``wirewatch.api.extract_docs``, role model off) over each training
document, turns every candidate phrase of a document that states an event into an example
(``extract/role_features.py``), labels it with the GRIT role whose gold mention it equals
(after GRIT normalisation), and fits a multinomial logistic regression with AdaGrad. Only the
train split is fitted; the optional dev split picks the decision threshold on its *tune* half
(``wirewatch.eval.common.dev_part``) by the end metric, GRIT CEAF-REE, so the check half stays
unseen. Weights are float16, hashed features x classes.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc

from wirewatch.api import Document, extract_docs
from wirewatch.eval.common import in_part, normalise
from wirewatch.extract.role_features import CLASSES, N_FEATURES, candidates
from wirewatch.extract.roles import RoleClassifier, model_path
from wirewatch.nlp.extensions import get_list
from wirewatch.train.linear import train

#: The packaged model the pipeline loads (data/models/roles.npz).
DEFAULT_OUT = model_path()
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))


def parsed(rows: list[dict[str, Any]]) -> list[Doc | None]:
    """The rule pipeline's Docs (role model off: candidates must not depend on what it
    learns), in row order; None for a document that failed."""
    docs = [Document(id=r["docid"], text=r["doctext"]) for r in rows]
    return [doc for _, doc in extract_docs(docs, roles=False)]


def examples(rows: Iterable[dict[str, Any]], docs: Iterable[Doc | None]
             ) -> tuple[list[list[int]], list[int]]:
    """(feature lists, class labels) for every candidate of every document."""
    feats: list[list[int]] = []
    labels: list[int] = []
    for row, doc in zip(rows, docs, strict=True):
        if doc is None:
            continue
        gold: dict[str, int] = {}
        for role, entities in row["extracts"].items():
            for entity in entities:
                for mention in entity:
                    gold.setdefault(normalise(mention[0]), CLASSES.index(role))
        for cand in candidates(doc, get_list(doc, "ww_events")):
            feats.append(cand.features)
            labels.append(gold.get(normalise(cand.span.text), 0))
    return feats, labels


def end_scores(rows: list[dict[str, Any]], docs: list[Doc | None], weights: np.ndarray,
               thresholds: Iterable[float] = THRESHOLDS) -> dict[float, float]:
    """GRIT CEAF-REE micro F1 of the pipeline with these weights, per decision threshold."""
    from wirewatch.eval.muc4 import predicted_templates, score_muc4

    out: dict[float, float] = {}
    for threshold in thresholds:
        reader = RoleClassifier.from_weights(weights, threshold, apply_to="all")
        predictions = {}
        for row, doc in zip(rows, docs, strict=True):
            if doc is None:
                continue
            events = copy.deepcopy(get_list(doc, "ww_events"))
            reader.refine(doc, events)
            # what the scorer reads of a record: its events and its entities' types
            record = {"events": events, "entities": get_list(doc, "ww_entities")}
            predictions[row["docid"]] = predicted_templates(record)
        out[threshold] = score_muc4(rows, predictions)["micro"]["f1"]
    return out


def load_rows(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return rows[:limit] if limit else rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--dev", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    t0 = time.perf_counter()
    rows = load_rows(args.train, args.limit)
    feats, labels = examples(rows, parsed(rows))
    print(f"{len(labels)} candidates, {sum(1 for y in labels if y)} positive "
          f"({time.perf_counter() - t0:.0f} s)")
    weights = train(feats, labels, len(CLASSES), epochs=args.epochs)
    threshold = 0.5
    if args.dev:
        dev = [r for r in load_rows(args.dev) if in_part(r["docid"], "tune")]
        scores = end_scores(dev, parsed(dev), weights)
        for t, f1 in scores.items():
            print(f"threshold {t:.2f}: dev tune CEAF-REE F1 {100 * f1:.1f}")
        threshold = max(scores, key=lambda t: (scores[t], t))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.output, weights=weights.astype(np.float16),
                        classes=np.array(CLASSES), threshold=np.array(threshold),
                        n_features=np.array(N_FEATURES))
    print(f"saved {args.output} (threshold {threshold:.2f}, "
          f"{time.perf_counter() - t0:.0f} s in all)")


if __name__ == "__main__":
    main()
