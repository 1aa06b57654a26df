"""Per-message rows of the matcher's work: the reduced query, score arrays, and where quotes sit."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.match.chatwords import WordReading
from bot.match.semantic import SemanticFigures


@dataclass(frozen=True, slots=True)
class Query:
    """A message reduced to what matching needs."""

    words: tuple[str, ...]
    weights: dict[str, float]  # content term -> weight (corpus IDF x everyday-English specificity)
    mass: float
    topic: float

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(self.weights)


@dataclass(frozen=True, slots=True)
class QuoteLookup:
    """Where an argument's quotes and its extra (weakly linked) passages sit among the passages."""

    fetch: np.ndarray  # passage position of each quote (0 when it has none), then of each extra passage
    found: list[bool]  # per quote: does it start in an indexed passage
    extra: list[int]


@dataclass(frozen=True, slots=True)
class Semantics:
    """One message's row of the embedding figures, with its word scores before blending and its chat-word reading."""

    figures: SemanticFigures
    row: int
    lexical: np.ndarray
    words: WordReading


@dataclass(frozen=True, slots=True)
class Scored:
    """Per-argument figures, as arrays of messages x argument positions."""

    score: np.ndarray
    own: np.ndarray
