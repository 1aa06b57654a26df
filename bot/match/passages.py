"""Passage-side evidence: how well every source passage, alone or with its neighbours, explains a message."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from bot.ingest.types import Passage
from bot.match.bm25 import BM25Index, batch_hits

WINDOW_DISCOUNT = 0.85  # a point spread over neighbouring sentences counts a little less
TIE_BREAK = 0.01


class PassageEvidence:
    """Indexes of passages and of passage windows (a passage with its same-speaker neighbours)."""

    def __init__(self, passages: list[Passage], terms: list[list[str]]):
        self.passages = passages
        self.index = BM25Index([_counts(t) for t in terms])
        self.position = {(p.source_id, p.index): i for i, p in enumerate(passages)}
        # which documents contain each term: passages are 0..n-1, their windows n..2n-1
        n = len(passages)
        holders: dict[str, list[int]] = {}
        for i, window in enumerate(_windows(passages, terms)):
            for term in set(terms[i]):
                holders.setdefault(term, []).append(i)
            for term in set(window):
                holders.setdefault(term, []).append(n + i)
        self._holder_terms = list(holders)
        self._holder_bounds = np.cumsum([0] + [len(ids) for ids in holders.values()])
        self._holder_ids = np.array([i for ids in holders.values() for i in ids], dtype=np.int64)
        self._index_holders()

    def _index_holders(self) -> None:
        """term -> documents holding it: views into one flat array, which is all that is pickled."""
        b = self._holder_bounds.tolist()
        self._holders = {t: self._holder_ids[b[i]:b[i + 1]] for i, t in enumerate(self._holder_terms)}

    def __getstate__(self) -> dict:
        return {k: v for k, v in vars(self).items() if k != "_holders"}

    def __setstate__(self, state: dict) -> None:
        vars(self).update(state)
        self._index_holders()

    def idf_of(self, term: str) -> float:
        return self.index.idf_of(term)

    def evidence_many(self, queries: Sequence[tuple[Mapping[str, float], float]]) -> tuple[np.ndarray, np.ndarray]:
        """Coverage of each message (term weights, mass) by every passage alone, and by every passage window
        (discounted), as (messages x passages) arrays."""
        n = len(self.passages)
        hits = batch_hits([query if mass > 0 else {} for query, mass in queries], self._holders, 2 * n)
        if hits is None:
            zeros = np.zeros((len(queries), n))
            return zeros, zeros
        ids, weights, _ = hits
        masses = np.array([mass if mass > 0 else 1.0 for _, mass in queries])[:, None]
        present = np.bincount(ids, weights=weights,
                              minlength=len(queries) * 2 * n).reshape(len(queries), 2 * n) / masses
        alone = present[:, :n]
        return alone, np.maximum(alone, WINDOW_DISCOUNT * present[:, n:])

    def best(self, weights: Mapping[str, float], mass: float, k: int) -> list[tuple[int, float]]:
        """The k passages that explain the message best (BM25 breaks coverage ties)."""
        if mass <= 0 or not self.passages:
            return []
        bm25, present = self.index.score_and_presence(weights)
        alone = present / mass
        key = alone + TIE_BREAK * _unit(bm25)
        top = np.argpartition(-key, k - 1)[:k] if len(key) > k else np.arange(len(key))
        return [(int(i), float(alone[i])) for i in sorted(top, key=lambda i: -key[i]) if alone[i] > 0]


def _unit(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else values


def _counts(terms: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in terms:
        out[t] = out.get(t, 0.0) + 1.0
    return out


def _windows(passages: list[Passage], terms: list[list[str]]) -> list[list[str]]:
    """Each passage's terms with those of its neighbours from the same source and speaker."""
    out = []
    for i, p in enumerate(passages):
        window = list(terms[i])
        for j in (i - 1, i + 1):
            if 0 <= j < len(passages) and passages[j].source_id == p.source_id and passages[j].speaker == p.speaker:
                window.extend(terms[j])
        out.append(window)
    return out
