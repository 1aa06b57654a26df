"""Event de-duplication across Slack retries, and a record of what each delivery led to."""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(slots=True)
class Handling:
    """The outcome of one delivery, set by the handler while it runs."""

    outcome: str = "done"


class DeliveryLog:
    """Remembers recent event ids so a retried delivery is answered once.

    Each handled delivery also records an outcome ("replied", "silent", "ignored: ...",
    "duplicate", ...) that callers can await: a graceful shutdown drains on it and tests use
    it to know an event was fully processed without sleeping.
    """

    def __init__(self, capacity: int = 5000) -> None:
        self._capacity = capacity
        self._claimed: OrderedDict[str, None] = OrderedDict()
        self._outcomes: OrderedDict[str, list[str]] = OrderedDict()
        self._changed = asyncio.Condition()
        self._in_flight = 0

    def claim(self, event_id: str) -> bool:
        """True the first time `event_id` is seen (the caller handles it), False for a repeat."""
        if event_id in self._claimed:
            self._claimed.move_to_end(event_id)
            return False
        self._claimed[event_id] = None
        while len(self._claimed) > self._capacity:
            self._claimed.popitem(last=False)
        return True

    def release(self, event_id: str) -> None:
        """Forget a claim whose handling failed, so Slack's retry gets another chance."""
        self._claimed.pop(event_id, None)

    @asynccontextmanager
    async def handling(self, key: str) -> AsyncIterator[Handling]:
        """Track one delivery of `key`; its outcome is recorded when the block ends (errors too)."""
        self._in_flight += 1
        state = Handling()
        try:
            yield state
        except BaseException as exc:
            state.outcome = f"error: {type(exc).__name__}"
            raise
        finally:
            self._in_flight -= 1
            await self._record(key, state.outcome)

    async def _record(self, key: str, outcome: str) -> None:
        async with self._changed:
            self._outcomes.setdefault(key, []).append(outcome)
            self._outcomes.move_to_end(key)
            while len(self._outcomes) > self._capacity:
                self._outcomes.popitem(last=False)
            self._changed.notify_all()

    def outcomes(self, key: str) -> list[str]:
        return list(self._outcomes.get(key, ()))

    async def wait(self, key: str, count: int = 1, timeout: float = 10.0) -> list[str]:
        """The outcomes of `key` once at least `count` deliveries of it have been handled."""
        async def ready() -> list[str]:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self._outcomes.get(key, ())) >= count)
                return list(self._outcomes[key])
        return await asyncio.wait_for(ready(), timeout)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait until no delivery is being handled (used on shutdown)."""
        async def idle() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self._in_flight == 0)
        try:
            await asyncio.wait_for(idle(), timeout)
        except asyncio.TimeoutError:
            pass
