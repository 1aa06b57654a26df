"""Which side a message argues (open, closed or neither), from the figures of its match and its own words: a
three-way logistic model fitted on the real-talk tuning half (tools/tune_matcher.py), the hand blend without it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.match.fitted import read_fitted, write_fitted
from bot.match.fusion import Blend, message_side, ranking_lean
from bot.match.questions import Asking
from bot.match.types import SIDES

MODEL_FILE = Path(__file__).with_name("sidepick.json")
FEATURES = ("ranking_lean", "utterance_vote", "question", "first_sign", "first_mixed", "open_vs_closed",
            "mixed_vs_sided", "best", "yes_no", "word_lean", "word_neutral", "word_vote")
YES_NO = FEATURES.index("yes_no")
FIGURES = slice(0, FEATURES.index("word_lean"))  # the match's figures; the rest is what the words say
# the best argument is mixed (two sides of one question) but its nearest utterances, each tagged with the side
# it argues, all but agree: the message takes that side ("llama isn't open source" is a sceptic's point)
MIXED_VOTE = 0.9


def side_features(scores: np.ndarray, signs: np.ndarray, vote: float, asks: Asking,
                  first: int | None, spread: float, words: tuple[float, float, float]) -> np.ndarray:
    """The picker's inputs for one message (order as FEATURES); `scores` are 0 where an argument is hidden,
    `words` the lean, neutral share and vote its own words give (ChatWords.side_words)."""
    def best(mask: np.ndarray) -> float:
        return float(scores[mask].max()) if mask.any() else 0.0

    best_open, best_closed, best_mixed = best(signs > 0), best(signs < 0), best(signs == 0)
    first_sign = float(signs[first]) if first is not None else 0.0
    first_mixed = float(first is not None and signs[first] == 0)
    return np.array([ranking_lean(scores, signs, spread), vote, float(asks.question), first_sign, first_mixed,
                     best_open - best_closed, best_mixed - max(best_open, best_closed), float(scores.max(initial=0.0)),
                     float(asks.yes_no), *words])


@dataclass(frozen=True, slots=True)
class Logistic:
    """Standardised multinomial logistic regression over some features into SIDES."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # features x sides
    bias: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, l2: float = 0.1, steps: int = 3000, rate: float = 0.3) -> "Logistic":
        """`y` holds indices into SIDES; each side weighs the same, however many messages argue it."""
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        z = (x - mean) / scale
        share = np.array([max(float(np.mean(y == k)), 1e-9) for k in range(len(SIDES))])
        sample = (1.0 / share)[y]
        sample /= sample.mean()
        w, b = np.zeros((z.shape[1], len(SIDES))), np.zeros(len(SIDES))
        for _ in range(steps):
            logits = z @ w + b
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(y)), y] -= 1.0
            g = p * sample[:, None]
            w -= rate * (z.T @ g / len(y) + l2 * w)
            b -= rate * g.mean(axis=0)
        return cls(mean, scale, w, b)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = ((x - self.mean) / self.scale) @ self.weights + self.bias
        p = np.exp(logits - logits.max())
        return p / p.sum()

    def as_dict(self) -> dict[str, list]:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "weights": self.weights.tolist(),
                "bias": self.bias.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, list]) -> "Logistic":
        return cls(*(np.array(data[key]) for key in ("mean", "scale", "weights", "bias")))


@dataclass(frozen=True, slots=True)
class SidePicker:
    """The side from every feature; the lean from the match's figures alone (FIGURES), read as a statement.

    The gate reads the lean as how clearly a message sits near one side's arguments. With the words' lean in
    it, off-topic chat in a side's words ("the linux install went smoothly") read as taking a side and set
    the gate off, so the lean has a model of its own, fitted on the same messages without the words."""

    side: Logistic
    lean: Logistic

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray) -> "SidePicker":
        return cls(Logistic.fit(x, y), Logistic.fit(x[:, FIGURES], y))

    def pick(self, x: np.ndarray) -> tuple[str, float]:
        """(side, lean): lean = P(open) - P(closed) as a statement, in [-1, 1]."""
        side = SIDES[int(np.argmax(self.side.probabilities(x)))]
        statement = x[FIGURES].copy()
        statement[YES_NO] = 0.0  # opening with a yes-or-no question moves the side towards neutral, not the lean
        p = self.lean.probabilities(statement)
        return side, float(p[0] - p[1])

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "SidePicker | None":
        """The fitted picker, or None when the file is missing or was fitted on other features."""
        data = read_fitted(path, features=FEATURES, sides=SIDES)
        if data is None or not {"side", "lean"} <= data.keys():
            return None
        return cls(Logistic.from_dict(data["side"]), Logistic.from_dict(data["lean"]))

    def save(self, path: Path = MODEL_FILE, **about: object) -> None:
        write_fitted(path, {"features": list(FEATURES), "sides": list(SIDES), "side": self.side.as_dict(),
                            "lean": self.lean.as_dict(), **about})


def pick_side(picker: SidePicker | None, scores: np.ndarray, vote: float, signs: np.ndarray, blend: Blend,
              cue: float, asks: Asking, first: int | None, words: tuple[float, float, float]) -> tuple[str, float]:
    """The message's side and lean: the hand blend, led by the stance cues, when the message praises or blames a
    side in so many words (cues are rare in the tuning half, so the picker is fitted without them), else the
    fitted picker (the hand blend without one; a statement it calls neutral whose best argument is mixed takes
    the side its nearest utterances all but agree on, MIXED_VOTE), then read with how the message asks
    (`by_asking`). The lean is the figures' lean read as a statement (SidePicker.pick)."""
    if cue or picker is None:
        side, lean = message_side(scores, vote, signs, blend, cue, asks.question)
    else:
        x = side_features(scores, signs, vote, asks, first, blend.spread, words)
        side, lean = picker.pick(x)
        if side == "neutral" and not asks.question and first is not None and signs[first] == 0 \
                and abs(vote) >= MIXED_VOTE:
            side = "open" if vote > 0 else "closed"
    return by_asking(side, lean, asks), lean


def by_asking(side: str, lean: float, asks: Asking) -> str:
    """A question that weighs two answers argues neither; a rhetorical one argues the side it leans to."""
    if asks.rhetorical:
        return side if side != "neutral" else ("open" if lean > 0 else "closed")
    return "neutral" if asks.both_ways else side
