"""Per-process caches of shared state, each emptied when its scope's version changes (this worker or another)."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ScopeCache(Generic[K, V]):
    """A bounded LRU map. A value read from the database before the last `clear()` is never stored, so a
    read racing a change cannot bring the old state back."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._data: OrderedDict[K, V] = OrderedDict()
        self._generation = 0

    def clear(self) -> None:
        self._data.clear()
        self._generation += 1

    def __len__(self) -> int:
        return len(self._data)

    @property
    def generation(self) -> int:
        """Changes at every `clear()`: take it before reading the database, hand it to `store()`."""
        return self._generation

    def lookup(self, key: K) -> tuple[bool, V | None]:
        """(True, value) when cached (the value may be None), else (False, None)."""
        if key in self._data:
            self._data.move_to_end(key)
            return True, self._data[key]
        return False, None

    def peek(self, key: K) -> V | None:
        return self._data.get(key)

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self._capacity:
            self._data.popitem(last=False)

    def store(self, key: K, value: V, generation: int) -> None:
        """Cache a value read from the database, unless the cache was cleared since `generation`."""
        if generation == self._generation:
            self.put(key, value)

    def pop(self, key: K) -> V | None:
        return self._data.pop(key, None)

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, or `load()`'s (stored unless the cache was cleared meanwhile)."""
        found, value = self.lookup(key)
        if found:
            return value  # type: ignore[return-value]
        generation = self._generation
        value = await load()
        self.store(key, value, generation)
        return value


@dataclass(frozen=True, slots=True)
class ChannelState:
    """A channel's auto-reply switch and cooldown (None: the configured default)."""

    autoreply: bool | None
    cooldown_seconds: int | None


@dataclass(frozen=True, slots=True)
class DebateState:
    """The debate a thread belongs to, as the auto-reply path needs it."""

    id: int
    status: str
