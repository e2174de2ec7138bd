"""Logistic regression over hashed binary features, the learner of the shipped linear models
(argument roles, the event filter): small, fast on a CPU, and its weights are one matrix.
"""

from __future__ import annotations

import random

import numpy as np


def train(feats: list[list[int]], labels: list[int], n_classes: int, epochs: int = 5,
          rate: float = 0.3, l2: float = 1e-6, seed: int = 0, n_features: int = 1 << 18,
          sample_weights: list[float] | None = None) -> np.ndarray:
    """Multinomial logistic regression over hashed binary features (AdaGrad): ``feats[i]``
    lists the active feature indices of example ``i``, ``labels[i]`` its class;
    ``sample_weights`` scale each example's gradient (class balance)."""
    weights = np.zeros((n_features, n_classes), dtype=np.float32)
    history = np.full((n_features, n_classes), 1e-6, dtype=np.float32)
    order = list(range(len(labels)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        loss = 0.0
        for i in order:
            idx = feats[i]
            scores = weights[idx].sum(axis=0)
            scores -= scores.max()
            probs = np.exp(scores)
            probs /= probs.sum()
            loss -= float(np.log(probs[labels[i]] + 1e-12))
            grad = probs
            grad[labels[i]] -= 1.0
            if sample_weights is not None:
                grad *= sample_weights[i]
            g = np.broadcast_to(grad, (len(idx), n_classes)) + l2 * weights[idx]
            history[idx] += g * g
            weights[idx] -= rate * g / np.sqrt(history[idx])
        print(f"epoch {epoch + 1}: loss {loss / len(order):.4f}")
    return weights


def predict(weights: np.ndarray, feats: list[list[int]]) -> np.ndarray:
    """Class probabilities per example."""
    out = np.empty((len(feats), weights.shape[1]), dtype=np.float32)
    for n, idx in enumerate(feats):
        s = weights[idx].sum(axis=0)
        s -= s.max()
        e = np.exp(s)
        out[n] = e / e.sum()
    return out
