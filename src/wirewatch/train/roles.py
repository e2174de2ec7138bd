"""Train the argument-role classifier (``wirewatch_roles``) on MUC-4 role fillers.

    python -m wirewatch.train.roles --train ../shared/data/muc4/grit_train.jsonl \
        [--dev ../shared/data/muc4/grit_dev.jsonl] [-o src/wirewatch/data/models/roles.npz]

Runs the rule pipeline (``wirewatch.api.extract_docs``) over each training document, turns
every noun phrase of a sentence that states an event into a candidate
(``extract/role_features.py``), labels it with the GRIT role whose gold mention it equals
(after GRIT normalisation), and fits a multinomial logistic regression with AdaGrad. Only the train split is used for fitting; the optional dev split
picks the decision threshold. Weights are float16, hashed features x classes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from wirewatch.api import Document, extract_docs
from wirewatch.eval.common import normalise
from wirewatch.extract.role_features import CLASSES, N_FEATURES, candidates
from wirewatch.extract.roles import model_path
from wirewatch.nlp.extensions import get_list
from wirewatch.train.linear import predict, train

#: The packaged model the pipeline loads (data/models/roles.npz).
DEFAULT_OUT = model_path()


def load_examples(path: Path, limit: int | None = None) -> tuple[list[list[int]], list[int],
                                                                   list[dict]]:
    """(feature lists, class labels, per-doc info) for every candidate of every document."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    if limit:
        rows = rows[:limit]
    docs = [Document(id=r["docid"], text=r["doctext"]) for r in rows]
    feats: list[list[int]] = []
    labels: list[int] = []
    info: list[dict] = []
    # the rule pipeline without the role model: candidates must not depend on what it learns
    for row, (_, doc) in zip(rows, extract_docs(docs, roles=False), strict=True):
        gold: dict[str, int] = {}
        for role, entities in row["extracts"].items():
            for entity in entities:
                for mention in entity:
                    gold.setdefault(normalise(mention[0]), CLASSES.index(role))
        if doc is None:
            continue
        for cand in candidates(doc, get_list(doc, "ww_events")):
            feats.append(cand.features)
            labels.append(gold.get(normalise(cand.span.text), 0))
            info.append({"docid": row["docid"], "text": cand.span.text})
    return feats, labels, info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--dev", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    t0 = time.perf_counter()
    feats, labels, _ = load_examples(args.train, args.limit)
    print(f"{len(labels)} candidates, {sum(1 for y in labels if y)} positive "
          f"({time.perf_counter() - t0:.0f} s)")
    weights = train(feats, labels, len(CLASSES), epochs=args.epochs)
    threshold = 0.5
    if args.dev:
        dfeats, dlabels, _ = load_examples(args.dev)
        probs = predict(weights, dfeats)
        best = (0.0, threshold)
        for t in np.arange(0.2, 0.8, 0.05):
            pred = np.where(probs[:, 1:].max(axis=1) >= t, probs[:, 1:].argmax(axis=1) + 1, 0)
            tp = sum(1 for p, y in zip(pred, dlabels, strict=True) if p and p == y)
            n_pred = int((pred > 0).sum())
            n_gold = sum(1 for y in dlabels if y)
            f1 = 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0
            print(f"threshold {t:.2f}: candidate-level F1 {100 * f1:.1f}")
            best = max(best, (f1, float(t)))
        threshold = best[1]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.output, weights=weights.astype(np.float16),
                        classes=np.array(CLASSES), threshold=np.array(threshold),
                        n_features=np.array(N_FEATURES))
    print(f"saved {args.output} (threshold {threshold:.2f}, "
          f"{time.perf_counter() - t0:.0f} s in all)")


if __name__ == "__main__":
    main()
