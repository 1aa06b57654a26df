"""A message's words read once against the map's chat utterances: their side, and how closely they fit each argument."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.argmap.types import Argument
from bot.match.semantic import argument_text
from bot.match.sidewords import Postings, WordSides

# the word vote among all utterances follows phrasing ("... is the only way to ..." is said most on one side);
# among the best-fitting arguments' it reads the side within the point (five-fold within noise: 0.876 vs 0.881)
WORD_VOTE_CANDIDATES = 6


@dataclass(frozen=True, slots=True)
class WordReading:
    """One message's words, from one TF-IDF row: their lean and neutral share (WordSides.lean), their cosine with
    every example the classifier was fitted on, and their best fit with each argument (by position)."""

    lean: tuple[float, float]
    near: np.ndarray
    fit: np.ndarray


def fits(readings: Sequence[WordReading]) -> np.ndarray:
    """Messages x arguments: each reading's fit."""
    return np.stack([r.fit for r in readings])


class ChatWords:
    """The words' side classifier (fitted once on the corpus) read against the current arguments; an argument
    without utterances (a moderator's, or one redefined) is fitted by its claim and keywords, as the embeddings
    read it."""

    def __init__(self, sides: WordSides, arguments: Sequence[Argument], words: Callable[[str], Sequence[str]]):
        self.sides = sides
        self._ids = [a.id for a in arguments]
        fitted = set(sides.owners)
        bare = [a for a in arguments if a.origin != "curated" or a.id not in fitted]
        self._bare = Postings.of([sides.row(words(argument_text(a))) for a in bare], np.zeros(len(bare)),
                                 len(sides.vocabulary), [a.id for a in bare])
        at = {arg_id: pos for pos, arg_id in enumerate(self._ids)}
        # a reading's fits come as the fitted owners, then the bare ones; a redefined argument counts as bare
        owners = np.array([-1 if i in self._bare.codes else at.get(i, -1) for i in sides.owners]
                          + [at[i] for i in self._bare.codes], dtype=np.int64)
        self._take = np.flatnonzero(owners >= 0)
        self._put = owners[self._take]

    def read(self, words: Sequence[str]) -> WordReading:
        row = self.sides.row(words)
        near = self.sides.near(row)
        fit = np.zeros(len(self._ids))
        best = np.concatenate([self.sides.owner_fits(near), self._bare.best_per_owner(self._bare.cosines(*row))])
        fit[self._put] = best[self._take]
        return WordReading(self.sides.lean_of(row), near, fit)

    def side_words(self, reading: WordReading, score: np.ndarray, visible: np.ndarray,
                   fit_weight: float) -> tuple[float, float, float]:
        """What the words say of the message's side, for the side picker: lean, neutral share, and the vote of the
        nearest utterances among the best-fitting arguments' (WORD_VOTE_CANDIDATES) and the not-a-claim chat.

        The candidates are ranked by `score` without the words' own fit (`fit_weight` times it): with it, the
        arguments whose utterances share the message's phrasing join them and the vote follows the phrasing."""
        ranked = np.where(visible, score - fit_weight * reading.fit, -np.inf)
        best = np.argsort(-ranked, kind="stable")[:WORD_VOTE_CANDIDATES]
        return (*reading.lean, self.sides.vote_near(reading.near, {self._ids[p] for p in best}))
