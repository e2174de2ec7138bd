"""Train the attribution model (``data/models/attribution.npz``) on PolNeAR train.

    python -m wirewatch.train.attribution --data ../shared/data/polnear/train.jsonl \
        --cache out/train-attribution --out src/wirewatch/data/models/attribution.npz

Every primary PolNeAR train article runs through the pipeline up to the quotes component
(cached as a DocBin under ``--cache``); then three logistic models are fitted
(``train.linear``), one example per candidate:

- cue: a candidate word is positive when it heads a gold cue span (the word highest in
  the parse among the span's candidates; the span's other words are left out), negative
  when it lies in no cue span;
- content: each content candidate of a gold cue; positive when it is the candidate that
  overlaps the gold content best and matches it under the scorer's rule (half the shorter);
- source: each source candidate of a gold cue; positive when its noun phrase overlaps the
  gold source span.

One article in ten is held out and its cue, content and source scores printed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc, DocBin

from wirewatch.extract.attribution_model import (
    N_FEATURES,
    AttributionModel,
    content_candidates,
    content_features,
    cue_features,
    is_cue_candidate,
    save_model,
    source_candidates,
    source_features,
)
from wirewatch.extract.sources import noun_phrase, quoted_ranges
from wirewatch.knowledge.cues import Cues, load_cues
from wirewatch.train.linear import predict, train


def load_records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        recs = [json.loads(line) for line in f if line.strip()]
    return [r for r in recs if r.get("primary")]


def parse(recs: list[dict[str, Any]], cache: Path) -> list[Doc]:
    """The documents through the pipeline up to quotes, cached."""
    from wirewatch.api import Document, extract_docs, load_pipeline

    nlp = load_pipeline()
    target = cache / "docs.spacy"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        db = DocBin(store_user_data=True)
        # the claims component is what the model serves: its features must not depend on it
        skip = ["wirewatch_places", "wirewatch_times", "wirewatch_events", "wirewatch_claims"]
        with nlp.select_pipes(disable=[n for n in skip if n in nlp.pipe_names]):
            documents = (Document(id=r["doc_id"], text=r["text"], title=r.get("title"),
                                  outlet=r.get("publisher")) for r in recs)
            for document, doc in extract_docs(documents):
                if doc is None:  # the examples are matched to the records by position
                    raise SystemExit(f"{document.id}: {document.error or 'not processed'}")
                db.add(doc)
        db.to_disk(target)
    return list(DocBin().from_disk(target).get_docs(nlp.vocab))


def _spans(part: dict[str, Any] | None) -> list[tuple[int, int]]:
    if not part or not part.get("offset_ok", True):
        return []
    return [(int(s), int(e)) for s, e in part.get("spans") or () if e > s]


def _depth(token: Any) -> int:
    d = 0
    while token.head is not token and d < 64:
        token, d = token.head, d + 1
    return d


def examples(doc: Doc, rec: dict[str, Any], cues: Cues) -> dict[str, list[Any]]:
    """(features, label) per model for one document."""
    quoted = quoted_ranges(doc)
    golds = []
    for a in rec.get("attributions") or ():
        content = _spans(a.get("content"))
        cue = _spans(a.get("cue"))
        if content and cue:
            golds.append((cue, content, _spans(a.get("source"))))
    in_cue: dict[int, int] = {}
    for n, (cue, _, _) in enumerate(golds):
        for t in doc:
            if any(s <= t.idx < e for s, e in cue):
                in_cue.setdefault(t.i, n)
    heads: dict[int, int] = {}
    for n in range(len(golds)):
        toks = [doc[i] for i, g in in_cue.items() if g == n and is_cue_candidate(doc[i])]
        if toks:
            heads[min(toks, key=lambda t: (_depth(t), t.i)).i] = n
    out: dict[str, list[Any]] = {"cue": [], "content": [], "source": []}
    for t in doc:
        if not is_cue_candidate(t) or quoted.contains(t.idx):
            continue
        if t.i in in_cue and t.i not in heads:
            continue
        out["cue"].append((cue_features(t, cues), int(t.i in heads)))
        if t.i not in heads:
            continue
        _, content, source = golds[heads[t.i]]
        cands = content_candidates(t, cues)
        glen = sum(e - s for s, e in content)
        best, best_ratio = None, 0.0
        for c in cands:
            span = c.span(doc)
            s, e = span.start_char, span.end_char
            ov = sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in content)
            if ov * 2 >= min(e - s, glen) and ov / max(e - s, glen) > best_ratio:
                best, best_ratio = c, ov / max(e - s, glen)
        for c in cands:
            out["content"].append((content_features(t, c, len(cands)), int(c is best)))
        scands = source_candidates(t, cues)
        for kind, src in scands:
            np_span = noun_phrase(src)
            s, e = np_span.start_char, np_span.end_char
            right = any(s < ge and gs < e for gs, ge in source)
            out["source"].append((source_features(t, kind, src, len(scands)), int(right)))
    return out


def _fit(rows: list[Any], epochs: int, balance: bool) -> np.ndarray:
    feats = [f for f, _ in rows]
    labels = [y for _, y in rows]
    pos = sum(labels) or 1
    neg = (len(labels) - pos) or 1
    weights = [len(labels) / (2 * pos) if y else len(labels) / (2 * neg) for y in labels]
    w = train(feats, labels, 2, epochs=epochs, sample_weights=weights if balance else None,
              n_features=N_FEATURES)
    return (w[:, 1] - w[:, 0]).astype(np.float32)


def _report(name: str, weights: np.ndarray, rows: list[Any]) -> dict[str, float]:
    if not rows:
        return {}
    w2 = np.stack([np.zeros_like(weights), weights], axis=1)
    probs = predict(w2, [f for f, _ in rows])[:, 1]
    out = {}
    for th in (0.3, 0.5, 0.7, 0.9):
        tp = sum(1 for p, (_, y) in zip(probs, rows, strict=True) if p >= th and y)
        pp = int((probs >= th).sum())
        g = sum(y for _, y in rows)
        prec, rec = tp / pp if pp else 0.0, tp / g if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[f"{th}"] = round(f1, 4)
        print(f"{name} held out @{th}: P {prec:.3f} R {rec:.3f} F1 {f1:.3f} ({g} positive)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/polnear/train.jsonl"))
    ap.add_argument("--cache", type=Path, default=Path("out/train-attribution"))
    ap.add_argument("--out", type=Path,
                    default=Path("src/wirewatch/data/models/attribution.npz"))
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--add", type=float, default=0.75, help="cue line to add a claim")
    ap.add_argument("--drop", type=float, default=0.0, help="cue line to drop a rule claim")
    ap.add_argument("--source", type=float, default=0.5, help="line for naming a source")
    ap.add_argument("--content", type=float, default=0.2,
                    help="line an added claim's content must clear")
    ap.add_argument("--balance", action="store_true", help="weight the classes to balance")
    ap.add_argument("--all", action="store_true", help="fit on every article (no hold-out)")
    args = ap.parse_args()
    t0 = time.time()
    recs = load_records(args.data)
    docs = parse(recs, args.cache)
    print(f"{len(docs)} articles parsed in {time.time() - t0:.0f}s")
    cues = load_cues()
    fit: dict[str, list[Any]] = {"cue": [], "content": [], "source": []}
    held: dict[str, list[Any]] = {"cue": [], "content": [], "source": []}
    for n, (doc, rec) in enumerate(zip(docs, recs, strict=True)):
        target = held if n % 10 == 9 and not args.all else fit
        for name, rows in examples(doc, rec, cues).items():
            target[name].extend(rows)
    print({k: (len(v), sum(y for _, y in v)) for k, v in fit.items()})
    weights = {name: _fit(rows, args.epochs, args.balance) for name, rows in fit.items()}
    for name in weights:
        _report(name, weights[name], held[name])
    model = AttributionModel(weights["cue"], weights["content"], weights["source"],
                             args.add, args.drop, args.source, args.content)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_model(str(args.out), model)
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
