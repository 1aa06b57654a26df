"""Which side a message's own words take: a word and word-pair classifier fitted on the map's sided utterances."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from bot.argmap.types import Argument
from bot.argmap.utterances import ChatData
from bot.match.types import SIDES

MIN_DF = 2  # a word or pair said in one utterance only is that utterance's, not a side's (and a third of the memory)
L2 = 0.125  # ridge on the weights; 1 / (2 C) for C = 4, the strength chosen five-fold on the tuning half
STEPS, RATE, MOMENTUM = 400, 8.0, 0.9  # converged: within 0.02 of scikit-learn's lbfgs on the map


def grams(words: Sequence[str]) -> list[str]:
    """Words and adjacent word pairs, stopwords kept: "is not open" differs from "is open" only in them."""
    return [*words, *(f"{a} {b}" for a, b in zip(words, words[1:]))]


class WordSides:
    """TF-IDF (sublinear counts, unit length) over `grams`, then class-balanced multinomial logistic regression.

    Embeddings of a message and its negation lie close together; its words and word pairs do not, so this
    complements the nearest utterances' side vote."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, weights: np.ndarray, bias: np.ndarray):
        self.vocabulary, self.idf, self.weights, self.bias = vocabulary, idf, weights, bias

    @classmethod
    def fit(cls, docs: Sequence[Sequence[str]], sides: Sequence[str]) -> "WordSides":
        """`docs` are word lists, `sides` their sides (from SIDES); each side weighs the same in the fit."""
        df: Counter[str] = Counter(g for words in docs for g in set(grams(words)))
        kept = sorted(g for g, n in df.items() if n >= MIN_DF)
        vocabulary = {g: i for i, g in enumerate(kept)}
        idf = np.log((1 + len(docs)) / (1 + np.array([df[g] for g in kept], dtype=np.float64))) + 1
        model = cls(vocabulary, idf, np.zeros((len(vocabulary), len(SIDES))), np.zeros(len(SIDES)))
        rows = [model._row(words) for words in docs]
        y = np.array([SIDES.index(s) for s in sides])
        share = np.bincount(y, minlength=len(SIDES)) / max(len(y), 1)
        sample = np.where(share[y] > 0, 1.0 / np.maximum(share[y] * len(SIDES), 1e-9), 0.0)
        if len(rows) and len(vocabulary):
            model._descend(rows, y, sample)
        return model

    @classmethod
    def fit_on_chat(cls, chat: ChatData, arguments: Mapping[str, Argument],
                    words: Callable[[str], Sequence[str]]) -> "WordSides":
        """Fitted on every utterance of these arguments that argues a side or neither (its own tag, else its
        argument's stance) and on the not-a-claim chat, which argues nothing; `words` splits a text."""
        docs, sides = [], []
        for arg_id, texts in chat.utterances.items():
            arg = arguments.get(arg_id)
            for text in texts if arg is not None else ():
                side = chat.sides.get(text, arg.stance)
                if side in SIDES:
                    docs.append(words(text))
                    sides.append(side)
        docs += [words(text) for text in chat.not_claims]
        sides += ["neutral"] * len(chat.not_claims)
        return cls.fit(docs, sides)

    def _row(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(feature columns, values) of one message: sublinear counts times IDF, unit length."""
        counts: dict[int, int] = {}
        for g in grams(words):
            col = self.vocabulary.get(g)
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = (1 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[cols]
        norm = float(np.sqrt((values ** 2).sum()))
        return cols, values / norm if norm else values

    def _descend(self, rows: list[tuple[np.ndarray, np.ndarray]], y: np.ndarray, sample: np.ndarray) -> None:
        """Full-batch gradient descent with momentum on the mean weighted cross-entropy plus the ridge."""
        owner = np.concatenate([np.full(len(c), i) for i, (c, _) in enumerate(rows)])
        cols = np.concatenate([c for c, _ in rows])
        vals = np.concatenate([v for _, v in rows])
        n, k = len(rows), len(SIDES)
        target = np.eye(k)[y]
        w, b = self.weights, self.bias
        vw, vb = np.zeros_like(w), np.zeros_like(b)
        ridge = L2 / n  # sklearn's objective (sum of losses + ridge) divided by n
        for _ in range(STEPS):
            # sparse products as bincounts (far faster than np.add.at): one per side
            logits = np.stack([np.bincount(owner, vals * w[cols, j], minlength=n) for j in range(k)], axis=1) + b
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            g = (p - target) * sample[:, None] / n
            gw = np.stack([np.bincount(cols, vals * g[owner, j], minlength=len(w)) for j in range(k)], axis=1)
            gw += 2 * ridge * w
            vw = MOMENTUM * vw - RATE * gw
            vb = MOMENTUM * vb - RATE * g.sum(axis=0)
            w += vw
            b += vb

    def lean(self, words: Sequence[str]) -> tuple[float, float]:
        """(P(open) - P(closed), P(neutral)) for a message's words; (0, 1/3) for words it never saw."""
        cols, values = self._row(words)
        logits = values @ self.weights[cols] + self.bias
        p = np.exp(logits - logits.max())
        p /= p.sum()
        return float(p[0] - p[1]), float(p[2])
