"""Blending word evidence with embedding evidence, the message's side, and the side-first order."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.match.semantic import SemanticFigures

SIGN = {"open": 1.0, "closed": -1.0, "mixed": 0.0}


@dataclass(frozen=True, slots=True)
class Blend:
    """Weights of the blend and of the side decision (calibrated on the real-talk tuning half)."""

    lexical: float = 0.2
    utter: float = 0.7
    claim: float = 0.2
    # the words' best fit with one of the argument's utterances: the lexical score reads the sources' words and
    # the embeddings the meaning, this the chat words people use for a point (tuning half hit@3 0.878 -> 0.902)
    utter_words: float = 0.5
    side_model: float = 0.3  # share of the side decision taken from the utterances' side vote; the rest from the ranking
    side_min: float = 0.05  # |lean| below this is "neutral"
    side_slack: float = 0.0  # an argument of the message's side this close to the best goes first
    spread: float = 0.05  # softness of the ranking's vote on the side
    cue: float = 0.7  # share of the side decision taken from stance cues, when the message has one
    cue_slack: float = 0.3  # ... and then an argument of that side this close to the best goes first
    question_min: float = 0.2  # a question (no cue) argues a side only when it leans at least this far


def fuse(lexical: np.ndarray, fig: SemanticFigures, blend: Blend, utter_words: np.ndarray) -> np.ndarray:
    """Calibrated [0, 1] scores (messages x arguments); `utter_words` as chatwords.fits gives it."""
    mixed = (blend.lexical * lexical + blend.utter * np.maximum(fig.utter, 0) + blend.claim * np.maximum(fig.claim, 0)
             + blend.utter_words * utter_words)
    return np.clip(mixed, 0.0, 1.0)


def ranking_lean(scores: np.ndarray, signs: np.ndarray, spread: float, top: int = 5) -> float:
    """The side the best-fitting arguments take, weighted by how close each is to the best: -1 .. +1."""
    if not len(scores):
        return 0.0
    best = np.argsort(-scores, kind="stable")[:top]
    weights = np.exp((scores[best] - scores[best[0]]) / spread)
    return float((weights * signs[best]).sum() / weights.sum())


def message_side(scores: np.ndarray, vote: float, signs: np.ndarray, blend: Blend,
                 cue: float = 0.0, question: bool = False) -> tuple[str, float]:
    """("open" | "closed" | "neutral", lean) for one message's row of scores; `cue` is the stance cues'
    lean (0 when the message praises or blames no side); a genuine question asks rather than argues."""
    lean = blend.side_model * vote + (1 - blend.side_model) * ranking_lean(scores, signs, blend.spread)
    if cue:
        lean = blend.cue * cue + (1 - blend.cue) * lean
    if abs(lean) < (blend.question_min if question and not cue else blend.side_min):
        return "neutral", lean
    return ("open" if lean > 0 else "closed"), lean


def side_first(order: list[int], scores: np.ndarray, signs: np.ndarray, side: str, slack: float) -> list[int]:
    """`order` with the best argument of the message's side first, when one is within `slack` of the best."""
    if side == "neutral" or not order:
        return order
    want = SIGN[side]
    best = float(scores[order[0]])
    if signs[order[0]] == want:
        return order
    for i, pos in enumerate(order[1:], start=1):
        if signs[pos] == want and best - float(scores[pos]) <= slack:
            return [pos, *order[:i], *order[i + 1:]]
    return order
