"""While PostgreSQL is unreachable, messages wait in a bounded queue and are answered once it is back.

The service talks to PostgreSQL through a TCP proxy on loopback; cutting the proxy (every connection
dropped, new ones refused) is the database going away, restoring it on the same port is the restart.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from sqlalchemy.engine import make_url

from bot.service import CounterpointService
from pg_scratch import needs_postgres, scratch_database
from service_helpers import make_settings, msg

pytestmark = needs_postgres
CLAIM = "Open-sourcing these models is reckless: terrorists could use them to make biological weapons."


class Proxy:
    """Forwards 127.0.0.1:`port` to the database server until cut."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    async def start(self) -> "Proxy":
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with suppress(OSError, asyncio.IncompleteReadError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._open -= {writer, up_writer}

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._open):
            writer.transport.abort()
        await self._server.wait_closed()

    async def close(self) -> None:
        await self.cut()


async def until(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def proxied_service(url: str, tmp_path, corpus, **overrides):
    parsed = make_url(url)
    proxy = await Proxy(parsed.host or "127.0.0.1", parsed.port or 5432).start()
    through = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = make_settings(tmp_path, database_url=through, embeddings="off", auto_reply_default="on",
                             auto_reply_cooldown_seconds=0, **overrides)
    return proxy, await CounterpointService.start(settings, corpus=corpus)


async def test_messages_of_a_short_outage_are_answered_after_it(tmp_path, corpus):
    async with scratch_database() as url:
        proxy, service = await proxied_service(url, tmp_path, corpus)
        try:
            assert await service.handle_message(msg(CLAIM, channel="C-before")) is not None
            await proxy.cut()
            during = [asyncio.create_task(service.handle_message(msg(CLAIM, channel=f"C-out-{i}"))) for i in range(5)]
            await until(lambda: service.metrics["messages_held"] == 5)
            assert not any(t.done() for t in during)
            await proxy.start()  # the database is back, on the same address
            replies = await asyncio.wait_for(asyncio.gather(*during), 15)
            assert [r.cards[0].argument_id for r in replies] == ["misuse-bioweapons"] * 5
            assert service.metrics["messages_recovered"] == 5 and service.metrics["messages_dropped"] == 0
            assert service.metrics["messages_held"] == 0
            # and each was recorded once, as any answer is
            assert await service.handle_message(msg(CLAIM, channel="C-after")) is not None
        finally:
            await service.close()
            await proxy.close()


async def test_past_the_bound_the_oldest_held_message_is_dropped(tmp_path, corpus, caplog):
    async with scratch_database() as url:
        proxy, service = await proxied_service(url, tmp_path, corpus, held_messages_max=3)
        try:
            assert await service.handle_message(msg(CLAIM, channel="C-before")) is not None
            await proxy.cut()
            during = []
            with caplog.at_level(logging.WARNING, logger="bot.service.outage"):
                for i in range(5):  # one at a time, so "oldest" is well defined
                    during.append(asyncio.create_task(service.handle_message(msg(CLAIM, channel=f"C-out-{i}"))))
                    await until(lambda: service.metrics["messages_held"] + service.metrics["messages_dropped"]
                                == len(during))
                await until(lambda: during[0].done() and during[1].done())
                assert service.metrics["messages_dropped"] == 2 and service.metrics["messages_held"] == 3
                await proxy.start()
                replies = await asyncio.wait_for(asyncio.gather(*during), 15)
            assert replies[:2] == [None, None]
            assert all(r is not None for r in replies[2:])
            assert service.metrics["messages_recovered"] == 3
            dropped = [r.getMessage() for r in caplog.records if "dropped message" in r.getMessage()]
            assert len(dropped) == 2 and "C-out-0" in dropped[0] and "C-out-1" in dropped[1]
        finally:
            await service.close()
            await proxy.close()


async def test_a_message_held_longer_than_allowed_is_dropped(tmp_path, corpus):
    async with scratch_database() as url:
        proxy, service = await proxied_service(url, tmp_path, corpus, held_messages_seconds=0.5)
        try:
            await proxy.cut()
            reply = await asyncio.wait_for(service.handle_message(msg(CLAIM, channel="C-long")), 15)
            assert reply is None and service.metrics["messages_dropped"] == 1
            await proxy.start()
            assert await service.handle_message(msg(CLAIM, channel="C-later")) is not None
        finally:
            await service.close()
            await proxy.close()
