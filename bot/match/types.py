"""Value objects returned by the matcher."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.argmap.types import Argument, Quote

SIDES = ("open", "closed", "neutral")  # the sides a message can argue (MatchResult.side)


@dataclass(frozen=True, slots=True)
class CounterMatch:
    """An argument that answers a match, with its best quotes first."""

    argument: Argument
    quotes: tuple[Quote, ...]

    def to_json(self) -> dict[str, Any]:
        a = self.argument
        return {"argument_id": a.id, "claim": a.claim, "stance": a.stance,
                "quotes": [q.to_json() for q in self.quotes]}


@dataclass(frozen=True, slots=True)
class ArgumentMatch:
    """An argument the message makes or attacks; `quotes` best first for this message."""

    argument: Argument
    score: float  # calibrated to [0, 1]
    quotes: tuple[Quote, ...]
    counters: tuple[CounterMatch, ...] = ()

    def to_json(self) -> dict[str, Any]:
        a = self.argument
        return {"argument_id": a.id, "claim": a.claim, "stance": a.stance,
                "score": round(self.score, 4),
                "quotes": [q.to_json() for q in self.quotes],
                "counters": [c.to_json() for c in self.counters]}


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The matcher's answer for one message."""

    text: str
    trigger: bool  # would an automatic reply be posted (default settings)
    matches: tuple[ArgumentMatch, ...]
    topic_score: float = 0.0
    side: str = "neutral"  # the side the message argues, one of SIDES

    @property
    def confident(self) -> bool:
        """The first match is confidently the message's point (what the auto-reply gate requires)."""
        return self.trigger

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "side": self.side, "trigger": self.trigger,
                "matches": [m.to_json() for m in self.matches]}
