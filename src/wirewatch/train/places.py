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
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from wirewatch.eval.common import in_part, load_jsonl
from wirewatch.eval.geo import THRESHOLD_KM, gold_toponyms, haversine_km
from wirewatch.knowledge.place_ranker import model_path
from wirewatch.resolve.outlet_place import outlet_hint

#: Mentions whose candidates a feature must tell apart for its weight to be learned.
MIN_MENTIONS = 50
#: Features kept at their hand-set weight: a town abroad in a story whose outlet, dateline
#: or local vocabulary says where it is needs evidence of its own. LGL and GeoVirus rarely
#: have such a story with a foreign namesake, so the fit learns too little of it (-1.5, and
#: "the Paris police chief ... sheriff's deputies" went to France).
HELD = ("outside_focus_country",)

Example = tuple[np.ndarray, np.ndarray]  # candidate feature rows, 0/1 label per candidate


def _documents(paths: Iterable[Path], part: str) -> list[dict[str, Any]]:
    docs = []
    for path in paths:
        docs.extend(d for d in load_jsonl(path) if in_part(str(d.get("doc_id")), part))
    return docs


def _coded_place(row: dict[str, Any]) -> tuple[str, float, float] | None:
    """(place name, lat, lon) an incident coder gave a report, when coded to a town:
    an ACLED note (geo precision 1), a GTD summary (specificity 1), a GVC article with its
    GVA incident (``incident``: city, lat_long)."""
    gold = row.get("gold") or {}
    if gold.get("location") and gold.get("geo_precision") == 1:
        name, lat, lon = gold["location"], gold.get("lat"), gold.get("lon")
    elif gold.get("city") and gold.get("specificity") == 1:
        name, lat, lon = gold["city"], gold.get("lat"), gold.get("lon")
    elif row.get("incident") and row["incident"].get("lat_long"):
        name = re.sub(r"\s*\(.*?\)", "", row["incident"].get("city_or_county") or "")
        lat, lon = row["incident"]["lat_long"]
    else:
        return None
    if not name or lat is None or lon is None:
        return None
    return str(name), float(lat), float(lon)


def coded_documents(paths: Iterable[Path], part: str,
                    incidents: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Reports coded by analysts as geoparsing documents: every occurrence of the coded
    town's name in the text is a gold toponym at the coded point (the other places of the
    text are not marked, so they give no context). ``part`` splits by id like the dev
    sets (GTD train summaries are all used)."""
    docs = []
    for path in paths:
        train = "train" in path.name
        for row in load_jsonl(path):
            rid = str(row.get("id"))
            if not train and not in_part(rid, part):
                continue
            if train and part == "check":
                continue
            if incidents is not None and row.get("incident_id") in incidents:
                row = {**row, "incident": incidents[row["incident_id"]]}
            coded = _coded_place(row)
            if coded is None:
                continue
            name, lat, lon = coded
            text = row.get("text") or ""
            spans = [(m.start(), m.end()) for m in re.finditer(
                r"(?<![\w])" + re.escape(name) + r"(?![\w])", text)]
            if spans:
                docs.append({"doc_id": rid, "corpus": path.stem.split("_")[0].upper(),
                             "text": text, "url": row.get("url"),
                             "toponyms": [{"start": a, "end": b, "text": text[a:b],
                                           "lat": lat, "lon": lon} for a, b in spans]})
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
    url = doc.get("url")
    resolver.outlet = outlet_hint(resolver.gaz, url, None) if url else None
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
        start: np.ndarray | None = None, keep: np.ndarray | None = None) -> np.ndarray:
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
    if keep is not None:  # features held at their hand-set weight (see HELD)
        frozen = frozen | keep
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


#: Reliability bins of the calibrated probability (lower edges).
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)


def confidence_rows(docs: list[dict[str, Any]], weights: dict[str, float],
                    calibration: dict[str, float] | None = None,
                    knots: list[tuple[float, float]] | None = None
                    ) -> list[tuple[dict[str, float], float, int]]:
    """(calibration features, calibrated probability, right within 161 km) per located gold
    toponym."""
    resolver = _resolver(weights)
    resolver.calibration, resolver.calibration_knots = calibration, knots
    rows = []
    for doc in docs:
        resolver.confidence_trace = []
        golds, locs = _run(resolver, doc)
        trace = iter(resolver.confidence_trace)
        for g, loc in zip(golds, locs, strict=True):
            if loc.get("lat") is None:
                continue
            feats = next(trace)
            ok = haversine_km(loc["lat"], loc["lon"], g["lat"], g["lon"]) <= THRESHOLD_KM
            rows.append((feats, float(loc["probability"]), int(ok)))
    return rows


def fit_calibration(rows: list[tuple[dict[str, float], float, int]], l2: float = 0.01,
                    steps: int = 3000) -> dict[str, float]:
    """Logistic regression of "right within 161 km" on the calibration features (full-batch
    gradient descent; a small L2 keeps rare indicators finite)."""
    from wirewatch.resolve.place_confidence import CALIBRATION_FEATURES

    names = list(CALIBRATION_FEATURES)
    x = np.array([[f.get(n, 0.0) for n in names] for f, _, _ in rows])
    y = np.array([ok for _, _, ok in rows], dtype=float)
    w = np.zeros(len(names))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) / len(y) + l2 * w
        w -= 1.0 * grad
    return {n: round(float(v), 4) for n, v in zip(names, w, strict=True)}


def fit_isotonic(rows: list[tuple[dict[str, float], float, int]],
                 weights: dict[str, float], blocks: int = 24) -> list[tuple[float, float]]:
    """Knots of a monotone map from the calibration's linear score to the observed rate of
    right places (pool-adjacent-violators over score-sorted rows, then thinned to about
    ``blocks`` knots of equal counts)."""
    from wirewatch.resolve.place_confidence import calibration_score

    pairs = sorted((calibration_score(f, weights), ok) for f, _, ok in rows)
    merged: list[list[float]] = []  # [sum of right, count, sum of scores]
    for z, ok in pairs:
        merged.append([float(ok), 1.0, z])
        while len(merged) > 1 and merged[-2][0] / merged[-2][1] >= merged[-1][0] / merged[-1][1]:
            right, n, zs = merged.pop()
            merged[-1][0] += right
            merged[-1][1] += n
            merged[-1][2] += zs
    size = max(1, len(pairs) // blocks)
    knots: list[tuple[float, float]] = []
    acc = [0.0, 0.0, 0.0]
    for right, n, zs in merged:
        acc = [acc[0] + right, acc[1] + n, acc[2] + zs]
        if acc[1] >= size:
            knots.append((round(acc[2] / acc[1], 4), round(acc[0] / acc[1], 4)))
            acc = [0.0, 0.0, 0.0]
    if acc[1]:
        knots.append((round(acc[2] / acc[1], 4), round(acc[0] / acc[1], 4)))
    # thinning may break monotonicity at block edges: keep the running maximum
    out: list[tuple[float, float]] = []
    for z, p in knots:
        out.append((z, max(p, out[-1][1]) if out else p))
    return out


def reliability(rows: list[tuple[dict[str, float], float, int]]) -> list[dict[str, Any]]:
    """Per probability bin: how many places, their mean probability and how many were
    right (a calibrated model's two agree)."""
    out = []
    edges = [*BINS, 1.0001]
    for lo, hi in zip(edges, edges[1:], strict=False):
        inside = [(p, ok) for _, p, ok in rows if lo <= p < hi]
        if inside:
            out.append({"bin": f"[{lo:.2f}, {min(hi, 1.0):.2f}]", "n": len(inside),
                        "mean_probability": round(sum(p for p, _ in inside) / len(inside), 3),
                        "right": round(sum(ok for _, ok in inside) / len(inside), 3)})
    return out


def main(argv: list[str] | None = None) -> None:
    from wirewatch.resolve.place_scoring import FEATURE_NAMES, HAND_WEIGHTS

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", type=Path, help="geoparsing JSONL (LGL, GeoVirus)")
    ap.add_argument("--coded", nargs="*", type=Path, default=[],
                    help="coded reports: ACLED notes, GTD summaries, GVC articles (their "
                    "tune halves; GTD train whole)")
    ap.add_argument("--incidents", type=Path, default=None,
                    help="GVA incidents for GVC articles (gvc_incidents_train_dev.jsonl)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--l2", type=float, default=0.003,
                    help="pull towards the hand-set weights (see the model card)")
    ap.add_argument("--out", type=Path, default=model_path())
    args = ap.parse_args(argv)

    names = list(FEATURE_NAMES)
    tune, check = _documents(args.paths, "tune"), _documents(args.paths, "check")
    incidents = {r["incident_id"]: r for r in load_jsonl(args.incidents)} \
        if args.incidents else None
    coded_tune = coded_documents(args.coded, "tune", incidents)
    coded_check = coded_documents(args.coded, "check", incidents)
    print(f"coded reports: {len(coded_tune)} tune, {len(coded_check)} check")
    hand = dict(HAND_WEIGHTS)
    print("hand-set  tune", accuracy(tune, hand), "check", accuracy(check, hand))
    # Start from the hand-set weights: the first pass needs some ranking to read context.
    prior = np.array([hand.get(n, 0.0) for n in names])
    w = prior
    weights = hand
    for r in range(args.rounds):
        data = examples(tune + coded_tune, weights, names)
        w = fit(data, prior, args.l2, start=w, keep=np.array([n in HELD for n in names]))
        weights = {n: round(float(v), 4) for n, v in zip(names, w, strict=True)}
        print(f"round {r + 1}: {len(data)} mentions; tune", accuracy(tune, weights))
    scores = {"tune": accuracy(tune + coded_tune, weights),
              "check": accuracy(check + coded_check, weights),
              "hand_tune": accuracy(tune + coded_tune, hand),
              "hand_check": accuracy(check + coded_check, hand)}
    print("learned   tune", scores["tune"], "check", scores["check"])
    rows = confidence_rows(tune + coded_tune, weights)
    calibration = fit_calibration(rows)
    knots = fit_isotonic(rows, calibration)
    curve = reliability(confidence_rows(check + coded_check, weights, calibration, knots))
    print("calibration", calibration, "knots", knots)
    print("reliability (check halves)", json.dumps(curve))
    args.out.write_text(json.dumps({
        "model": "conditional logit over place-candidate features",
        "trained_on": [f"{p.name} (tune half)" for p in [*args.paths, *args.coded]],
        "l2": args.l2, "rounds": args.rounds, "scores_acc161": scores,
        "weights": {n: v for n, v in weights.items() if not math.isclose(v, 0.0)},
        "calibration": {"target": "the place lies within 161 km of the gold point",
                        "weights": calibration, "isotonic": knots,
                        "reliability_check": curve},
    }, indent=1) + "\n", encoding="utf-8")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
