"""The state one service instance shares between its modules: settings, database, corpus, matcher, clock."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.argmap.types import Argument
from bot.corpus import Corpus
from bot.db.engine import Database
from bot.db.repos.feedback import net_scores
from bot.match.matcher import Matcher
from bot.settings import Settings

Clock = Callable[[], datetime]
FEEDBACK_STEP = 0.05
FEEDBACK_CAP = 4


def feedback_factor(net: int) -> float:
    """Ranking multiplier for an argument's net feedback in a workspace."""
    return 1.0 + FEEDBACK_STEP * max(-FEEDBACK_CAP, min(FEEDBACK_CAP, net))


@dataclass(slots=True)
class ServiceCore:
    settings: Settings
    db: Database
    corpus: Corpus
    matcher: Matcher
    clock: Clock
    _channel_locks: dict[tuple[str, str], asyncio.Lock] = field(default_factory=dict)
    _feedback: dict[str, dict[str, int]] = field(default_factory=dict)  # workspace -> argument -> net

    def now(self) -> datetime:
        return self.clock()

    def channel_lock(self, workspace_id: str, channel_id: str) -> asyncio.Lock:
        """One lock per channel: auto-reply decisions there happen one at a time."""
        return self._channel_locks.setdefault((workspace_id, channel_id), asyncio.Lock())

    async def boosts(self, workspace_id: str) -> dict[str, float]:
        """Feedback multipliers for the arguments of one workspace."""
        nets = self._feedback.get(workspace_id)
        if nets is None:
            async with self.db.read() as session:
                nets = await net_scores(session, workspace_id)
            self._feedback[workspace_id] = nets
        return {arg: feedback_factor(net) for arg, net in nets.items() if net}

    def forget_feedback(self, workspace_id: str) -> None:
        self._feedback.pop(workspace_id, None)

    def visible(self, argument: Argument, workspace_id: str | None) -> bool:
        return argument.workspace_id is None or argument.workspace_id == workspace_id

    def argument(self, argument_id: str, workspace_id: str | None) -> Argument | None:
        """An argument this workspace can see (curated, or added by its own moderators)."""
        found = self.matcher.argmap.get(argument_id)
        return found if found is not None and self.visible(found, workspace_id) else None

    def countered_by(self, argument_id: str, workspace_id: str | None) -> list[Argument]:
        return [a for a in self.matcher.argmap.countered_by(argument_id) if self.visible(a, workspace_id)]
