"""Train the place-candidate ranker (``data/models/places.json``) on the geoparsing dev sets.

Usage (from the repository root)::

    .venv/bin/python -m wirewatch.train.places \\
        ../shared/data/geoparsing/lgl_dev.jsonl ../shared/data/geoparsing/geovirus.jsonl

Why a conditional logit: the resolver already scores each candidate of a mention by a sum of
named features (population, feature class, name match, containment, agreement with the
document's countries and admin1 areas, nearness to its other places); only the weights were
set by hand. The ranker learns them by maximising the probability of the candidates that lie
within 161 km of the gold point (softmax over one mention's candidates), on the **tune**
halves of the files (:func:`wirewatch.eval.common.in_part`), and reports the **check** halves
for the hand-set and the learned weights. The context features of the second pass depend on
the first pass's choices, which depend on the weights: the features are re-read with the new
weights and the model refitted (``--rounds``). The weights stay one small JSON table.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from wirewatch.eval.common import in_part, load_jsonl
from wirewatch.eval.geo import THRESHOLD_KM, gold_toponyms, haversine_km
from wirewatch.knowledge.place_ranker import model_path

#: Mentions whose candidates a feature must tell apart for its weight to be learned.
MIN_MENTIONS = 50

Example = tuple[np.ndarray, np.ndarray]  # candidate feature rows, 0/1 label per candidate


def _documents(paths: Iterable[Path], part: str) -> list[dict[str, Any]]:
    docs = []
    for path in paths:
        docs.extend(d for d in load_jsonl(path) if in_part(str(d.get("doc_id")), part))
    return docs


def _resolver(weights: dict[str, float]) -> Any:
    from wirewatch.resolve.place_scoring import Resolver

    return Resolver(weights=weights)


def _run(resolver: Any, doc: dict[str, Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    """Resolve a document's gold spans as ``geocode_names`` does; returns the gold
    toponyms in text order and the resolver's Locations for them."""
    from wirewatch.resolve.geocode import _given_mention

    golds = sorted(gold_toponyms(doc), key=lambda g: (g["start"], g["end"]))
    text = doc["text"]
    mentions = [_given_mention(text, g["start"], g["end"], as_given=True) for g in golds]
    resolver.link_containers(text, mentions)
    return golds, resolver.resolve(text, mentions)


def examples(docs: list[dict[str, Any]], weights: dict[str, float], names: list[str]
             ) -> list[Example]:
    """Per gold toponym with at least two candidates, one of them right and one wrong: the
    candidates' feature rows (in ``names`` order) and which lie within 161 km of gold."""
    resolver = _resolver(weights)
    out: list[Example] = []
    for doc in docs:
        resolver.trace = []
        golds, _ = _run(resolver, doc)
        by_start = {g["start"]: g for g in golds}
        for mention, cands in resolver.trace:
            gold = by_start.get(mention.start)
            if gold is None or gold.get("lat") is None or len(cands) < 2:
                continue
            labels = np.array([float(p.lat is not None and haversine_km(
                p.lat, p.lon, gold["lat"], gold["lon"]) <= THRESHOLD_KM) for p, _ in cands])
            if 0 < labels.sum() < len(labels):
                rows = np.array([[f.get(n, 0.0) for n in names] for _, f in cands])
                out.append((rows, labels))
    return out


def fit(data: list[Example], prior: np.ndarray, l2: float = 0.01, steps: int = 400,
        start: np.ndarray | None = None) -> np.ndarray:
    """Weights maximising the mean log-probability of the right candidates (softmax over a
    mention's candidates; several right ones share the mass), with an L2 penalty that pulls
    them towards ``prior`` (the hand-set weights: rare cues such as "X, Y" containment or
    "the state of" keep their sense where the tune data says little); full-batch gradient
    ascent with AdaGrad steps."""
    n = len(prior)
    w = prior.copy() if start is None else start.copy()
    hist = np.full(n, 1e-8)
    # A feature that tells a mention's candidates apart in too few mentions keeps its
    # hand-set weight: the data cannot say how much a rare cue ("sheriff's deputies" for a
    # US town) is worth against population.
    varies = sum((rows.max(axis=0) > rows.min(axis=0)).astype(float) for rows, _ in data)
    frozen = varies < MIN_MENTIONS
    for _ in range(steps):
        grad = -l2 * (w - prior)
        for rows, labels in data:
            s = rows @ w
            s -= s.max()
            p = np.exp(s)
            p /= p.sum()
            q = labels * p
            q /= q.sum()
            grad += (q - p) @ rows / len(data)
        grad[frozen] = 0.0
        hist += grad * grad
        w += 0.5 * grad / np.sqrt(hist)
    return w


def accuracy(docs: list[dict[str, Any]], weights: dict[str, float]) -> dict[str, float]:
    """acc@161 of the gold toponyms, per corpus."""
    resolver = _resolver(weights)
    hits: dict[str, list[int]] = {}
    for doc in docs:
        golds, locs = _run(resolver, doc)
        for g, loc in zip(golds, locs, strict=True):
            if g.get("lat") is None:
                continue
            ok = loc.get("lat") is not None and haversine_km(
                loc["lat"], loc["lon"], g["lat"], g["lon"]) <= THRESHOLD_KM
            hits.setdefault(str(doc.get("corpus") or "?"), []).append(int(ok))
    return {k: round(100 * sum(v) / len(v), 2) for k, v in sorted(hits.items())}


def main(argv: list[str] | None = None) -> None:
    from wirewatch.resolve.place_scoring import FEATURE_NAMES, HAND_WEIGHTS

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", type=Path, help="geoparsing JSONL (LGL, GeoVirus)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--l2", type=float, default=0.003,
                    help="pull towards the hand-set weights (see the model card)")
    ap.add_argument("--out", type=Path, default=model_path())
    args = ap.parse_args(argv)

    names = list(FEATURE_NAMES)
    tune, check = _documents(args.paths, "tune"), _documents(args.paths, "check")
    hand = dict(HAND_WEIGHTS)
    print("hand-set  tune", accuracy(tune, hand), "check", accuracy(check, hand))
    # Start from the hand-set weights: the first pass needs some ranking to read context.
    prior = np.array([hand.get(n, 0.0) for n in names])
    w = prior
    weights = hand
    for r in range(args.rounds):
        data = examples(tune, weights, names)
        w = fit(data, prior, args.l2, start=w)
        weights = {n: round(float(v), 4) for n, v in zip(names, w, strict=True)}
        print(f"round {r + 1}: {len(data)} mentions; tune", accuracy(tune, weights))
    scores = {"tune": accuracy(tune, weights), "check": accuracy(check, weights),
              "hand_tune": accuracy(tune, hand), "hand_check": accuracy(check, hand)}
    print("learned   tune", scores["tune"], "check", scores["check"])
    args.out.write_text(json.dumps({
        "model": "conditional logit over place-candidate features",
        "trained_on": [f"{p.name} (tune half)" for p in args.paths],
        "l2": args.l2, "rounds": args.rounds, "scores_acc161": scores,
        "weights": {n: v for n, v in weights.items() if not math.isclose(v, 0.0)},
    }, indent=1) + "\n", encoding="utf-8")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
