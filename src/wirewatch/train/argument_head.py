"""Retrain the argument head (``heads/arguments.npz``) on the shipped trunk's features.

The joint run of ``wirewatch.train.encoder`` saw about 2,500 argument windows once. Here the
shipped int8 trunk stays as it is and only the head is trained, on every window the
``arguments`` task prepares (``train/tasks/arguments.py``: MUC-4 train, WikiEvents dev tune
half, GVC train, GTD, ACLED tune half), each as written and lower-cased, for several epochs:
the features are computed once with the same ONNX trunk the pipeline runs, so what the head
learns is what it reads at run time.

The head goes to ``--out``/heads/arguments.npz, beside a copy of the trunk, so that
``WIREWATCH_ENCODER_DIR=<out>`` measures it (``roles_head = true``) before it replaces the
shipped one.

    python -m wirewatch.train.argument_head --data ../shared/data --cache out/encoder-tasks \\
        --out out/argument-head
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np


def features(cache: Path, data: Path, work: Path) -> dict[str, np.ndarray]:
    """Pair features, labels and weights of every training item (cached under ``work``,
    under the trunk's digest)."""
    import hashlib

    from wirewatch.nlp.shared_encoder import TRUNK_FILE, model_dir

    digest = hashlib.sha256((model_dir() / TRUNK_FILE).read_bytes()).hexdigest()[:12]
    path = work / f"features-{digest}.npz"
    if path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    from wirewatch.nlp.shared_encoder import Window, load_shared_encoder, pair_features
    from wirewatch.train.tasks.arguments import LABELS, build

    encoder = load_shared_encoder(threads=2)
    if encoder is None:
        raise SystemExit("the shared encoder does not run here")
    task = build(data, "train", cache)
    texts: list[str] = []
    owners: list[int] = []
    for n, ex in enumerate(task.examples):
        for text in (ex.text, ex.text.lower()):
            texts.append(text)
            owners.append(n)
    xs, ys, ws = [], [], []
    started = time.time()
    batch = 64
    for start in range(0, len(texts), batch):
        chunk = texts[start:start + batch]
        for k, (hidden, offsets) in enumerate(encoder.run_texts(chunk, batch=32)):
            ex = task.examples[owners[start + k]]
            window = Window(0, len(chunk[k]), hidden, offsets)
            for a, b, label in ex.items:
                xs.append(pair_features(window, tuple(a), tuple(b)))
                ys.append(LABELS.index(label))
                ws.append(ex.weight)
        if (start // batch) % 50 == 0:
            print(f"  {start}/{len(texts)} windows, {time.time() - started:.0f} s", flush=True)
    found = {"x": np.stack(xs).astype(np.float16), "y": np.asarray(ys, np.int64),
             "w": np.asarray(ws, np.float32)}
    work.mkdir(parents=True, exist_ok=True)
    np.savez(path, **found)
    return found


def train(x: np.ndarray, y: np.ndarray, w: np.ndarray, n_labels: int, epochs: int,
          hidden: int = 256, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """An MLP like the shipped heads (one ReLU layer), minibatch AdamW."""
    import torch

    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(x.shape[1], hidden),
                                torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(hidden, n_labels))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    counts = np.bincount(y, minlength=n_labels).astype(np.float32)
    balance = torch.from_numpy((counts.sum() / np.maximum(counts, 1.0)) ** 0.5)
    loss_fn = torch.nn.CrossEntropyLoss(weight=balance / balance.mean(), reduction="none")
    xt = torch.from_numpy(x.astype(np.float32))
    yt, wt = torch.from_numpy(y), torch.from_numpy(w)
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        model.train()
        order = torch.from_numpy(rng.permutation(len(x)))
        total = 0.0
        for start in range(0, len(x), 256):
            idx = order[start:start + 256]
            opt.zero_grad()
            loss = (loss_fn(model(xt[idx]), yt[idx]) * wt[idx]).mean()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        print(f"  epoch {epoch + 1}: loss {total / len(x):.4f}", flush=True)
    model.eval()
    first, second = model[1], model[4]
    return [(first.weight.detach().numpy().T.copy(), first.bias.detach().numpy().copy()),
            (second.weight.detach().numpy().T.copy(), second.bias.detach().numpy().copy())]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cache", type=Path, default=Path("out/encoder-tasks"))
    parser.add_argument("--work", type=Path, default=Path("out/argument-head-work"))
    parser.add_argument("--out", type=Path, default=Path("out/argument-head"))
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args(argv)

    from wirewatch.nlp.shared_encoder import TRUNK_FILE, load_head, model_dir
    from wirewatch.train.tasks.arguments import LABELS

    found = features(args.cache, args.data, args.work)
    counts = np.bincount(found["y"], minlength=len(LABELS)).tolist()
    layers = train(found["x"], found["y"], found["w"], len(LABELS), args.epochs)
    shipped = load_head("arguments")
    heads = args.out / "heads"
    heads.mkdir(parents=True, exist_ok=True)
    shutil.copy(model_dir() / TRUNK_FILE, args.out / TRUNK_FILE)
    arrays: dict[str, Any] = {f"w{i}": w for i, (w, _) in enumerate(layers)}
    arrays.update({f"b{i}": b for i, (_, b) in enumerate(layers)})
    np.savez(heads / "arguments.npz", **arrays, labels=np.asarray(shipped.labels),
             kind=np.asarray("pair"),
             **{k: v for k, v in shipped.meta.items() if k not in arrays})
    report = {"items": int(len(found["y"])), "labels": dict(zip(LABELS, counts, strict=True)),
              "epochs": args.epochs}
    (args.out / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
