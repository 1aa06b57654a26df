"""Slack HTTP mode: verify each request's signature (odd headers get 401, never 500) and run a signed request
once: its signature is remembered in the shared database, so a replay within the 5-minute window gets 200
and nothing else, on whichever worker it lands."""
from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import delete, insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.db.models import RequestSignature
from bot.db.types import utcnow

if TYPE_CHECKING:
    from bot.db.engine import Database

log = logging.getLogger(__name__)

WINDOW_SECONDS = 5 * 60  # Slack's own limit on a request's age
KEEP = timedelta(minutes=10)  # remembered at least twice the window
PRUNE_EVERY = timedelta(minutes=1)
MAX_BATCH = 200  # signatures per INSERT (well under SQLite's 32,766 bound parameters)
_UPSERTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


class SeenSignatures:
    """Request signatures already handled, in the `request_signatures` table shared by every worker.

    Requests that arrive while a batch is being written form the next batch, written in one transaction
    (a burst costs one database round trip per batch rather than one per request)."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow):
        self._db = db
        self._clock = clock
        self._pruned_at: datetime | None = None
        self._waiting: list[tuple[str, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def first_time(self, key: str) -> bool:
        """Remember `key`; False if some worker already had (a replay)."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((key, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches(), name="counterpoint-request-signatures")
        return await future

    async def _write_batches(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                new = await self._remember(list(dict.fromkeys(key for key, _ in batch)))
            except Exception as exc:  # every request of the batch learns why
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for key, future in batch:
                first = key in new
                new.discard(key)  # the same signature twice in one batch: the second is a replay
                if not future.done():
                    future.set_result(first)

    async def _remember(self, keys: list[str]) -> set[str]:
        """Insert `keys` (distinct); the ones no worker had seen."""
        now = self._clock()
        upsert = _UPSERTS.get(self._db.engine.dialect.name)
        new: set[str] = set()
        if upsert is not None:
            # ON CONFLICT DO NOTHING rather than catching the duplicate key: a failed statement leaves
            # aiosqlite's cursor to be finalised on the event loop, which can stall it behind a lock.
            statement = (upsert(RequestSignature).values([{"signature": k, "seen_at": now} for k in keys])
                         .on_conflict_do_nothing().returning(RequestSignature.signature))
            async with self._db.write() as session:
                new.update((await session.execute(statement)).scalars())
        else:
            for key in keys:
                try:
                    async with self._db.write() as session:
                        await session.execute(insert(RequestSignature).values(signature=key, seen_at=now))
                    new.add(key)
                except IntegrityError:
                    pass
        if new and (self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY):
            self._pruned_at = now
            async with self._db.write() as session:
                await session.execute(delete(RequestSignature).where(RequestSignature.seen_at < now - KEEP))
        return new


def _header(req: AsyncBoltRequest, name: str) -> str:
    values = req.headers.get(name) or [""]
    return str(values[0])


def replay_key(req: AsyncBoltRequest, signature: str) -> str:
    """The signature; for an Events API delivery also Slack's retry number, because a retry sent within the
    same second is signed identically (events are de-duplicated by event id further on)."""
    retry = _header(req, "x-slack-retry-num")
    is_event = isinstance(req.body, dict) and "event_id" in req.body
    return f"{signature}#retry{retry[:8]}" if is_event and retry else signature


class VerifyOnce(AsyncMiddleware):
    """Replaces Bolt's request verification: 401 for a bad or missing signature or timestamp (including a
    non-numeric one, which Bolt turns into a 500), 200 with an empty body for a replay."""

    def __init__(self, signing_secret: str, seen: SeenSignatures, now: Callable[[], float] = time.time):
        self._verifier = SignatureVerifier(signing_secret)
        self._seen = seen
        self._now = now

    def _verified(self, req: AsyncBoltRequest) -> str | None:
        """The request's signature when it is valid and fresh, else None."""
        timestamp, signature = _header(req, "x-slack-request-timestamp"), _header(req, "x-slack-signature")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) or not signature:
            return None
        if abs(self._now() - int(timestamp)) > WINDOW_SECONDS:
            return None
        try:
            expected = self._verifier.generate_signature(timestamp=timestamp, body=req.raw_body)
            ok = expected is not None and hmac.compare_digest(expected.encode(), signature.encode())
        except (TypeError, ValueError):  # e.g. a body that is not UTF-8
            return None
        return signature if ok else None

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse,
                            next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:  # noqa: A002
        if req.mode == "socket_mode":  # authenticated by the socket itself
            return await next()
        signature = self._verified(req)
        if signature is None:
            log.info("refused a Slack request with a missing, stale or wrong signature")
            return BoltResponse(status=401, body={"error": "invalid request"})
        try:
            first = await self._seen.first_time(replay_key(req, signature))
        except (SQLAlchemyError, OSError) as exc:  # the database is down: answer rather than fail the request
            log.warning("could not check request signature for replay (%s); handling it", exc.__class__.__name__)
            first = True
        if not first:
            log.info("replayed Slack request ignored")
            return BoltResponse(status=200, body="")
        return await next()
