"""Messages that arrive while the database is unreachable wait (bounded, oldest dropped) and are answered after."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import exc as sa_exc

log = logging.getLogger(__name__)
T = TypeVar("T")
_SQLITE_TRANSIENT = ("locked", "busy", "unable to open", "disk i/o")


def is_outage(error: BaseException) -> bool:
    """True when `error` means the database cannot be reached right now (not that the request was bad)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (OSError, asyncio.TimeoutError, sa_exc.TimeoutError, sa_exc.InterfaceError)):
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, sqlite3.OperationalError):
            return any(word in str(current).lower() for word in _SQLITE_TRANSIENT)
        if isinstance(current, sa_exc.OperationalError) and not isinstance(current.orig, sqlite3.OperationalError):
            return True  # PostgreSQL: connection failures, server shutting down or starting up
        module, name = type(current).__module__, type(current).__name__
        if module.startswith("asyncpg") and ("Connection" in name or "CannotConnectNow" in name
                                             or "AdminShutdown" in name or "CrashShutdown" in name):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


@dataclass(eq=False)
class _Ticket:
    received: float
    label: str
    future: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class HeldMessages:
    """While the database is unreachable, work waits here in arrival order for it to come back.

    At most `capacity` items wait; a newer one pushes the oldest out, and one that has waited `max_age`
    seconds since it arrived is given up; both are logged and counted in `dropped`.
    """

    def __init__(self, probe: Callable[[], Awaitable[object]], *, capacity: int, max_age: float,
                 retry_interval: float = 0.5) -> None:
        self._probe = probe
        self.capacity = max(1, capacity)
        self.max_age = max_age
        self.retry_interval = retry_interval
        self._waiting: deque[_Ticket] = deque()
        self._watcher: asyncio.Task[None] | None = None
        self.dropped = 0  # messages given up: pushed out by newer ones, or held longer than max_age
        self.recovered = 0  # messages answered after waiting for the database

    @property
    def held(self) -> int:
        """Messages waiting for the database now."""
        return len(self._waiting)

    async def run(self, work: Callable[[], Awaitable[T]], *, label: str, received: float | None = None) -> T | None:
        """`work()`; while it fails because the database is unreachable, wait for the database and try again.
        None when the message was dropped (too old, or pushed out)."""
        received = time.monotonic() if received is None else received
        waited = False
        while True:
            try:
                result = await work()
            except Exception as error:
                if not is_outage(error):
                    raise
                if not await self._wait(received, label, error):
                    return None
                waited = True
                continue
            if waited:
                self.recovered += 1
            return result

    async def _wait(self, received: float, label: str, error: BaseException) -> bool:
        if time.monotonic() - received >= self.max_age:
            self._drop(_Ticket(received, label), "it waited too long")
            return False
        if not self._waiting:
            log.warning("database unreachable (%s); holding incoming messages for up to %.0f s",
                        type(error).__name__, self.max_age)
        ticket = _Ticket(received, label)
        self._waiting.append(ticket)
        while len(self._waiting) > self.capacity:
            self._drop(self._waiting.popleft(), f"more than {self.capacity} messages are waiting")
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._watch(), name="counterpoint-held-messages")
        try:
            return await ticket.future
        finally:
            with contextlib.suppress(ValueError):
                self._waiting.remove(ticket)

    def _drop(self, ticket: _Ticket, why: str) -> None:
        self.dropped += 1
        log.warning("dropped message %s after %.0f s without a database (%s); %d dropped so far",
                    ticket.label, time.monotonic() - ticket.received, why, self.dropped)
        if not ticket.future.done():
            ticket.future.set_result(False)

    async def _watch(self) -> None:
        """Probe the database until it answers, giving up on messages as they pass max_age; then release all."""
        while self._waiting:
            await asyncio.sleep(self.retry_interval)
            now = time.monotonic()
            while self._waiting and now - self._waiting[0].received >= self.max_age:
                self._drop(self._waiting.popleft(), "it waited too long")
            if not self._waiting:
                return
            try:
                await self._probe()
            except Exception as error:
                if not is_outage(error):
                    log.warning("database probe failed: %s", error)
                continue
            log.warning("database reachable again; answering %d held message(s)", len(self._waiting))
            while self._waiting:  # in arrival order
                ticket = self._waiting.popleft()
                if not ticket.future.done():
                    ticket.future.set_result(True)
            return

    async def close(self) -> None:
        """Give up on everything still waiting (shutdown)."""
        for ticket in list(self._waiting):
            if not ticket.future.done():
                ticket.future.set_result(False)
        self._waiting.clear()
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._watcher
