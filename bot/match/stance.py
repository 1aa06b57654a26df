"""Which side a message argues: a linear model over sentence embeddings, fitted on the utterances."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STEPS = 300
LEARNING_RATE = 2.0
L2 = 1e-3


@dataclass(frozen=True, slots=True)
class SideModel:
    """Logistic regression: open (+1) against closed (-1) utterances; `lean` is in [-1, 1]."""

    weights: np.ndarray
    bias: float

    @classmethod
    def fit(cls, vectors: np.ndarray, stances: np.ndarray) -> "SideModel":
        """Fitted by plain gradient descent from zero: deterministic, and a fraction of a second for a map."""
        keep = stances != 0
        x, y = vectors[keep].astype(np.float64), (stances[keep] > 0).astype(np.float64)
        if len(y) == 0 or y.min() == y.max():
            return cls(np.zeros(vectors.shape[1] if vectors.ndim == 2 else 0), 0.0)
        # each side weighs the same, however many utterances it has
        sample = np.where(y > 0, 0.5 / y.sum(), 0.5 / (len(y) - y.sum()))
        w = np.zeros(x.shape[1])
        b = 0.0
        for _ in range(STEPS):
            p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
            grad = (p - y) * sample
            w -= LEARNING_RATE * (x.T @ grad + L2 * w)
            b -= LEARNING_RATE * float(grad.sum())
        return cls(w.astype(np.float32), float(b))

    def lean(self, vectors: np.ndarray) -> np.ndarray:
        """Per message: 2 P(open) - 1."""
        if not len(self.weights):
            return np.zeros(len(vectors))
        z = vectors @ self.weights + self.bias
        return (2.0 / (1.0 + np.exp(-z)) - 1.0).astype(np.float64)
