"""The learned auto-reply gate: how likely the first argument is the message's point, from a handful of
figures of the match, by a logistic model fitted on the real-talk tuning half (tools/tune_matcher.py)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.match.fitted import read_fitted, write_fitted

MODEL_FILE = Path(__file__).with_name("claimgate.json")
FEATURES = ("fit", "margin", "utterance", "not_claim", "claimness", "topic", "words_fit", "words_agree",
            "length", "question", "side", "same_topic")
TOPIC_CAP = 1.2


def features(text: str, question: bool, scores: np.ndarray, ranked: list[int], lexical: np.ndarray, visible: np.ndarray,
             best_utterance: float, not_claim: float, topic: float, side_lean: float, topics: np.ndarray) -> np.ndarray:
    """The gate's inputs for one message (order as FEATURES); `topics` holds each argument's topic."""
    first = float(scores[ranked[0]])
    second = float(scores[ranked[1]]) if len(ranked) > 1 else 0.0
    words_best = int(np.argmax(np.where(visible, lexical, -1.0)))
    return np.array([first, first - second, best_utterance, not_claim, best_utterance - not_claim,
                     min(topic, TOPIC_CAP), float(lexical[ranked[0]]), float(words_best == ranked[0]),
                     math.log1p(len(text.split())), float(question), abs(side_lean),
                     # a runner-up on the same topic makes a close margin a matter of nuance, not of subject
                     float(len(ranked) > 1 and topics[ranked[0]] == topics[ranked[1]])])


@dataclass(frozen=True, slots=True)
class ClaimGate:
    """Standardised logistic regression over FEATURES."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float = 0.5  # the probability needed to post, chosen with the weights by tools/tune_matcher.py

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 3000, rate: float = 0.5,
            weights: np.ndarray | None = None) -> "ClaimGate":
        """Fitted by gradient descent; `weights`: one per example (all 1 when unset)."""
        share = np.full(len(y), 1.0 / len(y)) if weights is None else weights / weights.sum()
        mean = share @ x
        scale = np.sqrt(share @ (x - mean) ** 2) + 1e-9
        z = (x - mean) / scale
        w, b = np.zeros(z.shape[1]), 0.0
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
            g = (p - y) * share
            w -= rate * (z.T @ g + l2 * w)
            b -= rate * float(g.sum())
        return cls(mean, scale, w, b)

    def probability(self, x: np.ndarray) -> float:
        z = float(((x - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def posts(self, x: np.ndarray, bar: float | None) -> bool:
        """Whether the probability reaches `bar`, or the fitted threshold when no bar is set."""
        return self.probability(x) >= (self.threshold if bar is None else bar)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "ClaimGate | None":
        """The fitted gate, or None when the file is missing or was fitted on other features."""
        data = read_fitted(path, features=FEATURES)
        if data is None:
            return None
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["weights"]), float(data["bias"]),
                   float(data.get("threshold", 0.5)))

    def save(self, path: Path = MODEL_FILE, **about: object) -> None:
        data = {"features": list(FEATURES), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "weights": self.weights.tolist(), "bias": self.bias, **about}
        write_fitted(path, data)
