"""The state one service instance shares between its modules: settings, database, corpus, matcher, clock, caches."""
from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.argmap.types import Argument
from bot.corpus import Corpus
from bot.db.engine import Database
from bot.db.repos import channels as channels_repo
from bot.db.repos import debates as debates_repo
from bot.db.repos import state as state_repo
from bot.db.repos.feedback import net_scores
from bot.db.repos.replies import ReplyRef
from bot.match.matcher import Matcher
from bot.service.batching import MatchBatcher
from bot.service.caches import ChannelState, DebateState, ScopeCache
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
    # the version of each shared-state scope this process's caches and matcher reflect
    versions: dict[str, int] = field(default_factory=dict)
    arguments_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # matcher edits: commands vs reloads
    counters: Counter[str] = field(default_factory=Counter)
    batcher: MatchBatcher = field(default_factory=MatchBatcher)  # chat messages, matched in batches
    _channel_locks: dict[tuple[str, str], asyncio.Lock] = field(default_factory=dict)
    _feedback: ScopeCache[str, dict[str, int]] = field(default_factory=ScopeCache)  # workspace -> argument -> net
    triggers: ScopeCache[str, list[Any]] = field(default_factory=ScopeCache)  # workspace -> TriggerSpecs
    channels: ScopeCache[tuple[str, str], ChannelState | None] = field(default_factory=lambda: ScopeCache(50_000))
    debates: ScopeCache[tuple[str, str | None, str], DebateState | None] = field(
        default_factory=lambda: ScopeCache(50_000))
    # replies claimed by this process and not posted yet, by (platform, workspace, channel, source message)
    claims: ScopeCache[tuple[str, str, str, str], ReplyRef] = field(default_factory=ScopeCache)
    # channels this process itself answered, until when their cooldown surely lasts
    cooling: ScopeCache[tuple[str, str], datetime] = field(default_factory=lambda: ScopeCache(50_000))

    def now(self) -> datetime:
        return self.clock()

    def channel_lock(self, workspace_id: str, channel_id: str) -> asyncio.Lock:
        """One lock per channel: auto-reply decisions there happen one at a time."""
        return self._channel_locks.setdefault((workspace_id, channel_id), asyncio.Lock())

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """`db.write()`, then the scopes the transaction bumped are refreshed here at once (others poll)."""
        async with self.db.write() as session:
            yield session
        for scope, version in state_repo.bumped(session).items():
            self.forget(scope)
            if self.versions.get(scope, 0) == version - 1:  # nobody else changed it in between
                self.versions[scope] = version

    def forget(self, scope: str) -> None:
        """Empty the cache of one scope (the matcher's arguments are reloaded, not cached here)."""
        if scope == state_repo.FEEDBACK:
            self._feedback.clear()
        elif scope == state_repo.TRIGGERS:
            self.triggers.clear()
        elif scope == state_repo.CHANNELS:
            self.channels.clear()
            self.cooling.clear()
        elif scope == state_repo.DEBATES:
            self.debates.clear()

    async def boosts(self, workspace_id: str) -> dict[str, float]:
        """Feedback multipliers for the arguments of one workspace."""
        async def load() -> dict[str, int]:
            async with self.db.read() as session:
                return await net_scores(session, workspace_id)
        nets = await self._feedback.get(workspace_id, load)
        return {arg: feedback_factor(net) for arg, net in nets.items() if net}

    async def channel_state(self, workspace_id: str, channel_id: str) -> ChannelState | None:
        """The channel's switch and cooldown (None: never set), from the cache."""
        return (await self.message_state(workspace_id, None, channel_id, debate=False))[1]

    async def debate_state(self, workspace_id: str, thread_id: str | None, channel_id: str) -> DebateState | None:
        """The debate living in this thread (or channel, where threads are channels), from the cache."""
        return (await self.message_state(workspace_id, thread_id, channel_id, channel=False))[0]

    async def message_state(self, workspace_id: str, thread_id: str | None, channel_id: str, *,
                            debate: bool = True, channel: bool = True) -> tuple[DebateState | None,
                                                                                ChannelState | None]:
        """The debate of a message's thread and its channel's settings, from the caches; whatever is missing
        is read in one session."""
        debate_key, channel_key = (workspace_id, thread_id, channel_id), (workspace_id, channel_id)
        has_debate, found_debate = self.debates.lookup(debate_key) if debate else (True, None)
        has_channel, found_channel = self.channels.lookup(channel_key) if channel else (True, None)
        if has_debate and has_channel:
            return found_debate, found_channel
        debates_at, channels_at = self.debates.generation, self.channels.generation
        async with self.db.read() as session:
            if not has_debate:
                row = await debates_repo.debate_for_thread(session, workspace_id, thread_id, channel_id)
                found_debate = None if row is None else DebateState(row.id, row.status)
                self.debates.store(debate_key, found_debate, debates_at)
            if not has_channel:
                setting = await channels_repo.get_channel(session, workspace_id, channel_id)
                found_channel = None if setting is None else ChannelState(setting.autoreply, setting.cooldown_seconds)
                self.channels.store(channel_key, found_channel, channels_at)
        return found_debate, found_channel

    def visible(self, argument: Argument, workspace_id: str | None) -> bool:
        return argument.workspace_id is None or argument.workspace_id == workspace_id

    def argument(self, argument_id: str, workspace_id: str | None) -> Argument | None:
        """An argument this workspace can see (curated, or added by its own moderators)."""
        found = self.matcher.argmap.get(argument_id)
        return found if found is not None and self.visible(found, workspace_id) else None

    def countered_by(self, argument_id: str, workspace_id: str | None) -> list[Argument]:
        return [a for a in self.matcher.argmap.countered_by(argument_id) if self.visible(a, workspace_id)]
