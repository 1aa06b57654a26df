"""Sentence-embedding evidence: how near a message is to each argument's claim and chat utterances,
to chat that argues nothing, and which side its wording leans to."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.argmap.types import Argument
from bot.argmap.utterances import ChatData
from bot.match.embed import Embedder, cached_encode

SIDE_SIGN = {"open": 1.0, "closed": -1.0}  # mixed and neutral utterances vote for no side
SIDE_NEIGHBOURS, SIDE_SOFTNESS = 10, 0.05  # the side vote: the nearest utterances, the nearest weighing most
NEIGHBOURS = 3  # an argument's utterance evidence: the mean of its best few, not one lucky neighbour


def argument_text(arg: Argument) -> str:
    """What an argument is embedded as: its plain-words claim and the words people use for it."""
    return f"{arg.claim} {', '.join(arg.keywords)}" if arg.keywords else arg.claim


@dataclass(frozen=True, slots=True)
class SemanticFigures:
    """Per message (rows) and argument (columns)."""

    utter: np.ndarray  # mean of the best NEIGHBOURS cosines with the argument's utterances (claim if none)
    claim: np.ndarray  # cosine with claim + keywords
    not_claim: np.ndarray  # per message: best cosine with a not-a-claim exemplar
    side: np.ndarray  # per message: -1 (closed) .. +1 (open), the side vote of its nearest utterances


class SemanticIndex:
    """Embeddings of the arguments, their utterances and the not-a-claim exemplars."""

    def __init__(self, embedder: Embedder, cache_dir: Path | None):
        self.embedder = embedder
        self.cache_dir = cache_dir
        self._text_vectors: dict[str, np.ndarray] = {}

    def build(self, arguments: Sequence[Argument], chat: ChatData) -> None:
        """(Re)index for these arguments; texts embedded before are not embedded again."""
        texts = [argument_text(a) for a in arguments]
        owners: list[int] = []
        utterances: list[str] = []
        stances: list[float] = []
        for pos, arg in enumerate(arguments):
            own = chat.utterances.get(arg.id, ()) if arg.origin == "curated" else ()
            for text in own or (texts[pos],):
                owners.append(pos)
                utterances.append(text)
                stances.append(SIDE_SIGN.get(chat.sides.get(text, arg.stance), 0.0))
        self._embed_missing([*texts, *utterances, *chat.not_claims])
        dim = self.embedder.dim
        self.claims = self._stack(texts, dim)
        self.utterances = self._stack(utterances, dim)
        self.not_claims = self._stack(list(chat.not_claims), dim)
        self.owners = np.array(owners, dtype=np.int64)
        starts = np.searchsorted(self.owners, np.arange(len(arguments)))
        counts = np.diff([*starts.tolist(), len(self.owners)])
        # utterances come sorted by owner: a padded (arguments x most utterances) table of their columns lets one
        # gather and one partition find every argument's best few for a whole batch, with no loop over arguments
        width = max(1, int(counts.max(initial=0)))
        offsets = np.arange(width)
        self._slots = np.minimum(starts[:, None] + offsets, max(len(self.owners) - 1, 0))
        self._padding = offsets >= counts[:, None]
        self._kept = np.minimum(counts, NEIGHBOURS)
        self.stances = np.array(stances, dtype=np.float32)
        # a moderator's argument (its claim standing in for utterances) belongs to one workspace: it votes in none
        self._voters = np.array([arguments[o].origin == "curated" for o in owners], dtype=bool)
        self._voter_sides = self.stances[self._voters]

    def _embed_missing(self, texts: list[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self._text_vectors))
        if not missing:
            return
        if self.cache_dir is not None and len(missing) > 8:
            vectors = cached_encode(self.embedder, missing, self.cache_dir)
        else:
            vectors = self.embedder.encode(missing)
        self._text_vectors.update(zip(missing, vectors))

    def _stack(self, texts: list[str], dim: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        return np.stack([self._text_vectors[t] for t in texts]).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # lone surrogates (from JSON escapes) are not text the tokenizer accepts
        return self.embedder.encode([t.encode("utf-8", "replace").decode("utf-8") for t in texts])

    def figures(self, vectors: np.ndarray) -> SemanticFigures:
        """The figures of messages already embedded (rows of `vectors`)."""
        n = len(vectors)
        sims = vectors @ self.utterances.T  # (n, U)
        utter = self._best_utterances(sims)
        claim = vectors @ self.claims.T
        not_claim = (vectors @ self.not_claims.T).max(axis=1) if len(self.not_claims) else np.zeros(n)
        return SemanticFigures(utter=utter, claim=claim, not_claim=not_claim, side=self._side_vote(sims))

    def _best_utterances(self, sims: np.ndarray, rows: int = 256) -> np.ndarray:
        """Per message and argument: the mean of its best NEIGHBOURS utterance cosines (0 with none)."""
        out = np.zeros((len(sims), len(self._slots)), dtype=np.float32)
        if not len(self._slots) or not sims.shape[1]:
            return out
        k = min(NEIGHBOURS, self._slots.shape[1])
        for lo in range(0, len(sims), rows):  # bounded memory for a large batch: rows x arguments x width
            block = np.where(self._padding, -np.inf, sims[lo:lo + rows][:, self._slots])
            best = np.partition(block, block.shape[2] - k, axis=2)[:, :, -k:]
            out[lo:lo + rows] = np.where(np.isfinite(best), best, 0.0).sum(axis=2) / np.maximum(self._kept, 1)
        return out

    def _side_vote(self, sims: np.ndarray) -> np.ndarray:
        """Per message: the sides of its nearest utterances, weighted by nearness (-1 closed .. +1 open)."""
        k = min(SIDE_NEIGHBOURS, len(self._voter_sides))
        if not k:
            return np.zeros(len(sims))
        if len(self._voter_sides) < sims.shape[1]:
            sims = sims[:, self._voters]
        near = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        close = np.take_along_axis(sims, near, axis=1)
        weights = np.exp((close - close.max(axis=1, keepdims=True)) / SIDE_SOFTNESS)
        return ((weights * self._voter_sides[near]).sum(axis=1) / weights.sum(axis=1)).astype(np.float64)
