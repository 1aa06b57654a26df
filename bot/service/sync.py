"""Keeping one worker's view of shared state current: poll the change counters, and LISTEN on PostgreSQL."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.engine import make_url

from bot.db.engine import Database
from bot.db.repos import state as state_repo

log = logging.getLogger(__name__)
Apply = Callable[[str, int], Awaitable[None]]
LISTEN_RETRY_SECONDS = 5.0
CLOSE_SECONDS = 5.0  # how long close() waits for its cancelled tasks


def _asyncpg_options(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    options = {"host": parsed.host, "port": parsed.port, "user": parsed.username, "password": parsed.password,
               "database": parsed.database, "ssl": parsed.query.get("ssl") or parsed.query.get("sslmode")}
    return {k: v for k, v in options.items() if v is not None}


class StateSync:
    """A background task that reads every scope's version (one small SELECT) each `interval` seconds and
    calls `apply(scope, version)` for each scope whose version differs from `known`; on PostgreSQL a
    LISTEN connection wakes it as soon as a writer's NOTIFY arrives (polling continues regardless, so a
    lost listener only costs latency)."""

    def __init__(self, db: Database, known: dict[str, int], apply: Apply, *, interval: float) -> None:
        self._db = db
        self.known = known
        self._apply = apply
        self._interval = max(interval, 0.05)
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._failing = False
        self.listening = False  # a LISTEN connection is open (PostgreSQL)

    def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._poll(), name="counterpoint-state-poll"))
        if make_url(self._db.url).get_backend_name() == "postgresql":
            self._tasks.append(asyncio.create_task(self._listen(), name="counterpoint-state-listen"))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:  # bounded: a task that ignores its cancellation must not hang shutdown
            await asyncio.wait(self._tasks, timeout=CLOSE_SECONDS)
        for task in self._tasks:
            if task.done() and not task.cancelled():
                task.exception()  # retrieved, so asyncio does not log it as never retrieved
        self._tasks.clear()

    def wake(self) -> None:
        """Check the versions now rather than at the next tick."""
        self._wake.set()

    async def check(self) -> list[str]:
        """Apply every scope that changed since it was last seen; the scopes applied."""
        async with self._db.read() as session:
            current = await state_repo.versions(session)
        changed = [scope for scope, version in current.items() if self.known.get(scope, 0) != version]
        for scope in changed:
            await self._apply(scope, current[scope])
        return changed

    async def _poll(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on 3.11 a wait_for cancelled as its timer fires can hang close()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.check()
            except Exception as exc:  # the database may be restarting: keep the caches, try again next tick
                if not self._failing:
                    log.warning("cannot check shared state for changes: %s: %s", type(exc).__name__,
                                str(exc).splitlines()[0] if str(exc) else "")
                self._failing = True
            else:
                if self._failing:
                    log.warning("shared state checks work again")
                self._failing = False

    async def _listen(self) -> None:
        import asyncpg

        while True:
            closed = asyncio.Event()
            connection = None
            try:
                connection = await asyncpg.connect(**_asyncpg_options(self._db.url), timeout=10)
                connection.add_termination_listener(lambda _conn: closed.set())
                await connection.add_listener(state_repo.NOTIFY_CHANNEL, lambda *_args: self._wake.set())
                self.listening = True
                self._wake.set()  # whatever changed while no listener was open
                await closed.wait()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("LISTEN %s unavailable: %s", state_repo.NOTIFY_CHANNEL, exc)
            finally:
                self.listening = False
                if connection is not None and not connection.is_closed():
                    connection.terminate()  # a LISTEN connection has nothing to finish
            await asyncio.sleep(LISTEN_RETRY_SECONDS)
