"""Chat messages matched together: those that arrive while one batch is matched in a thread form the next one."""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.match.matcher import Matcher
from bot.match.types import MatchResult

MAX_BATCH = 64  # the matcher scores up to this many messages in one set of array operations


@dataclass(slots=True)
class _Group:
    matcher: Matcher
    workspace_id: str | None
    limit: int
    boosts: Mapping[str, float] | None
    items: list[tuple[str, asyncio.Future[MatchResult]]] = field(default_factory=list)


class MatchBatcher:
    """`match()` answers exactly as `matcher.match()` would, but off the event loop (the loop keeps acking
    events while the embedding model runs) and, under a burst, many messages per `match_many` call (a
    batch costs far less per message than one-by-one). A lone message is matched at once."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._groups: dict[tuple[int, str | None, int, tuple[tuple[str, float], ...]], _Group] = {}
        self._worker: asyncio.Task[None] | None = None
        self.batches = 0
        self.matched = 0

    async def match(self, matcher: Matcher, text: str, *, limit: int, workspace_id: str | None,
                    boosts: Mapping[str, float] | None) -> MatchResult:
        key = (id(matcher), workspace_id, limit, tuple(sorted((boosts or {}).items())))
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(matcher, workspace_id, limit, boosts)
        future: asyncio.Future[MatchResult] = asyncio.get_running_loop().create_future()
        group.items.append((text, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name="counterpoint-match-batches")
        return await future

    async def _drain(self) -> None:
        while self._groups:
            key = next(iter(self._groups))
            group = self._groups[key]
            batch, group.items = group.items[:self.max_batch], group.items[self.max_batch:]
            if not group.items:
                del self._groups[key]
            try:
                results = await asyncio.to_thread(group.matcher.match_many, [text for text, _ in batch],
                                                  limit=group.limit, workspace_id=group.workspace_id,
                                                  boosts=group.boosts)
            except Exception as exc:  # every message of the batch learns why
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self.batches += 1
            self.matched += len(batch)
            for (_, future), result in zip(batch, results):
                if not future.done():
                    future.set_result(result)
