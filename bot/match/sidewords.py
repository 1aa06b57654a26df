"""Which side a message's own words take: a word and word-pair classifier fitted on the map's sided utterances,
and the side of the utterances that share most of its words."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np

from bot.argmap.types import Argument
from bot.argmap.utterances import ChatData
from bot.match.types import SIDES

MIN_DF = 2  # a word or pair said in one utterance only is that utterance's, not a side's (and a third of the memory)
L2 = 0.125  # ridge on the weights; 1 / (2 C) for C = 4, the strength chosen five-fold on the tuning half
STEPS, RATE, MOMENTUM = 400, 8.0, 0.9  # converged: within 0.02 of scikit-learn's lbfgs on the map
# the word vote: the nearest fitted examples by TF-IDF cosine, the nearest weighing most (as the embedding vote);
# with 10 neighbours among the best-fitting arguments it gave the tuning half five-fold side 0.865 -> 0.876
VOTE_NEIGHBOURS, VOTE_SOFTNESS = 10, 0.05
SIGN = {"open": 1.0, "closed": -1.0, "neutral": 0.0}


def grams(words: Sequence[str]) -> list[str]:
    """Words and adjacent word pairs, stopwords kept: "is not open" differs from "is open" only in them."""
    return [*words, *(f"{a} {b}" for a, b in zip(words, words[1:]))]


class WordSides:
    """TF-IDF (sublinear counts, unit length) over `grams`, then class-balanced multinomial logistic regression.

    Embeddings of a message and its negation lie close together; its words and word pairs do not, so this
    complements the nearest utterances' side vote. The examples it was fitted on also vote by nearness in
    its word space (`vote`): a neighbour view that the classifier's one weight per word does not give."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, weights: np.ndarray, bias: np.ndarray):
        self.vocabulary, self.idf, self.weights, self.bias = vocabulary, idf, weights, bias
        self._voters = Postings.of([], np.zeros(0), len(vocabulary), [])

    @classmethod
    def fit(cls, docs: Sequence[Sequence[str]], sides: Sequence[str],
            owners: Sequence[str | None] | None = None) -> "WordSides":
        """`docs` are word lists, `sides` their sides (from SIDES), `owners` the argument each one says (None:
        it says none, and votes among any arguments); each side weighs the same in the fit."""
        df: Counter[str] = Counter(g for words in docs for g in set(grams(words)))
        kept = sorted(g for g, n in df.items() if n >= MIN_DF)
        vocabulary = {g: i for i, g in enumerate(kept)}
        idf = np.log((1 + len(docs)) / (1 + np.array([df[g] for g in kept], dtype=np.float64))) + 1
        model = cls(vocabulary, idf, np.zeros((len(vocabulary), len(SIDES))), np.zeros(len(SIDES)))
        rows = [model.row(words) for words in docs]
        y = np.array([SIDES.index(s) for s in sides], dtype=np.int64)
        share = np.bincount(y, minlength=len(SIDES)) / max(len(y), 1)
        sample = np.where(share[y] > 0, 1.0 / np.maximum(share[y] * len(SIDES), 1e-9), 0.0)
        if len(rows) and len(vocabulary):
            model._descend(rows, y, sample)
        model._voters = Postings.of(rows, np.array([SIGN[s] for s in sides]), len(vocabulary),
                                    owners if owners is not None else [None] * len(rows))
        return model

    @classmethod
    def fit_on_chat(cls, chat: ChatData, arguments: Mapping[str, Argument],
                    words: Callable[[str], Sequence[str]]) -> "WordSides":
        """Fitted on every utterance of these arguments that argues a side or neither (its own tag, else its
        argument's stance) and on the not-a-claim chat, which argues nothing; `words` splits a text."""
        docs, sides, owners = [], [], []
        for arg_id, texts in chat.utterances.items():
            arg = arguments.get(arg_id)
            for text in texts if arg is not None else ():
                side = chat.sides.get(text, arg.stance)
                if side in SIDES:
                    docs.append(words(text))
                    sides.append(side)
                    owners.append(arg_id)
        docs += [words(text) for text in chat.not_claims]
        sides += ["neutral"] * len(chat.not_claims)
        owners += [None] * len(chat.not_claims)
        return cls.fit(docs, sides, owners)

    def row(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
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
        return self.lean_of(self.row(words))

    def lean_of(self, row: tuple[np.ndarray, np.ndarray]) -> tuple[float, float]:
        """`lean` of a message's `row`."""
        cols, values = row
        logits = values @ self.weights[cols] + self.bias
        p = np.exp(logits - logits.max())
        p /= p.sum()
        return float(p[0] - p[1]), float(p[2])

    def vote(self, words: Sequence[str], among: Collection[str] | None = None) -> float:
        """-1 (closed) .. +1 (open): the sides of the fitted examples nearest the message's words (a neutral one
        votes 0), with `among` only those of these arguments and those of none; 0 when it shares no word."""
        return self.vote_near(self.near(self.row(words)), among)

    def near(self, row: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Per fitted example: its cosine with a message's `row`."""
        return self._voters.cosines(*row)

    def vote_near(self, near: np.ndarray, among: Collection[str] | None = None) -> float:
        """`vote` from a message's `near`."""
        if among is not None:
            near = np.where(self._voters.among(among), near, -1.0)  # below any cosine: never among the nearest
        if not len(near) or near.max() <= 0:
            return 0.0
        k = min(VOTE_NEIGHBOURS, len(near))
        best = np.argpartition(-near, k - 1)[:k]
        weights = np.exp((near[best] - near[best].max()) / VOTE_SOFTNESS)
        return float((weights * self._voters.signs[best]).sum() / weights.sum())

    @property
    def owners(self) -> list[str]:
        """The arguments whose utterances it was fitted on, in the order `owner_fits` gives them."""
        return list(self._voters.codes)

    def owner_fits(self, near: np.ndarray) -> np.ndarray:
        """Per argument of `owners`: the best cosine (`near`) of one of its utterances."""
        return self._voters.best_per_owner(near)


class Postings:
    """The fitted examples' unit TF-IDF rows by column, so one message's cosine with each costs its own words."""

    def __init__(self, starts: np.ndarray, docs: np.ndarray, values: np.ndarray, signs: np.ndarray,
                 owners: Sequence[str | None]):
        self.starts, self.docs, self.values, self.signs = starts, docs, values, signs
        self.codes = {arg_id: code for code, arg_id in enumerate(dict.fromkeys(o for o in owners if o is not None))}
        self.owners = np.array([self.codes.get(o, -1) if o is not None else -1 for o in owners], dtype=np.int32)
        owned = np.flatnonzero(self.owners >= 0)
        self._by_owner = owned[np.argsort(self.owners[owned], kind="stable")]  # each owner's examples, together
        self._owner_starts = np.searchsorted(self.owners[self._by_owner], np.arange(len(self.codes)))

    @classmethod
    def of(cls, rows: Sequence[tuple[np.ndarray, np.ndarray]], signs: np.ndarray, width: int,
           owners: Sequence[str | None]) -> "Postings":
        cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        docs = np.concatenate([np.full(len(c), i) for i, (c, _) in enumerate(rows)]) if rows else cols
        values = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        order = np.argsort(cols, kind="stable")
        starts = np.searchsorted(cols[order], np.arange(width + 1))
        return cls(starts, docs[order].astype(np.int32), values[order].astype(np.float32), signs, owners)

    def among(self, arguments: Collection[str]) -> np.ndarray:
        """Per fitted example: whether it says one of these arguments or none."""
        codes = [self.codes[a] for a in arguments if a in self.codes]
        return (self.owners < 0) | np.isin(self.owners, codes)

    def best_per_owner(self, near: np.ndarray) -> np.ndarray:
        """Per owner (`codes` order): the highest of its examples' cosines (`near`, per example)."""
        if not len(self.codes):
            return np.zeros(0)
        return np.maximum.reduceat(near[self._by_owner], self._owner_starts)

    def cosines(self, cols: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Per fitted example: its cosine with a message's row (`cols`, `values`, unit length)."""
        if not len(cols):
            return np.zeros(len(self.signs))
        begins, lengths = self.starts[cols], self.starts[cols + 1] - self.starts[cols]
        # every posting of those columns at once: each column's run of positions, laid end to end
        at = np.repeat(begins - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        weight = np.repeat(values, lengths)
        return np.bincount(self.docs[at], self.values[at] * weight, minlength=len(self.signs))
