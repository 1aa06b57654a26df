"""Passage-to-argument links as flat arrays, so an argument's passage evidence is one vectorised step."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

PassageKey = tuple[str, int]


class LinkTable:
    """Links (passage, argument, weight) sorted by argument position."""

    def __init__(self, links: Mapping[PassageKey, list[tuple[int, float]]], position: Mapping[PassageKey, int],
                 n_args: int):
        rows = sorted((pos, position[key], weight) for key, entries in links.items() if key in position
                      for pos, weight in entries)
        self.n_args = n_args
        self.arg = np.array([r[0] for r in rows], dtype=np.int64)
        self.passage = np.array([r[1] for r in rows], dtype=np.int64)
        self.weight = np.array([r[2] for r in rows], dtype=np.float64)
        self.bounds = np.searchsorted(self.arg, np.arange(n_args + 1))
        self.linked = np.flatnonzero(self.bounds[1:] > self.bounds[:-1])

    def evidence(self, coverage: np.ndarray) -> np.ndarray:
        """Per message and argument: the best coverage among the argument's linked passages, times the link
        weight (`coverage` is messages x passages)."""
        out = np.zeros((coverage.shape[0], self.n_args))
        if len(self.arg):
            contrib = coverage[:, self.passage] * self.weight
            out[:, self.linked] = np.maximum.reduceat(contrib, self.bounds[self.linked], axis=1)
        return out

    def of(self, pos: int) -> tuple[np.ndarray, np.ndarray]:
        """(passage positions, weights) linked to argument `pos`."""
        lo, hi = self.bounds[pos], self.bounds[pos + 1]
        return self.passage[lo:hi], self.weight[lo:hi]
